package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"

	"github.com/parleychat/parley"
)

// Pipelined commits. In WAL mode with synchronous=FULL a commit appends its
// pages to the write-ahead log and syncs the log before it returns: the
// writer's one connection waits for the disk, and nothing else can be
// written meanwhile. InTxUnsynced commits with synchronous=NORMAL (the
// pages are written to the log, not synced) and SyncLog syncs the log
// afterwards: the message writer starts its next batch while the sync of
// the last one runs on another goroutine, and answers a batch only once a
// sync that began after its commit returned. The log is appended in commit
// order and a sync covers everything written to the file before it began,
// so what SyncLog makes durable is every commit before it: a power cut
// loses at most commits nobody was answered for, newest first, never one
// in the middle (the ids stay dense). Checkpoints sync the log before they
// copy it into the database file whatever the setting (SQLite does so for
// NORMAL), so no page reaches the database file ahead of the log.
//
// What changes for others: between the commit and its sync (a fraction of
// a millisecond, up to tens of milliseconds when the disk is slow) readers
// on the read pool already see the transaction. A power cut (not a crash
// of the process: the log's pages are in the kernel's cache by then) in
// that window would take away something a reader saw. Every other write of
// the store stays synchronous=FULL.

// InTxUnsynced is InTx, but returns once the transaction committed, before
// its log pages are synced to disk: call SyncLog before telling anyone the
// transaction is durable. Only the transaction's own connection runs
// unsynced; the setting is restored before the connection goes back to the
// pool (a connection that fails to restore it is closed, never reused).
func (s *Store) InTxUnsynced(ctx context.Context, fn func(tx parley.Tx) error) (err error) {
	conn, err := s.wdb.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	// The statements prepared in the transaction are prepared on the pool
	// after the connection went back to it (warm needs the connection).
	defer s.wc.warm(context.WithoutCancel(ctx))
	defer func() {
		_, rerr := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = FULL`)
		if rerr != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn }) // closes it
			err = errors.Join(err, fmt.Errorf("sqlite: restore synchronous: %w", rerr))
		}
		conn.Close()
	}()
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); err != nil {
		return fmt.Errorf("sqlite: unsynced: %w", err)
	}
	return runTxOn(ctx, s.wc, conn.BeginTx, nil, false, func(q *queries) error { return fn(q) })
}

// SyncLog syncs the write-ahead log to disk: every transaction committed
// before it is called is durable once it returns nil. Safe to call from
// any goroutine, alongside the writer.
func (s *Store) SyncLog(ctx context.Context) error {
	s.walMu.Lock()
	defer s.walMu.Unlock()
	if s.wal == nil {
		// The log exists from the first commit in WAL mode on and stays
		// while a connection is open: the writer's pool keeps its one.
		f, err := os.OpenFile(s.path+"-wal", os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("sqlite: sync log: %w", err)
		}
		s.wal = f
	}
	if err := datasync(s.wal); err != nil {
		return fmt.Errorf("sqlite: sync log: %w", err)
	}
	return nil
}

// closeLog closes the file SyncLog syncs.
func (s *Store) closeLog() error {
	s.walMu.Lock()
	defer s.walMu.Unlock()
	if s.wal == nil {
		return nil
	}
	err := s.wal.Close()
	s.wal = nil
	return err
}

// beginFunc begins a transaction: a *sql.DB's or a *sql.Conn's BeginTx.
type beginFunc func(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
