package chat

import (
	"context"

	"github.com/parleychat/parley"
)

// systemUser is the entity of the system actor in action messages.
var systemUser = &parley.User{UID: parley.SystemUID, Name: "System", Role: parley.DefaultRole, Status: parley.StatusOffline}

// entityUser returns a user as an action message names them; the system
// actor and users that are gone get a bare entity.
func entityUser(ctx context.Context, tx parley.Tx, appID, uid string) *parley.User {
	if uid == parley.SystemUID {
		return systemUser
	}
	u, err := tx.User(ctx, appID, uid, "")
	if err != nil {
		return &parley.User{UID: uid}
	}
	u.BlockedByMe, u.HasBlockedMe = nil, nil
	return u
}

// groupActionMessage writes a groupMember action message into a group's history,
// in the caller's transaction, and returns it with its id. by acted on the
// user on; extras carries e.g. the scope change.
func (s *Service) groupActionMessage(ctx context.Context, tx parley.Tx, appID string, g *parley.Group, action, by, on string,
	extras map[string]any) (*parley.Message, error) {
	now := s.unix()
	gc := *g
	gc.HasJoined, gc.Scope, gc.JoinedAt = nil, "", 0
	byUser, onUser := entityUser(ctx, tx, appID, by), (*parley.User)(nil)
	if on == by { // a join or a leave: one read, two entities
		c := *byUser
		onUser = &c
	} else {
		onUser = entityUser(ctx, tx, appID, on)
	}
	m := &parley.Message{
		ConversationID: parley.GroupConversationID(g.GUID),
		Sender:         by,
		Receiver:       g.GUID,
		ReceiverType:   parley.ReceiverGroup,
		Category:       parley.CategoryAction,
		Type:           parley.TypeGroupMember,
		Data: parley.MessageData{
			Action: action,
			Entities: map[string]parley.Entity{
				"by":  {Entity: byUser, EntityType: "user"},
				"on":  {Entity: onUser, EntityType: "user"},
				"for": {Entity: &gc, EntityType: "group"},
			},
			Extras: extras,
		},
		SentAt:    now,
		UpdatedAt: now,
	}
	// A membership change is the group conversation's latest activity.
	if err := appendAndTouch(ctx, tx, appID, m); err != nil {
		return nil, wrapf(err, "append action message")
	}
	return m, nil
}
