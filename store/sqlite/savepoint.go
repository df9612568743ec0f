package sqlite

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/parleychat/parley"
)

// savepointName names every savepoint of ours. Savepoints nest strictly
// (each is released or rolled back to before its caller's), and SQLite's
// RELEASE and ROLLBACK TO act on the most recent savepoint of a name, so one
// name serves every depth, and its three statements are prepared once.
const savepointName = "parley_job"

// InSavepoint runs fn under a savepoint; see parley.Tx. Outside a
// transaction it runs fn in one of its own.
func (q *queries) InSavepoint(ctx context.Context, fn func(tx parley.Tx) error) error {
	if q.tx == nil {
		return runTx(ctx, q.wc, nil, func(q *queries) error { return fn(q) })
	}
	if _, err := q.w.ExecContext(ctx, "SAVEPOINT "+savepointName); err != nil {
		return fail("savepoint", err)
	}
	// The message counters advanced under the savepoint are undone with it,
	// or the next append would leave a hole in the log.
	ids := maps.Clone(q.lastIDs)
	done := false
	defer func() {
		if !done { // fn panicked: undo its writes; the panic goes on
			q.rollbackTo(ctx, ids)
		}
	}()
	err := fn(q)
	done = true
	if err != nil {
		if rerr := q.rollbackTo(ctx, ids); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	if _, err := q.w.ExecContext(ctx, "RELEASE "+savepointName); err != nil {
		return fail("release savepoint", err)
	}
	return nil
}

// rollbackTo undoes the writes since the savepoint and ends it, restoring
// the message counters as they were when it began.
func (q *queries) rollbackTo(ctx context.Context, ids map[string]int64) error {
	q.lastIDs = ids
	if _, err := q.w.ExecContext(ctx, "ROLLBACK TO "+savepointName); err != nil {
		return fmt.Errorf("sqlite: rollback to savepoint: %w", err)
	}
	if _, err := q.w.ExecContext(ctx, "RELEASE "+savepointName); err != nil {
		return fmt.Errorf("sqlite: release savepoint: %w", err)
	}
	return nil
}
