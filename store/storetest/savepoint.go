package storetest

import (
	"errors"
	"testing"

	"github.com/parleychat/parley"
)

// TestSavepoints tests InSavepoint: inside a transaction a failed fn
// (error or panic) undoes its own writes and nothing else, and the
// transaction goes on; a message id taken under an undone savepoint is
// taken again, so the log stays dense; outside a transaction it is InTx.
func TestSavepoints(t *testing.T, newStore func(t *testing.T) parley.Store) {
	errRefused := errors.New("refused")
	// found reports whether the setting name is stored.
	found := func(t *testing.T, s parley.Tx, name string) bool {
		t.Helper()
		_, err := s.Setting(t.Context(), name)
		if err != nil && !errors.Is(err, parley.ErrNotFound) {
			t.Fatalf("Setting(%q): %v", name, err)
		}
		return err == nil
	}
	set := func(t *testing.T, tx parley.Tx, name string) error {
		return tx.SetSetting(t.Context(), name, "v")
	}

	t.Run("ErrorUndoesOnlyFn", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		must(t, s.InTx(t.Context(), func(tx parley.Tx) error {
			must(t, set(t, tx, "before"), "write before")
			err := tx.InSavepoint(t.Context(), func(tx parley.Tx) error {
				must(t, set(t, tx, "inside"), "write inside")
				if !found(t, tx, "inside") {
					t.Error("fn does not read its own write")
				}
				return errRefused
			})
			wantErr(t, err, errRefused, "InSavepoint")
			if found(t, tx, "inside") {
				t.Error("the failed fn's write is still seen in the transaction")
			}
			return set(t, tx, "after")
		}), "InTx")
		wantEqual(t, []bool{true, false, true}, []bool{found(t, s, "before"), found(t, s, "inside"), found(t, s, "after")},
			"settings before, inside, after")
	})

	t.Run("NilKeepsWrites", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		must(t, s.InTx(t.Context(), func(tx parley.Tx) error {
			return tx.InSavepoint(t.Context(), func(tx parley.Tx) error { return set(t, tx, "inside") })
		}), "InTx")
		if !found(t, s, "inside") {
			t.Error("a savepoint's write did not commit with its transaction")
		}
	})

	t.Run("PanicUndoesFnAndGoesOn", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		must(t, s.InTx(t.Context(), func(tx parley.Tx) error {
			func() {
				defer func() {
					if r := recover(); r != "boom" {
						t.Errorf("recovered %v, want the panic of fn", r)
					}
				}()
				tx.InSavepoint(t.Context(), func(tx parley.Tx) error {
					must(t, set(t, tx, "inside"), "write inside")
					panic("boom")
				})
			}()
			return set(t, tx, "after")
		}), "InTx")
		wantEqual(t, []bool{false, true}, []bool{found(t, s, "inside"), found(t, s, "after")}, "settings inside, after")
	})

	t.Run("Nested", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		must(t, s.InTx(t.Context(), func(tx parley.Tx) error {
			return tx.InSavepoint(t.Context(), func(tx parley.Tx) error {
				must(t, set(t, tx, "outer"), "write outer")
				err := tx.InSavepoint(t.Context(), func(tx parley.Tx) error {
					must(t, set(t, tx, "inner"), "write inner")
					return errRefused
				})
				wantErr(t, err, errRefused, "inner InSavepoint")
				return nil
			})
		}), "InTx")
		wantEqual(t, []bool{true, false}, []bool{found(t, s, "outer"), found(t, s, "inner")}, "settings outer, inner")
	})

	t.Run("OuterFailureUndoesInner", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		must(t, s.InTx(t.Context(), func(tx parley.Tx) error {
			err := tx.InSavepoint(t.Context(), func(tx parley.Tx) error {
				// The first write comes under the inner savepoint.
				must(t, tx.InSavepoint(t.Context(), func(tx parley.Tx) error { return set(t, tx, "inner") }), "inner InSavepoint")
				return errRefused
			})
			wantErr(t, err, errRefused, "outer InSavepoint")
			return set(t, tx, "after")
		}), "InTx")
		wantEqual(t, []bool{false, true}, []bool{found(t, s, "inner"), found(t, s, "after")}, "settings inner, after")
	})

	t.Run("MessageIDsStayDense", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := MustCreateApp(t, s)
		MustCreateUser(t, s, a.ID, "ann")
		MustCreateUser(t, s, a.ID, "bob")
		kept, undone, next := userMessage("ann", "bob"), userMessage("ann", "bob"), userMessage("bob", "ann")
		must(t, s.InTx(t.Context(), func(tx parley.Tx) error {
			must(t, tx.AppendMessages(t.Context(), a.ID, kept), "append before")
			err := tx.InSavepoint(t.Context(), func(tx parley.Tx) error {
				must(t, tx.AppendMessages(t.Context(), a.ID, undone), "append inside")
				return errRefused
			})
			wantErr(t, err, errRefused, "InSavepoint")
			return tx.AppendMessages(t.Context(), a.ID, next)
		}), "InTx")
		wantEqual(t, []int64{1, 2}, []int64{kept.ID, next.ID}, "ids of the messages kept")
		ms, err := s.Messages(t.Context(), a.ID, parley.MessageFilter{})
		must(t, err, "Messages")
		var ids []int64
		for _, m := range ms {
			ids = append(ids, m.ID)
		}
		wantEqual(t, []int64{1, 2}, ids, "ids stored")
		// The counter committed is the one of the messages kept.
		third := userMessage("ann", "bob")
		must(t, s.AppendMessages(t.Context(), a.ID, third), "append after")
		wantEqual(t, int64(3), third.ID, "id of the next append")
	})

	t.Run("OutsideATransaction", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		err := s.InSavepoint(t.Context(), func(tx parley.Tx) error {
			must(t, set(t, tx, "refused"), "write")
			return errRefused
		})
		wantErr(t, err, errRefused, "InSavepoint")
		must(t, s.InSavepoint(t.Context(), func(tx parley.Tx) error { return set(t, tx, "kept") }), "InSavepoint")
		wantEqual(t, []bool{false, true}, []bool{found(t, s, "refused"), found(t, s, "kept")}, "settings refused, kept")
	})
}
