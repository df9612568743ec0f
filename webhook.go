package parley

import (
	"context"
	"encoding/json"
)

// Webhook triggers (API.md §8), named as CometChat names them. Every one
// but TriggerBeforeMessage is delivered after the change it reports has
// committed, from a queue kept in the store; TriggerBeforeMessage is the
// synchronous moderation hook asked before a message is stored.
const (
	TriggerMessageSent        = "message_sent"
	TriggerMessageEdited      = "message_edited"
	TriggerMessageDeleted     = "message_deleted"
	TriggerUserMentioned      = "user_mentioned"
	TriggerReactionAdded      = "message_reaction_added"
	TriggerReactionRemoved    = "message_reaction_removed"
	TriggerDeliveryReceipt    = "message_delivery_receipt"
	TriggerReadReceipt        = "message_read_receipt"
	TriggerUserBlocked        = "user_blocked"
	TriggerUserUnblocked      = "user_unblocked"
	TriggerConnectionStatus   = "user_connection_status_changed"
	TriggerGroupCreated       = "group_created"
	TriggerGroupUpdated       = "group_updated"
	TriggerGroupDeleted       = "group_deleted"
	TriggerMemberAdded        = "group_member_added"
	TriggerMemberJoined       = "group_member_joined"
	TriggerMemberLeft         = "group_member_left"
	TriggerMemberKicked       = "group_member_kicked"
	TriggerMemberBanned       = "group_member_banned"
	TriggerMemberUnbanned     = "group_member_unbanned"
	TriggerMemberScopeChanged = "group_member_scope_changed"
	TriggerGroupOwnerChanged  = "group_owner_transferred"
	TriggerCallInitiated      = "call_initiated"
	TriggerCallStarted        = "call_started" // the call was accepted (status ongoing)
	TriggerCallEnded          = "call_ended"
	TriggerCallRejected       = "call_rejected"
	TriggerCallBusy           = "call_busy"
	TriggerCallCancelled      = "call_cancelled"
	TriggerCallUnanswered     = "call_unanswered"
	TriggerBeforeMessage      = "before_message"
)

// Triggers lists every trigger a webhook may take, in the order
// docs/webhooks.md documents them.
func Triggers() []string {
	return []string{
		TriggerMessageSent, TriggerMessageEdited, TriggerMessageDeleted, TriggerUserMentioned,
		TriggerReactionAdded, TriggerReactionRemoved, TriggerDeliveryReceipt, TriggerReadReceipt,
		TriggerUserBlocked, TriggerUserUnblocked, TriggerConnectionStatus,
		TriggerGroupCreated, TriggerGroupUpdated, TriggerGroupDeleted,
		TriggerMemberAdded, TriggerMemberJoined, TriggerMemberLeft, TriggerMemberKicked,
		TriggerMemberBanned, TriggerMemberUnbanned, TriggerMemberScopeChanged, TriggerGroupOwnerChanged,
		TriggerCallInitiated, TriggerCallStarted, TriggerCallEnded, TriggerCallRejected,
		TriggerCallBusy, TriggerCallCancelled, TriggerCallUnanswered,
		TriggerBeforeMessage,
	}
}

// IsTrigger reports whether name is a trigger of Triggers.
func IsTrigger(name string) bool {
	for _, t := range Triggers() {
		if t == name {
			return true
		}
	}
	return false
}

// MaxWebhooks is how many webhooks one app may hold.
const MaxWebhooks = 25

// MaxWebhookIDLen bounds a webhook's id and name (CometChat's 50).
const MaxWebhookIDLen = 50

// Webhook is an endpoint of an app that receives the events of its
// triggers. Password and Secret are stored in the clear (Parley needs them
// to sign and authenticate each delivery); Password is never sent, and
// Secret only in the answer that creates the webhook.
type Webhook struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	URL            string `json:"webhookURL"`
	UseBasicAuth   bool   `json:"useBasicAuth"`
	Username       string `json:"username,omitempty"`
	Password       string `json:"-"`
	Enabled        bool   `json:"enabled"`
	RetryOnFailure bool   `json:"retryOnFailure"`
	// RejectOnFailure is the app's setting for its before_message hook: a
	// hook that fails or times out rejects the message (fail closed) when
	// set, lets it through (fail open) when not.
	RejectOnFailure bool     `json:"rejectOnFailure"`
	Secret          string   `json:"secret,omitempty"`
	Triggers        []string `json:"triggers"`
	CreatedAt       int64    `json:"createdAt"`
	UpdatedAt       int64    `json:"updatedAt,omitempty"`
}

// Has reports whether the webhook takes trigger.
func (w *Webhook) Has(trigger string) bool {
	for _, t := range w.Triggers {
		if t == trigger {
			return true
		}
	}
	return false
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"   // queued, or waiting for its next attempt
	DeliveryDelivered = "delivered" // the endpoint answered 2xx
	DeliveryFailed    = "failed"    // given up: retries off or exhausted
)

// NewDelivery is an event to queue for the webhooks that take its trigger:
// Data is the JSON of the body's data field.
type NewDelivery struct {
	Trigger string
	Data    json.RawMessage
}

// Delivery is one event queued for one webhook, and the log of its
// attempts. IDs grow in the order deliveries were queued, are never reused,
// and stay the same across retries: a receiver dedupes by them.
type Delivery struct {
	ID         int64           `json:"id,string"`
	AppID      string          `json:"-"`
	WebhookID  string          `json:"webhook"`
	Trigger    string          `json:"trigger"`
	Data       json.RawMessage `json:"data"`
	Status     string          `json:"status"`
	Attempts   int             `json:"attempts"`
	LastError  string          `json:"lastError,omitempty"`
	LastStatus int             `json:"lastStatusCode,omitempty"` // the endpoint's last HTTP status
	// NextAt is when the next attempt is due, in Unix milliseconds (the
	// backoff of tests is that fine); LockedUntil is the lease of the
	// dispatcher sending it, in Unix milliseconds.
	NextAt      int64 `json:"-"`
	LockedUntil int64 `json:"-"`
	CreatedAt   int64 `json:"createdAt"`
	UpdatedAt   int64 `json:"updatedAt"`
	DeliveredAt int64 `json:"deliveredAt,omitempty"`
}

// DueDelivery is the head of one webhook's queue, due to be sent, with what
// sending it needs of its webhook.
type DueDelivery struct {
	Delivery
	Webhook Webhook
}

// DeliveryFilter selects a page of a webhook's delivery log, newest first.
type DeliveryFilter struct {
	Status string // "" for any
	Page
}

// DeliveryOutcome is what an attempt to send a delivery left: its new
// status, and when the next attempt is due if it stays pending.
type DeliveryOutcome struct {
	Status      string
	Attempts    int
	LastError   string
	LastStatus  int
	NextAt      int64 // Unix ms
	UpdatedAt   int64 // Unix s
	DeliveredAt int64 // Unix s
}

// Moderation verdicts: what a before_message hook decided.
const (
	VerdictAllow   = "allow"
	VerdictReject  = "reject"
	VerdictRewrite = "rewrite"
)

// Verdict is a before_message hook's answer. A rejection carries the code
// and message the sender sees; a rewrite replaces what Rewrite sets.
type Verdict struct {
	Action  string          `json:"action"`
	Code    string          `json:"code,omitempty"`
	Message string          `json:"message,omitempty"`
	Rewrite *MessageRewrite `json:"data,omitempty"`
}

// MessageRewrite is what a before_message hook changes in a message: the
// fields it sets (a nil field is left as the sender wrote it).
type MessageRewrite struct {
	Text       *string        `json:"text"`
	Metadata   map[string]any `json:"metadata"`
	CustomData map[string]any `json:"customData"`
}

// WebhookStore keeps webhooks, their triggers and their delivery queue.
type WebhookStore interface {
	// CreateWebhook stores a webhook with its triggers; ErrConflict if the
	// id is taken, ErrNotFound if the app does not exist.
	CreateWebhook(ctx context.Context, appID string, w *Webhook) error
	// Webhook returns one webhook with its triggers (sorted), or ErrNotFound.
	Webhook(ctx context.Context, appID, id string) (*Webhook, error)
	// Webhooks lists an app's webhooks with their triggers, oldest first.
	Webhooks(ctx context.Context, appID string) ([]*Webhook, error)
	// UpdateWebhook writes every field of w but its id, secret, triggers
	// and CreatedAt; ErrNotFound.
	UpdateWebhook(ctx context.Context, appID string, w *Webhook) error
	// DeleteWebhook removes a webhook, its triggers and its deliveries;
	// ErrNotFound.
	DeleteWebhook(ctx context.Context, appID, id string) error
	// AddWebhookTriggers attaches triggers to a webhook (those it has
	// already are kept); ErrNotFound if the webhook does not exist.
	AddWebhookTriggers(ctx context.Context, appID, id string, triggers []string, at int64) error
	// RemoveWebhookTriggers detaches triggers (absent ones are no error).
	RemoveWebhookTriggers(ctx context.Context, appID, id string, triggers []string) error

	// EnqueueDeliveries queues each of ds, in order, for every enabled
	// webhook of the app that takes its trigger, pending and due at at
	// (Unix ms); deliveries for no webhook are dropped.
	EnqueueDeliveries(ctx context.Context, appID string, ds []NewDelivery, at int64) error
	// Deliveries lists a page of a webhook's deliveries as f selects them,
	// newest first, with the total.
	Deliveries(ctx context.Context, appID, webhookID string, f DeliveryFilter) ([]*Delivery, int, error)
	// Delivery returns one delivery of a webhook, or ErrNotFound.
	Delivery(ctx context.Context, appID, webhookID string, id int64) (*Delivery, error)
	// Redeliver queues a new pending copy of a delivery, due at at (Unix
	// ms), at the end of its webhook's queue, and returns it; ErrNotFound.
	Redeliver(ctx context.Context, appID, webhookID string, id int64, at int64) (*Delivery, error)

	// The dispatcher's queue, across apps (like Apps).

	// DueDeliveries returns up to limit heads of the queues of enabled
	// webhooks (each webhook's oldest pending delivery) that are due at now
	// and not leased (Unix ms), soonest first.
	DueDeliveries(ctx context.Context, now int64, limit int) ([]*DueDelivery, error)
	// ClaimDelivery leases a pending delivery until until (Unix ms) if no
	// lease on it is current at now, and reports whether it did.
	ClaimDelivery(ctx context.Context, id, now, until int64) (bool, error)
	// FinishDelivery records an attempt's outcome and ends the lease;
	// ErrNotFound when the delivery is gone (its webhook was deleted).
	FinishDelivery(ctx context.Context, id int64, o DeliveryOutcome) error
	// ReleaseDelivery ends a lease without recording an attempt.
	ReleaseDelivery(ctx context.Context, id int64) error
	// PruneDeliveries removes delivered and failed deliveries last updated
	// before before (Unix s) and says how many.
	PruneDeliveries(ctx context.Context, before int64) (int, error)
}
