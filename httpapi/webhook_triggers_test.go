package httpapi_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/webhook"
)

// path reads a nested field of decoded JSON: path("a.b.c").
func path(v any, p string) any {
	for _, k := range strings.Split(p, ".") {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// TestEveryTriggerFires drives every change a trigger reports, one step at
// a time, through a webhook that takes every trigger, and checks that each
// step fires exactly its triggers, in order, signed, with the objects of its
// data. Together the steps cover every trigger but before_message (see
// TestModerationHook) and the call_* triggers, which fire from call
// messages (their mapping is tested in package chat).
func TestEveryTriggerFires(t *testing.T) {
	t.Parallel()
	e := newGroupEnvWith(t, []any{withDispatcher(t)}, "ann", "bob", "cat")
	s := newSink(t, nil)
	var all []string
	for _, tr := range parley.Triggers() {
		if tr != parley.TriggerBeforeMessage {
			all = append(all, tr)
		}
	}
	e.mustWebhook(t, "all", s, all)

	presence := func(uid string, online bool) func(t *testing.T) {
		return func(t *testing.T) {
			ctx := context.Background()
			a, err := e.Svc.Authenticate(ctx, chat.Credentials{AppID: e.AppID, AuthToken: e.tok[uid]})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Svc.SetPresence(parley.NewContext(ctx, a), online); err != nil {
				t.Fatal(err)
			}
		}
	}
	call := func(method, p string, body any, hs hdr) func(t *testing.T) {
		return func(t *testing.T) { e.ok(t, method, p, body, hs) }
	}
	var first string   // the first message's id
	var session string // the call in progress
	ring := func(t *testing.T) {
		m := e.okObj(t, "POST", "/v3/calls", map[string]any{"receiver": "bob", "receiverType": "user", "type": "audio"}, e.as("ann"))
		session, _ = path(m, "data.entities.on.entity.sessionid").(string)
		if session == "" {
			t.Fatalf("no session id in %v", m)
		}
	}
	move := func(status, uid string) func(t *testing.T) {
		return func(t *testing.T) {
			e.ok(t, "PUT", "/v3/calls/"+session, map[string]any{"status": status}, e.as(uid))
		}
	}
	type want map[string]any // data path -> value, checked on the delivery of its trigger
	steps := []struct {
		name     string
		do       func(t *testing.T)
		triggers []string
		data     map[string]want // by trigger
	}{
		{"Send", func(t *testing.T) { first = e.sendID(t, toUser("bob", "hello"), e.as("ann")) },
			[]string{"message_sent"}, map[string]want{"message_sent": {"message.data.text": "hello", "message.sender": "ann",
				"message.receiver": "bob", "message.category": "message"}}},
		{"Edit", func(t *testing.T) {
			e.ok(t, "PUT", "/v3/messages/"+first, map[string]any{"data": map[string]any{"text": "hello!"}}, e.as("ann"))
		},
			[]string{"message_edited"}, map[string]want{"message_edited": {"message.category": "action", "message.data.action": "edited",
				"message.data.entities.on.entity.data.text": "hello!", "message.data.entities.by.entity.uid": "ann"}}},
		{"React", func(t *testing.T) { e.ok(t, "POST", "/v3/messages/"+first+"/reactions/👍", nil, e.as("bob")) },
			[]string{"message_reaction_added"}, map[string]want{"message_reaction_added": {"reaction.reaction": "👍",
				"reaction.uid": "bob", "reaction.reactedBy.uid": "bob", "message.data.text": "hello!"}}},
		{"Unreact", func(t *testing.T) { e.ok(t, "DELETE", "/v3/messages/"+first+"/reactions/👍", nil, e.as("bob")) },
			[]string{"message_reaction_removed"}, map[string]want{"message_reaction_removed": {"reaction.reaction": "👍"}}},
		{"Delivered", func(t *testing.T) {
			e.ok(t, "POST", "/v3/users/ann/conversation/delivered", map[string]any{"messageId": first}, e.as("bob"))
		}, []string{"message_delivery_receipt"}, map[string]want{"message_delivery_receipt": {"receipt.action": "delivered",
			"receipt.user.uid": "bob", "receipt.messageSender": "ann", "receipt.conversationId": "ann_user_bob"}}},
		{"Read", func(t *testing.T) {
			e.ok(t, "POST", "/v3/users/ann/conversation/read", map[string]any{"messageId": first}, e.as("bob"))
		}, []string{"message_read_receipt"}, map[string]want{"message_read_receipt": {"receipt.action": "read"}}},
		{"Ring", ring, []string{"call_initiated"}, map[string]want{"call_initiated": {"call.data.action": "initiated",
			"call.sender": "ann", "call.receiver": "bob", "call.category": "call"}}},
		{"Accept", move("ongoing", "bob"), []string{"call_started"}, map[string]want{"call_started": {"call.data.action": "ongoing"}}},
		{"Hang up", move("ended", "ann"), []string{"call_ended"}, map[string]want{"call_ended": {"call.data.action": "ended"}}},
		{"Ring again", ring, []string{"call_initiated"}, nil},
		{"Reject", move("rejected", "bob"), []string{"call_rejected"}, nil},
		{"Ring a third time", ring, []string{"call_initiated"}, nil},
		{"Busy", move("busy", "bob"), []string{"call_busy"}, nil},
		{"Ring once more", ring, []string{"call_initiated"}, nil},
		{"Cancel", move("cancelled", "ann"), []string{"call_cancelled"}, nil},
		{"Ring the last time", ring, []string{"call_initiated"}, nil},
		{"Give up", move("unanswered", "ann"), []string{"call_unanswered"}, nil},
		{"Block", call("POST", "/v3/blockedusers", map[string]any{"blockedUids": []string{"cat"}}, e.as("ann")),
			[]string{"user_blocked"}, map[string]want{"user_blocked": {"blockedBy.uid": "ann", "blockedUser.uid": "cat"}}},
		{"Unblock", call("DELETE", "/v3/blockedusers", map[string]any{"blockedUids": []string{"cat"}}, e.as("ann")),
			[]string{"user_unblocked"}, map[string]want{"user_unblocked": {"blockedBy.uid": "ann", "blockedUser.uid": "cat"}}},
		{"Online", presence("ann", true), []string{"user_connection_status_changed"},
			map[string]want{"user_connection_status_changed": {"user.uid": "ann", "user.status": "available", "status": "online"}}},
		{"CreateGroup", call("POST", "/v3/groups", map[string]any{"guid": "team", "name": "Team", "type": "public"}, e.as("ann")),
			[]string{"group_created", "group_member_joined"}, map[string]want{
				"group_created":       {"group.guid": "team", "group.owner": "ann", "group.membersCount": 1.0, "group.hasJoined": nil},
				"group_member_joined": {"message.data.action": "joined", "message.data.entities.on.entity.uid": "ann"}}},
		{"Add", call("POST", "/v3/groups/team/members", map[string]any{"participants": []string{"bob"}}, e.as("ann")),
			[]string{"group_member_added"}, map[string]want{"group_member_added": {"message.data.entities.on.entity.uid": "bob",
				"message.data.entities.by.entity.uid": "ann", "message.data.entities.for.entity.guid": "team"}}},
		{"Join", call("POST", "/v3/groups/team/members", map[string]any{}, e.as("cat")),
			[]string{"group_member_joined"}, map[string]want{"group_member_joined": {"message.data.entities.on.entity.uid": "cat"}}},
		{"Scope", call("PUT", "/v3/groups/team/members/bob", map[string]any{"scope": "moderator"}, e.as("ann")),
			[]string{"group_member_scope_changed"}, map[string]want{"group_member_scope_changed": {"message.data.extras.scope.new": "moderator"}}},
		{"Mention", func(t *testing.T) { e.sendID(t, toGroup("team", "<@uid:bob> look"), e.as("ann")) },
			[]string{"message_sent", "user_mentioned"}, map[string]want{"user_mentioned": {"message.data.mentions.bob.uid": "bob",
				"message.receiver": "team"}}},
		{"Kick", call("DELETE", "/v3/groups/team/members/cat", nil, e.as("ann")),
			[]string{"group_member_kicked"}, map[string]want{"group_member_kicked": {"message.data.entities.on.entity.uid": "cat"}}},
		{"Ban", call("POST", "/v3/groups/team/bannedusers/cat", nil, e.as("ann")),
			[]string{"group_member_banned"}, map[string]want{"group_member_banned": {"message.data.action": "banned"}}},
		{"Unban", call("DELETE", "/v3/groups/team/bannedusers/cat", nil, e.as("ann")),
			[]string{"group_member_unbanned"}, map[string]want{"group_member_unbanned": {"message.data.action": "unbanned"}}},
		{"TransferOwner", call("PATCH", "/v3/groups/team/owner", map[string]any{"owner": "bob"}, e.as("ann")),
			[]string{"group_owner_transferred"}, map[string]want{"group_owner_transferred": {"message.data.extras.owner.new": "bob"}}},
		{"UpdateGroup", call("PUT", "/v3/groups/team", map[string]any{"name": "Team B"}, e.as("bob")),
			[]string{"group_updated"}, map[string]want{"group_updated": {"group.name": "Team B", "group.owner": "bob"}}},
		{"Leave", call("DELETE", "/v3/groups/team/members", nil, e.as("ann")),
			[]string{"group_member_left"}, map[string]want{"group_member_left": {"message.data.entities.on.entity.uid": "ann"}}},
		{"DeleteMessage", func(t *testing.T) { e.ok(t, "DELETE", "/v3/messages/"+first, nil, e.as("ann")) },
			[]string{"message_deleted"}, map[string]want{"message_deleted": {"message.data.action": "deleted"}}},
		{"DeleteGroup", call("DELETE", "/v3/groups/team", nil, e.as("bob")),
			[]string{"group_deleted"}, map[string]want{"group_deleted": {"group.guid": "team", "group.name": "Team B"}}},
		{"Offline", presence("ann", false), []string{"user_connection_status_changed"},
			map[string]want{"user_connection_status_changed": {"status": "offline", "user.status": "offline"}}},
	}

	covered := map[string]bool{}
	seen := 0
	for _, st := range steps {
		st.do(t)
		var got []delivered
		poll(t, func() error {
			got = s.received()[seen:]
			if len(got) < len(st.triggers) {
				return fmt.Errorf("%s: received %d deliveries, want %v", st.name, len(got), st.triggers)
			}
			return nil
		})
		var names []string
		for _, d := range got {
			names = append(names, d.Trigger)
			if d.AppID != e.AppID || d.Webhook != "all" || d.header.Get(webhook.HeaderDelivery) == "" {
				t.Errorf("%s: envelope %+v", st.name, d)
			}
		}
		if !slices.Equal(names, st.triggers) {
			t.Fatalf("%s fired %v, want %v", st.name, names, st.triggers)
		}
		seen += len(got)
		for _, d := range got {
			covered[d.Trigger] = true
			for p, v := range st.data[d.Trigger] {
				if g := path(map[string]any(d.Data), p); fmt.Sprint(g) != fmt.Sprint(v) {
					t.Errorf("%s: %s data.%s = %v, want %v", st.name, d.Trigger, p, g, v)
				}
			}
		}
	}
	if got := path(map[string]any(s.received()[0].Data), "message.id"); got != first {
		t.Errorf("message_sent names message %v, want %s", got, first)
	}
	for _, tr := range all {
		if !covered[tr] {
			t.Errorf("no step fired %s", tr)
		}
	}
	// Nothing more came (the last step's deliveries were the last).
	if n := len(s.received()); n != seen {
		t.Errorf("%d deliveries in all, %d expected", n, seen)
	}
}

// TestDisabledAndUnsubscribedGetNothing checks that a disabled webhook and
// one without the trigger queue nothing, and that a send commits with its
// delivery: the log holds one delivery per message sent.
func TestDisabledAndUnsubscribedGetNothing(t *testing.T) {
	t.Parallel()
	e := newGroupEnvWith(t, []any{withDispatcher(t)}, "ann", "bob")
	on, off, other := newSink(t, nil), newSink(t, nil), newSink(t, nil)
	e.mustWebhook(t, "on", on, []string{"message_sent"})
	e.mustWebhook(t, "off", off, []string{"message_sent"}, map[string]any{"enabled": false})
	e.mustWebhook(t, "other", other, []string{"group_created"})
	for i := range 5 {
		e.sendID(t, toUser("bob", fmt.Sprint("m", i)), e.as("ann"))
	}
	poll(t, func() error {
		if n := len(on.received()); n != 5 {
			return fmt.Errorf("%d deliveries", n)
		}
		return nil
	})
	for i, d := range on.received() {
		if text := path(map[string]any(d.Data), "message.data.text"); text != fmt.Sprint("m", i) {
			t.Errorf("delivery %d carries %v", i, text)
		}
	}
	for _, id := range []string{"off", "other"} {
		if p := e.list(t, "/v3/webhooks/"+id+"/deliveries", e.asKey()); len(p.Items) != 0 {
			t.Errorf("%s queued %d deliveries", id, len(p.Items))
		}
	}
	if len(off.received())+len(other.received()) != 0 {
		t.Error("a disabled or unsubscribed webhook was called")
	}
}
