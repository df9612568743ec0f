// Package blob keeps uploaded files. Dir keeps them in a directory (by
// default under Parley's data directory); other backends (S3 and the like)
// implement the same methods.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrTooLarge is returned by Put when the content is over the limit.
var ErrTooLarge = errors.New("blob: too large")

// ErrNotFound is returned by Open for a missing blob.
var ErrNotFound = errors.New("blob: not found")

// Dir stores blobs as files below a root directory.
type Dir struct {
	root string
}

// NewDir returns a Dir rooted at root, creating it.
func NewDir(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &Dir{root: root}, nil
}

// path maps a key (slash-separated, made by Parley) to a file, refusing
// keys that would leave the root.
func (d *Dir) path(key string) (string, error) {
	clean := filepath.Clean("/" + key)
	if key == "" || strings.Contains(key, "..") || clean != "/"+key {
		return "", fmt.Errorf("blob: bad key %q", key)
	}
	return filepath.Join(d.root, filepath.FromSlash(key)), nil
}

// Put writes r under key, at most max bytes (ErrTooLarge beyond, and
// nothing is kept), and returns the size written. The file is synced.
func (d *Dir) Put(ctx context.Context, key string, r io.Reader, max int64) (int64, error) {
	p, err := d.path(key)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return 0, fmt.Errorf("blob: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return 0, fmt.Errorf("blob: %w", err)
	}
	defer os.Remove(f.Name()) // a no-op after the rename
	n, err := io.Copy(f, io.LimitReader(r, max+1))
	if err == nil && n > max {
		err = ErrTooLarge
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil && !errors.Is(err, ErrTooLarge) {
		err = fmt.Errorf("blob: %w", err)
	}
	return n, err
}

// Open returns the blob's content; ErrNotFound if there is none. Only a
// regular file is a blob: a key naming a directory (the folder of other
// blobs) or anything else is ErrNotFound, never its listing or a device.
func (d *Dir) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, ErrNotFound
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	// The handle's own mode: what was opened, whatever the path names now.
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("blob: %w", err)
		}
		return nil, ErrNotFound
	}
	return f, nil
}

// Delete removes a blob; a missing one is not an error.
func (d *Dir) Delete(ctx context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}

// DeleteAll removes every blob whose key begins with prefix + "/" (the
// files of one app, say); none is not an error.
func (d *Dir) DeleteAll(ctx context.Context, prefix string) error {
	p, err := d.path(prefix)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(p); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}
