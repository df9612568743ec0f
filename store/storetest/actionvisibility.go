package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// aboutMessage returns the action message recording an edit or delete of
// m, by sender: it names m whole in data.entities.on, as the chat service
// writes it.
func aboutMessage(m *parley.Message, sender, action string) *parley.Message {
	snap := *m
	return &parley.Message{ConversationID: m.ConversationID, Sender: sender, Receiver: m.Receiver,
		ReceiverType: m.ReceiverType, Category: parley.CategoryAction, Type: parley.TypeMessage, SentAt: t0,
		Data: parley.MessageData{Action: action, Entities: map[string]parley.Entity{
			"on": {Entity: &snap, EntityType: "message"},
		}}}
}

// testActionVisibility tests that an action message about a message (an
// edit or delete, which carries the message) is visible only to a viewer
// who may see that message: never to a member who joined after it, nor
// to one who cleared the conversation past it, whatever the action's own
// place in the log.
func testActionVisibility(t *testing.T, newStore func(t *testing.T) parley.Store) {
	s := newStore(t)
	ctx := t.Context()
	a := MustCreateApp(t, s)
	for _, uid := range []string{"ann", "bob", "cat"} {
		MustCreateUser(t, s, a.ID, uid)
	}
	mustCreateGroup(t, s, a.ID, "g", parley.GroupPublic)
	mustAddMember(t, s, a.ID, "g", "bob", parley.ScopeAdmin, 1)

	// 1 and 2 in g before ann joins at 3, 4 while she is a member.
	pre, pre2, join, in := groupMessage("g", "bob"), groupMessage("g", "bob"), actionMessage("g", "ann", parley.ActionJoined),
		groupMessage("g", "bob")
	mustAppend(t, s, a.ID, pre, pre2, join, in)
	mustAddMember(t, s, a.ID, "g", "ann", parley.ScopeParticipant, join.ID)
	// 5, 6: an edit and a delete of 1, after ann joined; 7: an edit of 4;
	// 8: a membership action, about no message.
	edited, deleted := aboutMessage(pre, "bob", parley.ActionEdited), aboutMessage(pre2, "bob", parley.ActionDeleted)
	editedIn, member := aboutMessage(in, "bob", parley.ActionEdited), actionMessage("g", "bob", parley.ActionKicked)
	mustAppend(t, s, a.ID, edited, deleted, editedIn, member)
	// ann leaves at 9; 10 is an edit of 4 made while she is away, 11 her
	// rejoining, 12 an edit of 4 again and 13 one of 1.
	leave := actionMessage("g", "ann", parley.ActionLeft)
	mustAppend(t, s, a.ID, leave)
	must(t, s.EndMember(ctx, a.ID, "g", "ann", leave.ID, t0), "EndMember")
	// Left, her one membership a past one: what she saw up to leaving.
	g := parley.GroupConversationID("g")
	wantMessageIDs(t, s, a.ID, parley.MessageFilter{ConversationID: g, Viewer: "ann"},
		join.ID, in.ID, editedIn.ID, member.ID, leave.ID)
	// Never a member: nothing.
	wantMessageIDs(t, s, a.ID, parley.MessageFilter{ConversationID: g, Viewer: "cat"})
	away, rejoin := aboutMessage(in, "bob", parley.ActionEdited), actionMessage("g", "ann", parley.ActionJoined)
	mustAppend(t, s, a.ID, away, rejoin)
	mustAddMember(t, s, a.ID, "g", "ann", parley.ScopeParticipant, rejoin.ID)
	back, backPre := aboutMessage(in, "bob", parley.ActionEdited), aboutMessage(pre, "bob", parley.ActionEdited)
	mustAppend(t, s, a.ID, back, backPre)

	type F = parley.MessageFilter
	annSees := []int64{join.ID, in.ID, editedIn.ID, member.ID, leave.ID, rejoin.ID, back.ID}
	for _, f := range []F{{ConversationID: g, Viewer: "ann"}, {Viewer: "ann"}} {
		wantMessageIDs(t, s, a.ID, f, annSees...)
	}
	// One message at a time, as a read by id asks.
	for _, m := range []*parley.Message{edited, deleted, away, backPre} {
		wantMessageIDs(t, s, a.ID, F{ConversationID: g, Viewer: "ann", AfterID: m.ID - 1, BeforeID: m.ID + 1})
	}
	all := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
	wantMessageIDs(t, s, a.ID, F{ConversationID: g, Viewer: "bob"}, all...)
	wantMessageIDs(t, s, a.ID, F{ConversationID: g}, all...)
	wantMessageIDs(t, s, a.ID, F{ConversationID: g, Viewer: "cat"})

	// One-to-one: both users see an edit, until one clears the
	// conversation past the message edited.
	dm := userMessage("ann", "bob")
	mustAppend(t, s, a.ID, dm)
	dmEdit := aboutMessage(dm, "ann", parley.ActionEdited)
	mustAppend(t, s, a.ID, dmEdit)
	c := dm.ConversationID
	wantMessageIDs(t, s, a.ID, F{ConversationID: c, Viewer: "bob"}, dm.ID, dmEdit.ID)
	must(t, s.ClearConversation(ctx, a.ID, "bob", c, dm.ID), "ClearConversation")
	for _, f := range []F{{ConversationID: c, Viewer: "bob"}, {Viewer: "bob", AfterID: dm.ID - 1}} {
		wantMessageIDs(t, s, a.ID, f)
	}
	wantMessageIDs(t, s, a.ID, F{ConversationID: c, Viewer: "ann"}, dm.ID, dmEdit.ID)
}
