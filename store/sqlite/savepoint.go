package sqlite

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/parleychat/parley"
)

// Savepoints. The message writer runs each job of a batch under one, so a
// job that fails leaves nothing; most jobs (sends) write nothing themselves
// (their messages are appended for the whole batch after the jobs), and
// SAVEPOINT and RELEASE cost as much as a read each. So a savepoint is
// opened only before the first write under it: InSavepoint pushes a
// deferred savepoint, and the first statement run through q.w opens every
// deferred one, outermost first. Writes go through q.w by the store's own
// rule (outside a transaction q.r is the read-only pool, and the
// conformance suite runs every write there).

// savepointName names every savepoint of ours. Savepoints nest strictly
// (each is released or rolled back to before its caller's), and SQLite's
// RELEASE and ROLLBACK TO act on the most recent savepoint of a name, so one
// name serves every depth, and its statements are prepared once.
const savepointName = "parley_job"

// InSavepoint runs fn under a savepoint; see parley.Tx. Outside a
// transaction it runs fn in one of its own.
func (q *queries) InSavepoint(ctx context.Context, fn func(tx parley.Tx) error) error {
	if q.tx == nil {
		return runTx(ctx, q.wc, nil, func(q *queries) error { return fn(q) })
	}
	depth := len(q.savepoints)
	q.savepoints = append(q.savepoints, false)
	// The message counters advanced under the savepoint are undone with it,
	// or the next append would leave a hole in the log.
	ids := maps.Clone(q.lastIDs)
	done := false
	defer func() {
		if !done { // fn panicked: undo its writes; the panic goes on
			q.endSavepoint(ctx, depth, ids, true)
		}
	}()
	err := fn(q)
	done = true
	if rerr := q.endSavepoint(ctx, depth, ids, err != nil); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

// endSavepoint ends the savepoint at depth: rolled back to (with the
// message counters as they were when it began) or released, if it was
// opened at all.
func (q *queries) endSavepoint(ctx context.Context, depth int, ids map[string]int64, rollback bool) error {
	opened := q.savepoints[depth]
	q.savepoints = q.savepoints[:depth]
	if rollback {
		q.lastIDs = ids
	}
	if err := q.spErr; err != nil {
		// Opening a savepoint failed: what ran under it may not be undone.
		if depth == 0 {
			q.spErr = nil
		}
		return err
	}
	if !opened {
		return nil // nothing was written under it
	}
	if rollback {
		if err := q.execSavepoint(ctx, "ROLLBACK TO "+savepointName); err != nil {
			return fmt.Errorf("sqlite: rollback to savepoint: %w", err)
		}
	}
	if err := q.execSavepoint(ctx, "RELEASE "+savepointName); err != nil {
		return fmt.Errorf("sqlite: release savepoint: %w", err)
	}
	return nil
}

// openSavepoints opens the deferred savepoints, before a write. A failure
// is kept in spErr and reported when the savepoints end.
func (q *queries) openSavepoints(ctx context.Context) {
	for i, opened := range q.savepoints {
		if opened || q.spErr != nil {
			continue
		}
		if err := q.execSavepoint(ctx, "SAVEPOINT "+savepointName); err != nil {
			q.spErr = fmt.Errorf("sqlite: savepoint: %w", err)
			return
		}
		q.savepoints[i] = true
	}
}

// execSavepoint runs a savepoint statement, prepared once a transaction.
func (q *queries) execSavepoint(ctx context.Context, stmt string) error {
	st, err := q.prepared(ctx, q.tx, stmt)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, stmt)
	return err
}
