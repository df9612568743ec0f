package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"
)

// Every connection keeps the statements it ran, by their SQL, and runs them
// again without parsing them: parsing a statement cost more than running
// most of Parley's, and database/sql, asked to run SQL (not a *sql.Stmt),
// has the driver parse it every time (21 % of the CPU of a page of history,
// docs/benchmarks.md). The cache is the connection's own: database/sql
// hands a connection to one goroutine at a time and runs each of its
// driver calls under the connection's lock, so it needs no lock of its own
// (one shared by the pool's goroutines cost more than the parsing, see
// stmtcache.go).

// maxConnStmts bounds the statements one connection keeps; past it an
// arbitrary idle one is dropped.
const maxConnStmts = 256

// openDB opens a pool on the database named by dsn (modernc.org/sqlite's
// DSN) whose connections keep their statements.
func openDB(dsn string) (*sql.DB, error) {
	base, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(connector{base}), nil
}

// connector opens the driver's connections, each wrapped in a stmtConn.
type connector struct{ base driver.Connector }

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return newStmtConn(cn)
}

func (c connector) Driver() driver.Driver { return c.base.Driver() }

// conn is what stmtConn needs of the driver's connection.
type conn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// stmt is what stmtConn needs of the driver's statements.
type stmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// stmtConn is a connection that keeps the statements run on it.
type stmtConn struct {
	conn
	stmts map[string]*connStmt
}

// connStmt is a kept statement; busy while rows of it are open, when a
// second run of the same SQL (a query inside the loop over another's rows,
// in one transaction) prepares a statement of its own.
type connStmt struct {
	st   stmt
	busy bool
}

var (
	_ driver.Connector = connector{}
	_ conn             = (*stmtConn)(nil)
)

func newStmtConn(c driver.Conn) (*stmtConn, error) {
	cn, ok := c.(conn)
	if !ok {
		c.Close()
		return nil, fmt.Errorf("sqlite: the driver's connection (%T) lacks a method the store needs", c)
	}
	return &stmtConn{conn: cn, stmts: make(map[string]*connStmt)}, nil
}

// kept returns the connection's idle statement for query, preparing and
// keeping it on first use; nil when it is in use (or can't be kept).
func (c *stmtConn) kept(ctx context.Context, query string) (*connStmt, error) {
	if s, ok := c.stmts[query]; ok {
		if s.busy {
			return nil, nil
		}
		return s, nil
	}
	ds, err := c.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	st, ok := ds.(stmt)
	if !ok {
		ds.Close()
		return nil, nil
	}
	if len(c.stmts) >= maxConnStmts {
		for q, s := range c.stmts { // map order is random enough
			if !s.busy {
				s.st.Close()
				delete(c.stmts, q)
				break
			}
		}
	}
	s := &connStmt{st: st}
	c.stmts[query] = s
	return s, nil
}

// ExecContext runs query with the kept statement.
func (c *stmtConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, err := c.kept(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.conn.ExecContext(ctx, query, args)
	}
	s.busy = true
	defer func() { s.busy = false }()
	return s.st.ExecContext(ctx, args)
}

// QueryContext runs query with the kept statement, busy until its rows
// close.
func (c *stmtConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, err := c.kept(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.conn.QueryContext(ctx, query, args)
	}
	rows, err := s.st.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &connRows{Rows: rows, s: s}, nil
}

// Close closes the kept statements and the connection.
func (c *stmtConn) Close() error {
	for q, s := range c.stmts {
		s.st.Close()
		delete(c.stmts, q)
	}
	return c.conn.Close()
}

// connRows frees its statement when closed.
type connRows struct {
	driver.Rows
	s *connStmt
}

func (r *connRows) Close() error {
	err := r.Rows.Close()
	r.s.busy = false
	return err
}
