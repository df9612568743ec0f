package chat

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parleychat/parley"
)

// Pushes reach the users a message is for who are not connected. The
// rules are here, once; package push queues the messages, collapses bursts
// and talks to the push services.
//
// A committed message is pushed when it is a message (category message,
// custom or interactive, thread replies too) or a call being placed
// (category call, status initiated). It goes to its receiver, or to the
// group's members whose membership covers it, but never to the sender,
// and only to a user who:
//   - holds a push token, is neither deleted nor deactivated, and is
//     offline (users.status, kept by the real-time hub through SetPresence);
//   - has not muted pushes, nor this conversation (a mute may end at a time);
//   - for a message, wants it: the conversation's preference, else theirs
//     for one-to-one or group messages: all, mentions (only messages that
//     mention them) or none;
//   - for a call, has not turned call pushes off.

// Pusher takes committed messages to push. Enqueue must not block: it is
// called on the path that answers the request that wrote the message.
type Pusher interface {
	Enqueue(appID string, m *parley.Message)
}

// Push kinds.
const (
	pushMessage = "message"
	pushCall    = "call"
)

// CallInitiated is the status of a call message that rings: the one that
// is pushed.
const CallInitiated = "initiated"

// pushKind says whether a message is pushed, and as what: a message, a
// call, or "" (not pushed).
func pushKind(m *parley.Message) string {
	switch m.Category {
	case parley.CategoryMessage, parley.CategoryCustom, parley.CategoryInteractive:
		if m.DeletedAt == 0 {
			return pushMessage
		}
	case parley.CategoryCall:
		if callField(m, "status") == CallInitiated {
			return pushCall
		}
	}
	return ""
}

// pushMessages hands the committed messages that are pushed to the
// pusher; chat/events.go calls it with every message it publishes.
func (s *Service) pushMessages(appID string, ms []*parley.Message) {
	if s.pusher == nil {
		return
	}
	for _, m := range ms {
		if pushKind(m) != "" {
			// A copy: the writer's caller decorates its message afterwards.
			s.pusher.Enqueue(appID, ownCopy(m))
		}
	}
}

// PushDeliveries says who is pushed for a committed message, and what: one
// delivery per user, with their device tokens. Package push calls it from
// its workers, after the commit.
func (s *Service) PushDeliveries(ctx context.Context, appID string, m *parley.Message) ([]parley.PushDelivery, error) {
	kind := pushKind(m)
	if kind == "" {
		return nil, nil
	}
	f := parley.PushTargetFilter{ConversationID: m.ConversationID}
	if m.ReceiverType == parley.ReceiverGroup {
		f.GUID, f.MessageID = m.Receiver, m.ID
	} else {
		f.UIDs = []string{m.Receiver}
	}
	targets, err := s.store.PushTargets(ctx, appID, f)
	if err != nil {
		return nil, parley.Internal(err)
	}
	now := s.unix()
	var (
		out []parley.PushDelivery
		n   *parley.Notification
	)
	for _, t := range targets {
		if t.UID == m.Sender || !wantsPush(t, m, kind, now) {
			continue
		}
		if n == nil {
			n = notification(m, kind)
		}
		out = append(out, parley.PushDelivery{UID: t.UID, Tokens: t.Tokens, Notification: n})
	}
	return out, nil
}

// wantsPush applies the rules above to one user.
func wantsPush(t *parley.PushTarget, m *parley.Message, kind string, now int64) bool {
	if t.DeletedAt != 0 || t.DeactivatedAt != 0 || t.Status == parley.StatusAvailable {
		return false
	}
	p := parley.DefaultPushPreferences()
	if t.Preferences != nil {
		p = *t.Preferences
	}
	c := t.Conversation
	if mutedAt(p.Muted, p.MutedUntil, now) || (c != nil && mutedAt(c.Muted, c.MutedUntil, now)) {
		return false
	}
	if kind == pushCall {
		return p.Calls != parley.PushNone
	}
	pref := p.OneOnOneMessages
	if m.ReceiverType == parley.ReceiverGroup {
		pref = p.GroupMessages
	}
	if c != nil && c.Preference != "" {
		pref = c.Preference
	}
	switch pref {
	case parley.PushAll:
		return true
	case parley.PushMentions:
		_, mentioned := m.Data.Mentions[t.UID]
		return mentioned
	}
	return false
}

// maxPushBody bounds a push's text, in characters: the services cap a
// payload at 4 KB, and a lock screen shows a few lines.
const maxPushBody = 200

// notification is what a push shows for m.
func notification(m *parley.Message, kind string) *parley.Notification {
	sender := entityName(m.Data.Entities["sender"], m.Sender)
	n := &parley.Notification{Title: sender, ConversationID: m.ConversationID, Data: map[string]string{
		"conversationId": m.ConversationID, "messageId": idString(m.ID), "sender": m.Sender,
		"receiver": m.Receiver, "receiverType": m.ReceiverType, "category": m.Category, "type": m.Type,
	}}
	if m.ParentID != 0 {
		n.Data["parentId"] = idString(m.ParentID)
	}
	body := ""
	if kind == pushCall {
		n.Call = true
		body = "Incoming " + m.Type + " call"
		if id := callField(m, "sessionId"); id != "" {
			n.Data["sessionId"] = id
		}
	} else {
		body = messageText(m)
	}
	if m.ReceiverType == parley.ReceiverGroup {
		n.Title = entityName(m.Data.Entities["receiver"], m.Receiver)
		body = sender + ": " + body
	}
	n.Body = truncate(body, maxPushBody)
	return n
}

// messageText is a message as a push says it: the app's own text when
// its metadata has one (pushNotification, as CometChat's custom messages
// carry), the text with mentions as @names, or what kind of message it is.
func messageText(m *parley.Message) string {
	if t, ok := m.Data.Metadata["pushNotification"].(string); ok && t != "" {
		return t
	}
	if m.Data.Text != "" {
		return mentionNames(m.Data.Text, m.Data.Mentions)
	}
	switch m.Type {
	case parley.TypeImage:
		return "sent an image"
	case parley.TypeVideo:
		return "sent a video"
	case parley.TypeAudio:
		return "sent an audio message"
	case parley.TypeFile:
		return "sent a file"
	}
	return "sent a message"
}

// mentionNames writes each <@uid:UID> of text as @Name.
func mentionNames(text string, mentions map[string]*parley.User) string {
	if len(mentions) == 0 || !strings.Contains(text, "<@uid:") {
		return text
	}
	pairs := make([]string, 0, 2*len(mentions))
	for uid, u := range mentions {
		name := uid
		if u != nil && u.Name != "" {
			name = u.Name
		}
		pairs = append(pairs, "<@uid:"+uid+">", "@"+name)
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// truncate cuts s to at most max characters, marking the cut.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// entityName is the name of a user or group entity, else fallback.
func entityName(e parley.Entity, fallback string) string {
	switch v := e.Entity.(type) {
	case *parley.User:
		if v.Name != "" {
			return v.Name
		}
	case *parley.Group:
		if v.Name != "" {
			return v.Name
		}
	case map[string]any:
		if s, _ := v["name"].(string); s != "" {
			return s
		}
	}
	return fallback
}

// callField reads a field of a call message (status, sessionId) where a
// call message may keep it: its data's action (the status, as CometChat's
// call messages carry it), extras or customData, or the call entity "on".
func callField(m *parley.Message, field string) string {
	if field == "status" && m.Data.Action != "" {
		return m.Data.Action
	}
	for _, src := range []map[string]any{m.Data.Extras, m.Data.CustomData} {
		if v := stringField(src, field); v != "" {
			return v
		}
	}
	on, ok := m.Data.Entities["on"]
	if !ok {
		return ""
	}
	var fields map[string]any
	switch e := on.Entity.(type) {
	case map[string]any:
		fields = e
	default:
		b, err := json.Marshal(e)
		if err != nil || json.Unmarshal(b, &fields) != nil {
			return ""
		}
	}
	return stringField(fields, field)
}

// stringField reads a field as a string, under its name or lower-cased
// (CometChat writes sessionid), numbers written in decimal.
func stringField(m map[string]any, field string) string {
	for _, k := range []string{field, strings.ToLower(field)} {
		switch v := m[k].(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return ""
}
