// Package storetest is the conformance suite of parley.Store: every backend
// runs it from its own tests, handing it a factory of fresh, empty stores.
//
//	func TestStore(t *testing.T) { storetest.RunAll(t, newStore) }
//
// Each subtest asks the factory for its own store, so subtests share no
// data, and the aggregates run in parallel: the factory must be safe to call
// from parallel tests, and should register the store's Close with t.Cleanup.
package storetest

import (
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleychat/parley"
)

// RunAll runs the whole suite, one subtest per aggregate, in parallel.
func RunAll(t *testing.T, newStore func(t *testing.T) parley.Store) {
	for _, agg := range []struct {
		name string
		test func(*testing.T, func(*testing.T) parley.Store)
	}{
		{"Apps", TestApps},
		{"Users", TestUsers},
		{"UserFilters", TestUserFilters},
		{"AuthTokens", TestAuthTokens},
		{"Roles", TestRoles},
		{"RoleFeatures", TestRoleFeatures},
		{"Relations", TestRelations},
		{"Groups", TestGroups},
		{"Members", TestMembers},
		{"Messages", TestMessages},
		{"MessageFilters", TestMessageFilters},
		{"MessageEdits", TestMessageEdits},
		{"Reactions", TestReactions},
		{"ThreadSubscriptions", TestThreadSubscriptions},
		{"Conversations", TestConversations},
		{"Receipts", TestReceipts},
		{"Presence", TestPresence},
		{"Calls", TestCalls},
		{"Tx", TestTx},
		{"Savepoints", TestSavepoints},
		{"Push", TestPush},
		{"Webhooks", TestWebhooks},
	} {
		t.Run(agg.name, func(t *testing.T) {
			t.Parallel()
			agg.test(t, newStore)
		})
	}
}

// t0 is the base of the timestamps the suite stores.
const t0 = 1_700_000_000

// MustCreateApp stores a new app with a random id and returns it; it fails
// the test on error. s may be a store or a transaction.
func MustCreateApp(t testing.TB, s parley.Tx) *parley.App {
	t.Helper()
	a := &parley.App{
		ID:        "app-" + strings.ToLower(rand.Text()[:12]),
		Name:      "Test app",
		Region:    "eu",
		CreatedAt: t0,
	}
	if err := s.CreateApp(t.Context(), a); err != nil {
		t.Fatalf("CreateApp(%q): %v", a.ID, err)
	}
	return a
}

// MustCreateUser stores a plain user (default role, offline, no metadata or
// tags) in the app and returns it; it fails the test on error. s may be a
// store or a transaction.
func MustCreateUser(t testing.TB, s parley.Tx, appID, uid string) *parley.User {
	t.Helper()
	u := &parley.User{
		UID:       uid,
		Name:      "User " + uid,
		Role:      parley.DefaultRole,
		Status:    parley.StatusOffline,
		CreatedAt: t0,
	}
	if err := s.CreateUser(t.Context(), appID, u); err != nil {
		t.Fatalf("CreateUser(%q, %q): %v", appID, uid, err)
	}
	return u
}

// mustCreateUsers stores each user of us in the app.
func mustCreateUsers(t testing.TB, s parley.Tx, appID string, us ...*parley.User) {
	t.Helper()
	for _, u := range us {
		if err := s.CreateUser(t.Context(), appID, u); err != nil {
			t.Fatalf("CreateUser(%q, %q): %v", appID, u.UID, err)
		}
	}
}

// must fails the test when err is not nil.
func must(t testing.TB, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantErr fails the test unless err is or wraps target.
func wantErr(t testing.TB, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want %v", what, err, target)
	}
}

// wantEqual fails the test when got differs from want.
func wantEqual(t testing.TB, want, got any, what string) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
}

// uidsOf returns the uids of us, in order.
func uidsOf(us []*parley.User) []string {
	out := make([]string, 0, len(us))
	for _, u := range us {
		out = append(out, u.UID)
	}
	return out
}

// listUIDs runs Users with f and returns the uids listed and the total.
func listUIDs(t testing.TB, s parley.Tx, appID string, f parley.UserFilter) ([]string, int) {
	t.Helper()
	us, total, err := s.Users(t.Context(), appID, f)
	if err != nil {
		t.Fatalf("Users(%q, %+v): %v", appID, f, err)
	}
	return uidsOf(us), total
}

// wantUIDs fails the test unless Users with f lists exactly want, in order,
// out of a total of len(want).
func wantUIDs(t testing.TB, s parley.Tx, appID string, f parley.UserFilter, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	got, total := listUIDs(t, s, appID, f)
	wantEqual(t, want, got, "listed uids")
	if total != len(want) {
		t.Errorf("total = %d, want %d", total, len(want))
	}
}

func ptr[T any](v T) *T { return &v }
