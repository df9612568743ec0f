package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// TestCalls tests the call store: what a call reads back as, and the rule
// the store itself keeps, that a user is in at most one active call and a
// group has at most one.
func TestCalls(t *testing.T, newStore func(t *testing.T) parley.Store) {
	// setup returns a store with an app holding users ann, bob, cid and
	// dan, and group g.
	setup := func(t *testing.T) (parley.Store, string) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		for _, uid := range []string{"ann", "bob", "cid", "dan"} {
			MustCreateUser(t, s, a.ID, uid)
		}
		mustCreateGroup(t, s, a.ID, "g", parley.GroupPublic)
		return s, a.ID
	}
	// call is an active one-to-one call ringing until t0+45.
	call := func(id, from, to string) *parley.Call {
		return &parley.Call{SessionID: id, ConversationID: parley.UserConversationID(from, to), Type: parley.CallAudio,
			Initiator: from, Receiver: to, ReceiverType: parley.ReceiverUser, Status: parley.CallInitiated,
			InitiatedAt: t0, RingUntil: t0 + 45, Active: true,
			Participants: []parley.CallParticipant{{UID: from, JoinedAt: t0}, {UID: to}}}
	}
	groupCall := func(id, from string) *parley.Call {
		return &parley.Call{SessionID: id, ConversationID: parley.GroupConversationID("g"), Type: parley.CallVideo,
			Initiator: from, Receiver: "g", ReceiverType: parley.ReceiverGroup, Status: parley.CallInitiated,
			InitiatedAt: t0, RingUntil: t0 + 45, Active: true,
			Participants: []parley.CallParticipant{{UID: from, JoinedAt: t0}}}
	}
	read := func(t *testing.T, s parley.Tx, appID, id string) *parley.Call {
		t.Helper()
		c, err := s.Call(t.Context(), appID, id)
		must(t, err, "Call "+id)
		return c
	}
	// end moves a call to a final status.
	end := func(t *testing.T, s parley.Tx, appID string, c *parley.Call) {
		t.Helper()
		c.Status, c.EndedAt, c.RingUntil, c.Active = parley.CallEnded, t0+60, 0, false
		must(t, s.UpdateCall(t.Context(), appID, c), "UpdateCall to ended")
	}

	t.Run("CreateAndRead", func(t *testing.T) {
		s, appID := setup(t)
		c := call("s1", "ann", "bob")
		must(t, s.CreateCall(t.Context(), appID, c), "CreateCall")
		wantEqual(t, c, read(t, s, appID, "s1"), "call read back")
		wantErr(t, s.CreateCall(t.Context(), appID, call("s1", "cid", "dan")), parley.ErrConflict, "CreateCall of a taken session id")
		_, err := s.Call(t.Context(), appID, "nosuch")
		wantErr(t, err, parley.ErrNotFound, "Call of an unknown session")
		other := MustCreateApp(t, s)
		_, err = s.Call(t.Context(), other.ID, "s1")
		wantErr(t, err, parley.ErrNotFound, "Call from another app")
	})

	t.Run("UnknownParticipant", func(t *testing.T) {
		s, appID := setup(t)
		wantErr(t, s.CreateCall(t.Context(), appID, call("s1", "ann", "nobody")), parley.ErrNotFound, "CreateCall with no such user")
		_, err := s.Call(t.Context(), appID, "s1")
		wantErr(t, err, parley.ErrNotFound, "the refused call")
	})

	t.Run("OneActiveCallPerUser", func(t *testing.T) {
		s, appID := setup(t)
		c := call("s1", "ann", "bob")
		must(t, s.CreateCall(t.Context(), appID, c), "CreateCall")
		wantErr(t, s.CreateCall(t.Context(), appID, call("s2", "cid", "bob")), parley.ErrConflict, "a second call of the callee")
		wantErr(t, s.CreateCall(t.Context(), appID, call("s3", "ann", "dan")), parley.ErrConflict, "a second call of the caller")
		wantErr(t, s.CreateCall(t.Context(), appID, groupCall("s4", "bob")), parley.ErrConflict, "a group call of the callee")
		for _, id := range []string{"s2", "s3", "s4"} {
			_, err := s.Call(t.Context(), appID, id)
			wantErr(t, err, parley.ErrNotFound, "refused call "+id)
		}
		got, err := s.ActiveCall(t.Context(), appID, "bob")
		must(t, err, "ActiveCall")
		wantEqual(t, "s1", got.SessionID, "bob's active call")
		_, err = s.ActiveCall(t.Context(), appID, "cid")
		wantErr(t, err, parley.ErrNotFound, "ActiveCall of a user in none")

		end(t, s, appID, c)
		_, err = s.ActiveCall(t.Context(), appID, "bob")
		wantErr(t, err, parley.ErrNotFound, "ActiveCall after the call ended")
		must(t, s.CreateCall(t.Context(), appID, call("s2", "cid", "bob")), "a call of bob once the first ended")
		// A call over from the start holds no one.
		over := call("s5", "ann", "cid")
		over.Active = false
		must(t, s.CreateCall(t.Context(), appID, over), "CreateCall of an inactive call")
	})

	t.Run("OneActiveCallPerGroup", func(t *testing.T) {
		s, appID := setup(t)
		c := groupCall("s1", "ann")
		must(t, s.CreateCall(t.Context(), appID, c), "CreateCall")
		wantErr(t, s.CreateCall(t.Context(), appID, groupCall("s2", "cid")), parley.ErrConflict, "a second call of the group")
		got, err := s.ActiveGroupCall(t.Context(), appID, "g")
		must(t, err, "ActiveGroupCall")
		wantEqual(t, "s1", got.SessionID, "the group's active call")
		end(t, s, appID, c)
		_, err = s.ActiveGroupCall(t.Context(), appID, "g")
		wantErr(t, err, parley.ErrNotFound, "ActiveGroupCall after it ended")
		must(t, s.CreateCall(t.Context(), appID, groupCall("s2", "cid")), "a new call of the group")
	})

	t.Run("UpdateJoinsParticipants", func(t *testing.T) {
		s, appID := setup(t)
		c := groupCall("s1", "ann")
		must(t, s.CreateCall(t.Context(), appID, c), "CreateCall")
		must(t, s.CreateCall(t.Context(), appID, call("s2", "cid", "dan")), "CreateCall of cid")
		c.Status, c.JoinedAt, c.RingUntil = parley.CallOngoing, t0+5, 0
		c.Participants = append(c.Participants, parley.CallParticipant{UID: "bob", JoinedAt: t0 + 5})
		must(t, s.UpdateCall(t.Context(), appID, c), "UpdateCall joining bob")
		wantEqual(t, c, read(t, s, appID, "s1"), "call after bob joined")

		// cid is in s2: joining s1 fails, and the whole update with it.
		busy := *c
		busy.Participants = append(append([]parley.CallParticipant(nil), c.Participants...),
			parley.CallParticipant{UID: "cid", JoinedAt: t0 + 6})
		busy.JoinedAt = t0 + 6
		wantErr(t, s.UpdateCall(t.Context(), appID, &busy), parley.ErrConflict, "UpdateCall joining a user in another call")
		wantEqual(t, c, read(t, s, appID, "s1"), "call after the refused update")

		c.SessionID = "nosuch"
		wantErr(t, s.UpdateCall(t.Context(), appID, c), parley.ErrNotFound, "UpdateCall of an unknown session")
	})

	t.Run("EndFreesEveryParticipant", func(t *testing.T) {
		s, appID := setup(t)
		c := groupCall("s1", "ann")
		c.Participants = append(c.Participants, parley.CallParticipant{UID: "bob", JoinedAt: t0 + 1})
		must(t, s.CreateCall(t.Context(), appID, c), "CreateCall")
		end(t, s, appID, c)
		for _, uid := range []string{"ann", "bob"} {
			_, err := s.ActiveCall(t.Context(), appID, uid)
			wantErr(t, err, parley.ErrNotFound, "ActiveCall of "+uid+" after the call ended")
		}
		wantEqual(t, c, read(t, s, appID, "s1"), "ended call")
	})

	t.Run("DueCalls", func(t *testing.T) {
		s, appID := setup(t)
		other := MustCreateApp(t, s)
		MustCreateUser(t, s, other.ID, "eve")
		MustCreateUser(t, s, other.ID, "fay")
		late := call("late", "ann", "bob")
		late.RingUntil = t0 + 50
		must(t, s.CreateCall(t.Context(), appID, late), "CreateCall late")
		early := call("early", "eve", "fay")
		early.RingUntil = t0 + 10
		must(t, s.CreateCall(t.Context(), other.ID, early), "CreateCall early")
		answered := call("answered", "cid", "dan")
		answered.Status, answered.RingUntil = parley.CallOngoing, 0
		must(t, s.CreateCall(t.Context(), appID, answered), "CreateCall answered")

		due := func(at int64, limit int) []parley.CallRef {
			t.Helper()
			rs, err := s.DueCalls(t.Context(), at, limit)
			must(t, err, "DueCalls")
			if rs == nil {
				rs = []parley.CallRef{}
			}
			return rs
		}
		wantEqual(t, []parley.CallRef{}, due(t0+9, 10), "due before any")
		wantEqual(t, []parley.CallRef{{AppID: other.ID, SessionID: "early"}}, due(t0+10, 10), "due at the first's time")
		wantEqual(t, []parley.CallRef{{AppID: other.ID, SessionID: "early"}, {AppID: appID, SessionID: "late"}}, due(t0+100, 10), "due after both")
		wantEqual(t, []parley.CallRef{{AppID: other.ID, SessionID: "early"}}, due(t0+100, 1), "due, limited")
		end(t, s, other.ID, early)
		wantEqual(t, []parley.CallRef{{AppID: appID, SessionID: "late"}}, due(t0+100, 10), "due once the first ended")
	})

	t.Run("DeleteGroupDeletesItsCalls", func(t *testing.T) {
		s, appID := setup(t)
		must(t, s.CreateCall(t.Context(), appID, groupCall("s1", "ann")), "CreateCall")
		must(t, s.DeleteGroup(t.Context(), appID, "g"), "DeleteGroup")
		_, err := s.Call(t.Context(), appID, "s1")
		wantErr(t, err, parley.ErrNotFound, "the deleted group's call")
		_, err = s.ActiveCall(t.Context(), appID, "ann")
		wantErr(t, err, parley.ErrNotFound, "ActiveCall of its caller")
	})

	t.Run("PurgeUserLeavesTheirCalls", func(t *testing.T) {
		s, appID := setup(t)
		must(t, s.CreateCall(t.Context(), appID, call("s1", "ann", "bob")), "CreateCall")
		must(t, s.PurgeUser(t.Context(), appID, "bob"), "PurgeUser")
		c := read(t, s, appID, "s1")
		wantEqual(t, []parley.CallParticipant{{UID: "ann", JoinedAt: t0}}, c.Participants, "participants once bob was purged")
		MustCreateUser(t, s, appID, "bob")
		must(t, s.CreateCall(t.Context(), appID, call("s2", "bob", "cid")), "a new bob calls")
	})
}
