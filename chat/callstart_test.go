package chat_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/parleychat/parley"
)

// TestInitiateCall tests starting a call: what the first message and the
// call are, and each refusal (calling oneself, a busy caller, callee or
// group, a block either way, a non-member, what the request names), which
// writes nothing and puts no one in a call.
func TestInitiateCall(t *testing.T) {
	t.Parallel()
	w := newCallWorld(t)

	t.Run("ToUser", func(t *testing.T) {
		p := w.people(t, "a", "b")
		meta := map[string]any{"room": "standup"}
		m, err := w.svc.InitiateCall(w.as(p+"a"), parley.NewCall{Receiver: p + "B", ReceiverType: parley.ReceiverUser,
			Type: parley.CallAudio, Status: parley.CallInitiated, Metadata: meta})
		if err != nil {
			t.Fatal(err)
		}
		e := callEntityOf(t, m)
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(e.SessionID) {
			t.Errorf("session id %q, want 32 hex digits", e.SessionID)
		}
		now := w.clock.unix()
		want := parley.CallEntity{SessionID: e.SessionID, Status: parley.CallInitiated, Type: parley.CallAudio,
			ReceiverType: parley.ReceiverUser, Initiator: p + "a", Receiver: p + "b", InitiatedAt: now}
		if e != want {
			t.Errorf("call entity %+v, want %+v", e, want)
		}
		conv := parley.UserConversationID(p+"a", p+"b")
		if m.ID == 0 || m.Category != parley.CategoryCall || m.Type != parley.CallAudio || m.Data.Action != parley.CallInitiated ||
			m.Sender != p+"a" || m.Receiver != p+"b" || m.ConversationID != conv || m.SentAt != now || m.Data.Metadata["room"] != "standup" {
			t.Errorf("message %+v", m)
		}
		if by, to := entityUID(m, "by"), entityUID(m, "for"); by != p+"a" || to != p+"b" {
			t.Errorf("entities by %s for %s", by, to)
		}
		c := w.call(t, e.SessionID)
		wantParts := []parley.CallParticipant{{UID: p + "a", JoinedAt: now}, {UID: p + "b"}}
		if c.Status != parley.CallInitiated || !c.Active || c.RingUntil != now+int64(ringTimeout/time.Second) ||
			c.ConversationID != conv || fmt.Sprint(c.Participants) != fmt.Sprint(wantParts) {
			t.Errorf("call %+v", c)
		}
	})

	t.Run("ToGroup", func(t *testing.T) {
		p := w.people(t, "a", "b", "c")
		m, err := w.svc.InitiateCall(w.as(p+"a"), parley.NewCall{Receiver: p + "g", ReceiverType: parley.ReceiverGroup,
			Type: parley.CallVideo})
		if err != nil {
			t.Fatal(err)
		}
		if m.Receiver != p+"g" || m.ConversationID != parley.GroupConversationID(p+"g") || entityUID(m, "for") != "" {
			t.Errorf("message %+v", m)
		}
		if g, _ := m.Data.Entities["for"].Entity.(*parley.Group); g == nil || g.GUID != p+"g" {
			t.Errorf("data.entities.for %+v, want the group", m.Data.Entities["for"])
		}
		c := w.call(t, sessionOf(t, m))
		if len(c.Participants) != 1 || c.Participants[0].UID != p+"a" {
			t.Errorf("a group call rings its members without putting them in it: %v", c.Participants)
		}
		// A member whose group rings is free to call.
		w.start(t, p+"b", p+"c", parley.ReceiverUser)
	})

	for _, c := range []struct {
		name  string
		setup func(t *testing.T, w *callWorld, p string) // before p+"a" calls
		in    func(p string) parley.NewCall
		as    func(w *callWorld, p string) context.Context
		code  string
	}{
		{name: "Self", in: toUser("a"), code: parley.CodeCallingSelf},
		{name: "SelfFolded", in: toUser("A"), code: parley.CodeCallingSelf},
		{name: "CallerInACall", setup: calls("a", "c"), in: toUser("b"), code: parley.CodeCallBusySelf},
		{name: "CallerRungByAnother", setup: calls("c", "a"), in: toUser("b"), code: parley.CodeCallBusySelf},
		{name: "CalleeInACall", setup: calls("c", "b"), in: toUser("b"), code: parley.CodeCallBusyUser},
		{name: "GroupInACall", setup: calls("c", "g"), in: toGroup, code: parley.CodeCallBusyGroup},
		{name: "CallerBlockedCallee", setup: blocks("a", "b"), in: toUser("b"), code: parley.CodeBlockedReceiver},
		{name: "CalleeBlockedCaller", setup: blocks("b", "a"), in: toUser("b"), code: parley.CodeBlockedSender},
		{name: "NonMember", in: toGroup, as: onBehalf("d"), code: parley.CodeNotAMember},
		{name: "UnknownUser", in: toUser("nobody"), code: parley.CodeUIDNotFound},
		{name: "UnknownGroup", in: func(p string) parley.NewCall {
			return parley.NewCall{Receiver: p + "nogroup", ReceiverType: parley.ReceiverGroup, Type: parley.CallAudio}
		}, code: parley.CodeGUIDNotFound},
		{name: "EmptyReceiver", in: toUser(""), code: parley.CodeEmptyReceiver},
		{name: "BadReceiverType", in: with(toUser("b"), func(n *parley.NewCall) { n.ReceiverType = "room" }),
			code: parley.CodeInvalidReceiverType},
		{name: "BadType", in: with(toUser("b"), func(n *parley.NewCall) { n.Type = "hologram" }), code: parley.CodeBadRequest},
		{name: "NoType", in: with(toUser("b"), func(n *parley.NewCall) { n.Type = "" }), code: parley.CodeBadRequest},
		{name: "StatusNotInitiated", in: with(toUser("b"), func(n *parley.NewCall) { n.Status = parley.CallOngoing }),
			code: parley.CodeBadRequest},
		{name: "MetadataNotAnObject", in: with(toUser("b"), func(n *parley.NewCall) {
			n.Metadata = map[string]any{"x": string(make([]byte, parley.MaxMetadata))}
		}), code: parley.CodeInvalidMetadata},
		{name: "AppAsItself", in: toUser("b"), as: func(w *callWorld, _ string) context.Context { return w.server }, code: parley.CodeNoAccess},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := w.people(t, "a", "b", "c", "d")
			if c.setup != nil {
				c.setup(t, w, p)
			}
			before := activeCalls(t, w, p)
			last := w.latestID(t)
			ctx := w.as(p + "a")
			if c.as != nil {
				ctx = c.as(w, p)
			}
			_, err := w.svc.InitiateCall(ctx, c.in(p))
			if got := parley.CodeOf(err); got != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
			if id := w.latestID(t); id != last {
				t.Errorf("a refused call wrote message %d", id)
			}
			if after := activeCalls(t, w, p); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("calls of the users: %v, before %v", after, before)
			}
		})
	}
}

func toUser(name string) func(p string) parley.NewCall {
	return func(p string) parley.NewCall {
		r := p + name
		if name == "" {
			r = ""
		}
		return parley.NewCall{Receiver: r, ReceiverType: parley.ReceiverUser, Type: parley.CallVideo}
	}
}

func toGroup(p string) parley.NewCall {
	return parley.NewCall{Receiver: p + "g", ReceiverType: parley.ReceiverGroup, Type: parley.CallVideo}
}

func with(in func(p string) parley.NewCall, change func(*parley.NewCall)) func(p string) parley.NewCall {
	return func(p string) parley.NewCall {
		n := in(p)
		change(&n)
		return n
	}
}

// calls is a setup in which from calls to (a user, or "g" the group).
func calls(from, to string) func(t *testing.T, w *callWorld, p string) {
	return func(t *testing.T, w *callWorld, p string) {
		typ := parley.ReceiverUser
		if to == "g" {
			typ = parley.ReceiverGroup
		}
		w.start(t, p+from, p+to, typ)
	}
}

// blocks is a setup in which blocker blocks blocked.
func blocks(blocker, blocked string) func(t *testing.T, w *callWorld, p string) {
	return func(t *testing.T, w *callWorld, p string) {
		res, err := w.svc.BlockUsers(w.server, p+blocker, []string{p + blocked})
		if err != nil || !res[p+blocked].Success {
			t.Fatalf("block: %v %v", res, err)
		}
	}
}

// onBehalf acts as a user of the case.
func onBehalf(name string) func(w *callWorld, p string) context.Context {
	return func(w *callWorld, p string) context.Context { return w.as(p + name) }
}

// activeCalls maps each user of a case to the session of their active
// call ("" for none).
func activeCalls(t *testing.T, w *callWorld, p string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range []string{"a", "b", "c", "d"} {
		c, err := w.st.ActiveCall(context.Background(), w.appID, p+n)
		switch {
		case err == nil:
			out[n] = c.SessionID
		case errors.Is(err, parley.ErrNotFound):
			out[n] = ""
		default:
			t.Fatal(err)
		}
	}
	if c, err := w.st.ActiveGroupCall(context.Background(), w.appID, p+"g"); err == nil {
		out["g"] = c.SessionID
	}
	return out
}
