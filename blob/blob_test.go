package blob

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDir(t *testing.T) {
	ctx := context.Background()
	d, err := NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	n, err := d.Put(ctx, "app/abc/photo.png", strings.NewReader("hello"), 10)
	if err != nil || n != 5 {
		t.Fatalf("Put = %d, %v", n, err)
	}
	f, err := d.Open(ctx, "app/abc/photo.png")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "hello" {
		t.Fatalf("read %q", b)
	}
	if _, err := d.Put(ctx, "app/abc/big", strings.NewReader("0123456789A"), 10); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	if _, err := d.Open(ctx, "app/abc/big"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a refused blob is kept: %v", err)
	}
	for _, bad := range []string{"../x", "a/../../x", "/abs", "a//b", ""} {
		if _, err := d.Put(ctx, bad, strings.NewReader("x"), 10); err == nil {
			t.Errorf("Put(%q) accepted", bad)
		}
	}
	if err := d.Delete(ctx, "app/abc/photo.png"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, "app/abc/photo.png"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

// A key naming a directory (the folder an upload lies in, or an app's) or
// anything else that is not a regular file is not a blob: serving it would
// answer a directory handle (whose size reads as 2⁶³-1 bytes).
func TestDirOpenOnlyFiles(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d, err := NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Put(ctx, "app/abc/photo.png", strings.NewReader("hello"), 10); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "app", "abc"), filepath.Join(root, "app", "link")); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"app", "app/abc", "app/link"} {
		if f, err := d.Open(ctx, key); !errors.Is(err, ErrNotFound) {
			if f != nil {
				f.Close()
			}
			t.Errorf("Open(%q) = %v, want ErrNotFound", key, err)
		}
	}
	f, err := d.Open(ctx, "app/abc/photo.png")
	if err != nil {
		t.Fatalf("the file itself: %v", err)
	}
	f.Close()
}

func TestDirDeleteAll(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d, err := NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"app1/a/x.png", "app1/b/y.png", "app10/c/z.png"} {
		if _, err := d.Put(ctx, key, strings.NewReader("x"), 10); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.DeleteAll(ctx, "app1"); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"app1/a/x.png", "app1/b/y.png"} {
		if _, err := d.Open(ctx, key); !errors.Is(err, ErrNotFound) {
			t.Errorf("after DeleteAll(app1), Open(%q) = %v", key, err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "app1")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("app1's folder is kept: %v", err)
	}
	f, err := d.Open(ctx, "app10/c/z.png")
	if err != nil {
		t.Fatalf("another app's blob went too: %v", err)
	}
	f.Close()
	if err := d.DeleteAll(ctx, "app1"); err != nil {
		t.Errorf("DeleteAll of nothing: %v", err)
	}
	for _, bad := range []string{"", "..", "a/../..", "/abs"} {
		if err := d.DeleteAll(ctx, bad); err == nil {
			t.Errorf("DeleteAll(%q) accepted", bad)
		}
	}
	if _, err := os.Stat(root); err != nil {
		t.Fatalf("the root went: %v", err)
	}
}
