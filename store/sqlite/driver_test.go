package sqlite

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestKeptStatements: statements a connection keeps (driver.go) give the
// answers of statements parsed afresh, also when the same SQL runs again
// while rows of it are still open, and after a failure.
func TestKeptStatements(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := openDB(filepath.Join(t.TempDir(), "kept.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: every run meets the kept statement
	const insert = `INSERT INTO t (k, v) VALUES (?, ?)`
	const byK = `SELECT v FROM t WHERE k >= ? ORDER BY k`
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for k, v := range []string{"a", "b", "c"} {
		if _, err := db.ExecContext(ctx, insert, k+1, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, insert, 1, "dup"); err == nil {
		t.Fatal("a duplicate key was inserted")
	}
	if _, err := db.ExecContext(ctx, insert, 4, "d"); err != nil {
		t.Fatalf("the kept insert after its failure: %v", err)
	}

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, byK, 1)
	if err != nil {
		t.Fatal(err)
	}
	var outer, inner []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		outer = append(outer, v)
		// The same SQL while its rows are open: a statement of its own.
		var w string
		if err := tx.QueryRowContext(ctx, byK, 3).Scan(&w); err != nil {
			t.Fatal(err)
		}
		inner = append(inner, w)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(outer, want) {
		t.Errorf("outer rows %q, want %q", outer, want)
	}
	if want := []string{"c", "c", "c", "c"}; !slices.Equal(inner, want) {
		t.Errorf("inner rows %q, want %q", inner, want)
	}
	// Once the rows closed, the kept statement runs again.
	var v string
	if err := tx.QueryRowContext(ctx, byK, 2).Scan(&v); err != nil || v != "b" {
		t.Errorf("after the rows closed: %q, %v", v, err)
	}
}
