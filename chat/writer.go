package chat

import (
	"context"
	"errors"
	"sync"

	"github.com/parleychat/parley"
)

// writer is the group-commit writer of the message path. Concurrent writes
// queue up while a transaction runs; the next transaction takes every
// queued write (up to maxBatch) and commits them together, with one sync to
// disk. Ids stay dense and in commit order because one goroutine owns the
// write transaction.
//
// A job must make every check before its first write: a job that fails with
// a rule error (*parley.Error) has written nothing, so the others of its
// batch commit. Any other failure aborts the batch, and each of its jobs is
// then retried alone, so one broken write can't fail its neighbours.
type writer struct {
	store parley.Store
	jobs  chan *writeJob
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
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
	case w.jobs <- j:
	case <-w.stop:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the job runs: wait for its outcome even if ctx ends, so
	// the caller never reports failure for a write that committed.
	return <-j.err
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
	err := w.store.InTx(context.Background(), func(tx parley.Tx) error {
		for i, j := range batch {
			if j.ctx.Err() != nil {
				errs[i] = j.ctx.Err() // abandoned before it ran: skip it
				continue
			}
			errs[i] = j.fn(tx)
			if _, rule := parley.AsError(errs[i]); errs[i] != nil && !rule {
				return errs[i]
			}
		}
		return nil
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

// close stops the writer after the batch in flight; queued writes fail.
func (w *writer) close() {
	w.once.Do(func() { close(w.stop) })
	<-w.done
}
