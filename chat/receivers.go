package chat

import (
	"context"

	"github.com/parleychat/parley"
)

// receiver is a checked receiver of a message.
type receiver struct {
	id             string
	conversationID string
	entity         any // *parley.User or *parley.Group
	group          *groupView
}

// receiverOf checks that the actor may send to the receiver: a live user
// neither side has blocked, or a group the actor is a member of.
func (s *Service) receiverOf(ctx context.Context, tx parley.Tx, a parley.Actor, id, typ string) (*receiver, error) {
	if typ == parley.ReceiverGroup {
		v, err := loadGroup(ctx, tx, a, id)
		if err != nil {
			return nil, err
		}
		if err := v.needMember(ctx, tx); err != nil {
			return nil, err
		}
		g := *v.g
		g.HasJoined, g.Scope, g.JoinedAt = nil, "", 0
		return &receiver{id: v.g.GUID, conversationID: parley.GroupConversationID(v.g.GUID), entity: &g, group: v}, nil
	}
	uid, _ := parley.NormalizeID(id)
	sender, viewer := a.ActingUID(), ""
	if a.IsUser() {
		viewer = sender // blocks bind users, not the app acting as one
	}
	u, err := s.receiverUser(ctx, tx, a.AppID, uid, viewer)
	if err != nil {
		return nil, err
	}
	if u.BlockedByMe != nil && *u.BlockedByMe {
		return nil, msgErr(parley.KindForbidden, parley.CodeBlockedReceiver, "you blocked %s", uid)
	}
	if u.HasBlockedMe != nil && *u.HasBlockedMe {
		return nil, msgErr(parley.KindForbidden, parley.CodeBlockedSender, "%s blocked you", uid)
	}
	u.BlockedByMe, u.HasBlockedMe = nil, nil
	return &receiver{id: uid, conversationID: parley.UserConversationID(sender, uid), entity: u}, nil
}

// receiverUser is liveUser for the receiver of a message. In the writer
// (tx is a batch) the user, and the blocks between them and the viewer,
// come from what the authentication cache keeps (read through tx when not
// kept): the writer is one goroutine, and the user's row read and decoded
// per message was a tenth of the server's CPU on the message path.
//
// It is as right as the read in tx it replaces, though a user's write
// (delete, deactivation) or a block may run concurrently: the check runs
// inside the writer's transaction, not before it, and credStore marks a
// user or a pair as changing before its write and forgets it once
// committed (see authcache.go). On the one write connection of SQLite that
// write commits either after the writer's transaction, so after the
// message, as if the send came first, or before the transaction began, and
// then the cache answers nothing older than it: the mark or the forget is
// there already. (A store whose transactions run concurrently, PostgreSQL,
// read the user under READ COMMITTED before, with the same race.) Outside
// the writer the user is read from tx as before.
func (s *Service) receiverUser(ctx context.Context, tx parley.Tx, appID, uid, viewer string) (*parley.User, error) {
	if _, ok := tx.(*batchTx); !ok {
		return liveUser(ctx, tx, appID, uid, viewer)
	}
	u, err := s.creds.user(ctx, tx, s.now, appID, uid)
	if err == nil && u.DeletedAt != 0 {
		err = parley.ErrNotFound
	}
	if err != nil {
		return nil, storeErr(err, errUIDNotFound(uid), nil)
	}
	u.BlockedByMe, u.HasBlockedMe = nil, nil
	if viewer != "" && viewer != uid {
		byMe, me, err := s.creds.blocked(ctx, tx, s.now, appID, viewer, uid)
		if err != nil {
			return nil, err
		}
		u.BlockedByMe, u.HasBlockedMe = &byMe, &me
	}
	return u, nil
}

func errMessageNotFound(id int64) *parley.Error {
	return msgErr(parley.KindNotFound, parley.CodeMessageNotFound, "no message with id %d", id)
}

// visibleMessage returns message id if the actor may see it: a full access
// key acting as no user sees everything; a user sees the one-to-one
// messages they sent or received and the group messages sent while they
// were a member (and not what they cleared).
func (s *Service) visibleMessage(ctx context.Context, tx parley.Tx, a parley.Actor, id int64) (*parley.Message, error) {
	if id <= 0 {
		return nil, errMessageNotFound(id)
	}
	m, err := tx.Message(ctx, a.AppID, id)
	if err != nil {
		return nil, storeErr(err, errMessageNotFound(id), nil)
	}
	if a.IsServer() {
		return m, nil
	}
	// Both bounds: AfterID 0 means no bound, so the first message of the log
	// (id 1) needs BeforeID to be found.
	ms, err := tx.Messages(ctx, a.AppID, parley.MessageFilter{ConversationID: m.ConversationID,
		Viewer: a.UID, AfterID: id - 1, BeforeID: id + 1, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 || ms[0].ID != id {
		return nil, errMessageNotFound(id)
	}
	return m, nil
}

// linkThread checks and sets a message's parent (for a thread reply) and
// quoted message: both must be in the message's conversation, visible to
// the sender, and a parent must not itself be a reply.
func (s *Service) linkThread(ctx context.Context, tx parley.Tx, a parley.Actor, m *parley.Message, parentID, quotedID int64) error {
	if parentID != 0 {
		p, err := s.visibleMessage(ctx, tx, a, parentID)
		if err != nil {
			return err
		}
		if p.ConversationID != m.ConversationID || p.Category == parley.CategoryAction || p.DeletedAt != 0 {
			return msgErr(parley.KindInvalid, parley.CodeWrongThread, "the parent message is not in this conversation")
		}
		if p.ParentID != 0 {
			return msgErr(parley.KindInvalid, parley.CodeThreadNesting, "a reply can't have replies")
		}
		m.ParentID = parentID
	}
	if quotedID != 0 {
		q, err := s.visibleMessage(ctx, tx, a, quotedID)
		if err != nil {
			return err
		}
		if q.ConversationID != m.ConversationID {
			return msgErr(parley.KindInvalid, parley.CodeWrongThread, "the quoted message is not in this conversation")
		}
		m.QuotedID = quotedID
	}
	return nil
}

// resolveMentions turns the text's <@uid:UID> into users: only users who
// exist and may see the message (the two of a one-to-one conversation, the
// current members of a group).
func (s *Service) resolveMentions(ctx context.Context, tx parley.Tx, appID string, m *parley.Message) (map[string]*parley.User, error) {
	uids := parseMentions(m.Data.Text)
	if len(uids) == 0 {
		return nil, nil
	}
	out := map[string]*parley.User{}
	for _, uid := range uids {
		if m.ReceiverType == parley.ReceiverUser && uid != m.Sender && uid != m.Receiver {
			continue
		}
		if m.ReceiverType == parley.ReceiverGroup {
			if _, err := tx.Member(ctx, appID, m.Receiver, uid); err != nil {
				continue
			}
		}
		u, err := liveUser(ctx, tx, appID, uid, "")
		if err != nil {
			continue
		}
		u.BlockedByMe, u.HasBlockedMe = nil, nil
		out[uid] = u
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}
