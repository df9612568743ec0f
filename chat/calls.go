package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/parleychat/parley"
)

// Calls are signalling only: Parley keeps each call's state, decides who
// may move it on, and writes each change as a message of category call into
// the conversation, which reaches both sides (every member of a group) like
// any message. The media run on the app's WebRTC service, in the room the
// session id names (docs/calls.md). The rules of a change are callMove's.

// DefaultRingTimeout is how long a call rings before it becomes unanswered
// when Config.RingTimeout is zero: the ring time of CometChat's UI kits.
const DefaultRingTimeout = 45 * time.Second

// The features calls are (see features.go).
const (
	featCreateCall = "createCall"
	featGetCall    = "getCall"
	featUpdateCall = "updateCall"
)

func callErr(kind parley.Kind, code, format string, args ...any) *parley.Error {
	return parley.Errorf(kind, code, format, args...)
}

func errCallNotFound(id string) *parley.Error {
	return callErr(parley.KindNotFound, parley.CodeCallNotFound, "no call with session id %q", id)
}

func errNotAPart() *parley.Error {
	return callErr(parley.KindForbidden, parley.CodeCallNotAPart, "you are not a participant of this call")
}

// newSessionID is a call's session id: 128 random bits in lower-case hex,
// a room name any media service takes, and not one to guess.
func newSessionID() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}

// checkNewCall checks what a caller gives, before any record is read.
func checkNewCall(in *parley.NewCall) error {
	if err := checkReceiver(in.Receiver, in.ReceiverType); err != nil {
		return err
	}
	if in.Type != parley.CallAudio && in.Type != parley.CallVideo {
		return invalid("type must be audio or video")
	}
	if in.Status != "" && in.Status != parley.CallInitiated {
		return invalid("a new call's status is initiated")
	}
	return checkMetadata(in.Metadata)
}

// InitiateCall starts a call from the acting user to a user or a group and
// returns its first message (status initiated, the session id in
// data.entities.on.entity.sessionid). The caller must be free to call
// (one active call per user), the callee too, and a group may have one
// call at a time; the rules of sending apply (blocks, membership).
func (s *Service) InitiateCall(ctx context.Context, in parley.NewCall) (*parley.Message, error) {
	if err := s.mayUse(ctx, featCreateCall); err != nil {
		return nil, err
	}
	a, err := needUser(ctx, "start calls")
	if err != nil {
		return nil, err
	}
	if err := checkNewCall(&in); err != nil {
		return nil, err
	}
	caller := a.ActingUID()
	if uid, _ := parley.NormalizeID(in.Receiver); in.ReceiverType == parley.ReceiverUser && uid == caller {
		return nil, callErr(parley.KindInvalid, parley.CodeCallingSelf, "you can't call yourself")
	}
	var m *parley.Message
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		rc, err := s.receiverOf(ctx, tx, a, in.Receiver, in.ReceiverType)
		if err != nil {
			return err
		}
		if err := callersFree(ctx, tx, a.AppID, caller, rc.id, in.ReceiverType); err != nil {
			return err
		}
		now := s.unix()
		c := &parley.Call{SessionID: newSessionID(), ConversationID: rc.conversationID, Type: in.Type,
			Initiator: caller, Receiver: rc.id, ReceiverType: in.ReceiverType, Status: parley.CallInitiated,
			InitiatedAt: now, RingUntil: now + s.ringSeconds(), Active: true,
			Participants: []parley.CallParticipant{{UID: caller, JoinedAt: now}}}
		if in.ReceiverType == parley.ReceiverUser {
			// The callee is in the call while it rings: busy for others.
			c.Participants = append(c.Participants, parley.CallParticipant{UID: rc.id})
		}
		if err := tx.CreateCall(ctx, a.AppID, c); err != nil {
			return storeErr(err, nil, errBusyRace())
		}
		m = s.callMessage(ctx, tx, a.AppID, c, caller, parley.CallInitiated, rc.entity)
		m.Data.Metadata = in.Metadata
		return appendAndTouch(ctx, tx, a.AppID, m)
	})
	if err != nil {
		return nil, storeErr(err, nil, nil)
	}
	return m, nil
}

// callersFree refuses a call whose caller, callee or group is in an active
// call.
func callersFree(ctx context.Context, tx parley.Tx, appID, caller, receiver, receiverType string) error {
	if c, err := activeCall(ctx, tx, appID, caller); err != nil || c != nil {
		if err != nil {
			return err
		}
		return callErr(parley.KindConflict, parley.CodeCallBusySelf, "you are in call %s: end it first", c.SessionID)
	}
	if receiverType == parley.ReceiverUser {
		if c, err := activeCall(ctx, tx, appID, receiver); err != nil || c != nil {
			if err != nil {
				return err
			}
			return callErr(parley.KindConflict, parley.CodeCallBusyUser, "%s is in another call", receiver)
		}
		return nil
	}
	switch _, err := tx.ActiveGroupCall(ctx, appID, receiver); {
	case err == nil:
		return callErr(parley.KindConflict, parley.CodeCallBusyGroup, "the group %s has a call already", receiver)
	case !errors.Is(err, parley.ErrNotFound):
		return err
	}
	return nil
}

// activeCall returns uid's active call, nil when none.
func activeCall(ctx context.Context, tx parley.Tx, appID, uid string) (*parley.Call, error) {
	c, err := tx.ActiveCall(ctx, appID, uid)
	if errors.Is(err, parley.ErrNotFound) {
		return nil, nil
	}
	return c, err
}

// errBusyRace answers a write the store refused because a participant got
// into another call between the check and the write.
func errBusyRace() *parley.Error {
	return callErr(parley.KindConflict, parley.CodeCallBusyUser, "a participant is in another call")
}

// ringSeconds is the ring timeout in whole seconds (times are Unix
// seconds), at least one.
func (s *Service) ringSeconds() int64 {
	return max(1, int64(math.Ceil(s.ringTimeout.Seconds())))
}

// UpdateCall moves a call on to in.Status as the actor: a participant of
// it, or a full access key acting as no user (the app's backend, which may
// cancel, time out and end calls). It writes the call message of the change
// and returns it. callMove says who may set which status.
func (s *Service) UpdateCall(ctx context.Context, sessionID string, in parley.CallUpdate) (*parley.Message, error) {
	if err := s.mayUse(ctx, featUpdateCall); err != nil {
		return nil, err
	}
	a, err := needReader(ctx, "update calls")
	if err != nil {
		return nil, err
	}
	sessionID = strings.TrimSpace(sessionID)
	if sessionID == "" {
		return nil, callErr(parley.KindInvalid, parley.CodeEmptyCallSession, "the session id is required")
	}
	if !callStatuses[in.Status] {
		return nil, invalid("status must be one of ongoing, rejected, busy, cancelled, unanswered and ended")
	}
	by := a.ActingUID()
	var m *parley.Message
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		c, err := tx.Call(ctx, a.AppID, sessionID)
		if err != nil {
			return storeErr(err, errCallNotFound(sessionID), nil)
		}
		member, err := s.groupMember(ctx, tx, a, c)
		if err != nil {
			return err
		}
		if err := callMove(c, by, a.IsServer(), in.Status, member); err != nil {
			return err
		}
		if in.Status == parley.CallOngoing && c.Participant(by) == nil { // a member joining a group call
			if other, err := activeCall(ctx, tx, a.AppID, by); err != nil || other != nil {
				if err != nil {
					return err
				}
				return callErr(parley.KindConflict, parley.CodeCallBusySelf, "you are in call %s: end it first", other.SessionID)
			}
		}
		applyMove(c, by, in.Status, s.unix())
		if err := tx.UpdateCall(ctx, a.AppID, c); err != nil {
			return storeErr(err, errCallNotFound(sessionID), errBusyRace())
		}
		recv, err := callFor(ctx, tx, a.AppID, c, by)
		if err != nil {
			return err
		}
		m = s.callMessage(ctx, tx, a.AppID, c, by, in.Status, recv)
		return appendAndTouch(ctx, tx, a.AppID, m)
	})
	if err != nil {
		return nil, storeErr(err, nil, nil)
	}
	return m, nil
}

// groupMember reports whether the acting user is a current member of a
// group call's group (false for one-to-one calls and the app itself, which
// the rules don't ask).
func (s *Service) groupMember(ctx context.Context, tx parley.Tx, a parley.Actor, c *parley.Call) (bool, error) {
	if c.ReceiverType != parley.ReceiverGroup || !a.IsUser() {
		return false, nil
	}
	switch _, err := tx.Member(ctx, a.AppID, c.Receiver, a.UID); {
	case err == nil:
		return true, nil
	case errors.Is(err, parley.ErrNotFound):
		return false, nil
	default:
		return false, err
	}
}

// applyMove changes the call as status says, at now: accepting (or, in a
// group, joining) makes by a joined participant and stops the ringing; a
// final status ends the call, freeing everyone in it.
func applyMove(c *parley.Call, by, status string, now int64) {
	if status != parley.CallOngoing {
		c.Status, c.EndedAt, c.RingUntil, c.Active = status, now, 0, false
		return
	}
	if c.Status == parley.CallInitiated {
		c.Status, c.JoinedAt, c.RingUntil = parley.CallOngoing, now, 0
	}
	if p := c.Participant(by); p != nil {
		p.JoinedAt = now
		return
	}
	c.Participants = append(c.Participants, parley.CallParticipant{UID: by, JoinedAt: now})
}

// Call returns a call's state to one who may see it: a participant, a
// member of the group called, or a full access key (the app's backend,
// say, checking that a user may join the media room).
func (s *Service) Call(ctx context.Context, sessionID string) (*parley.Call, error) {
	if err := s.mayUse(ctx, featGetCall); err != nil {
		return nil, err
	}
	a, err := needReader(ctx, "read calls")
	if err != nil {
		return nil, err
	}
	sessionID = strings.TrimSpace(sessionID)
	if sessionID == "" {
		return nil, callErr(parley.KindInvalid, parley.CodeEmptyCallSession, "the session id is required")
	}
	c, err := s.store.Call(ctx, a.AppID, sessionID)
	if err != nil {
		return nil, storeErr(err, errCallNotFound(sessionID), nil)
	}
	if a.IsServer() || c.Participant(a.UID) != nil {
		return c, nil
	}
	member, err := s.groupMember(ctx, s.store, a, c)
	if err != nil {
		return nil, parley.Internal(err)
	}
	if !member {
		return nil, errNotAPart()
	}
	return c, nil
}

// callMessage builds the call message that records c's change to action
// by by (a participant, or SystemUID for the app and the ring timer); it
// writes nothing. In a one-to-one call the message goes from the one who
// acted to the other (the caller's when the app acted: a missed call is the
// callee's unread message); in a group call from the one who acted to the
// group. forEntity is the receiver, as data.entities.for names it.
func (s *Service) callMessage(ctx context.Context, tx parley.Tx, appID string, c *parley.Call, by, action string, forEntity any) *parley.Message {
	sender, receiver := by, c.Receiver
	switch {
	case by == parley.SystemUID:
		sender = c.Initiator
	case c.ReceiverType == parley.ReceiverUser && by == c.Receiver:
		receiver = c.Initiator
	}
	now := s.unix()
	return &parley.Message{ConversationID: c.ConversationID, Sender: sender, Receiver: receiver,
		ReceiverType: c.ReceiverType, Category: parley.CategoryCall, Type: c.Type, SentAt: now, UpdatedAt: now,
		Data: parley.MessageData{Action: action, Entities: map[string]parley.Entity{
			"by": {Entity: entityUser(ctx, tx, appID, by), EntityType: "user"},
			"on": {Entity: &parley.CallEntity{SessionID: c.SessionID, Status: c.Status, Type: c.Type,
				ReceiverType: c.ReceiverType, Initiator: c.Initiator, Receiver: c.Receiver,
				InitiatedAt: c.InitiatedAt, JoinedAt: c.JoinedAt, EndedAt: c.EndedAt}, EntityType: parley.EntityCall},
			"for": {Entity: forEntity, EntityType: c.ReceiverType},
		}}}
}

// callFor is the receiver entity of a call message by by: the group, or
// the other side of a one-to-one call.
func callFor(ctx context.Context, tx parley.Tx, appID string, c *parley.Call, by string) (any, error) {
	if c.ReceiverType == parley.ReceiverGroup {
		g, err := tx.Group(ctx, appID, c.Receiver, "")
		if err != nil {
			return nil, err
		}
		g.HasJoined, g.Scope, g.JoinedAt, g.PasswordHash = nil, "", 0, ""
		return g, nil
	}
	to := c.Receiver
	if by == c.Receiver {
		to = c.Initiator
	}
	return entityUser(ctx, tx, appID, to), nil
}
