package chat

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleychat/parley"
)

// writer is the group-commit writer of the message path. Concurrent writes
// queue up while a transaction runs; the next transaction takes every
// queued write (up to maxBatch) and commits them together, with one sync to
// disk. Ids stay dense and in commit order because one goroutine owns the
// write transaction. Optionally (withPipeline), with a store that can
// commit before the sync (logSyncer), the sync runs on a goroutine of its own while the next batch
// runs, and one sync serves every batch committed while the last one ran;
// a write is answered only after the sync that follows its commit. A batch
// with nothing queued behind it is synced by the writer itself.
//
// Each job runs under a savepoint of the batch's transaction. A job that
// fails by a rule (a *parley.Error not of KindInternal) or panics is rolled
// back to its savepoint, so it wrote nothing, and the others of its batch go
// on and commit. Any other failure (the store's) may have broken the
// transaction: the batch rolls back, and each of its jobs is then retried
// alone, so one broken write can't fail its neighbours.
type writer struct {
	store parley.Store
	log   *slog.Logger
	// afterAppend queues the webhook deliveries of the messages a batch
	// appends, in its transaction; committed is called after a batch that
	// queued some committed.
	afterAppend func(ctx context.Context, tx parley.Tx, appID string, ms ...*parley.Message) error
	committed   func()
	jobs        chan *writeJob
	stop        chan struct{}
	done        chan struct{}
	once        sync.Once

	// pipeline: sync beside the next batch when the store can (withPipeline).
	pipeline bool
	// unsynced, when the store has it, commits a batch without waiting for
	// the disk, and syncLog syncs what was committed (see logSyncer); the
	// syncer goroutine answers committed batches from synced once synced.
	unsynced   func(ctx context.Context, fn func(tx parley.Tx) error) error
	syncLog    func(ctx context.Context) error
	synced     chan committedBatch
	syncerDone chan struct{}
	// inFlight counts the batches handed to the syncer and not yet
	// answered; syncIdle gets a token when it falls to zero.
	inFlight atomic.Int64
	syncIdle chan struct{}

	// batches transactions committed (or tried), the writes they ran, and
	// the writes run again alone after their batch failed.
	batches, writes, retries atomic.Int64
}

type writeJob struct {
	ctx context.Context
	fn  func(ctx context.Context, tx parley.Tx) error
	err chan error
}

// maxBatch bounds the writes one transaction takes.
const maxBatch = 512

// pipelineAfter is how long a new batch waits for the sync in flight
// before it starts anyway: a sync that ends sooner lets the jobs queued
// meanwhile join the batch (bigger batches cost less per write); a slower
// one (a disk busy elsewhere) no longer holds the writer up.
const pipelineAfter = time.Millisecond

// maxUnsynced bounds the batches committed and waiting for their sync: past
// it the writer waits for the disk instead of committing more.
const maxUnsynced = 64

// logSyncer is a store whose transactions can commit without waiting for
// the sync of the log to disk (store/sqlite: InTxUnsynced, SyncLog). The
// writer then pipelines: while one goroutine syncs the batches committed
// so far, the writer runs the next, and a batch's writes are answered only
// once a sync that began after their commit returned, so that no write is
// acknowledged before it is durable. Without it each batch commits and
// syncs in InTx before the next begins.
type logSyncer interface {
	InTxUnsynced(ctx context.Context, fn func(tx parley.Tx) error) error
	SyncLog(ctx context.Context) error
}

// committedBatch is a batch whose transaction ended, waiting for the sync
// before its jobs are answered.
type committedBatch struct {
	jobs []*writeJob
	errs []error
	// enqueued: webhook deliveries were queued (committed is called).
	enqueued bool
}

// errClosed answers writes after Close, and those still queued at Close.
var errClosed = &parley.Error{Kind: parley.KindUnavailable, Code: parley.CodeUnavailable,
	Message: "the server is shutting down; try again"}

// newWriter starts a writer; opts set its hooks before it starts.
func newWriter(st parley.Store, log *slog.Logger, opts ...func(*writer)) *writer {
	w := &writer{store: st, log: log, jobs: make(chan *writeJob, maxBatch), stop: make(chan struct{}), done: make(chan struct{}),
		synced: make(chan committedBatch, maxUnsynced), syncerDone: make(chan struct{}), syncIdle: make(chan struct{}, 1)}
	for _, o := range opts {
		o(w)
	}
	w.unsynced = st.InTx
	if ls, ok := st.(logSyncer); ok && w.pipeline {
		w.unsynced, w.syncLog = ls.InTxUnsynced, ls.SyncLog
	}
	go w.syncer()
	go w.loop()
	return w
}

// withPipeline lets the writer pipeline its syncs when the store can
// (logSyncer).
func withPipeline(on bool) func(*writer) {
	return func(w *writer) { w.pipeline = on }
}

// withHooks sets a writer's afterAppend and committed.
func withHooks(afterAppend func(ctx context.Context, tx parley.Tx, appID string, ms ...*parley.Message) error,
	committed func()) func(*writer) {
	return func(w *writer) { w.afterAppend, w.committed = afterAppend, committed }
}

// do runs fn in a shared write transaction and returns its error once the
// transaction committed (or failed). fn must use the ctx and tx it is
// given: ctx is the caller's without its cancellation (see run).
func (w *writer) do(ctx context.Context, fn func(ctx context.Context, tx parley.Tx) error) error {
	j := &writeJob{ctx: ctx, fn: fn, err: make(chan error, 1)}
	select {
	case <-w.stop:
		return errClosed
	default:
	}
	select {
	case w.jobs <- j:
	case <-w.stop:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the job runs: wait for its outcome even if ctx ends, so
	// the caller never reports failure for a write that committed. Only a
	// writer that stopped without taking the job answers errClosed.
	select {
	case err := <-j.err:
		return err
	case <-w.done:
		select {
		case err := <-j.err:
			return err
		default:
			return errClosed
		}
	}
}

func (w *writer) loop() {
	defer close(w.done)
	defer func() {
		close(w.synced) // the syncer answers what was committed, then stops
		<-w.syncerDone
	}()
	for {
		// A Close wins over queued jobs: they fail rather than start.
		select {
		case <-w.stop:
			w.drain()
			return
		default:
		}
		// A new slice each batch: the syncer holds the last ones.
		batch := make([]*writeJob, 0, 16)
		select {
		case j := <-w.jobs:
			batch = append(batch, j)
		case <-w.stop:
			w.drain()
			return
		}
		w.awaitSync()
	fill:
		for len(batch) < maxBatch {
			select {
			case j := <-w.jobs:
				batch = append(batch, j)
			default:
				break fill
			}
		}
		w.batches.Add(1)
		w.writes.Add(int64(len(batch)))
		w.commit(batch)
	}
}

// drain fails the jobs still queued at Close.
func (w *writer) drain() {
	for {
		select {
		case j := <-w.jobs:
			j.err <- errClosed
		default:
			return
		}
	}
}

// commit runs a batch in one transaction and hands its jobs' outcomes to
// the syncer; when the transaction fails, it runs each job again alone.
func (w *writer) commit(batch []*writeJob) {
	errs := make([]error, len(batch))
	enqueued, err := w.runBatch(batch, errs)
	if err != nil && len(batch) > 1 {
		w.retries.Add(int64(len(batch)))
		for _, j := range batch {
			w.commit([]*writeJob{j})
		}
		return
	}
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
	}
	cb := committedBatch{jobs: batch, errs: errs, enqueued: enqueued}
	if w.syncLog == nil || (len(w.jobs) == 0 && w.inFlight.Load() == 0) {
		// Nothing waits behind this batch (and no earlier one waits for
		// its sync): sync here, sparing the hand-off to the syncer.
		w.finish([]committedBatch{cb})
		return
	}
	w.inFlight.Add(1)
	w.synced <- cb
}

// awaitSync gives the sync in flight, if any, up to pipelineAfter to end
// before the next batch starts.
func (w *writer) awaitSync() {
	if w.syncLog == nil || w.inFlight.Load() == 0 {
		return
	}
	t := time.NewTimer(pipelineAfter)
	defer t.Stop()
	for w.inFlight.Load() > 0 {
		select {
		case <-w.syncIdle: // maybe a token of an earlier round: look again
		case <-t.C:
			return
		}
	}
}

// syncer answers the committed batches once the log is synced: one sync
// for all the batches that committed while the last sync ran. It stops
// when the writer's loop closes synced, having answered every batch.
func (w *writer) syncer() {
	defer close(w.syncerDone)
	var pending []committedBatch
	for first := range w.synced {
		pending = append(pending[:0], first)
	more:
		for {
			select {
			case cb, ok := <-w.synced:
				if !ok {
					break more
				}
				pending = append(pending, cb)
			default:
				break more
			}
		}
		w.finish(pending)
		if w.inFlight.Add(-int64(len(pending))) == 0 {
			select {
			case w.syncIdle <- struct{}{}:
			default:
			}
		}
		clear(pending) // drop the jobs
	}
}

// finish syncs the log and answers the jobs of the committed batches, and
// calls committed when one of them queued webhook deliveries.
func (w *writer) finish(batches []committedBatch) {
	var err error
	if w.syncLog != nil {
		if err = w.syncLog(context.Background()); err != nil {
			w.log.Error("chat: syncing the committed writes failed", "err", err)
			err = parley.Internal(fmt.Errorf("chat: sync: %w", err))
		}
	}
	enqueued := false
	for _, cb := range batches {
		for i, j := range cb.jobs {
			if cb.errs[i] == nil && err != nil {
				// Committed, but maybe not on disk: not acknowledged.
				cb.errs[i] = err
			}
			j.err <- cb.errs[i]
		}
		enqueued = enqueued || cb.enqueued
	}
	if enqueued && err == nil && w.committed != nil {
		w.committed()
	}
}

// runBatch runs the jobs of a batch in one transaction, setting each job's
// outcome in errs, and returns the transaction's error and whether it
// queued webhook deliveries.
func (w *writer) runBatch(jobs []*writeJob, errs []error) (enqueued bool, err error) {
	defer func() {
		// A panic outside the jobs (the batch's append, the commit): the
		// transaction rolled back; fail the batch as a store failure.
		if p := recover(); p != nil {
			enqueued, err = false, w.panicked(context.Background(), p)
		}
	}()
	ctx := context.Background()
	var b *batch
	err = w.unsynced(ctx, func(stx parley.Tx) error {
		b = &batch{memo: map[string]any{}, afterAppend: w.afterAppend}
		for i, j := range jobs {
			if err := j.ctx.Err(); err != nil {
				errs[i] = err // abandoned before it started: skipped
				continue
			}
			var abort bool
			if abort, errs[i] = w.run(b, stx, j); abort {
				return errs[i]
			}
		}
		return (&batchTx{Tx: stx, batch: b}).flush(ctx)
	})
	return err == nil && b.enqueued, err
}

// jobFailed carries a job's own failure out of its savepoint, telling it
// apart from a failure of the savepoint itself.
type jobFailed struct {
	err      error
	panicked bool
}

func (e *jobFailed) Error() string { return e.err.Error() }
func (e *jobFailed) Unwrap() error { return e.err }

// run runs one started job under a savepoint of the batch's transaction,
// with its caller's context stripped of its cancellation: a caller that
// hangs up must not interrupt a statement of the shared transaction (in
// SQLite an interrupted write rolls back the whole transaction). A job that
// fails leaves nothing: its savepoint is rolled back and its pending
// messages dropped. run reports whether its failure aborts the batch.
func (w *writer) run(b *batch, stx parley.Tx, j *writeJob) (abort bool, err error) {
	ctx := context.WithoutCancel(j.ctx)
	mark := len(b.pending)
	err = stx.InSavepoint(ctx, func(tx parley.Tx) (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = &jobFailed{err: w.panicked(ctx, p), panicked: true}
			}
		}()
		if err := j.fn(ctx, &batchTx{Tx: tx, batch: b}); err != nil {
			return &jobFailed{err: err}
		}
		return nil
	})
	if err == nil {
		return false, nil
	}
	b.pending = b.pending[:mark]
	jf, ok := err.(*jobFailed) // not errors.As: a failed rollback joins its error to it
	switch {
	case !ok:
		return true, err // the savepoint failed: the transaction is suspect
	case jf.panicked || isRule(jf.err):
		return false, jf.err // undone by the savepoint; the batch goes on
	}
	return true, jf.err // the store failed: the transaction is suspect
}

// panicked logs a recovered panic with its stack and returns the internal
// error that answers it.
func (w *writer) panicked(ctx context.Context, p any) error {
	w.log.ErrorContext(ctx, "chat: a write panicked", "panic", p, "stack", string(debug.Stack()))
	return parley.Internal(fmt.Errorf("chat: write panicked: %v", p))
}

// WriteStats counts the work of the group-commit writer since the service
// started: Writes jobs (sends, edits, deletes) ran in Batches transactions,
// so Writes/Batches is the mean batch, which grows with the load. Retries
// counts the jobs run again alone after their batch failed.
type WriteStats struct {
	Batches, Writes, Retries int64
}

// WriteStats reports the group-commit writer's counts.
func (s *Service) WriteStats() WriteStats {
	return WriteStats{Batches: s.writer.batches.Load(), Writes: s.writer.writes.Load(), Retries: s.writer.retries.Load()}
}

// close stops the writer after the batch in flight; queued writes fail
// with errClosed.
func (w *writer) close() {
	w.once.Do(func() { close(w.stop) })
	<-w.done
}

// isRule reports whether err is a refusal by a rule (which writes nothing),
// as opposed to a failure of the store.
func isRule(err error) bool {
	e, ok := parley.AsError(err)
	return ok && e.Kind != parley.KindInternal
}

// batchTx is a job's view of the transaction of its batch: the job's
// savepoint, and the batch's shared state. The memo lets the jobs of a
// batch share what they read and the batch does not change (the group a
// message goes to, the sender's entity): writes to groups and users never
// run in the writer.
type batchTx struct {
	parley.Tx
	*batch
}

// batch is what the jobs of one transaction share.
type batch struct {
	memo        map[string]any
	pending     []pendingMessage
	afterAppend func(ctx context.Context, tx parley.Tx, appID string, ms ...*parley.Message) error
	enqueued    bool // webhook deliveries were queued (see hooks.go)
}

// pendingMessage is a checked message waiting for the batch's append.
type pendingMessage struct {
	appID string
	m     *parley.Message
}

// appendMessage appends m with its conversation's update: at once outside
// a batch; at the end of the batch, together with the batch's other
// messages, inside one. Either way m.ID is set when the write commits.
func appendMessage(ctx context.Context, tx parley.Tx, appID string, m *parley.Message) error {
	if b, ok := tx.(*batchTx); ok {
		b.pending = append(b.pending, pendingMessage{appID, m})
		return nil
	}
	return appendAndTouch(ctx, tx, appID, m)
}

// sendingIsReading is the rule of a send for its sender's receipts: their
// read watermark moves to their message, and the move is logged as a read
// receipt (but for action messages), so that the other side sees when
// everything before it was read.
const sendingIsReading = true

// appendAndTouch appends ms and records them as their conversations'
// newest messages.
func appendAndTouch(ctx context.Context, tx parley.Tx, appID string, ms ...*parley.Message) error {
	if err := tx.AppendMessages(ctx, appID, ms...); err != nil {
		return err
	}
	recordAppended(tx, appID, ms...)
	return tx.TouchConversation(ctx, appID, sendingIsReading, ms...)
}

// flush appends the batch's messages and touches their conversations: one
// call of each per app.
func (b *batchTx) flush(ctx context.Context) error {
	for len(b.pending) > 0 {
		appID := b.pending[0].appID
		var ms []*parley.Message
		var later []pendingMessage
		for _, p := range b.pending {
			if p.appID == appID {
				ms = append(ms, p.m)
			} else {
				later = append(later, p)
			}
		}
		if err := appendAndTouch(ctx, b.Tx, appID, ms...); err != nil {
			return err
		}
		if b.afterAppend != nil {
			if err := b.afterAppend(ctx, b, appID, ms...); err != nil {
				return err
			}
		}
		b.pending = later
	}
	return nil
}

// memoized returns the value of key, computing it with fn once per batch
// when tx is a batch (and every time otherwise). Errors are not kept.
func memoized[T any](tx parley.Tx, key string, fn func() (T, error)) (T, error) {
	b, ok := tx.(*batchTx)
	if !ok {
		return fn()
	}
	if v, ok := b.memo[key]; ok {
		return v.(T), nil
	}
	v, err := fn()
	if err == nil {
		b.memo[key] = v
	}
	return v, err
}

// pendingByMUID finds a message of this batch by its sender's client id.
func pendingByMUID(tx parley.Tx, appID, sender, muid string) *parley.Message {
	if b, ok := tx.(*batchTx); ok {
		for _, p := range b.pending {
			if p.appID == appID && p.m.Sender == sender && p.m.MUID == muid {
				return p.m
			}
		}
	}
	return nil
}

// isPending reports whether m waits in this batch already.
func isPending(tx parley.Tx, m *parley.Message) bool {
	if b, ok := tx.(*batchTx); ok {
		for _, p := range b.pending {
			if p.m == m {
				return true
			}
		}
	}
	return false
}
