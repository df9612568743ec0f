package chat

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/parleychat/parley"
)

// writer is the group-commit writer of the message path. Concurrent writes
// queue up while a transaction runs; the next transaction takes every
// queued write (up to maxBatch) and commits them together, with one sync to
// disk. Ids stay dense and in commit order because one goroutine owns the
// write transaction.
//
// A job must make every check before its first write: a job that fails with
// a rule error (a *parley.Error not of KindInternal) has written nothing, so the others of its
// batch commit. Any other failure aborts the batch, and each of its jobs is
// then retried alone, so one broken write can't fail its neighbours.
type writer struct {
	store parley.Store
	jobs  chan *writeJob
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once

	batches, writes atomic.Int64 // transactions committed (or tried), and the jobs they ran
}

type writeJob struct {
	ctx context.Context
	fn  func(tx parley.Tx) error
	err chan error
}

// maxBatch bounds the writes one transaction takes.
const maxBatch = 512

// errClosed is returned for writes after Close.
var errClosed = errors.New("chat: service closed")

func newWriter(st parley.Store) *writer {
	w := &writer{store: st, jobs: make(chan *writeJob, maxBatch), stop: make(chan struct{}), done: make(chan struct{})}
	go w.loop()
	return w
}

// do runs fn in a shared write transaction and returns its error once the
// transaction committed (or failed).
func (w *writer) do(ctx context.Context, fn func(tx parley.Tx) error) error {
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
	batch := make([]*writeJob, 0, maxBatch)
	for {
		select {
		case j := <-w.jobs:
			batch = append(batch[:0], j)
		case <-w.stop:
			w.drain()
			return
		}
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

// commit runs a batch in one transaction.
func (w *writer) commit(batch []*writeJob) {
	errs := make([]error, len(batch))
	err := w.store.InTx(context.Background(), func(stx parley.Tx) error {
		tx := &batchTx{Tx: stx, memo: map[string]any{}}
		for i, j := range batch {
			if j.ctx.Err() != nil {
				errs[i] = j.ctx.Err() // abandoned before it ran: skip it
				continue
			}
			errs[i] = j.fn(tx)
			if errs[i] != nil && !isRule(errs[i]) {
				return errs[i]
			}
		}
		return tx.flush(context.Background())
	})
	if err != nil && len(batch) > 1 {
		for _, j := range batch {
			w.commit([]*writeJob{j})
		}
		return
	}
	for i, j := range batch {
		if err != nil {
			errs[i] = err
		}
		j.err <- errs[i]
	}
}

// WriteStats counts the work of the group-commit writer since the service
// started: Writes jobs (sends, edits, deletes) ran in Batches transactions,
// so Writes/Batches is the mean batch, which grows with the load.
type WriteStats struct {
	Batches, Writes int64
}

// WriteStats reports the group-commit writer's counts.
func (s *Service) WriteStats() WriteStats {
	return WriteStats{Batches: s.writer.batches.Load(), Writes: s.writer.writes.Load()}
}

// close stops the writer after the batch in flight; queued writes fail.
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

// batchTx is the transaction of one batch. Its memo lets the jobs of a batch
// share what they read and the batch does not change (the group a message
// goes to, the sender's entity): writes to groups and users never run in
// the writer.
type batchTx struct {
	parley.Tx
	memo    map[string]any
	pending []pendingMessage
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
