package realtime

import (
	"encoding/json"
	"slices"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/realtime/ws"
)

// Routing: who among this node's connections receives an event, by the
// rules written on parley.Event. Every function here runs with the app's
// mu held, on the app's goroutine.

// out is one event on its way; its frame is encoded on first use, once,
// and the same frame is queued on every recipient.
type out struct {
	e       *parley.Event
	f       *ws.Frame
	encoded bool
}

func (o *out) frame() *ws.Frame {
	if !o.encoded {
		o.f, o.encoded = eventFrame(o.e), true
	}
	return o.f
}

func (o *out) toUser(u *user, id int64) {
	for _, s := range u.sessions {
		s.deliver(o.frame(), id)
	}
}

func (a *appHub) toUID(o *out, uid string, id int64) {
	if u := a.users[uid]; u != nil {
		o.toUser(u, id)
	}
}

// routeMessage routes a message of the log, in id order. In a group the
// member actions move the index: a joined or added user receives the
// action message and what follows; a user who left or was kicked or
// banned receives the action message and nothing after. An action about
// an earlier message (edited, deleted) reaches only members who joined at
// or before that message.
func (a *appHub) routeMessage(e *parley.Event) {
	id := e.Route.MessageID
	o := out{e: e}
	if e.ReceiverType != parley.ReceiverGroup {
		a.toUID(&o, e.Sender, id)
		if e.Receiver != e.Sender {
			a.toUID(&o, e.Receiver, id)
		}
		return
	}
	guid, target := e.Receiver, e.Route.Target
	removes := false
	switch e.Route.Action {
	case parley.ActionJoined, parley.ActionAdded:
		a.members.add(memberAction{id: id, guid: guid, uid: target, add: true})
		if u := a.users[target]; u != nil && id > u.validFrom {
			if u.groups == nil {
				u.groups = make(map[string]int64)
			}
			u.groups[guid] = id
			a.addMember(guid, u)
		}
	case parley.ActionLeft, parley.ActionKicked, parley.ActionBanned:
		a.members.add(memberAction{id: id, guid: guid, uid: target})
		removes = true
	}
	about := e.Route.About
	for u := range a.groups[guid] {
		start, ok := u.groups[guid]
		if !ok || start > id || (about > 0 && start > about) {
			continue
		}
		o.toUser(u, id)
	}
	if removes {
		if u := a.users[target]; u != nil && id > u.validFrom {
			delete(u.groups, guid)
			a.dropMember(guid, u)
		}
	}
}

// routeOther routes an event that is not in the log, as it arrives.
func (a *appHub) routeOther(e *parley.Event) {
	switch e.Type {
	case parley.EventTyping, parley.EventTransient:
		a.routeSignal(e)
	case parley.EventReceipt:
		a.routeReceipt(e)
	case parley.EventPresence:
		if u := a.users[e.Sender]; u != nil { // keep the user of their receipts current
			var b struct{ User *parley.User }
			if json.Unmarshal(e.Body, &b) == nil && b.User != nil {
				u.profile = b.User
			}
		}
		a.routeWatchers(e, false)
	case parley.EventUserUpdated:
		if u := a.users[e.Sender]; u != nil {
			var p parley.User
			if json.Unmarshal(e.Body, &p) == nil {
				u.profile = &p
			}
		}
		a.routeWatchers(e, true)
	case parley.EventGroupUpdate:
		a.routeGroup(e, false)
	case parley.EventGroupGone:
		a.routeGroup(e, true)
	case parley.EventRelation:
		a.ctl.add(ctlEntry{uids: e.Route.UIDs})
		for _, uid := range e.Route.UIDs {
			if u := a.users[uid]; u != nil {
				a.reload(u)
			}
		}
	case parley.EventSessionEnd:
		a.endSessions(e)
	default: // reactions, interactions, and what comes later: like the message they are about
		a.routeAbout(e)
	}
}

// routeSignal routes a typing indicator or transient message: to the
// receiver (a user, or a group's members) unless a block stands between
// them and the sender, and to the sender's other devices.
func (a *appHub) routeSignal(e *parley.Event) {
	o := out{e: e}
	sender := e.Sender
	if e.ReceiverType == parley.ReceiverGroup {
		for u := range a.groups[e.Receiver] {
			if u.uid == sender {
				a.toOtherDevices(&o, u)
			} else if !u.blocked[sender] {
				o.toUser(u, 0)
			}
		}
		return
	}
	if u := a.users[e.Receiver]; u != nil && e.Receiver != sender && !u.blocked[sender] {
		o.toUser(u, 0)
	}
	if u := a.users[sender]; u != nil {
		a.toOtherDevices(&o, u)
	}
}

func (a *appHub) toOtherDevices(o *out, u *user) {
	for _, s := range u.sessions {
		if s.deviceID != o.e.DeviceID {
			s.deliver(o.frame(), 0)
		}
	}
}

// routeReceipt routes a receipt to the reader's connections and, 1:1, to
// the peer; in a group only to the sender of the message it reached.
func (a *appHub) routeReceipt(e *parley.Event) {
	o := out{e: e}
	a.toUID(&o, e.Sender, 0)
	if e.ReceiverType != parley.ReceiverGroup {
		if e.Receiver != e.Sender {
			a.toUID(&o, e.Receiver, 0)
		}
		return
	}
	if t := a.users[e.Route.Target]; t != nil && t.uid != e.Sender {
		if _, member := t.groups[e.Receiver]; member {
			o.toUser(t, 0)
		}
	}
}

// routeAbout routes an event about a message (reactions, interactions)
// to those who may see that message.
func (a *appHub) routeAbout(e *parley.Event) {
	o := out{e: e}
	if e.ReceiverType != parley.ReceiverGroup {
		a.toUID(&o, e.Sender, 0)
		if e.Receiver != e.Sender {
			a.toUID(&o, e.Receiver, 0)
		}
		return
	}
	about := e.Route.About
	for u := range a.groups[e.Receiver] {
		if start := u.groups[e.Receiver]; about > 0 && start > about {
			continue
		}
		o.toUser(u, 0)
	}
}

// routeGroup routes a group's update or deletion to its members; a deleted
// group is then forgotten.
func (a *appHub) routeGroup(e *parley.Event, gone bool) {
	o := out{e: e}
	guid := e.Receiver
	for u := range a.groups[guid] {
		o.toUser(u, 0)
	}
	if gone {
		for u := range a.groups[guid] {
			delete(u.groups, guid)
		}
		delete(a.groups, guid)
	}
}

// routeWatchers routes presence and profile updates of e.Sender to the
// connections whose presence subscription covers them (every user, the
// sender's role, or the sender as a friend), never across a block; a
// profile update also reaches the user's own connections.
func (a *appHub) routeWatchers(e *parley.Event, self bool) {
	o := out{e: e}
	sender := e.Sender
	watch := func(s *session) {
		if u := s.user; u.uid != sender && !u.blocked[sender] {
			s.deliver(o.frame(), 0)
		}
	}
	for s := range a.allUsers {
		watch(s)
	}
	for s := range a.byRole[e.Route.Role] {
		watch(s)
	}
	for s := range a.friendsOnly {
		if s.user.friends[sender] {
			watch(s)
		}
	}
	if self {
		a.toUID(&o, sender, 0)
	}
}

// endSessions closes the connections of a revoked token; or every
// connection of a user who was deactivated or deleted or whose tokens were
// flushed; or, with neither, every connection of the app (it was deleted).
func (a *appHub) endSessions(e *parley.Event) {
	uid, token := e.Route.Target, e.Route.TokenID
	a.ctl.add(ctlEntry{end: true, uid: uid, tokenID: token})
	code, reason := CloseSessionsEnded, "the user's sessions ended"
	if token != "" {
		code, reason = CloseTokenRevoked, "the auth token was revoked"
	}
	var users []*user
	if uid == "" && token == "" {
		reason = "the app was deleted"
		for _, u := range a.users {
			users = append(users, u)
		}
	} else if u := a.users[uid]; u != nil {
		users = append(users, u)
	}
	for _, u := range users {
		for _, s := range u.sessions {
			if s.ended || (token != "" && s.tokenID != token) {
				continue
			}
			s.ended = true
			s.send(errorFrame(a.id, "", parley.Errorf(parley.KindUnauthorized, CodeSessionEnded, "%s", reason)))
			s.close(code, reason)
		}
	}
}

// memberAction is a member action message as the member ring keeps it.
type memberAction struct {
	id        int64
	guid, uid string
	add       bool
}

// memberRing keeps the app's recent member actions, so that a view read
// before some of them can be brought up to the routing point.
type memberRing struct {
	floor   int64 // every member action routed with a larger id is kept
	entries []memberAction
}

const ringKeep = 1024

func (r *memberRing) add(m memberAction) {
	r.entries = append(r.entries, m)
	if len(r.entries) > 2*ringKeep {
		drop := len(r.entries) - ringKeep
		r.floor = r.entries[drop-1].id
		r.entries = slices.Clone(r.entries[drop:])
	}
}

func (r *memberRing) covers(pos int64) bool { return pos >= r.floor }

// replay applies to u the member actions on u with ids in (from, to].
func (r *memberRing) replay(u *user, from, to int64) {
	for _, m := range r.entries {
		if m.id <= from || m.id > to || m.uid != u.uid {
			continue
		}
		if m.add {
			if u.groups == nil {
				u.groups = make(map[string]int64)
			}
			u.groups[m.guid] = m.id
		} else {
			delete(u.groups, m.guid)
		}
	}
}

// ctlEntry is a control event (relation change or session end) as the
// control ring keeps it.
type ctlEntry struct {
	seq     uint64
	end     bool
	uid     string   // session end: the user, or "" for every user of the app
	tokenID string   // session end: the token, or "" for all of the user's
	uids    []string // relation: the users concerned
}

// ctlRing numbers the app's control events and keeps the recent ones, so
// that a registration can tell whether one concerning it was routed while
// it read the store.
type ctlRing struct {
	seq     uint64
	floor   uint64 // entries up to this seq were dropped
	entries []ctlEntry
}

func (r *ctlRing) add(e ctlEntry) {
	r.seq++
	e.seq = r.seq
	r.entries = append(r.entries, e)
	if len(r.entries) > 2*ringKeep/4 {
		drop := len(r.entries) - ringKeep/4
		r.floor = r.entries[drop-1].seq
		r.entries = slices.Clone(r.entries[drop:])
	}
}

// ended reports whether a session end for uid's token was routed after
// since; unknown when the ring no longer reaches back that far.
func (r *ctlRing) ended(since uint64, uid, tokenID string) (ended, unknown bool) {
	for _, e := range r.entries {
		if e.seq > since && e.end && (e.uid == "" || e.uid == uid) && (e.tokenID == "" || e.tokenID == tokenID) {
			return true, false
		}
	}
	return false, r.floor > since
}

// relationSince reports whether uid's relations may have changed after
// since.
func (r *ctlRing) relationSince(since uint64, uid string) bool {
	if r.floor > since {
		return true
	}
	for _, e := range r.entries {
		if e.seq > since && !e.end && slices.Contains(e.uids, uid) {
			return true
		}
	}
	return false
}
