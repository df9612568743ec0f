// Package sqlite is Parley's SQLite store: a parley.Store on one database
// file, through the pure-Go driver modernc.org/sqlite.
//
// The file is opened in WAL mode through two connection pools: a writer of
// one connection, whose transactions all begin IMMEDIATE so that writers
// queue in the pool rather than fail with SQLITE_BUSY, and a read-only pool
// of a few connections that read alongside the writer. Schema migrations are
// embedded and applied by Open.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/parleychat/parley"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// readers is the size of the read pool.
const readers = 4

// mmapSize is how much of the database file each connection maps: as much
// as SQLite allows as built (SQLITE_MAX_MMAP_SIZE, just under 2 GiB), in
// virtual memory; what is read counts towards the process's RSS, as page
// cache the kernel may drop.
const mmapSize = 1 << 31

// Store is a parley.Store on one SQLite file. It is safe for concurrent use.
type Store struct {
	queries
	wdb, rdb *sql.DB
	cp       *checkpointer
	path     string
	// wal is the write-ahead log, opened by the first SyncLog.
	walMu sync.Mutex
	wal   *os.File
}

var _ parley.Store = (*Store)(nil)

// Option adjusts how Open opens a store.
type Option func(*options)

type options struct {
	log *slog.Logger
}

// WithLogger sets the logger of the store's background work (the
// checkpointer, see checkpoint.go). Without it nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.log = l }
}

// Open opens (creating it if need be) the database file at path and applies
// the migrations it lacks. path must name a file: an in-memory database
// would give the two pools two different databases.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.Contains(path, "?") {
		return nil, fmt.Errorf("sqlite: open: unusable path %q", path)
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	o := options{log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)") // an acknowledged write survives a power cut
	// Statement journals (each savepoint of the writer's batches, each
	// multi-row statement) and sorts in memory, not in temporary files:
	// the journal of a batch of sends outgrew SQLite's in-memory spill
	// limit and cost a write system call per page.
	q.Add("_pragma", "temp_store(MEMORY)")
	// Reads from a memory map of the file rather than a read system call
	// per page: in WAL mode a connection drops its page cache whenever
	// another commits, so under writes most pages are read again.
	q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", mmapSize))
	wq := url.Values{"_txlock": {"immediate"}}
	wq.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", writerCheckpoint)) // see checkpoint.go
	rq := url.Values{"_query_only": {"1"}}
	for k, v := range q {
		wq[k] = append(wq[k], v...)
		rq[k] = v
	}

	wdb, err := openDB(path + "?" + wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open writer: %w", err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	wdb.SetConnMaxIdleTime(0)
	if err := migrate(ctx, wdb); err != nil {
		wdb.Close()
		return nil, err
	}

	// The read pool opens after the migrations, once the file is in WAL mode.
	rdb, err := openDB(path + "?" + rq.Encode())
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("sqlite: open reader: %w", err)
	}
	rdb.SetMaxOpenConns(readers)
	rdb.SetMaxIdleConns(readers)
	if err := rdb.PingContext(ctx); err != nil {
		rdb.Close()
		wdb.Close()
		return nil, fmt.Errorf("sqlite: open reader: %w", err)
	}

	cp, err := startCheckpointer(path, q.Encode(), o.log)
	if err != nil {
		rdb.Close()
		wdb.Close()
		return nil, err
	}
	qs := queries{r: rdb, w: wdb, rdb: rdb, wdb: wdb, rc: newStmtCache(rdb), wc: newStmtCache(wdb)}
	return &Store{queries: qs, wdb: wdb, rdb: rdb, cp: cp, path: path}, nil
}

// createPrivate creates the database file, owner-only, unless it exists.
// The file holds every message and key hash; left to SQLite it would take
// 0644 from the umask. SQLite gives the -wal and -shm files it makes the
// mode of the database file, so they are 0600 too.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sqlite: create: %w", err)
	}
	return f.Close()
}

// Close closes both pools. The writer closes last, so that the last
// connection checkpoints the write-ahead log into the database file.
func (s *Store) Close() error {
	return errors.Join(s.cp.close(), s.rc.close(), s.wc.close(), s.rdb.Close(), s.closeLog(), s.wdb.Close())
}

// Ping reports whether both pools reach the database.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping reader: %w", err)
	}
	if err := s.wdb.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping writer: %w", err)
	}
	return nil
}

// InTx runs fn in one IMMEDIATE transaction on the writer, committing when
// fn returns nil and rolling back when it returns an error or panics. The
// writer has one connection: fn must use tx, not s, or it waits for itself.
func (s *Store) InTx(ctx context.Context, fn func(tx parley.Tx) error) error {
	return runTx(ctx, s.wc, nil, func(q *queries) error { return fn(q) })
}

// querier is what queries need of a *sql.DB or a *sql.Tx.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queries implements parley.Tx. Outside a transaction r is the read pool
// and w the writer; inside one both are the transaction.
type queries struct {
	r, w querier
	// rdb is the read pool outside a transaction, nil inside one; see read.
	rdb *sql.DB
	// wdb is the writer outside a transaction, nil inside one; see write.
	wdb *sql.DB
	// rc and wc prepare each statement once per pool (outside a
	// transaction); cache is the one of a transaction's pool.
	rc, wc, cache *stmtCache
	// tx is the transaction, nil outside one; stmts are the statements
	// prepared in it, closed with it. See prepared.
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	// lastIDs holds, per app, the last message id of the log as the
	// transaction sees it, written to the app's counter just before the
	// commit. See lastMessageID; InSavepoint restores it on a rollback.
	lastIDs map[string]int64
	// savepoints are InSavepoint's, innermost last, each marked once
	// opened (see savepoint.go); spErr is a failure to open one.
	savepoints []bool
	spErr      error
}

var _ parley.Tx = (*queries)(nil)

// read runs fn on one snapshot of the database, for the reads that take more
// than one statement: in a read transaction outside InTx, directly inside.
func (q *queries) read(ctx context.Context, fn func(q *queries) error) error {
	if q.rdb == nil {
		return fn(q)
	}
	return runTx(ctx, q.rc, &sql.TxOptions{ReadOnly: true}, fn)
}

// write runs fn atomically, for the writes that take more than one
// statement: in its own transaction on the writer outside InTx, directly
// inside (where the caller's transaction makes it atomic).
func (q *queries) write(ctx context.Context, fn func(q *queries) error) error {
	if q.wdb == nil {
		return fn(q)
	}
	return runTx(ctx, q.wc, nil, fn)
}

// prepared returns what runs query: inside a transaction the statement
// prepared for it, prepared on first use and reused until the transaction
// ends (the message path runs the same few statements hundreds of times a
// transaction); outside one db (q.r or q.w), which prepares it each time.
func (q *queries) prepared(ctx context.Context, db querier, query string) (querier, error) {
	if q.tx == nil {
		return db, nil
	}
	if db == q.w && len(q.savepoints) > 0 {
		q.openSavepoints(ctx) // a write: see savepoint.go
	}
	if st, ok := q.stmts[query]; ok {
		return stmtQuerier{st}, nil
	}
	var st *sql.Stmt
	if ds := q.cache.get(query); ds != nil {
		st = q.tx.StmtContext(ctx, ds) // reuses the connection's prepared statement
	} else {
		var err error
		if st, err = q.tx.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
	}
	if q.stmts == nil {
		q.stmts = make(map[string]*sql.Stmt)
	}
	q.stmts[query] = st
	return stmtQuerier{st}, nil
}

// stmtQuerier runs one prepared statement; the query argument of its
// methods is ignored.
type stmtQuerier struct{ st *sql.Stmt }

func (s stmtQuerier) ExecContext(ctx context.Context, _ string, args ...any) (sql.Result, error) {
	return s.st.ExecContext(ctx, args...)
}

func (s stmtQuerier) QueryContext(ctx context.Context, _ string, args ...any) (*sql.Rows, error) {
	return s.st.QueryContext(ctx, args...)
}

func (s stmtQuerier) QueryRowContext(ctx context.Context, _ string, args ...any) *sql.Row {
	return s.st.QueryRowContext(ctx, args...)
}

// runTx runs fn in a transaction on db: committed if fn returns nil, rolled
// back otherwise, and on a panic, which it then re-raises.
func runTx(ctx context.Context, c *stmtCache, opts *sql.TxOptions, fn func(q *queries) error) error {
	return runTxOn(ctx, c, c.db.BeginTx, opts, true, fn)
}

// runTxOn is runTx with a transaction begun by begin, and the statements
// the transaction met prepared on the pool after it only when warm.
func runTxOn(ctx context.Context, c *stmtCache, begin beginFunc, opts *sql.TxOptions, warm bool,
	fn func(q *queries) error) error {
	tx, err := begin(ctx, opts)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tx.Rollback() // fn panicked; the panic goes on
		}
	}()
	q := &queries{tx: tx, cache: c}
	q.r, q.w = txQuerier{q: q}, txQuerier{q: q, write: true}
	err = fn(q)
	if err == nil {
		err = q.saveMessageIDs(ctx)
	}
	done = true
	if err != nil {
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("sqlite: rollback: %w", rerr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	if warm {
		c.warm(ctx)
	}
	return nil
}

// migrate applies, in name order, each embedded migration not yet recorded
// in schema_migrations, each in its own transaction.
func migrate(ctx context.Context, db *sql.DB) error {
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    TEXT    NOT NULL PRIMARY KEY,
		applied_at INTEGER NOT NULL
	) STRICT`
	if _, err := db.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	entries, err := fs.ReadDir(migrations, "migrations") // sorted by name
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	// One read finds what is applied, so opening a migrated file takes no
	// write transaction (tests open hundreds of copies of one).
	applied, err := appliedVersions(ctx, db)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		version := strings.TrimSuffix(name, ".sql")
		if applied[version] {
			continue
		}
		body, err := migrations.ReadFile("migrations/" + name)
		if err != nil {
			return fmt.Errorf("sqlite: migrate %s: %w", version, err)
		}
		err = runTx(ctx, &stmtCache{db: db}, nil, func(q *queries) error {
			// Checked inside the IMMEDIATE transaction, so two processes
			// opening the same new file do not both apply it.
			var applied bool
			err := q.w.QueryRowContext(ctx,
				`SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?)`, version).Scan(&applied)
			if err != nil || applied {
				return err
			}
			if _, err := q.w.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err = q.w.ExecContext(ctx,
				`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, time.Now().Unix())
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlite: migrate %s: %w", version, err)
		}
	}
	return nil
}

// appliedVersions reads the versions recorded in schema_migrations.
func appliedVersions(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrate: %w", err)
	}
	defer rows.Close()
	applied := map[string]bool{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("sqlite: migrate: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: migrate: %w", err)
	}
	return applied, nil
}

// fail wraps err with the operation that met it, turning a missing row into
// parley.ErrNotFound, a taken key into parley.ErrConflict, and a reference to
// a missing parent (app or user) into parley.ErrNotFound.
func fail(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: %s: %w", op, parley.ErrNotFound)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return fmt.Errorf("sqlite: %s: %w: %w", op, parley.ErrConflict, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("sqlite: %s: %w: %w", op, parley.ErrNotFound, err)
		}
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// isNoRows reports whether err says a query found no row.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// changed returns ErrNotFound (wrapped with op) when a write touched no row.
func changed(op string, res sql.Result, err error) error {
	if err != nil {
		return fail(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fail(op, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: %s: %w", op, parley.ErrNotFound)
	}
	return nil
}

// jsonArg encodes v as a JSON text argument, or NULL when isNil.
func jsonArg(v any, isNil bool) (any, error) {
	if isNil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// mapArg encodes a map for a JSON column: NULL for a nil map.
func mapArg(m map[string]any) (any, error) { return jsonArg(m, m == nil) }

// scanJSON decodes a JSON column into dst, leaving dst untouched (nil) when
// the column is NULL.
func scanJSON(s sql.NullString, dst any) error {
	if !s.Valid {
		return nil
	}
	return json.Unmarshal([]byte(s.String), dst)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// blobArg binds a hash to a NOT NULL BLOB column: nil as an empty blob.
func blobArg(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// blobValue undoes blobArg: an empty blob reads back as nil.
func blobValue(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
