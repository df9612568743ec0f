package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"
)

// Checkpoints. In WAL mode a commit appends pages to the write-ahead log;
// a checkpoint copies them back into the database file and syncs it. Left
// to itself SQLite checkpoints in the commit that takes the log past 1,000
// pages, so every few batches the message writer would stall for the copy
// and a second sync. Instead a goroutine of the Store checkpoints on a
// connection of its own (PASSIVE: it never blocks the writer, nor waits for
// readers), and the writer checkpoints itself only past writerCheckpoint
// pages, should the goroutine ever fall behind.
const (
	// checkpointEvery is how often the checkpointer looks at the log.
	checkpointEvery = 100 * time.Millisecond
	// writerCheckpoint is the writer's own wal_autocheckpoint, in pages
	// (4 KiB): a bound on the log, not the usual path.
	writerCheckpoint = 20000
)

// checkpointer checkpoints the log of db every checkpointEvery until ctx
// ends; then it closes done. Its failures go to log, the store's logger.
type checkpointer struct {
	db     *sql.DB
	log    *slog.Logger
	cancel context.CancelFunc
	done   chan struct{}
}

// startCheckpointer opens its connection on path (with the pools' pragmas)
// and starts it.
func startCheckpointer(path string, pragmas string, log *slog.Logger) (*checkpointer, error) {
	db, err := openDB(path + "?" + pragmas)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open checkpointer: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	ctx, cancel := context.WithCancel(context.Background())
	c := &checkpointer{db: db, log: log, cancel: cancel, done: make(chan struct{})}
	go c.run(ctx)
	return c, nil
}

func (c *checkpointer) run(ctx context.Context) {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var busy, logged, copied int64
		err := c.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logged, &copied)
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			// Logged once per run of failures: the writer's own
			// checkpoints still bound the log meanwhile.
			c.log.Warn("sqlite: background checkpoint failed", "err", err)
			failing = true
		case err == nil:
			failing = false
		}
	}
}

// close stops the checkpointer and closes its connection.
func (c *checkpointer) close() error {
	c.cancel()
	<-c.done
	return c.db.Close()
}
