package chat

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/parleychat/parley"
)

// Webhook deliveries are queued in the store in the transaction of the
// change they report, so that a change commits with its deliveries or not
// at all, and a crash loses neither: log messages (sends, replies, actions,
// calls) as they are appended (hookMessages, from appendAndTouch's callers:
// publishingStore's transactions and the writer's batch), every other
// trigger where its change is made (hook). Package webhook's dispatcher
// sends them; NotifyDeliveries wakes it once a transaction that queued some
// committed.

// hookTTL is how long a node keeps what it read of an app's webhooks: a
// webhook created or changed on another node is seen within it (changes
// made on this node are seen at once). It bounds the reads the hot send
// path makes for the many apps that have no webhook at all.
const hookTTL = time.Second

// appHooks is what the send path needs of an app's webhooks.
type appHooks struct {
	triggers  map[string]bool // taken by at least one enabled webhook
	moderator *parley.Webhook // the enabled webhook taking before_message
	until     time.Time
}

// hookCache keeps the webhooks of apps, read in the last hookTTL. Its zero
// value is ready to use.
type hookCache struct {
	mu    sync.Mutex
	m     map[string]appHooks
	gen   uint64    // counts forgets: a read begun before one is not kept
	swept time.Time // when expired entries were last dropped
}

func (c *hookCache) get(appID string, now time.Time) (appHooks, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.m[appID]
	if !ok || !now.Before(h.until) {
		return appHooks{}, c.gen, false
	}
	return h, c.gen, true
}

func (c *hookCache) put(appID string, h appHooks, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil {
		c.m = map[string]appHooks{}
	}
	if now.Sub(c.swept) > hookTTL { // drop what expired, so deleted apps go too; once a TTL, not per put
		for k, e := range c.m {
			if !now.Before(e.until) {
				delete(c.m, k)
			}
		}
		c.swept = now
	}
	h.until = now.Add(hookTTL)
	c.m[appID] = h
}

// forget drops what is kept of an app's webhooks, after a change of them.
func (c *hookCache) forget(appID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, appID)
	c.gen++
}

// appHooks returns what the app's webhooks take, read through r when not
// kept. The cache runs on the wall clock, not the service's (tests step
// that one).
func (s *Service) appHooks(ctx context.Context, r parley.Tx, appID string) (appHooks, error) {
	now := time.Now()
	h, gen, ok := s.hooks.get(appID, now)
	if ok {
		return h, nil
	}
	ws, err := r.Webhooks(ctx, appID)
	if err != nil {
		return appHooks{}, err
	}
	h.triggers = map[string]bool{}
	for _, w := range ws {
		if !w.Enabled {
			continue
		}
		for _, t := range w.Triggers {
			h.triggers[t] = true
		}
		if w.Has(parley.TriggerBeforeMessage) && h.moderator == nil {
			h.moderator = w
		}
	}
	s.hooks.put(appID, h, gen, now)
	return h, nil
}

// hook queues an event of trigger for the app's webhooks that take it, in
// tx. data is built only when one does.
func (s *Service) hook(ctx context.Context, tx parley.Tx, appID, trigger string, data func() any) error {
	h, err := s.appHooks(ctx, tx, appID)
	if err != nil || !h.triggers[trigger] {
		return err
	}
	b, err := json.Marshal(data())
	if err != nil {
		return wrapf(err, "encode %s", trigger)
	}
	return s.enqueue(ctx, tx, appID, []parley.NewDelivery{{Trigger: trigger, Data: b}})
}

// hookMessages queues the events of log messages just appended in tx.
func (s *Service) hookMessages(ctx context.Context, tx parley.Tx, appID string, ms ...*parley.Message) error {
	if len(ms) == 0 {
		return nil
	}
	h, err := s.appHooks(ctx, tx, appID)
	if err != nil || len(h.triggers) == 0 {
		return err
	}
	var ds []parley.NewDelivery
	for _, m := range ms {
		var public *parley.Message // built once, for the first trigger taken
		for _, t := range messageTriggers(m) {
			if !h.triggers[t] {
				continue
			}
			if public == nil {
				public = s.hookMessage(appID, m)
			}
			b, err := json.Marshal(messageData(t, public))
			if err != nil {
				return wrapf(err, "encode %s", t)
			}
			ds = append(ds, parley.NewDelivery{Trigger: t, Data: b})
		}
	}
	return s.enqueue(ctx, tx, appID, ds)
}

// enqueue stores deliveries in tx and marks tx, so that the dispatcher is
// woken once it commits.
func (s *Service) enqueue(ctx context.Context, tx parley.Tx, appID string, ds []parley.NewDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	if err := tx.EnqueueDeliveries(ctx, appID, ds, s.now().UnixMilli()); err != nil {
		return err
	}
	switch t := tx.(type) {
	case *outboxTx:
		t.enqueued = true
	case *batchTx:
		t.enqueued = true
	default: // no transaction of the service's: committed already
		s.notifyDeliveries()
	}
	return nil
}

// notifyDeliveries wakes the dispatcher: deliveries were queued.
func (s *Service) notifyDeliveries() {
	if s.notify != nil {
		s.notify()
	}
}

// messageTriggers names the triggers a log message fires: a sent message
// message_sent (and user_mentioned when it mentions someone), an action
// the trigger of its action, a call message the trigger of its status.
func messageTriggers(m *parley.Message) []string {
	switch m.Category {
	case parley.CategoryAction:
		if t := actionTrigger(m.Type, m.Data.Action); t != "" {
			return []string{t}
		}
		return nil
	case parley.CategoryCall:
		if t := callTrigger(m); t != "" {
			return []string{t}
		}
		return nil
	}
	if len(m.Data.Mentions) > 0 {
		return []string{parley.TriggerMessageSent, parley.TriggerUserMentioned}
	}
	return []string{parley.TriggerMessageSent}
}

// actionTrigger maps an action message's type and action to its trigger.
func actionTrigger(typ, action string) string {
	if typ == parley.TypeMessage {
		switch action {
		case parley.ActionEdited:
			return parley.TriggerMessageEdited
		case parley.ActionDeleted:
			return parley.TriggerMessageDeleted
		}
		return ""
	}
	if typ != parley.TypeGroupMember {
		return ""
	}
	switch action {
	case parley.ActionJoined:
		return parley.TriggerMemberJoined
	case parley.ActionAdded:
		return parley.TriggerMemberAdded
	case parley.ActionLeft:
		return parley.TriggerMemberLeft
	case parley.ActionKicked:
		return parley.TriggerMemberKicked
	case parley.ActionBanned:
		return parley.TriggerMemberBanned
	case parley.ActionUnbanned:
		return parley.TriggerMemberUnbanned
	case parley.ActionScopeChanged:
		return parley.TriggerMemberScopeChanged
	case parley.ActionOwnerChanged:
		return parley.TriggerGroupOwnerChanged
	}
	return ""
}

// callTrigger maps a call message to the trigger of its status: data.action
// as CometChat writes call messages, else the status of the call entity in
// data.entities.on. Status ongoing (accepted) is call_started; any other
// status s is call_s when that is a trigger.
func callTrigger(m *parley.Message) string {
	status := m.Data.Action
	if status == "" {
		if on, ok := m.Data.Entities["on"]; ok {
			// The entity is the calls code's own type, or a JSON map read
			// back from the store: its JSON has the status either way.
			var e struct {
				Status string `json:"status"`
			}
			if b, err := json.Marshal(on.Entity); err == nil && json.Unmarshal(b, &e) == nil {
				status = e.Status
			}
		}
	}
	switch status {
	case "":
		return ""
	case "ongoing", "accepted", "started":
		return parley.TriggerCallStarted
	}
	if t := "call_" + status; parley.IsTrigger(t) {
		return t
	}
	return ""
}

// messageData is the data of a message's event: {"call": m} for calls,
// else {"message": m}, and for user_mentioned also the uids mentioned.
func messageData(trigger string, m *parley.Message) any {
	switch {
	case m.Category == parley.CategoryCall:
		return map[string]any{"call": m}
	case trigger == parley.TriggerUserMentioned:
		uids := make([]string, 0, len(m.Data.Mentions))
		for uid := range m.Data.Mentions {
			uids = append(uids, uid)
		}
		slices.Sort(uids)
		return map[string]any{"message": m, "mentionedUids": uids}
	}
	return map[string]any{"message": m}
}

// hookMessage is a log message as REST returns it to any reader (as
// messageEvent encodes it for the hubs): media URLs signed, no
// reader-dependent fields, no quoted message.
func (s *Service) hookMessage(appID string, m *parley.Message) *parley.Message {
	c := *m
	c.QuotedMessage, c.DeliveredAt, c.ReadAt = nil, 0, 0
	c.Data.Reactions = nil
	c.Data.Attachments = slices.Clone(m.Data.Attachments)
	s.signAttachments(appID, c.Data.Attachments)
	if on, ok := m.Data.Entities["on"]; ok && m.Category == parley.CategoryAction {
		on, _, _ = s.signedEntity(appID, on)
		c.Data.Entities = cloneEntities(m.Data.Entities)
		c.Data.Entities["on"] = on
	}
	return &c
}

// publicGroup is a group as anyone may see it: no viewer fields, no
// password.
func publicGroup(g *parley.Group) *parley.Group {
	c := *g
	c.HasJoined, c.Scope, c.JoinedAt, c.PasswordHash = nil, "", 0, ""
	return &c
}

// hookGroup queues a group event ({"group": g}).
func (s *Service) hookGroup(ctx context.Context, tx parley.Tx, appID, trigger string, g *parley.Group) error {
	return s.hook(ctx, tx, appID, trigger, func() any { return map[string]any{"group": publicGroup(g)} })
}

// hookUser is a user as a webhook names them: no viewer fields.
func hookUser(ctx context.Context, tx parley.Tx, appID, uid string) *parley.User {
	u := entityUser(ctx, tx, appID, uid)
	c := *u
	c.BlockedByMe, c.HasBlockedMe, c.ConversationID = nil, nil, ""
	return &c
}
