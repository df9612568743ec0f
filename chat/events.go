package chat

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/parleychat/parley"
)

// Events leave the service only through the broker, after the change they
// report has committed (parley.Event says who receives what). Log messages
// are published from two places: the callers of the group-commit writer
// publish the message their job wrote once it committed, and every other
// transaction runs through publishingStore, which publishes the messages
// its transaction appended once it committed. Publishing never fails a
// request: the change is committed, and a hub that misses a log message
// refills it from the store.

// publish sends events to the hubs; a broker error is logged.
func (s *Service) publish(ctx context.Context, evs ...*parley.Event) {
	if s.broker == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	for _, e := range evs {
		if e == nil {
			continue
		}
		if err := s.broker.Publish(ctx, e); err != nil {
			s.log.WarnContext(ctx, "publish event", "type", e.Type, "app", e.AppID, "err", err)
		}
	}
}

// publishMessages publishes committed log messages as the actor in ctx did
// them.
func (s *Service) publishMessages(ctx context.Context, appID string, ms ...*parley.Message) {
	s.pushMessages(appID, ms) // to users not connected: pushrules.go
	if s.broker == nil || len(ms) == 0 {
		return
	}
	device := parley.ActorFrom(ctx).DeviceID
	for _, m := range ms {
		s.publish(ctx, s.messageEvent(appID, device, m))
	}
}

// messageEvent encodes a log message as the event every hub delivers. The
// body is the message as REST returns it to any reader: media URLs signed,
// no reader-dependent fields (reactedByMe, deliveredAt, readAt) and no
// quoted message (whether a reader may see it depends on the reader; the
// id is there to fetch it).
func (s *Service) messageEvent(appID, device string, m *parley.Message) *parley.Event {
	c := *m
	c.QuotedMessage, c.DeliveredAt, c.ReadAt = nil, 0, 0
	c.Data.Reactions = nil
	c.Data.Attachments = append([]parley.Attachment(nil), m.Data.Attachments...)
	s.signAttachments(appID, c.Data.Attachments)
	r := parley.Route{MessageID: m.ID}
	if m.Category == parley.CategoryAction {
		r.Action = m.Data.Action
		if on, ok := m.Data.Entities["on"]; ok {
			on, id, uid := s.signedEntity(appID, on)
			c.Data.Entities = cloneEntities(m.Data.Entities)
			c.Data.Entities["on"] = on
			r.About, r.Target = id, uid
		}
	}
	body, err := encodeJSON(&c)
	if err != nil {
		s.log.Error("encode message event", "app", appID, "id", m.ID, "err", err)
		return nil
	}
	return &parley.Event{AppID: appID, Type: parley.EventMessage, Sender: m.Sender, Receiver: m.Receiver,
		ReceiverType: m.ReceiverType, DeviceID: device, Body: body, Route: r}
}

// signedEntity returns an action's "on" entity with the media URLs of a
// message entity signed, the message id it names, and the uid of a user
// entity. Entities are *parley.User or *parley.Message as written, or
// JSON maps as read back from the store.
func (s *Service) signedEntity(appID string, on parley.Entity) (parley.Entity, int64, string) {
	switch e := on.Entity.(type) {
	case *parley.User:
		return on, 0, e.UID
	case *parley.Message:
		c := *e
		c.Data.Attachments = append([]parley.Attachment(nil), e.Data.Attachments...)
		s.signAttachments(appID, c.Data.Attachments)
		return parley.Entity{Entity: &c, EntityType: on.EntityType}, e.ID, ""
	case map[string]any:
		if on.EntityType == "user" {
			uid, _ := e["uid"].(string)
			return on, 0, uid
		}
		// Round-trip through the message type: a copy the signing may change.
		b, err := json.Marshal(e)
		var m parley.Message
		if err != nil || json.Unmarshal(b, &m) != nil {
			return on, 0, ""
		}
		return s.signedEntity(appID, parley.Entity{Entity: &m, EntityType: on.EntityType})
	}
	return on, 0, ""
}

func cloneEntities(es map[string]parley.Entity) map[string]parley.Entity {
	out := make(map[string]parley.Entity, len(es))
	for k, v := range es {
		out[k] = v
	}
	return out
}

// event builds a non-log event of the actor in ctx with a JSON body.
func (s *Service) event(ctx context.Context, typ string, body any) *parley.Event {
	a := parley.ActorFrom(ctx)
	b, err := json.Marshal(body)
	if err != nil {
		s.log.ErrorContext(ctx, "encode event", "type", typ, "err", err)
		return nil
	}
	return &parley.Event{AppID: a.AppID, Type: typ, Sender: a.ActingUID(), DeviceID: a.DeviceID, Body: b}
}

// to addresses e to a receiver; it returns e.
func to(e *parley.Event, receiver, receiverType string) *parley.Event {
	if e != nil {
		e.Receiver, e.ReceiverType = receiver, receiverType
	}
	return e
}

// idString is a message id as the wire writes it.
func idString(id int64) string { return strconv.FormatInt(id, 10) }

// sessionEnd is the control event that closes connections: of one token,
// or every one of uid when tokenID is empty.
func sessionEnd(appID, uid, tokenID string) *parley.Event {
	return &parley.Event{AppID: appID, Type: parley.EventSessionEnd, Sender: uid,
		Route: parley.Route{Target: uid, TokenID: tokenID}}
}

// relationEvent tells the hubs that friends or blocks between owner and
// uids changed.
func relationEvent(appID, owner string, uids []string) *parley.Event {
	return &parley.Event{AppID: appID, Type: parley.EventRelation, Sender: owner,
		Route: parley.Route{UIDs: append([]string{owner}, uids...)}}
}

// publishingStore runs the service's transactions (all but the writer's):
// the log messages a transaction appends, and the events it queues, are
// published once it committed.
type publishingStore struct {
	parley.Store
	s *Service
}

// outboxTx is the transaction of a publishingStore: it keeps what to
// publish after commit.
type outboxTx struct {
	parley.Tx
	appID    string
	msgs     []*parley.Message
	events   []*parley.Event
	enqueued bool // webhook deliveries were queued (see hooks.go)
}

// InTx runs fn and publishes what it wrote once it committed. The webhook
// deliveries of the log messages fn appended are queued at its end, in the
// same transaction.
func (p publishingStore) InTx(ctx context.Context, fn func(tx parley.Tx) error) error {
	var box *outboxTx
	err := p.Store.InTx(ctx, func(stx parley.Tx) error {
		box = &outboxTx{Tx: stx} // afresh if the store runs fn again
		if err := fn(box); err != nil {
			return err
		}
		return p.s.hookMessages(ctx, box, box.appID, box.msgs...)
	})
	if err == nil && box != nil {
		if box.enqueued {
			p.s.notifyDeliveries()
		}
		p.s.publishMessages(ctx, box.appID, box.msgs...)
		p.s.publish(ctx, box.events...)
	}
	return err
}

// recordAppended notes messages a transaction appended, for publishing
// after it commits (only in a publishingStore transaction).
func recordAppended(tx parley.Tx, appID string, ms ...*parley.Message) {
	if b, ok := tx.(*outboxTx); ok {
		b.appID = appID
		b.msgs = append(b.msgs, ms...)
	}
}

// afterCommit publishes e once tx commits: at once when tx is no
// transaction of the service's.
func (s *Service) afterCommit(ctx context.Context, tx parley.Tx, e *parley.Event) {
	if b, ok := tx.(*outboxTx); ok {
		b.events = append(b.events, e)
		return
	}
	s.publish(ctx, e)
}

// userUpdated reports a user's new profile to those who watch their
// presence (and their own devices).
func (s *Service) userUpdated(ctx context.Context, appID string, u *parley.User) *parley.Event {
	c := *u
	c.BlockedByMe, c.HasBlockedMe, c.ConversationID = nil, nil, ""
	e := s.event(ctx, parley.EventUserUpdated, &c)
	if e != nil {
		e.AppID, e.Sender, e.Route.Role = appID, u.UID, u.Role
	}
	return e
}

// groupEvent reports a group's change to its members, with the group as
// anyone may see it (no viewer fields, no password).
func (s *Service) groupEvent(ctx context.Context, typ string, g *parley.Group) *parley.Event {
	c := *g
	c.HasJoined, c.Scope, c.JoinedAt, c.PasswordHash = nil, "", 0, ""
	return to(s.event(ctx, typ, &c), g.GUID, parley.ReceiverGroup)
}
