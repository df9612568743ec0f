package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Template is an empty database with every migration applied, made once and
// kept in memory, from which Open makes new stores by writing a copy of the
// file instead of migrating it. Tests open hundreds of stores, and under the
// race detector, which instruments the C-translated SQLite, migrating each
// was most of their time. The zero Template is ready to use and safe for
// concurrent use; a test binary keeps one in a package variable.
type Template struct {
	once sync.Once
	file []byte
	err  error
}

// Open writes a copy of the template at path, which must not exist, and
// opens it as Open does (finding no migration to apply).
func (t *Template) Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	t.once.Do(func() { t.file, t.err = migratedFile(context.WithoutCancel(ctx)) })
	if t.err != nil {
		return nil, t.err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: template: %w", err)
	}
	_, err = f.Write(t.file)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: template: %w", err)
	}
	return Open(ctx, path, opts...)
}

// migratedFile migrates a new database and returns its file. Closing the
// store checkpoints the write-ahead log into the file and removes it, so the
// file alone is the whole database.
func migratedFile(ctx context.Context) ([]byte, error) {
	dir, err := os.MkdirTemp("", "parley-template-")
	if err != nil {
		return nil, fmt.Errorf("sqlite: template: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	s, err := Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := s.Close(); err != nil {
		return nil, fmt.Errorf("sqlite: template: %w", err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("sqlite: template: the log was not checkpointed at close")
	}
	return os.ReadFile(path)
}
