package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// TestPush tests device push tokens, push preferences and push targets.
func TestPush(t *testing.T, newStore func(t *testing.T) parley.Store) {
	// setup returns a store with an app holding users ann and bob, each
	// logged in once (auth tokens ann-1 and bob-1).
	setup := func(t *testing.T) (parley.Store, string) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		for _, uid := range []string{"ann", "bob"} {
			MustCreateUser(t, s, a.ID, uid)
			must(t, s.CreateAuthToken(t.Context(), &parley.AuthToken{ID: uid + "-1", AppID: a.ID, UID: uid,
				Hash: []byte(uid), CreatedAt: t0}), "CreateAuthToken")
		}
		return s, a.ID
	}
	tok := func(appID, authToken, uid, platform, token string, at int64) *parley.PushToken {
		return &parley.PushToken{AppID: appID, UID: uid, AuthTokenID: authToken, Platform: platform, Token: token, CreatedAt: t0 + at}
	}
	list := func(t *testing.T, s parley.Tx, appID, authToken string) []*parley.PushToken {
		t.Helper()
		ts, err := s.PushTokens(t.Context(), appID, authToken)
		must(t, err, "PushTokens")
		return ts
	}

	t.Run("TokensRoundTrip", func(t *testing.T) {
		s, appID := setup(t)
		a := tok(appID, "ann-1", "ann", parley.PushFCM, "fcm-a", 1)
		b := tok(appID, "ann-1", "ann", parley.PushAPNs, "apns-a", 2)
		must(t, s.SavePushToken(t.Context(), b), "SavePushToken")
		must(t, s.SavePushToken(t.Context(), a), "SavePushToken")
		wantEqual(t, []*parley.PushToken{a, b}, list(t, s, appID, "ann-1"), "ann-1's tokens, oldest first")
		wantEqual(t, 0, len(list(t, s, appID, "bob-1")), "bob-1's tokens")
	})

	t.Run("ResaveKeepsCreatedAt", func(t *testing.T) {
		s, appID := setup(t)
		a := tok(appID, "ann-1", "ann", parley.PushFCM, "fcm-a", 1)
		must(t, s.SavePushToken(t.Context(), a), "SavePushToken")
		must(t, s.SavePushToken(t.Context(), tok(appID, "ann-1", "ann", parley.PushFCM, "fcm-a", 9)), "SavePushToken again")
		wantEqual(t, []*parley.PushToken{a}, list(t, s, appID, "ann-1"), "tokens after registering one twice")
	})

	t.Run("TokenMovesToNewOwner", func(t *testing.T) {
		s, appID := setup(t)
		must(t, s.SavePushToken(t.Context(), tok(appID, "ann-1", "ann", parley.PushFCM, "shared", 1)), "SavePushToken")
		moved := tok(appID, "bob-1", "bob", parley.PushFCM, "shared", 5)
		must(t, s.SavePushToken(t.Context(), moved), "SavePushToken by bob")
		wantEqual(t, 0, len(list(t, s, appID, "ann-1")), "ann-1's tokens after bob registered the device")
		wantEqual(t, []*parley.PushToken{moved}, list(t, s, appID, "bob-1"), "bob-1's tokens")
		// Same token, other platform: another device.
		must(t, s.SavePushToken(t.Context(), tok(appID, "ann-1", "ann", parley.PushAPNs, "shared", 6)), "SavePushToken apns")
		wantEqual(t, 1, len(list(t, s, appID, "ann-1")), "ann-1's tokens after an apns token of the same value")
	})

	t.Run("UnknownAuthToken", func(t *testing.T) {
		s, appID := setup(t)
		err := s.SavePushToken(t.Context(), tok(appID, "nope", "ann", parley.PushFCM, "x", 1))
		wantErr(t, err, parley.ErrNotFound, "SavePushToken for a missing auth token")
	})

	t.Run("Delete", func(t *testing.T) {
		s, appID := setup(t)
		for i, v := range []string{"a", "b", "c"} {
			must(t, s.SavePushToken(t.Context(), tok(appID, "ann-1", "ann", parley.PushFCM, v, int64(i))), "SavePushToken")
		}
		must(t, s.SavePushToken(t.Context(), tok(appID, "bob-1", "bob", parley.PushFCM, "d", 0)), "SavePushToken")
		must(t, s.DeletePushToken(t.Context(), appID, "ann-1", parley.PushFCM, "a"), "DeletePushToken")
		wantErr(t, s.DeletePushToken(t.Context(), appID, "ann-1", parley.PushFCM, "a"), parley.ErrNotFound, "delete again")
		wantErr(t, s.DeletePushToken(t.Context(), appID, "ann-1", parley.PushFCM, "d"), parley.ErrNotFound, "delete bob's token as ann-1's")
		wantErr(t, s.DeletePushToken(t.Context(), appID, "ann-1", parley.PushAPNs, "b"), parley.ErrNotFound, "delete on the wrong platform")
		n, err := s.DeletePushTokens(t.Context(), appID, "ann-1")
		must(t, err, "DeletePushTokens")
		wantEqual(t, 2, n, "push tokens deleted")
		wantEqual(t, 1, len(list(t, s, appID, "bob-1")), "bob-1's tokens after ann-1's were deleted")
		must(t, s.DropPushToken(t.Context(), appID, parley.PushFCM, "d"), "DropPushToken")
		must(t, s.DropPushToken(t.Context(), appID, parley.PushFCM, "d"), "DropPushToken of none")
		wantEqual(t, 0, len(list(t, s, appID, "bob-1")), "bob-1's tokens after the drop")
	})

	t.Run("GoWithAuthToken", func(t *testing.T) {
		s, appID := setup(t)
		must(t, s.SavePushToken(t.Context(), tok(appID, "ann-1", "ann", parley.PushFCM, "a", 0)), "SavePushToken")
		must(t, s.SavePushToken(t.Context(), tok(appID, "bob-1", "bob", parley.PushFCM, "b", 0)), "SavePushToken")
		must(t, s.DeleteAuthToken(t.Context(), appID, "ann-1"), "DeleteAuthToken")
		wantEqual(t, 0, len(list(t, s, appID, "ann-1")), "tokens of a deleted auth token")
		_, err := s.DeleteAuthTokens(t.Context(), appID, "bob")
		must(t, err, "DeleteAuthTokens")
		targets, err := s.PushTargets(t.Context(), appID, parley.PushTargetFilter{UIDs: []string{"ann", "bob"}})
		must(t, err, "PushTargets")
		wantEqual(t, 0, len(targets), "push targets after every auth token went")
	})

	t.Run("Preferences", func(t *testing.T) {
		s, appID := setup(t)
		_, err := s.PushPreferences(t.Context(), appID, "ann")
		wantErr(t, err, parley.ErrNotFound, "preferences never set")
		p := &parley.PushPreferences{OneOnOneMessages: parley.PushMentions, GroupMessages: parley.PushNone,
			Calls: parley.PushAll, Muted: true, MutedUntil: t0 + 60, UpdatedAt: t0}
		must(t, s.SetPushPreferences(t.Context(), appID, "ann", p), "SetPushPreferences")
		got, err := s.PushPreferences(t.Context(), appID, "ann")
		must(t, err, "PushPreferences")
		wantEqual(t, p, got, "preferences")
		q := parley.DefaultPushPreferences()
		q.UpdatedAt = t0 + 1
		must(t, s.SetPushPreferences(t.Context(), appID, "ann", &q), "SetPushPreferences again")
		got, err = s.PushPreferences(t.Context(), appID, "ann")
		must(t, err, "PushPreferences")
		wantEqual(t, &q, got, "preferences after an update")
		wantErr(t, s.SetPushPreferences(t.Context(), appID, "nobody", p), parley.ErrNotFound, "preferences of a missing user")
		must(t, s.DeletePushPreferences(t.Context(), appID, "ann"), "DeletePushPreferences")
		must(t, s.DeletePushPreferences(t.Context(), appID, "ann"), "DeletePushPreferences of none")
		_, err = s.PushPreferences(t.Context(), appID, "ann")
		wantErr(t, err, parley.ErrNotFound, "preferences after a reset")
	})

	t.Run("ConversationSettings", func(t *testing.T) {
		s, appID := setup(t)
		g := &parley.ConversationPush{ConversationID: "group_team", ConversationType: parley.ReceiverGroup, GUID: "team",
			Preference: parley.PushMentions, UpdatedAt: t0}
		u := &parley.ConversationPush{ConversationID: "ann_user_bob", ConversationType: parley.ReceiverUser, UID: "bob",
			Muted: true, MutedUntil: t0 + 5, UpdatedAt: t0}
		must(t, s.SetConversationPush(t.Context(), appID, "ann", g), "SetConversationPush group")
		must(t, s.SetConversationPush(t.Context(), appID, "ann", u), "SetConversationPush user")
		got, err := s.ConversationPushes(t.Context(), appID, "ann")
		must(t, err, "ConversationPushes")
		wantEqual(t, []*parley.ConversationPush{u, g}, got, "settings by conversation id")
		g2 := *g
		g2.Preference, g2.Muted, g2.UpdatedAt = "", true, t0+2
		must(t, s.SetConversationPush(t.Context(), appID, "ann", &g2), "SetConversationPush update")
		got, err = s.ConversationPushes(t.Context(), appID, "ann")
		must(t, err, "ConversationPushes")
		wantEqual(t, []*parley.ConversationPush{u, &g2}, got, "settings after an update")
		must(t, s.DeleteConversationPush(t.Context(), appID, "ann", "ann_user_bob"), "DeleteConversationPush")
		wantErr(t, s.DeleteConversationPush(t.Context(), appID, "ann", "ann_user_bob"), parley.ErrNotFound, "delete again")
		got, err = s.ConversationPushes(t.Context(), appID, "bob")
		must(t, err, "ConversationPushes of bob")
		wantEqual(t, 0, len(got), "bob's settings")
		wantErr(t, s.SetConversationPush(t.Context(), appID, "nobody", g), parley.ErrNotFound, "setting of a missing user")
	})

	t.Run("TargetsOfUsers", func(t *testing.T) {
		s, appID := setup(t)
		MustCreateUser(t, s, appID, "cat") // no token: no target
		a1 := tok(appID, "ann-1", "ann", parley.PushFCM, "a1", 1)
		a2 := tok(appID, "ann-1", "ann", parley.PushAPNs, "a2", 2)
		b1 := tok(appID, "bob-1", "bob", parley.PushWebhook, "b1", 1)
		for _, x := range []*parley.PushToken{a2, a1, b1} {
			must(t, s.SavePushToken(t.Context(), x), "SavePushToken")
		}
		p := &parley.PushPreferences{OneOnOneMessages: parley.PushNone, GroupMessages: parley.PushAll, Calls: parley.PushAll, UpdatedAt: t0}
		must(t, s.SetPushPreferences(t.Context(), appID, "bob", p), "SetPushPreferences")
		c := &parley.ConversationPush{ConversationID: "ann_user_bob", ConversationType: parley.ReceiverUser, UID: "bob",
			Preference: parley.PushNone, UpdatedAt: t0}
		must(t, s.SetConversationPush(t.Context(), appID, "ann", c), "SetConversationPush")
		must(t, s.SetConversationPush(t.Context(), appID, "bob", &parley.ConversationPush{ConversationID: "other",
			ConversationType: parley.ReceiverUser, UID: "x", UpdatedAt: t0}), "SetConversationPush other")
		must(t, s.SetPresence(t.Context(), appID, "bob", parley.StatusAvailable, t0), "SetPresence")
		got, err := s.PushTargets(t.Context(), appID, parley.PushTargetFilter{UIDs: []string{"bob", "ann", "cat", "nobody"},
			ConversationID: "ann_user_bob"})
		must(t, err, "PushTargets")
		want := []*parley.PushTarget{
			{UID: "ann", Status: parley.StatusOffline, Conversation: c, Tokens: []*parley.PushToken{a1, a2}},
			{UID: "bob", Status: parley.StatusAvailable, Preferences: p, Tokens: []*parley.PushToken{b1}},
		}
		wantEqual(t, want, got, "push targets")
	})

	t.Run("TargetsOfGroup", func(t *testing.T) {
		s, appID := setup(t)
		for _, uid := range []string{"cat", "dan", "eve"} {
			MustCreateUser(t, s, appID, uid)
			must(t, s.CreateAuthToken(t.Context(), &parley.AuthToken{ID: uid + "-1", AppID: appID, UID: uid,
				Hash: []byte(uid), CreatedAt: t0}), "CreateAuthToken")
			must(t, s.SavePushToken(t.Context(), tok(appID, uid+"-1", uid, parley.PushFCM, uid, 0)), "SavePushToken")
		}
		must(t, s.SavePushToken(t.Context(), tok(appID, "ann-1", "ann", parley.PushFCM, "ann", 0)), "SavePushToken")
		mustCreateGroup(t, s, appID, "team", parley.GroupPublic)
		mustAddMember(t, s, appID, "team", "ann", parley.ScopeAdmin, 1)
		mustAddMember(t, s, appID, "team", "bob", parley.ScopeParticipant, 1) // no token
		mustAddMember(t, s, appID, "team", "cat", parley.ScopeParticipant, 2)
		mustAddMember(t, s, appID, "team", "dan", parley.ScopeParticipant, 9) // joined after message 5
		mustAddMember(t, s, appID, "team", "eve", parley.ScopeParticipant, 1)
		must(t, s.EndMember(t.Context(), appID, "team", "eve", 4, t0), "EndMember") // left
		got, err := s.PushTargets(t.Context(), appID, parley.PushTargetFilter{GUID: "team", MessageID: 5, ConversationID: "group_team"})
		must(t, err, "PushTargets")
		var uids []string
		for _, pt := range got {
			uids = append(uids, pt.UID)
		}
		wantEqual(t, []string{"ann", "cat"}, uids, "targets of message 5 in the group")
	})
}
