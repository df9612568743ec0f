package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxCachedStmts bounds a pool's statement cache; statements past it (say,
// lists with IN clauses of every length) are prepared each time.
const maxCachedStmts = 512

// stmtCache holds the statements prepared on one pool, by their SQL.
// Parsing a statement costs more than running most of ours, so each is
// prepared once per connection and reused by every transaction: a
// transaction takes it with Tx.StmtContext, which reuses the connection's
// prepared copy.
type stmtCache struct {
	db     *sql.DB
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	wanted map[string]bool // met in a transaction, prepared after it
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: make(map[string]*sql.Stmt)}
}

// get returns the pool's statement for query, or nil when it has none yet
// (or the cache is full, or is a cache of none: migrations). A statement
// can't be prepared on the pool while a transaction holds the writer's one
// connection, so a missing one is noted and prepared by warm, after the
// transaction.
func (c *stmtCache) get(query string) *sql.Stmt {
	if c == nil || c.stmts == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts)+len(c.wanted) < maxCachedStmts {
		if c.wanted == nil {
			c.wanted = make(map[string]bool)
		}
		c.wanted[query] = true
	}
	return nil
}

// warm prepares the statements transactions asked for. It runs with no
// transaction open on this goroutine; errors only leave a statement
// unprepared (the transaction that needs it prepares its own).
func (c *stmtCache) warm(ctx context.Context) {
	if c == nil || c.stmts == nil {
		return
	}
	c.mu.Lock()
	wanted := c.wanted
	c.wanted = nil
	c.mu.Unlock()
	for query := range wanted {
		st, err := c.db.PrepareContext(ctx, query)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, dup := c.stmts[query]; dup || c.stmts == nil {
			st.Close()
		} else {
			c.stmts[query] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, st := range c.stmts {
		errs = append(errs, st.Close())
	}
	c.stmts = nil
	return errors.Join(errs...)
}

// txQuerier runs every statement of a transaction through its statement
// cache (see queries.prepared). The one of q.w marks writes, before which
// deferred savepoints open (see savepoint.go).
type txQuerier struct {
	q     *queries
	write bool
}

func (t txQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, query, args...)
}

func (t txQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := t.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, query, args...)
}

func (t txQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := t.prepared(ctx, query)
	if err != nil {
		return t.q.tx.QueryRowContext(ctx, query, args...) // reports the error
	}
	return st.QueryRowContext(ctx, query, args...)
}

func (t txQuerier) prepared(ctx context.Context, query string) (querier, error) {
	if t.write && len(t.q.savepoints) > 0 {
		t.q.openSavepoints(ctx)
	}
	return t.q.prepared(ctx, t.q.tx, query)
}
