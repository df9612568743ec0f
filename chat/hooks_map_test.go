package chat

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/parleychat/parley"
)

// TestMessageTriggers checks which triggers each kind of log message
// fires, call messages included: they map by their data (data.action as
// CometChat writes call messages, else the status of the call entity in
// data.entities.on, as written or as read back from the store).
func TestMessageTriggers(t *testing.T) {
	t.Parallel()
	call := func(action string, on any) *parley.Message {
		m := &parley.Message{Category: parley.CategoryCall, Type: "audio", Data: parley.MessageData{Action: action}}
		if on != nil {
			m.Data.Entities = map[string]parley.Entity{"on": {Entity: on, EntityType: "call"}}
		}
		return m
	}
	type callEntity struct {
		SessionID string `json:"sessionid"`
		Status    string `json:"status"`
	}
	stored := func(status string) any { // as a call entity reads back from the store
		var m map[string]any
		b, _ := json.Marshal(callEntity{SessionID: "s1", Status: status})
		json.Unmarshal(b, &m)
		return m
	}
	action := func(typ, act string) *parley.Message {
		return &parley.Message{Category: parley.CategoryAction, Type: typ, Data: parley.MessageData{Action: act}}
	}
	for _, tc := range []struct {
		name string
		m    *parley.Message
		want []string
	}{
		{"Text", &parley.Message{Category: parley.CategoryMessage, Type: "text"}, []string{"message_sent"}},
		{"Custom", &parley.Message{Category: parley.CategoryCustom, Type: "poll"}, []string{"message_sent"}},
		{"Interactive", &parley.Message{Category: parley.CategoryInteractive, Type: "form"}, []string{"message_sent"}},
		{"Mention", &parley.Message{Category: parley.CategoryMessage, Type: "text",
			Data: parley.MessageData{Mentions: map[string]*parley.User{"bob": {UID: "bob"}}}}, []string{"message_sent", "user_mentioned"}},
		{"Edited", action(parley.TypeMessage, parley.ActionEdited), []string{"message_edited"}},
		{"Deleted", action(parley.TypeMessage, parley.ActionDeleted), []string{"message_deleted"}},
		{"Joined", action(parley.TypeGroupMember, parley.ActionJoined), []string{"group_member_joined"}},
		{"Added", action(parley.TypeGroupMember, parley.ActionAdded), []string{"group_member_added"}},
		{"Left", action(parley.TypeGroupMember, parley.ActionLeft), []string{"group_member_left"}},
		{"Kicked", action(parley.TypeGroupMember, parley.ActionKicked), []string{"group_member_kicked"}},
		{"Banned", action(parley.TypeGroupMember, parley.ActionBanned), []string{"group_member_banned"}},
		{"Unbanned", action(parley.TypeGroupMember, parley.ActionUnbanned), []string{"group_member_unbanned"}},
		{"ScopeChanged", action(parley.TypeGroupMember, parley.ActionScopeChanged), []string{"group_member_scope_changed"}},
		{"OwnerChanged", action(parley.TypeGroupMember, parley.ActionOwnerChanged), []string{"group_owner_transferred"}},
		{"UnknownAction", action(parley.TypeGroupMember, "renamed"), nil},
		{"CallInitiated", call("initiated", nil), []string{"call_initiated"}},
		{"CallOngoing", call("ongoing", nil), []string{"call_started"}},
		{"CallRejected", call("rejected", nil), []string{"call_rejected"}},
		{"CallBusy", call("busy", nil), []string{"call_busy"}},
		{"CallCancelled", call("cancelled", nil), []string{"call_cancelled"}},
		{"CallUnanswered", call("unanswered", nil), []string{"call_unanswered"}},
		{"CallEnded", call("ended", nil), []string{"call_ended"}},
		{"CallStatusInEntity", call("", &callEntity{SessionID: "s1", Status: "ended"}), []string{"call_ended"}},
		{"CallStatusReadBack", call("", stored("ongoing")), []string{"call_started"}},
		{"CallUnknownStatus", call("ringing-ish", nil), nil},
		{"CallNoStatus", call("", nil), nil},
	} {
		if got := messageTriggers(tc.m); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// The data of a call's event names it "call".
	d, _ := json.Marshal(messageData(parley.TriggerCallEnded, call("ended", nil)))
	var got map[string]any
	json.Unmarshal(d, &got)
	if _, ok := got["call"]; !ok {
		t.Errorf("call event data %s", d)
	}
}
