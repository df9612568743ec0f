package client_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/client"
)

// entry is one thing a client's listeners heard.
type entry struct {
	kind     string // the callback: "text", "edited", "typingStarted", "online", "kicked", "connected", …
	msg      *parley.Message
	action   *parley.Message
	group    client.GroupAction
	typing   client.TypingIndicator
	receipt  client.MessageReceipt
	reaction client.ReactionEvent
	trans    client.TransientMessage
	inter    client.InteractionReceipt
	user     *parley.User
	grp      *parley.Group
	err      error
	ferr     client.FrameError
}

// recorder registers a listener of every kind on a client and keeps what
// they heard, in order.
type recorder struct {
	mu      sync.Mutex
	entries []entry
	events  []client.Event
}

func record(c *client.Client) *recorder {
	r := &recorder{}
	add := func(e entry) { r.mu.Lock(); r.entries = append(r.entries, e); r.mu.Unlock() }
	msg := func(kind string) func(*parley.Message) {
		return func(m *parley.Message) { add(entry{kind: kind, msg: m}) }
	}
	ga := func(kind string) func(client.GroupAction) {
		return func(a client.GroupAction) { add(entry{kind: kind, group: a, msg: a.Message}) }
	}
	c.OnMessage(client.MessageListener{
		OnText: msg("text"), OnMedia: msg("media"), OnCustom: msg("custom"), OnInteractive: msg("interactive"),
		OnEdited:          func(m, a *parley.Message) { add(entry{kind: "edited", msg: m, action: a}) },
		OnDeleted:         func(m, a *parley.Message) { add(entry{kind: "deleted", msg: m, action: a}) },
		OnReactionAdded:   func(e client.ReactionEvent) { add(entry{kind: "reactionAdded", reaction: e}) },
		OnReactionRemoved: func(e client.ReactionEvent) { add(entry{kind: "reactionRemoved", reaction: e}) },
		OnDelivered:       func(e client.MessageReceipt) { add(entry{kind: "delivered", receipt: e}) },
		OnRead:            func(e client.MessageReceipt) { add(entry{kind: "read", receipt: e}) },
		OnTypingStarted:   func(e client.TypingIndicator) { add(entry{kind: "typingStarted", typing: e}) },
		OnTypingEnded:     func(e client.TypingIndicator) { add(entry{kind: "typingEnded", typing: e}) },
		OnTransient:       func(e client.TransientMessage) { add(entry{kind: "transient", trans: e}) },
		OnInteractionCompleted: func(e client.InteractionReceipt) {
			add(entry{kind: "interactionCompleted", inter: e})
		},
	})
	c.OnUser(client.UserListener{
		OnOnline:  func(u *parley.User) { add(entry{kind: "online", user: u}) },
		OnOffline: func(u *parley.User) { add(entry{kind: "offline", user: u}) },
		OnUpdated: func(u *parley.User) { add(entry{kind: "userUpdated", user: u}) },
	})
	c.OnGroup(client.GroupListener{
		OnJoined: ga("joined"), OnLeft: ga("left"), OnAdded: ga("added"), OnKicked: ga("kicked"),
		OnBanned: ga("banned"), OnUnbanned: ga("unbanned"), OnScopeChanged: ga("scopeChanged"),
		OnOwnershipTransferred: ga("ownershipTransferred"),
		OnUpdated:              func(g *parley.Group) { add(entry{kind: "groupUpdated", grp: g}) },
		OnDeleted:              func(g *parley.Group) { add(entry{kind: "groupDeleted", grp: g}) },
	})
	c.OnCall(client.CallListener{OnCall: msg("call")})
	c.OnConnection(client.ConnectionListener{
		OnConnecting:   func() { add(entry{kind: "connecting"}) },
		OnConnected:    func() { add(entry{kind: "connected"}) },
		OnDisconnected: func(err error) { add(entry{kind: "disconnected", err: err}) },
		OnError:        func(e client.FrameError) { add(entry{kind: "frameError", ferr: e}) },
	})
	c.OnEvent(func(e client.Event) { r.mu.Lock(); r.events = append(r.events, e); r.mu.Unlock() })
	return r
}

// all returns what was heard so far.
func (r *recorder) all() []entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]entry(nil), r.entries...)
}

// of returns the entries of a kind that match (match may be nil).
func (r *recorder) of(kind string, match func(entry) bool) []entry {
	var out []entry
	for _, e := range r.all() {
		if e.kind == kind && (match == nil || match(e)) {
			out = append(out, e)
		}
	}
	return out
}

// count is the number of entries of a kind.
func (r *recorder) count(kind string) int { return len(r.of(kind, nil)) }

// await waits for an entry of kind that matches and returns the first.
func (r *recorder) await(t testing.TB, kind string, match func(entry) bool) entry {
	t.Helper()
	var got entry
	checkFor(t, wait, func() error {
		es := r.of(kind, match)
		if len(es) == 0 {
			return fmt.Errorf("no %s heard; heard %s", kind, r.kinds())
		}
		got = es[0]
		return nil
	})
	return got
}

// kinds summarises what was heard, for failure messages.
func (r *recorder) kinds() string {
	var s []string
	for _, e := range r.all() {
		s = append(s, e.kind)
	}
	return fmt.Sprint(s)
}

// texts returns the text messages heard, in order.
func (r *recorder) texts() []*parley.Message {
	var out []*parley.Message
	for _, e := range r.of("text", nil) {
		out = append(out, e.msg)
	}
	return out
}

// withID matches entries about message id.
func withID(id int64) func(entry) bool {
	return func(e entry) bool { return e.msg != nil && e.msg.ID == id }
}
