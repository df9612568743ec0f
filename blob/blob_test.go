package blob

import (
	"context"
	"errors"
	"io"
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
