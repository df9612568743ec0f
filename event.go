package parley

import (
	"context"
	"encoding/json"
	"errors"
)

// Event types. The first group are the frame types clients receive over the
// WebSocket (docs/protocol.md); the last are control events that steer the
// hubs and are never sent to a client as such.
const (
	EventMessage     = "message"               // a message of the log, any category (Route.MessageID)
	EventTyping      = "typing_indicator"      // started/ended; never stored
	EventReceipt     = "receipts"              // delivered/read watermark moved
	EventTransient   = "transient_message"     // a client's ephemeral payload; never stored
	EventPresence    = "presence"              // online/offline
	EventReaction    = "reaction"              // message_reaction_added/removed
	EventInteraction = "interaction_completed" // an interactive message reached its goal
	EventUserUpdated = "user_updated"          // a user's profile changed
	EventGroupUpdate = "group_updated"         // a group's details changed

	// EventRelation says that friends or blocks of the users in Route.UIDs
	// changed: hubs reload what they route by for those users. Not sent to
	// clients.
	EventRelation = "relation"
	// EventSessionEnd closes connections: of Route.TokenID when set (a
	// revoked token), else every connection of Route.Target (a user
	// deactivated or deleted), else every connection of the app (the app
	// was deleted). Not sent to clients.
	EventSessionEnd = "session_end"
	// EventGroupGone says a group was deleted: hubs forget its members
	// after delivering it to them (Body is the group). Sent to its members
	// as frame type "group_deleted".
	EventGroupGone = "group_deleted"
)

// Event is one real-time event of one app, as package chat publishes it
// after the change it reports has committed. The envelope fields and Body
// are what a client receives (Body is JSON, encoded once by the publisher);
// Route says who may receive it and is never sent to a client.
//
// Who receives what (the hub's rules, written here once so that publisher
// and hub agree):
//   - ReceiverType "user": the connections of Sender and Receiver. Typing,
//     transient and presence never cross a block (Route.UIDs is unused).
//   - ReceiverType "group": the connections of users who are members of
//     Receiver at the event: for a message, at Route.MessageID (member
//     action messages are applied in log order: "joined"/"added" add
//     Route.Target before delivery, "left"/"kicked"/"banned" remove them
//     after it). An event about an earlier message (Route.About: edited,
//     deleted, reactions, interactions) reaches only members who joined at
//     or before Route.About.
//   - Sender's own other connections receive what Sender did, with DeviceID
//     set to the device it came from.
//   - Receipts: in a group, only Route.Target (the sender of the message
//     the watermark reached) and the reader's own connections.
//   - Presence and user updates: every connection whose presence
//     subscription covers Sender (all users, the user's role, or friends),
//     never across a block.
type Event struct {
	AppID        string          `json:"appId"`
	Type         string          `json:"type"`
	Sender       string          `json:"sender,omitempty"`
	Receiver     string          `json:"receiver,omitempty"`
	ReceiverType string          `json:"receiverType,omitempty"`
	DeviceID     string          `json:"deviceId,omitempty"`
	Body         json.RawMessage `json:"body,omitempty"`
	Route        Route           `json:"route"`
}

// Route is what a hub routes an event by; it never reaches a client.
type Route struct {
	// MessageID is a message event's id in the app's dense log; 0 for
	// events that are not in the log.
	MessageID int64 `json:"messageId,omitempty"`
	// Action is a member action (joined, added, left, kicked, banned,
	// unbanned, scopeChanged, ownershipTransferred) or edited/deleted.
	Action string `json:"action,omitempty"`
	// Target is the user a member action is on, the sender of the message
	// a receipt reached, or the user whose sessions end.
	Target string `json:"target,omitempty"`
	// About is the id of the message an event concerns (edits, deletes,
	// reactions, interactions, receipts).
	About int64 `json:"about,omitempty"`
	// Role is the role of Sender, for presence and user updates routed by
	// role subscriptions.
	Role string `json:"role,omitempty"`
	// UIDs lists the users an EventRelation concerns.
	UIDs []string `json:"uids,omitempty"`
	// TokenID is the auth token whose connections an EventSessionEnd closes.
	TokenID string `json:"tokenId,omitempty"`
}

// ErrSubscriptionLagged is the error of a subscription that fell too far
// behind and was dropped by its broker: events were lost, so its owner
// must resynchronise (the hub reconnects its clients, which resume from the
// log).
var ErrSubscriptionLagged = errors.New("parley: subscription lagged and was dropped")

// Broker carries events from the service to the hubs of every node. Publish
// never blocks on a slow subscriber. Events of one publisher to one app
// arrive at each subscriber in the order published; events of different
// publishers may interleave (hubs order log messages by Route.MessageID).
// Implementations: broker/inmem (one node) and broker/nats; both pass
// broker/brokertest.
type Broker interface {
	// Publish sends e to every subscription of e.AppID. The event must not
	// be changed afterwards.
	Publish(ctx context.Context, e *Event) error
	// Subscribe receives the events of one app until Close.
	Subscribe(ctx context.Context, appID string) (Subscription, error)
	// Close ends every subscription.
	Close() error
}

// Subscription is one subscriber's stream of an app's events.
type Subscription interface {
	// C delivers the events. It is closed by Close, by the broker's Close,
	// or when the subscriber lagged (then Err returns
	// ErrSubscriptionLagged).
	C() <-chan *Event
	// Err says why C was closed; nil while it is open or after Close.
	Err() error
	// Close stops the subscription. It is safe to call more than once.
	Close() error
}
