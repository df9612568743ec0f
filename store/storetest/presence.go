package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// TestPresence checks what the real-time hubs store and read: a user's
// presence, the reset after a crash, and a user's memberships with the ids
// at which they began.
func TestPresence(t *testing.T, newStore func(t *testing.T) parley.Store) {
	t.Run("SetPresenceWritesOnlyStatus", func(t *testing.T) {
		s := newStore(t)
		app := MustCreateApp(t, s)
		u := MustCreateUser(t, s, app.ID, "ann")
		ctx := t.Context()
		must(t, s.SetPresence(ctx, app.ID, "ann", parley.StatusAvailable, 0), "SetPresence online")
		got, err := s.User(ctx, app.ID, "ann", "")
		must(t, err, "User")
		want := *u
		want.Status = parley.StatusAvailable
		wantEqual(t, &want, got, "user after online")

		must(t, s.SetPresence(ctx, app.ID, "ann", parley.StatusOffline, t0+50), "SetPresence offline")
		got, err = s.User(ctx, app.ID, "ann", "")
		must(t, err, "User")
		want.Status, want.LastActiveAt = parley.StatusOffline, t0+50
		wantEqual(t, &want, got, "user after offline")

		wantErr(t, s.SetPresence(ctx, app.ID, "nobody", parley.StatusAvailable, 0), parley.ErrNotFound, "SetPresence of an unknown user")
		other := MustCreateApp(t, s)
		wantErr(t, s.SetPresence(ctx, other.ID, "ann", parley.StatusAvailable, 0), parley.ErrNotFound, "SetPresence in another app")
	})
	t.Run("ResetPresenceOnlyOnlineOfOneApp", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		app, other := MustCreateApp(t, s), MustCreateApp(t, s)
		for _, uid := range []string{"ann", "bob", "cat"} {
			MustCreateUser(t, s, app.ID, uid)
		}
		MustCreateUser(t, s, other.ID, "ann")
		must(t, s.SetPresence(ctx, app.ID, "ann", parley.StatusAvailable, 0), "online ann")
		must(t, s.SetPresence(ctx, app.ID, "bob", parley.StatusAvailable, 0), "online bob")
		must(t, s.SetPresence(ctx, other.ID, "ann", parley.StatusAvailable, 0), "online other ann")

		n, err := s.ResetPresence(ctx, app.ID, t0+99)
		must(t, err, "ResetPresence")
		if n != 2 {
			t.Errorf("ResetPresence changed %d users, want 2", n)
		}
		wantUIDs(t, s, app.ID, parley.UserFilter{Status: parley.StatusAvailable, Page: parley.Page{Page: 1, PerPage: 10}})
		for uid, at := range map[string]int64{"ann": t0 + 99, "bob": t0 + 99, "cat": 0} {
			u, err := s.User(ctx, app.ID, uid, "")
			must(t, err, "User")
			if u.LastActiveAt != at {
				t.Errorf("%s lastActiveAt = %d, want %d", uid, u.LastActiveAt, at)
			}
		}
		wantUIDs(t, s, other.ID, parley.UserFilter{Status: parley.StatusAvailable, Page: parley.Page{Page: 1, PerPage: 10}}, "ann")
	})
	t.Run("UserMembershipsCurrentWithJoinedID", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		app := MustCreateApp(t, s)
		MustCreateUser(t, s, app.ID, "ann")
		MustCreateUser(t, s, app.ID, "bob")
		for _, g := range []string{"g1", "g2", "g3"} {
			mustCreateGroup(t, s, app.ID, g, parley.GroupPublic)
		}
		mustAddMember(t, s, app.ID, "g1", "ann", parley.ScopeParticipant, 3)
		mustAddMember(t, s, app.ID, "g2", "ann", parley.ScopeAdmin, 5)
		mustAddMember(t, s, app.ID, "g3", "ann", parley.ScopeParticipant, 6)
		mustAddMember(t, s, app.ID, "g1", "bob", parley.ScopeParticipant, 4)
		must(t, s.EndMember(ctx, app.ID, "g3", "ann", 8, t0), "EndMember")
		got, err := s.UserMemberships(ctx, app.ID, "ann")
		must(t, err, "UserMemberships")
		wantEqual(t, map[string]int64{"g1": 3, "g2": 5}, got, "ann's memberships")
		got, err = s.UserMemberships(ctx, app.ID, "nobody")
		must(t, err, "UserMemberships of nobody")
		wantEqual(t, map[string]int64{}, got, "nobody's memberships")
	})
}
