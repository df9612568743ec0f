package client

import (
	"sync"

	"github.com/parleychat/parley"
)

// Listeners are structs of callbacks, as CometChat's: set the ones you
// want, leave the others nil. Register one with OnMessage, OnUser, OnGroup,
// OnCall, OnConnection or OnEvent; each returns a function that removes
// it. Every callback runs on the Client's one dispatch goroutine, in the
// order the server sent the events: a callback may call the Client (send,
// reply, even Disconnect), and while it runs the next events wait.

// MessageListener hears what happens to messages: new ones by category,
// edits, deletes, reactions, receipts, typing and transient messages.
type MessageListener struct {
	OnText        func(m *parley.Message) // category message, type text
	OnMedia       func(m *parley.Message) // category message, type image, video, audio or file
	OnCustom      func(m *parley.Message) // category custom
	OnInteractive func(m *parley.Message) // category interactive
	// OnEdited and OnDeleted receive the message as it is after the change
	// and the action message that reports it.
	OnEdited  func(m, action *parley.Message)
	OnDeleted func(m, action *parley.Message)

	OnReactionAdded        func(ReactionEvent)
	OnReactionRemoved      func(ReactionEvent)
	OnDelivered            func(MessageReceipt)
	OnRead                 func(MessageReceipt)
	OnTypingStarted        func(TypingIndicator)
	OnTypingEnded          func(TypingIndicator)
	OnTransient            func(TransientMessage)
	OnInteractionCompleted func(InteractionReceipt)
}

// UserListener hears users come online and go offline (as the presence
// subscription of Settings allows), and their profile changes.
type UserListener struct {
	OnOnline  func(u *parley.User)
	OnOffline func(u *parley.User)
	OnUpdated func(u *parley.User)
}

// GroupListener hears the member changes of the user's groups (each an
// action message of the group's history) and changes to the groups.
type GroupListener struct {
	OnJoined               func(GroupAction)
	OnLeft                 func(GroupAction)
	OnAdded                func(GroupAction)
	OnKicked               func(GroupAction)
	OnBanned               func(GroupAction)
	OnUnbanned             func(GroupAction)
	OnScopeChanged         func(GroupAction)
	OnOwnershipTransferred func(GroupAction)
	OnUpdated              func(g *parley.Group)
	OnDeleted              func(g *parley.Group)
}

// CallListener hears call messages (category call): each change of a
// call's status is a new call message.
type CallListener struct {
	OnCall func(m *parley.Message)
}

// ConnectionListener hears the WebSocket's state, and the errors the
// server reports on it.
type ConnectionListener struct {
	OnConnecting func()
	OnConnected  func()
	// OnDisconnected receives why: nil after Disconnect, Logout or Close;
	// a *parley.Error for a refused login (not retried) or a close code;
	// else the network error (retried in auto mode and after Connect).
	OnDisconnected func(err error)
	OnError        func(FrameError)
}

// listeners holds the registered listeners.
type listeners struct {
	mu    sync.Mutex
	next  int
	msg   map[int]MessageListener
	user  map[int]UserListener
	group map[int]GroupListener
	call  map[int]CallListener
	conn  map[int]ConnectionListener
	event map[int]func(Event)
}

func newListeners() *listeners {
	return &listeners{msg: map[int]MessageListener{}, user: map[int]UserListener{}, group: map[int]GroupListener{},
		call: map[int]CallListener{}, conn: map[int]ConnectionListener{}, event: map[int]func(Event){}}
}

// add registers v in m and returns its remover.
func add[T any](ls *listeners, m map[int]T, v T) func() {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.next++
	id := ls.next
	m[id] = v
	return func() {
		ls.mu.Lock()
		delete(m, id)
		ls.mu.Unlock()
	}
}

// each calls fn for a snapshot of m, outside the lock, so that a callback
// may add or remove listeners.
func each[T any](ls *listeners, m map[int]T, fn func(T)) {
	ls.mu.Lock()
	vs := make([]T, 0, len(m))
	for _, v := range m {
		vs = append(vs, v)
	}
	ls.mu.Unlock()
	for _, v := range vs {
		fn(v)
	}
}

// OnMessage adds a message listener (CometChat's addMessageListener).
func (c *Client) OnMessage(l MessageListener) (remove func()) { return add(c.ls, c.ls.msg, l) }

// OnUser adds a user listener (CometChat's addUserListener).
func (c *Client) OnUser(l UserListener) (remove func()) { return add(c.ls, c.ls.user, l) }

// OnGroup adds a group listener (CometChat's addGroupListener).
func (c *Client) OnGroup(l GroupListener) (remove func()) { return add(c.ls, c.ls.group, l) }

// OnCall adds a call listener (CometChat's addCallListener).
func (c *Client) OnCall(l CallListener) (remove func()) { return add(c.ls, c.ls.call, l) }

// OnConnection adds a connection listener (CometChat's
// addConnectionListener).
func (c *Client) OnConnection(l ConnectionListener) (remove func()) { return add(c.ls, c.ls.conn, l) }

// OnEvent adds a listener of every event as the server sent it, for
// programs that log or forward them.
func (c *Client) OnEvent(fn func(Event)) (remove func()) { return add(c.ls, c.ls.event, fn) }

// item is one thing to dispatch: an event, or a change of state.
type item struct {
	ev    *Event
	id    int64 // a message event's id
	state State
	err   error
}

// dispatch calls the listeners of one item.
func (c *Client) dispatch(it item) {
	ls := c.ls
	if it.ev == nil {
		each(ls, ls.conn, func(l ConnectionListener) {
			switch it.state {
			case StateConnecting:
				call0(l.OnConnecting)
			case StateConnected:
				call0(l.OnConnected)
			case StateDisconnected:
				if l.OnDisconnected != nil {
					l.OnDisconnected(it.err)
				}
			}
		})
		return
	}
	e := it.ev
	each(ls, ls.event, func(fn func(Event)) { fn(*e) })
	switch e.Type {
	case EventMessage:
		c.dispatchMessage(e)
	case EventTyping:
		b, ok := decodeBody[typingBody](e)
		if !ok {
			return
		}
		t := TypingIndicator{Sender: e.Sender, Receiver: e.Conversation(), Metadata: b.Metadata, Timestamp: b.Timestamp, DeviceID: e.DeviceID}
		each(ls, ls.msg, func(l MessageListener) {
			if b.Action == "ended" {
				call1(l.OnTypingEnded, t)
			} else {
				call1(l.OnTypingStarted, t)
			}
		})
	case EventReceipt:
		b, ok := decodeBody[receiptBody](e)
		if !ok {
			return
		}
		r := MessageReceipt{Action: b.Action, MessageID: b.MessageID, ConversationID: b.ConversationID,
			Receiver: e.Conversation(), Reader: b.User, Timestamp: b.Timestamp, DeviceID: e.DeviceID}
		each(ls, ls.msg, func(l MessageListener) {
			if b.Action == parley.ReceiptRead {
				call1(l.OnRead, r)
			} else {
				call1(l.OnDelivered, r)
			}
		})
	case EventReaction:
		b, ok := decodeBody[reactionBody](e)
		if !ok {
			return
		}
		r := ReactionEvent{Reaction: b.Reaction, Receiver: e.Conversation()}
		each(ls, ls.msg, func(l MessageListener) {
			if b.Action == "message_reaction_removed" {
				call1(l.OnReactionRemoved, r)
			} else {
				call1(l.OnReactionAdded, r)
			}
		})
	case EventTransient:
		b, ok := decodeBody[transientBody](e)
		if !ok {
			return
		}
		t := TransientMessage{Sender: e.Sender, Receiver: e.Conversation(), Data: b.Data, Timestamp: b.Timestamp, DeviceID: e.DeviceID}
		each(ls, ls.msg, func(l MessageListener) { call1(l.OnTransient, t) })
	case EventInteraction:
		b, ok := decodeBody[interactionBody](e)
		if !ok {
			return
		}
		r := InteractionReceipt{MessageID: b.MessageID, Sender: e.Sender, Receiver: e.Conversation(),
			Interactions: b.Interactions, Completed: b.Completed}
		each(ls, ls.msg, func(l MessageListener) { call1(l.OnInteractionCompleted, r) })
	case EventPresence:
		b, ok := decodeBody[presenceBody](e)
		if !ok {
			return
		}
		u := b.User
		if u == nil {
			u = &parley.User{UID: e.Sender}
		}
		each(ls, ls.user, func(l UserListener) {
			if b.Status == "offline" {
				call1(l.OnOffline, u)
			} else {
				call1(l.OnOnline, u)
			}
		})
	case EventUserUpdated:
		if u, ok := decodeBody[*parley.User](e); ok && u != nil {
			each(ls, ls.user, func(l UserListener) { call1(l.OnUpdated, u) })
		}
	case EventGroupUpdated, EventGroupDeleted:
		g, ok := decodeBody[*parley.Group](e)
		if !ok || g == nil {
			return
		}
		each(ls, ls.group, func(l GroupListener) {
			if e.Type == EventGroupDeleted {
				call1(l.OnDeleted, g)
			} else {
				call1(l.OnUpdated, g)
			}
		})
	case EventError:
		b, _ := decodeBody[errorBody](e)
		fe := FrameError{Frame: b.Frame, Err: &parley.Error{Kind: parley.KindInvalid, Code: b.Code, Message: b.Message}}
		each(ls, ls.conn, func(l ConnectionListener) { call1(l.OnError, fe) })
	}
}

// dispatchMessage calls the listeners of a message event by category.
func (c *Client) dispatchMessage(e *Event) {
	m, ok := decodeBody[*parley.Message](e)
	if !ok || m == nil {
		return
	}
	typeEntities(m)
	ls := c.ls
	switch m.Category {
	case parley.CategoryMessage:
		each(ls, ls.msg, func(l MessageListener) {
			if m.Type == parley.TypeText {
				call1(l.OnText, m)
			} else {
				call1(l.OnMedia, m)
			}
		})
	case parley.CategoryCustom:
		each(ls, ls.msg, func(l MessageListener) { call1(l.OnCustom, m) })
	case parley.CategoryInteractive:
		each(ls, ls.msg, func(l MessageListener) { call1(l.OnInteractive, m) })
	case parley.CategoryCall:
		each(ls, ls.call, func(l CallListener) { call1(l.OnCall, m) })
	case parley.CategoryAction:
		if m.Type == parley.TypeMessage {
			on, _ := m.Data.Entities["on"].Entity.(*parley.Message)
			if on == nil {
				return
			}
			each(ls, ls.msg, func(l MessageListener) {
				if m.Data.Action == parley.ActionDeleted {
					call2(l.OnDeleted, on, m)
				} else {
					call2(l.OnEdited, on, m)
				}
			})
			return
		}
		a := groupAction(m)
		each(ls, ls.group, func(l GroupListener) {
			switch a.Action {
			case parley.ActionJoined:
				call1(l.OnJoined, a)
			case parley.ActionLeft:
				call1(l.OnLeft, a)
			case parley.ActionAdded:
				call1(l.OnAdded, a)
			case parley.ActionKicked:
				call1(l.OnKicked, a)
			case parley.ActionBanned:
				call1(l.OnBanned, a)
			case parley.ActionUnbanned:
				call1(l.OnUnbanned, a)
			case parley.ActionScopeChanged:
				call1(l.OnScopeChanged, a)
			case parley.ActionOwnerChanged:
				call1(l.OnOwnershipTransferred, a)
			}
		})
	}
}

func call0(fn func()) {
	if fn != nil {
		fn()
	}
}

func call1[T any](fn func(T), v T) {
	if fn != nil {
		fn(v)
	}
}

func call2[T, U any](fn func(T, U), t T, u U) {
	if fn != nil {
		fn(t, u)
	}
}
