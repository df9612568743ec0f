package chat_test

import (
	"context"
	"testing"

	"github.com/parleychat/parley"
)

// step is a move made before a case's own: who (a role) sets which status.
type step struct{ by, status string }

// The roles of a move case, each a fresh user: the caller calls the callee
// (one-to-one) or the group of caller, callee and third; the outsider is in
// neither. "app" is the REST API Key acting as no user.
var roles = map[string]string{"caller": "a", "callee": "b", "third": "c", "outsider": "d"}

// TestCallMoves is the table of every change of a call: each status from
// each state by each side, and each refusal with its code. A change writes
// one call message (from the one who moved it, the caller's when the app
// did, to the other side or the group) and the call's new state; a refusal
// writes nothing and leaves the call as it was; a final status frees both
// sides for a new call.
func TestCallMoves(t *testing.T) {
	t.Parallel()
	w := newCallWorld(t)
	P := func(by, status string) step { return step{by, status} }
	accepted := []step{P("callee", parley.CallOngoing)}
	for _, c := range []struct {
		name    string
		group   bool
		before  []step
		session string // instead of the call's
		busy    bool   // the mover is in another call first
		by      string
		status  string
		code    string // "" when allowed
		want    string // the call's status after
	}{
		// One-to-one: the answers of the callee.
		{name: "AcceptByCallee", by: "callee", status: parley.CallOngoing, want: parley.CallOngoing},
		{name: "RejectByCallee", by: "callee", status: parley.CallRejected, want: parley.CallRejected},
		{name: "BusyByCallee", by: "callee", status: parley.CallBusy, want: parley.CallBusy},
		// The caller, or the app, gives up on a ringing call.
		{name: "CancelByCaller", by: "caller", status: parley.CallCancelled, want: parley.CallCancelled},
		{name: "UnansweredByCaller", by: "caller", status: parley.CallUnanswered, want: parley.CallUnanswered},
		{name: "CancelByApp", by: "app", status: parley.CallCancelled, want: parley.CallCancelled},
		{name: "UnansweredByApp", by: "app", status: parley.CallUnanswered, want: parley.CallUnanswered},
		// Either side, or the app, ends an ongoing call.
		{name: "EndByCaller", before: accepted, by: "caller", status: parley.CallEnded, want: parley.CallEnded},
		{name: "EndByCallee", before: accepted, by: "callee", status: parley.CallEnded, want: parley.CallEnded},
		{name: "EndByApp", before: accepted, by: "app", status: parley.CallEnded, want: parley.CallEnded},
		// The wrong side.
		{name: "AcceptByCaller", by: "caller", status: parley.CallOngoing, code: parley.CodeCallNotAllowed},
		{name: "RejectByCaller", by: "caller", status: parley.CallRejected, code: parley.CodeCallNotAllowed},
		{name: "BusyByCaller", by: "caller", status: parley.CallBusy, code: parley.CodeCallNotAllowed},
		{name: "CancelByCallee", by: "callee", status: parley.CallCancelled, code: parley.CodeCallNotAllowed},
		{name: "UnansweredByCallee", by: "callee", status: parley.CallUnanswered, code: parley.CodeCallNotAllowed},
		{name: "AcceptByApp", by: "app", status: parley.CallOngoing, code: parley.CodeCallNotAllowed},
		{name: "RejectByApp", by: "app", status: parley.CallRejected, code: parley.CodeCallNotAllowed},
		{name: "AcceptByStranger", by: "third", status: parley.CallOngoing, code: parley.CodeCallNotAPart},
		{name: "EndByStranger", before: accepted, by: "third", status: parley.CallEnded, code: parley.CodeCallNotAPart},
		// The wrong state.
		{name: "EndBeforeAnswer", by: "caller", status: parley.CallEnded, code: parley.CodeCallNotStarted},
		{name: "AcceptTwice", before: accepted, by: "callee", status: parley.CallOngoing, code: parley.CodeCallUserJoined},
		{name: "RejectOngoing", before: accepted, by: "callee", status: parley.CallRejected, code: parley.CodeCallOngoingInvalid},
		{name: "BusyOngoing", before: accepted, by: "callee", status: parley.CallBusy, code: parley.CodeCallOngoingInvalid},
		{name: "CancelOngoing", before: accepted, by: "caller", status: parley.CallCancelled, code: parley.CodeCallOngoingInvalid},
		{name: "UnansweredOngoing", before: accepted, by: "app", status: parley.CallUnanswered, code: parley.CodeCallOngoingInvalid},
		{name: "BackToInitiated", by: "caller", status: parley.CallInitiated, code: parley.CodeCallInvalidInit},
		{name: "AfterRejected", before: []step{P("callee", parley.CallRejected)}, by: "callee", status: parley.CallOngoing,
			code: parley.CodeCallTerminated},
		{name: "AfterCancelled", before: []step{P("caller", parley.CallCancelled)}, by: "caller", status: parley.CallCancelled,
			code: parley.CodeCallTerminated},
		{name: "AfterEnded", before: []step{P("callee", parley.CallOngoing), P("caller", parley.CallEnded)}, by: "callee",
			status: parley.CallEnded, code: parley.CodeCallTerminated},
		// What the request names.
		{name: "UnknownStatus", by: "caller", status: "paused", code: parley.CodeBadRequest},
		{name: "UnknownSession", session: "nosuchsession", by: "caller", status: parley.CallEnded, code: parley.CodeCallNotFound},
		{name: "EmptySession", session: " ", by: "caller", status: parley.CallEnded, code: parley.CodeEmptyCallSession},

		// Group calls: members join, no one answers for the group.
		{name: "GroupJoinByMember", group: true, by: "callee", status: parley.CallOngoing, want: parley.CallOngoing},
		{name: "GroupSecondJoin", group: true, before: accepted, by: "third", status: parley.CallOngoing, want: parley.CallOngoing},
		{name: "GroupCancelByCaller", group: true, by: "caller", status: parley.CallCancelled, want: parley.CallCancelled},
		{name: "GroupUnansweredByApp", group: true, by: "app", status: parley.CallUnanswered, want: parley.CallUnanswered},
		{name: "GroupEndByJoined", group: true, before: accepted, by: "callee", status: parley.CallEnded, want: parley.CallEnded},
		{name: "GroupEndByCaller", group: true, before: accepted, by: "caller", status: parley.CallEnded, want: parley.CallEnded},
		{name: "GroupEndByApp", group: true, before: accepted, by: "app", status: parley.CallEnded, want: parley.CallEnded},
		{name: "GroupReject", group: true, by: "callee", status: parley.CallRejected, code: parley.CodeCallGroupStatus},
		{name: "GroupBusy", group: true, by: "callee", status: parley.CallBusy, code: parley.CodeCallGroupStatus},
		{name: "GroupJoinByOutsider", group: true, by: "outsider", status: parley.CallOngoing, code: parley.CodeCallNotAPart},
		{name: "GroupJoinTwice", group: true, before: accepted, by: "callee", status: parley.CallOngoing, code: parley.CodeCallGroupJoined},
		{name: "GroupJoinByCaller", group: true, by: "caller", status: parley.CallOngoing, code: parley.CodeCallGroupJoined},
		{name: "GroupEndByNotJoined", group: true, before: accepted, by: "third", status: parley.CallEnded, code: parley.CodeCallNotAPart},
		{name: "GroupCancelByMember", group: true, by: "callee", status: parley.CallCancelled, code: parley.CodeCallNotAllowed},
		{name: "GroupEndBeforeJoin", group: true, by: "caller", status: parley.CallEnded, code: parley.CodeCallNotStarted},
		{name: "GroupJoinWhileBusy", group: true, busy: true, by: "third", status: parley.CallOngoing, code: parley.CodeCallBusySelf},
		{name: "GroupAfterEnd", group: true, before: []step{P("callee", parley.CallOngoing), P("callee", parley.CallEnded)},
			by: "third", status: parley.CallOngoing, code: parley.CodeCallTerminated},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := w.people(t, "a", "b", "c", "d")
			uid := func(role string) string {
				if role == "app" {
					return parley.SystemUID
				}
				return p + roles[role]
			}
			ctx := func(role string) context.Context {
				if role == "app" {
					return w.server
				}
				return w.as(uid(role))
			}
			to, toType := uid("callee"), parley.ReceiverUser
			if c.group {
				to, toType = p+"g", parley.ReceiverGroup
			}
			session := w.start(t, uid("caller"), to, toType)
			for _, s := range c.before {
				w.move(t, ctx(s.by), session, s.status)
			}
			if c.busy {
				w.start(t, uid(c.by), uid("outsider"), parley.ReceiverUser)
			}
			before, last := w.call(t, session), w.latestID(t)
			moved := session
			if c.session != "" {
				moved = c.session
			}

			m, err := w.svc.UpdateCall(ctx(c.by), moved, parley.CallUpdate{Status: c.status})
			if c.code != "" {
				if got := parley.CodeOf(err); got != c.code {
					t.Fatalf("got %v, want %s", err, c.code)
				}
				if id := w.latestID(t); id != last {
					t.Errorf("a refused move wrote message %d", id)
				}
				wantCall(t, before, w.call(t, session), "the call after a refused move")
				return
			}
			if err != nil {
				t.Fatalf("got %v, want it allowed", err)
			}
			after := w.call(t, session)
			if after.Status != c.want {
				t.Errorf("call status %s, want %s", after.Status, c.want)
			}
			if m.ID != last+1 || m.Category != parley.CategoryCall || m.Type != parley.CallVideo || m.Data.Action != c.status {
				t.Errorf("message %d %s/%s action %s; want %d call/video action %s", m.ID, m.Category, m.Type, m.Data.Action,
					last+1, c.status)
			}
			e := callEntityOf(t, m)
			if e.SessionID != session || e.Status != c.want || e.Initiator != uid("caller") || e.Receiver != to {
				t.Errorf("call entity %+v", e)
			}
			sender, receiver := uid(c.by), to
			switch {
			case c.by == "app":
				sender = uid("caller")
			case !c.group && c.by == "callee":
				receiver = uid("caller")
			}
			if m.Sender != sender || m.Receiver != receiver || m.ConversationID != after.ConversationID {
				t.Errorf("message from %s to %s in %s; want from %s to %s in %s", m.Sender, m.Receiver, m.ConversationID,
					sender, receiver, after.ConversationID)
			}
			if by := entityUID(m, "by"); by != uid(c.by) {
				t.Errorf("data.entities.by %s, want %s", by, uid(c.by))
			}
			if c.want != parley.CallOngoing { // final: everyone is free again
				w.start(t, uid("caller"), to, toType)
			}
		})
	}
}

// wantCall fails the test when a call's state changed.
func wantCall(t *testing.T, want, got *parley.Call, what string) {
	t.Helper()
	if got.Status != want.Status || got.Active != want.Active || len(got.Participants) != len(want.Participants) ||
		got.RingUntil != want.RingUntil {
		t.Errorf("%s: %+v, want %+v", what, got, want)
		return
	}
	for i := range want.Participants {
		if got.Participants[i] != want.Participants[i] {
			t.Errorf("%s: participants %v, want %v", what, got.Participants, want.Participants)
		}
	}
}
