package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/store/storetest"
)

// template is the migrated database every test's store is copied from.
var template Template

// newStore opens a store on a new file in the test's temporary directory,
// a copy of the template.
func newStore(t *testing.T) parley.Store {
	t.Helper()
	s, err := template.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.RunAll(t, newStore)
}

type migration struct {
	Version   string
	AppliedAt int64
}

func appliedMigrations(t *testing.T, s *Store) []migration {
	t.Helper()
	rows, err := s.rdb.QueryContext(t.Context(), `SELECT version, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatalf("schema_migrations: %v", err)
	}
	defer rows.Close()
	var out []migration
	for rows.Next() {
		var m migration
		if err := rows.Scan(&m.Version, &m.AppliedAt); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReopenKeepsDataAndMigrations(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "parley.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	a := storetest.MustCreateApp(t, s)
	u := storetest.MustCreateUser(t, s, a.ID, "ann")
	before := appliedMigrations(t, s)
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != len(files) || len(files) == 0 {
		t.Fatalf("applied %d migrations, have %d files", len(before), len(files))
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s, err = Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	after := appliedMigrations(t, s)
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("migrations after reopen = %v, want %v (not applied again)", after, before)
	}
	got, err := s.User(t.Context(), a.ID, "ann", "")
	if err != nil {
		t.Fatalf("User after reopen: %v", err)
	}
	if got.Name != u.Name {
		t.Errorf("user after reopen = %+v", got)
	}
}

func TestPragmas(t *testing.T) {
	t.Parallel()
	s := newStore(t).(*Store)
	for _, db := range []struct {
		name string
		q    querier
	}{{"writer", s.wdb}, {"reader", s.rdb}} {
		for pragma, want := range map[string]string{
			"journal_mode": "wal",
			"foreign_keys": "1",
			"busy_timeout": "5000",
			"synchronous":  "2", // FULL
		} {
			var got string
			if err := db.q.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatalf("%s: PRAGMA %s: %v", db.name, pragma, err)
			}
			if got != want {
				t.Errorf("%s: PRAGMA %s = %q, want %q", db.name, pragma, got, want)
			}
		}
	}
	// The read pool refuses writes.
	if _, err := s.rdb.ExecContext(t.Context(), `INSERT INTO settings (name, value) VALUES ('x', 'y')`); err == nil {
		t.Error("the read pool wrote")
	}
}

func TestOpenRejectsMemory(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"", ":memory:", "x.db?mode=memory"} {
		if s, err := Open(t.Context(), path); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", path)
		}
	}
}

func TestConcurrentWrites(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	a := storetest.MustCreateApp(t, s)
	const writers = 20
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers)
	for i := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			uid := fmt.Sprintf("user%02d", i)
			errs <- s.InTx(t.Context(), func(tx parley.Tx) error {
				u := &parley.User{UID: uid, Name: uid, Role: parley.DefaultRole, Tags: []string{"t"}, CreatedAt: 1}
				if err := tx.CreateUser(t.Context(), a.ID, u); err != nil {
					return err
				}
				if _, _, err := tx.Users(t.Context(), a.ID, parley.UserFilter{}); err != nil {
					return err
				}
				u.StatusMessage = "written"
				return tx.UpdateUser(t.Context(), a.ID, u)
			})
		}()
		go func() { // readers alongside
			defer wg.Done()
			_, _, err := s.Users(t.Context(), a.ID, parley.UserFilter{Tags: []string{"t"}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent InTx: %v", err)
		}
	}
	us, total, err := s.Users(t.Context(), a.ID, parley.UserFilter{})
	if err != nil {
		t.Fatalf("Users: %v", err)
	}
	if total != writers || len(us) != writers {
		t.Fatalf("Users = %d (total %d), want %d", len(us), total, writers)
	}
	for _, u := range us {
		if u.StatusMessage != "written" {
			t.Errorf("%s: status message %q", u.UID, u.StatusMessage)
		}
	}
}

func TestConstraintErrors(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	// A reference to a missing parent reads as ErrNotFound.
	err := s.CreateUser(t.Context(), "app-none", &parley.User{UID: "x", Name: "x", Role: parley.DefaultRole})
	if !errors.Is(err, parley.ErrNotFound) {
		t.Errorf("CreateUser in a missing app: %v, want ErrNotFound", err)
	}
}

func TestConcurrentWritesTwoStores(t *testing.T) {
	t.Parallel()
	// Two stores on one file stand for two processes: their writers contend
	// for the file's lock, and BEGIN IMMEDIATE with busy_timeout makes them
	// wait for it rather than fail.
	path := filepath.Join(t.TempDir(), "parley.db")
	var stores [2]*Store
	for i := range stores {
		s, err := Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer s.Close()
		stores[i] = s
	}
	a := storetest.MustCreateApp(t, stores[0])
	const writers = 20
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			s := stores[i%2]
			errs <- s.InTx(t.Context(), func(tx parley.Tx) error {
				uid := fmt.Sprintf("user%02d", i)
				if err := tx.CreateUser(t.Context(), a.ID, &parley.User{UID: uid, Name: uid, CreatedAt: 1}); err != nil {
					return err
				}
				_, err := tx.CountUsersWithRole(t.Context(), a.ID, "")
				return err
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent InTx: %v", err)
		}
	}
	for i, s := range stores {
		if _, total, err := s.Users(t.Context(), a.ID, parley.UserFilter{}); err != nil || total != writers {
			t.Errorf("store %d: Users total %d, %v; want %d", i, total, err, writers)
		}
	}
}

func TestNameSortIgnoresCase(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	a := storetest.MustCreateApp(t, s)
	for uid, name := range map[string]string{"u1": "bob", "u2": "Alice", "u3": "carol", "u4": "Dave"} {
		if err := s.CreateUser(t.Context(), a.ID, &parley.User{UID: uid, Name: name, CreatedAt: 1}); err != nil {
			t.Fatal(err)
		}
	}
	us, _, err := s.Users(t.Context(), a.ID, parley.UserFilter{SearchKey: "", SortBy: "name"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range us {
		names = append(names, u.Name)
	}
	if want := "[Alice bob carol Dave]"; fmt.Sprint(names) != want {
		t.Errorf("names sorted %v, want %s", names, want)
	}
}
