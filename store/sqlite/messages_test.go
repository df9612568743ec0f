package sqlite

import (
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/store/storetest"
)

func TestConcurrentAppendMessages(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	a := storetest.MustCreateApp(t, s)
	const writers = 20
	each := 50
	if raceEnabled {
		each = 10 // the same contention, fewer rounds
	}
	ids := make(chan int64, writers*each)
	errs := make(chan error, writers*each)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for range each {
				m := &parley.Message{ConversationID: "group_g", Sender: "ann", Receiver: "g",
					ReceiverType: parley.ReceiverGroup, Category: parley.CategoryMessage, Type: parley.TypeText,
					Data: parley.MessageData{Text: "from writer"}, SentAt: int64(w)}
				err := s.InTx(t.Context(), func(tx parley.Tx) error {
					return tx.AppendMessages(t.Context(), a.ID, m)
				})
				if err != nil {
					errs <- err
					continue
				}
				ids <- m.ID
			}
		})
		wg.Go(func() { // readers alongside
			if _, err := s.Messages(t.Context(), a.ID, parley.MessageFilter{Limit: 10}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(ids)
	close(errs)
	for err := range errs {
		t.Errorf("concurrent append: %v", err)
	}
	seen := make(map[int64]bool)
	for id := range ids {
		if seen[id] {
			t.Errorf("id %d given twice", id)
		}
		seen[id] = true
	}
	for id := int64(1); id <= int64(writers*each); id++ {
		if !seen[id] {
			t.Errorf("id %d not given", id)
		}
	}
	ms, err := s.Messages(t.Context(), a.ID, parley.MessageFilter{})
	if err != nil {
		t.Fatalf("Messages: %v", err)
	}
	if len(ms) != writers*each {
		t.Fatalf("stored %d messages, want %d", len(ms), writers*each)
	}
	for i, m := range ms {
		if m.ID != int64(i+1) {
			t.Fatalf("message %d has id %d", i+1, m.ID)
		}
	}
}

// setEachField calls fn with a filter that sets one field of
// parley.MessageFilter (by reflection: a field added later is covered too).
func setEachField(t *testing.T, fn func(name string, f parley.MessageFilter)) {
	t.Helper()
	for _, sf := range reflect.VisibleFields(reflect.TypeFor[parley.MessageFilter]()) {
		if sf.Anonymous {
			continue
		}
		var f parley.MessageFilter
		v := reflect.ValueOf(&f).Elem().FieldByIndex(sf.Index)
		switch v.Kind() {
		case reflect.String:
			v.SetString("x")
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Int, reflect.Int64:
			v.SetInt(1)
		case reflect.Slice:
			v.Set(reflect.ValueOf([]string{"x"}))
		default:
			t.Fatalf("field %s of kind %s", sf.Name, v.Kind())
		}
		fn(sf.Name, f)
	}
}

func TestMessagesSupportsEveryFilterField(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	a := storetest.MustCreateApp(t, s)
	setEachField(t, func(name string, f parley.MessageFilter) {
		if !messageFilterFields[name] {
			t.Errorf("filter field %s is not applied by Messages", name)
		}
		if _, err := s.Messages(t.Context(), a.ID, f); err != nil {
			t.Errorf("Messages with %s set: %v", name, err)
		}
	})
}

func TestMessagesRefusesUnsupportedFilter(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	a := storetest.MustCreateApp(t, s)
	// A field the filter gains is refused until Messages applies it: take
	// each out of the supported set in turn.
	setEachField(t, func(name string, f parley.MessageFilter) {
		delete(messageFilterFields, name)
		defer func() { messageFilterFields[name] = true }()
		if _, err := s.Messages(t.Context(), a.ID, f); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("Messages with %s set and not supported: error %v, want one naming the field", name, err)
		}
	})
}

// TestQueryPlans checks that the hot reads use the indexes meant for them.
func TestQueryPlans(t *testing.T) {
	t.Parallel()
	s := newStore(t).(*Store)
	for _, tc := range []struct{ query, want string }{
		{`SELECT * FROM messages WHERE app_id = 'a' AND id = 5`, `USING INDEX sqlite_autoindex_messages_1 (app_id=? AND id=?)`},
		{`SELECT * FROM messages m WHERE m.app_id = 'a' AND m.conversation_id = 'c' ORDER BY m.id DESC LIMIT 50`,
			`USING COVERING INDEX messages_conversation (app_id=? AND conversation_id=?)`},
		{`SELECT * FROM messages m WHERE m.app_id = 'a' AND m.parent_id = 7 AND m.parent_id != 0 ORDER BY m.id LIMIT 50`,
			`USING INDEX messages_parent (app_id=? AND parent_id=?)`},
		{`SELECT guid FROM memberships WHERE app_id = 'a' AND uid = 'u' AND left_id IS NULL ORDER BY guid`,
			`USING COVERING INDEX memberships_uid (app_id=? AND uid=? AND left_id=?)`},
		{`SELECT 1 FROM memberships ms WHERE ms.app_id = 'a' AND ms.guid = 'g' AND ms.uid = 'u' AND ms.joined_id <= 9`,
			`USING PRIMARY KEY (app_id=? AND guid=? AND uid=? AND joined_id<?)`},
	} {
		rows, err := s.rdb.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+tc.query)
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if got := strings.Join(plan, "; "); !strings.Contains(got, tc.want) {
			t.Errorf("%s\nplan: %s\nwant: %s", tc.query, got, tc.want)
		}
	}
}
