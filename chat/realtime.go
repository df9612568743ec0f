package chat

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/parleychat/parley"
)

// This file is what the real-time hubs ask of the service: who a socket
// is, what to route a user's connections by, what a resuming client
// missed, and the signals (typing, transient messages, presence) that are
// published but never stored.

// View is what a hub routes one user's connections by, read when the user
// connects and kept current by the events that follow Position.
type View struct {
	UID      string
	Role     string
	Position int64            // the app's latest message id when the view was read (see View)
	Groups   map[string]int64 // guid -> log id at which the current membership began
	Friends  map[string]bool
	Blocked  map[string]bool // users in a block relation with UID, either way
}

// Signal is a typing indicator or a transient message from a client.
type Signal struct {
	Receiver, ReceiverType string
	Status                 string         // typing: started | ended
	Metadata               map[string]any // typing
	Data                   map[string]any // transient
}

// Typing states and the limit on a signal's payload.
const (
	TypingStarted = "started"
	TypingEnded   = "ended"
	// MaxSignalBytes bounds the JSON of a typing indicator's metadata or a
	// transient message's data.
	MaxSignalBytes = 4 << 10
)

// SocketAuth checks the auth token of a WebSocket's first frame for app
// appID and returns the actor it makes, its device set to deviceID (else
// the token's). Errors: AUTH_ERR_INVALID_APPID, AUTH_ERR_EMPTY_APPID,
// AUTH_ERR_AUTH_TOKEN_NOT_FOUND, AUTH_ERR_USER_DEACTIVATED.
func (s *Service) SocketAuth(ctx context.Context, appID, authToken, deviceID string) (parley.Actor, error) {
	if authToken == "" {
		return parley.Actor{}, parley.Errorf(parley.KindUnauthorized, parley.CodeAuthTokenNotFound, "the auth frame needs an auth token")
	}
	appID, err := s.authApp(ctx, appID)
	if err != nil {
		return parley.Actor{}, err
	}
	return s.authToken(ctx, appID, Credentials{AppID: appID, AuthToken: authToken, DeviceID: deviceID})
}

// View reads what routing needs to know of the acting user. Position is
// read first, then the rest, each from the read pool (not in a write
// transaction, which would queue behind the message writer): the view
// reflects every change up to Position and maybe some after it. Each
// change is a state the hub applies again in log order (joined, left,
// relation reloaded), so applying every change after Position on top of
// the view ends where the log does.
func (s *Service) View(ctx context.Context) (*View, error) {
	a, err := needUser(ctx, "connecting")
	if err != nil {
		return nil, err
	}
	v := &View{UID: a.UID, Friends: map[string]bool{}, Blocked: map[string]bool{}}
	if v.Position, err = latestID(ctx, s.store, a.AppID); err != nil {
		return nil, parley.Internal(err)
	}
	u, err := liveUser(ctx, s.store, a.AppID, a.UID, "")
	if err != nil {
		return nil, err
	}
	v.Role = u.Role
	if v.Groups, err = s.store.UserMemberships(ctx, a.AppID, a.UID); err != nil {
		return nil, parley.Internal(err)
	}
	friends, blocked, err := s.store.Relations(ctx, a.AppID, a.UID)
	if err != nil {
		return nil, parley.Internal(err)
	}
	for _, uid := range friends {
		v.Friends[uid] = true
	}
	for _, uid := range blocked {
		v.Blocked[uid] = true
	}
	return v, nil
}

// latestID is the id of the app's newest message, 0 when there is none.
func latestID(ctx context.Context, tx parley.Tx, appID string) (int64, error) {
	ms, err := tx.Messages(ctx, appID, parley.MessageFilter{Limit: 1})
	if err != nil || len(ms) == 0 {
		return 0, err
	}
	return ms[0].ID, nil
}

// LatestMessageID is the id of the app's newest message (0: none yet).
func (s *Service) LatestMessageID(ctx context.Context, appID string) (int64, error) {
	id, err := latestID(ctx, s.store, appID)
	if err != nil {
		return 0, parley.Internal(err)
	}
	return id, nil
}

// MissedEvents returns, for a client resuming after message id after, the
// message events the acting user may see with larger ids, in id order, at
// most limit; more says that more exist (the client pages them over REST).
func (s *Service) MissedEvents(ctx context.Context, after int64, limit int) (evs []*parley.Event, more bool, err error) {
	a, err := needUser(ctx, "resuming")
	if err != nil {
		return nil, false, err
	}
	if after < 0 || limit <= 0 {
		return nil, false, invalid("lastMessageId must be a message id and the limit positive")
	}
	// FromStart: with no cursor (after 0) the store pages backward from
	// the newest message; a resuming client wants the oldest first.
	ms, err := s.store.Messages(ctx, a.AppID, parley.MessageFilter{Viewer: a.UID, AfterID: after, FromStart: true, Limit: limit + 1})
	if err != nil {
		return nil, false, parley.Internal(err)
	}
	if len(ms) > limit {
		ms, more = ms[:limit], true
	}
	return s.events(a.AppID, ms), more, nil
}

// LogEvents returns the app's message events with ids above after, in id
// order, at most limit: what a hub that saw a hole in the log refills it
// with.
func (s *Service) LogEvents(ctx context.Context, appID string, after int64, limit int) ([]*parley.Event, error) {
	ms, err := s.store.Messages(ctx, appID, parley.MessageFilter{AfterID: after, FromStart: true, Limit: limit})
	if err != nil {
		return nil, parley.Internal(err)
	}
	return s.events(appID, ms), nil
}

// events encodes stored messages as message events; the device they came
// from is not stored, so it is left out.
func (s *Service) events(appID string, ms []*parley.Message) []*parley.Event {
	out := make([]*parley.Event, 0, len(ms))
	for _, m := range ms {
		if e := s.messageEvent(appID, "", m); e != nil {
			out = append(out, e)
		}
	}
	return out
}

// Typing relays a typing indicator to the receiver: someone the acting
// user may send messages to. Nothing is stored.
func (s *Service) Typing(ctx context.Context, sig Signal) error {
	if sig.Status != TypingStarted && sig.Status != TypingEnded {
		return invalid("a typing indicator is %s or %s", TypingStarted, TypingEnded)
	}
	body := map[string]any{"action": sig.Status, "timestamp": s.unix()}
	if sig.Metadata != nil {
		body["metadata"] = sig.Metadata
	}
	return s.signal(ctx, parley.EventTyping, sig, sig.Metadata, body)
}

// Transient relays a transient message (any JSON object) to the receiver.
// Nothing is stored.
func (s *Service) Transient(ctx context.Context, sig Signal) error {
	if sig.Data == nil {
		return invalid("a transient message needs data (a JSON object)")
	}
	return s.signal(ctx, parley.EventTransient, sig, sig.Data, map[string]any{"data": sig.Data, "timestamp": s.unix()})
}

func (s *Service) signal(ctx context.Context, typ string, sig Signal, payload map[string]any, body map[string]any) error {
	a, err := needUser(ctx, "signalling")
	if err != nil {
		return err
	}
	if sig.ReceiverType != parley.ReceiverUser && sig.ReceiverType != parley.ReceiverGroup {
		return msgErr(parley.KindInvalid, parley.CodeInvalidReceiverType, "receiverType must be user or group")
	}
	if sig.Receiver == "" {
		return msgErr(parley.KindInvalid, parley.CodeEmptyReceiver, "a receiver is required")
	}
	if sizeOver(payload, MaxSignalBytes) {
		return msgErr(parley.KindTooLarge, parley.CodeMessageTooLarge, "a signal's payload must be at most %d bytes", MaxSignalBytes)
	}
	rc, err := s.receiverOf(ctx, s.store, a, sig.Receiver, sig.ReceiverType)
	if err != nil {
		return err
	}
	s.publish(ctx, to(s.event(ctx, typ, body), rc.id, sig.ReceiverType))
	return nil
}

// SetPresence records the acting user online or offline (lastActiveAt now)
// and tells those who watch their presence. Hubs call it on a user's first
// connection and after the grace period that follows their last.
func (s *Service) SetPresence(ctx context.Context, online bool) error {
	a, err := needUser(ctx, "presence")
	if err != nil {
		return err
	}
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		return s.presenceTx(ctx, tx, a, online)
	})
	return storeErr(err, errUIDNotFound(a.UID), nil)
}

// PresenceChange is one user going online or offline (SetPresences).
type PresenceChange struct {
	UID    string
	Online bool
}

// SetPresences records the changes of users of app appID in one
// transaction, in order, each as SetPresence does (the event, the webhook),
// so that a crowd connecting at once costs one sync to disk rather than
// one per user. A user who no longer exists is skipped.
func (s *Service) SetPresences(ctx context.Context, appID string, changes []PresenceChange) error {
	err := s.store.InTx(ctx, func(tx parley.Tx) error {
		for _, c := range changes {
			a := parley.Actor{AppID: appID, Access: parley.AccessUser, UID: c.UID}
			err := s.presenceTx(parley.NewContext(ctx, a), tx, a, c.Online)
			if err != nil && !errors.Is(err, parley.ErrNotFound) {
				return err
			}
		}
		return nil
	})
	return storeErr(err, nil, nil)
}

// presenceTx is one presence change in tx.
func (s *Service) presenceTx(ctx context.Context, tx parley.Tx, a parley.Actor, online bool) error {
	status, at, action := parley.StatusOffline, s.unix(), "offline"
	if online {
		status, action = parley.StatusAvailable, "online"
	}
	if err := tx.SetPresence(ctx, a.AppID, a.UID, status, at); err != nil {
		return err
	}
	u, err := tx.User(ctx, a.AppID, a.UID, "")
	if err != nil {
		return err
	}
	e := s.event(ctx, parley.EventPresence, map[string]any{"status": action, "user": u, "timestamp": at})
	if e != nil {
		e.Route.Role = u.Role
	}
	s.afterCommit(ctx, tx, e)
	return s.hook(ctx, tx, a.AppID, parley.TriggerConnectionStatus, func() any {
		c := *u
		c.BlockedByMe, c.HasBlockedMe, c.ConversationID = nil, nil, ""
		return map[string]any{"user": &c, "status": action, "timestamp": at}
	})
}

// ResetPresence sets offline every user a stopped server left online: run
// at start-up, before any hub accepts a connection. (With several nodes on
// one store, run it only when no node serves.)
func (s *Service) ResetPresence(ctx context.Context) error {
	apps, err := s.store.Apps(ctx)
	if err != nil {
		return parley.Internal(err)
	}
	var errs []error
	for _, app := range apps {
		n, err := s.store.ResetPresence(ctx, app.ID, s.unix())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if n > 0 {
			s.log.InfoContext(ctx, "presence reset", "app", app.ID, "users", n)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return parley.Internal(err)
	}
	return nil
}

// sizeOver reports whether m's JSON is over max bytes (or not JSON).
func sizeOver(m map[string]any, max int) bool {
	if m == nil {
		return false
	}
	b, err := json.Marshal(m)
	return err != nil || len(b) > max
}
