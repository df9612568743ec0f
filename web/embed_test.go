package web

import (
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
)

// servedOn lists the files of fsys under Prefixes that the handler serves.
func servedOn(t *testing.T, fsys fs.FS) []string {
	t.Helper()
	var names []string
	for _, pre := range Prefixes {
		err := fs.WalkDir(fsys, strings.Trim(pre, "/"), func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "test") {
				return fs.SkipDir
			}
			if !d.IsDir() && servable(name) {
				names = append(names, name)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(names)
	return names
}

// TestEmbeddedIsExactlyTheServedFiles checks that the binary carries every
// file of web/ the handler serves and nothing else: no tests, no package
// or compiler configuration, no type declarations, no scripts.
func TestEmbeddedIsExactlyTheServedFiles(t *testing.T) {
	t.Parallel()
	var embeddedNames []string
	err := fs.WalkDir(embedded, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			embeddedNames = append(embeddedNames, name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range embeddedNames {
		if name == "importmap.json" {
			continue
		}
		if !servable(name) || strings.Contains("/"+name, "/test/") {
			t.Errorf("%s is embedded but never served", name)
		}
	}
	for _, bad := range []string{"sdk/test/sdk.test.mjs", "sdk/package.json", "sdk/index.d.ts", "sdk/tsconfig.json", "test/harness.mjs", "vendor/update.sh", "package.json"} {
		if slices.Contains(embeddedNames, bad) {
			t.Errorf("%s is embedded", bad)
		}
	}
	onDisk := servedOn(t, os.DirFS("."))
	inBinary := servedOn(t, embedded)
	for _, name := range onDisk {
		if !slices.Contains(inBinary, name) {
			t.Errorf("%s is served from disk (--web-dir) but not embedded: add its pattern to web.go's go:embed", name)
		}
	}
	if len(inBinary) == 0 {
		t.Fatal("nothing embedded")
	}
}
