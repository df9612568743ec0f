package chat

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/parleychat/parley"
)

// The operator's views of one app: its live events and its usage figures.
// Both need a server credential of the app: the operator token with an
// appid, or a full access key of the app, acting as no user.

// WatchedEventTypes are the event types an operator's event stream carries
// (and its type filter takes): what clients receive. Control events that
// only steer the hubs (relation changes, ended sessions) are left out.
var WatchedEventTypes = []string{parley.EventMessage, parley.EventTyping, parley.EventReceipt,
	parley.EventTransient, parley.EventPresence, parley.EventReaction, parley.EventInteraction,
	parley.EventUserUpdated, parley.EventGroupUpdate, parley.EventGroupGone}

// EventFilter narrows an operator's event stream. Empty fields match
// everything.
type EventFilter struct {
	Types []string // any of these event types (WatchedEventTypes)
	UID   string   // events the user sent, received, or is the subject of
	GUID  string   // events of the group (sent to it, or about it)
}

// WatchedEvent is one event as the operator's stream shows it: the
// envelope a client would receive, without the hubs' routing.
type WatchedEvent struct {
	Type         string          `json:"type"`
	Sender       string          `json:"sender,omitempty"`
	Receiver     string          `json:"receiver,omitempty"`
	ReceiverType string          `json:"receiverType,omitempty"`
	DeviceID     string          `json:"deviceId,omitempty"`
	MessageID    int64           `json:"messageId,omitempty"`
	Body         json.RawMessage `json:"body,omitempty"`
}

// EventWatch is a running event stream of one app. Read Events until it is
// closed, then Err says why (nil after Close).
type EventWatch struct {
	sub    parley.Subscription
	filter EventFilter
	out    chan WatchedEvent
	done   chan struct{}
}

// WatchEvents streams the events of the actor's app that match f, from
// now on, until ctx ends or Close. It needs a server credential.
// Invalid filter values fail with ERR_BAD_REQUEST (type), ERR_INVALID_UID
// or ERR_INVALID_GUID.
func (s *Service) WatchEvents(ctx context.Context, f EventFilter) (*EventWatch, error) {
	a, err := needServer(ctx, "watch the app's events")
	if err != nil {
		return nil, err
	}
	for _, t := range f.Types {
		if !slices.Contains(WatchedEventTypes, t) {
			return nil, invalid("type must be one of %s", strings.Join(WatchedEventTypes, ", "))
		}
	}
	if f.UID != "" {
		if f.UID, err = normID(f.UID, parley.CodeInvalidUID, "uid"); err != nil {
			return nil, err
		}
	}
	if f.GUID != "" {
		if f.GUID, err = normID(f.GUID, parley.CodeInvalidGUID, "guid"); err != nil {
			return nil, err
		}
	}
	if s.broker == nil {
		return nil, parley.Errorf(parley.KindUnavailable, parley.CodeUnavailable, "this server has no event broker")
	}
	sub, err := s.broker.Subscribe(ctx, a.AppID)
	if err != nil {
		return nil, parley.Errorf(parley.KindUnavailable, parley.CodeUnavailable, "the event broker is not available")
	}
	w := &EventWatch{sub: sub, filter: f, out: make(chan WatchedEvent), done: make(chan struct{})}
	go w.run(ctx)
	return w, nil
}

// Events delivers the matching events; it is closed when the watch ends.
func (w *EventWatch) Events() <-chan WatchedEvent { return w.out }

// Err says why Events was closed: parley.ErrSubscriptionLagged when the
// stream fell too far behind and events were lost; nil otherwise.
func (w *EventWatch) Err() error { return w.sub.Err() }

// Close stops the watch. It is safe to call more than once.
func (w *EventWatch) Close() error {
	select {
	case <-w.done:
	default:
		close(w.done)
	}
	return w.sub.Close()
}

func (w *EventWatch) run(ctx context.Context) {
	defer close(w.out)
	defer w.sub.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.done:
			return
		case e, ok := <-w.sub.C():
			if !ok {
				return
			}
			if !w.filter.match(e) {
				continue
			}
			ev := WatchedEvent{Type: e.Type, Sender: e.Sender, Receiver: e.Receiver, ReceiverType: e.ReceiverType,
				DeviceID: e.DeviceID, MessageID: e.Route.MessageID, Body: e.Body}
			select {
			case w.out <- ev:
			case <-ctx.Done():
				return
			case <-w.done:
				return
			}
		}
	}
}

func (f EventFilter) match(e *parley.Event) bool {
	if !slices.Contains(WatchedEventTypes, e.Type) {
		return false
	}
	if len(f.Types) > 0 && !slices.Contains(f.Types, e.Type) {
		return false
	}
	if f.UID != "" && e.Sender != f.UID && e.Route.Target != f.UID &&
		(e.ReceiverType == parley.ReceiverGroup || e.Receiver != f.UID) {
		return false
	}
	// A group's own events (updated, deleted) name it as receiver too.
	return f.GUID == "" || (e.ReceiverType == parley.ReceiverGroup && e.Receiver == f.GUID)
}

// AppStats are an app's usage figures, read when asked.
type AppStats struct {
	AppID string `json:"appId"`
	// Users counts the active users; DeactivatedUsers the deactivated.
	Users            int `json:"users"`
	DeactivatedUsers int `json:"deactivatedUsers"`
	// OnlineUsers counts the users whose presence is online.
	OnlineUsers int `json:"onlineUsers"`
	// Groups counts the groups, private and password ones included.
	Groups int `json:"groups"`
	// Messages is the length of the app's message log: every message ever
	// sent, action messages and deleted ones included.
	Messages int64 `json:"messages"`
	// APIKeys counts the app's REST API keys.
	APIKeys int `json:"apiKeys"`
}

// Stats returns the usage figures of the actor's app. It needs a server
// credential.
func (s *Service) Stats(ctx context.Context) (*AppStats, error) {
	a, err := needServer(ctx, "read the app's usage figures")
	if err != nil {
		return nil, err
	}
	one := parley.Page{Page: 1, PerPage: 1}
	st := &AppStats{AppID: a.AppID}
	if _, st.Users, err = s.store.Users(ctx, a.AppID, parley.UserFilter{Page: one}); err != nil {
		return nil, parley.Internal(err)
	}
	if _, st.DeactivatedUsers, err = s.store.Users(ctx, a.AppID, parley.UserFilter{OnlyDeactivated: true, Page: one}); err != nil {
		return nil, parley.Internal(err)
	}
	if _, st.OnlineUsers, err = s.store.Users(ctx, a.AppID, parley.UserFilter{Status: parley.StatusAvailable, Page: one}); err != nil {
		return nil, parley.Internal(err)
	}
	if _, st.Groups, err = s.store.Groups(ctx, a.AppID, parley.GroupFilter{IncludePrivate: true, Page: one}); err != nil {
		return nil, parley.Internal(err)
	}
	last, err := s.store.Messages(ctx, a.AppID, parley.MessageFilter{Limit: 1})
	if err != nil {
		return nil, parley.Internal(err)
	}
	if len(last) > 0 {
		st.Messages = last[len(last)-1].ID
	}
	keys, err := s.store.APIKeys(ctx, a.AppID)
	if err != nil {
		return nil, parley.Internal(err)
	}
	st.APIKeys = len(keys)
	return st, nil
}
