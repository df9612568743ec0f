package chat

import (
	"context"

	"github.com/parleychat/parley"
)

// errConversationNoAccess is CometChat's answer for a conversation that is
// not there for the user: one with no message yet (404 here), or a group's
// the user is not a member of (403, see conversationID).
func errConversationNoAccess() *parley.Error {
	return msgErr(parley.KindNotFound, parley.CodeConversationNoAccess, "no such conversation: it has no message yet")
}

// Conversations lists the acting user's conversations, newest first.
func (s *Service) Conversations(ctx context.Context, f parley.ConversationFilter) ([]*parley.Conversation, parley.Pagination, error) {
	if err := s.mayUse(ctx, featListConversations); err != nil {
		return nil, parley.Pagination{}, err
	}
	a, err := needUser(ctx, "listing conversations")
	if err != nil {
		return nil, parley.Pagination{}, err
	}
	if f.Page, err = s.page(f.Page); err != nil {
		return nil, parley.Pagination{}, err
	}
	if t := f.ConversationType; t != "" && t != parley.ConversationUser && t != parley.ConversationGroup {
		return nil, parley.Pagination{}, invalid("conversationType must be user or group")
	}
	f.Viewer = a.UID
	cs, total, err := s.store.Conversations(ctx, a.AppID, f)
	if err != nil {
		return nil, parley.Pagination{}, parley.Internal(err)
	}
	for _, c := range cs {
		s.fillConversation(ctx, a, c)
	}
	return cs, parley.NewPagination(f.Page, len(cs), total), nil
}

// fillConversation adds the peer (user or group, as the viewer sees it)
// and the last message.
func (s *Service) fillConversation(ctx context.Context, a parley.Actor, c *parley.Conversation) {
	if c.ConversationType == parley.ConversationUser {
		if u, err := s.store.User(ctx, a.AppID, c.Peer, a.UID); err == nil {
			c.ConversationWith = seenBy(u, a.UID)
		} else {
			c.ConversationWith = &parley.User{UID: c.Peer}
		}
	} else if g, err := s.store.Group(ctx, a.AppID, c.Peer, a.UID); err == nil {
		c.ConversationWith = g
	}
	if c.LatestMessageID == 0 {
		return
	}
	if m, err := s.visibleMessage(ctx, s.store, a, c.LatestMessageID); err == nil {
		s.decorate(ctx, a, []*parley.Message{m})
		c.LastMessage = m
	}
}

// conversationOf is the start of a call on one of the acting user's
// conversations: the actor and the conversation's id.
func (s *Service) conversationOf(ctx context.Context, what, typ, peer string) (parley.Actor, string, error) {
	a, err := needUser(ctx, what)
	if err != nil {
		return a, "", err
	}
	id, err := s.conversationID(ctx, a, typ, peer)
	return a, id, err
}

// conversationID names the acting user's conversation with a user or group,
// checking that the peer exists and the user may be in it.
func (s *Service) conversationID(ctx context.Context, a parley.Actor, typ, peer string) (string, error) {
	if typ == parley.ConversationUser {
		uid, _ := parley.NormalizeID(peer)
		if _, err := liveUser(ctx, s.store, a.AppID, uid, ""); err != nil {
			return "", err
		}
		return parley.UserConversationID(a.UID, uid), nil
	}
	v, err := loadGroup(ctx, s.store, a, peer)
	if err != nil {
		return "", err
	}
	if err := v.needMember(ctx, s.store); err != nil {
		if parley.CodeOf(err) == parley.CodeNotAMember {
			return "", msgErr(parley.KindForbidden, parley.CodeConversationNoAccess,
				"the conversation of a group is only its members'")
		}
		return "", err
	}
	return parley.GroupConversationID(v.g.GUID), nil
}

// Conversation returns the acting user's conversation with a user (typ
// user) or in a group (typ group).
func (s *Service) Conversation(ctx context.Context, typ, peer string) (*parley.Conversation, error) {
	if err := s.mayUse(ctx, featGetConversation); err != nil {
		return nil, err
	}
	a, id, err := s.conversationOf(ctx, "reading a conversation", typ, peer)
	if err != nil {
		return nil, err
	}
	c, err := s.store.Conversation(ctx, a.AppID, a.UID, id)
	if err != nil {
		return nil, storeErr(err, errConversationNoAccess(), nil)
	}
	s.fillConversation(ctx, a, c)
	return c, nil
}

// TagConversation sets the acting user's tags on a conversation.
func (s *Service) TagConversation(ctx context.Context, typ, peer string, tags []string) (*parley.Conversation, error) {
	if _, err := needUser(ctx, "tagging a conversation"); err != nil {
		return nil, err
	}
	tags, err := checkTags(tags)
	if err != nil {
		return nil, err
	}
	a, id, err := s.conversationOf(ctx, "tagging a conversation", typ, peer)
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		if _, err := tx.Conversation(ctx, a.AppID, a.UID, id); err != nil {
			return err
		}
		return tx.SetConversationTags(ctx, a.AppID, a.UID, id, tags)
	})
	if err != nil {
		return nil, storeErr(err, errConversationNoAccess(), nil)
	}
	return s.Conversation(ctx, typ, peer)
}

// DeleteConversation resets a conversation for the acting user only: its
// messages so far are hidden from them, and it leaves their list until a
// new message comes.
func (s *Service) DeleteConversation(ctx context.Context, typ, peer string) error {
	if err := s.mayUse(ctx, featDeleteConversation); err != nil {
		return err
	}
	a, id, err := s.conversationOf(ctx, "deleting a conversation", typ, peer)
	if err != nil {
		return err
	}
	return storeErr(s.store.InTx(ctx, func(tx parley.Tx) error {
		c, err := tx.Conversation(ctx, a.AppID, a.UID, id)
		if err != nil {
			return err
		}
		return tx.ClearConversation(ctx, a.AppID, a.UID, id, c.LatestMessageID)
	}), errConversationNoAccess(), nil)
}

// MarkDelivered moves the acting user's delivered watermark to messageID.
func (s *Service) MarkDelivered(ctx context.Context, typ, peer string, messageID int64) error {
	return s.mark(ctx, typ, peer, messageID, parley.ReceiptDelivered)
}

// MarkRead moves the acting user's read (and delivered) watermark to
// messageID: that message and every earlier one are read.
func (s *Service) MarkRead(ctx context.Context, typ, peer string, messageID int64) error {
	return s.mark(ctx, typ, peer, messageID, parley.ReceiptRead)
}

// MarkUnread marks messageID and every later message unread.
func (s *Service) MarkUnread(ctx context.Context, typ, peer string, messageID int64) error {
	return s.mark(ctx, typ, peer, messageID, "unread")
}

func (s *Service) mark(ctx context.Context, typ, peer string, messageID int64, kind string) error {
	a, id, err := s.conversationOf(ctx, "marking receipts", typ, peer)
	if err != nil {
		return err
	}
	return storeErr(s.store.InTx(ctx, func(tx parley.Tx) error {
		if messageID == 0 && kind != "unread" { // no messageId: the whole conversation
			c, err := tx.Conversation(ctx, a.AppID, a.UID, id)
			if err != nil {
				return storeErr(err, errConversationNoAccess(), nil)
			}
			messageID = c.LatestMessageID
		}
		m, err := s.visibleMessage(ctx, tx, a, messageID)
		if err != nil {
			return err
		}
		if m.ConversationID != id {
			return errMessageNotFound(messageID)
		}
		if kind == "unread" {
			return tx.MarkUnread(ctx, a.AppID, a.UID, id, messageID)
		}
		now := s.unix()
		if err := tx.MarkReceipt(ctx, a.AppID, a.UID, id, kind, messageID, now); err != nil {
			return err
		}
		s.afterCommit(ctx, tx, s.receiptEvent(ctx, a, m, kind, now))
		trigger := parley.TriggerReadReceipt
		if kind == parley.ReceiptDelivered {
			trigger = parley.TriggerDeliveryReceipt
		}
		return s.hook(ctx, tx, a.AppID, trigger, func() any {
			return map[string]any{"receipt": map[string]any{
				"action": kind, "messageId": idString(m.ID), "messageSender": m.Sender, "receiver": m.Receiver,
				"receiverType": m.ReceiverType, "conversationId": m.ConversationID,
				"user": hookUser(ctx, tx, a.AppID, a.UID), "timestamp": now,
			}}
		})
	}), nil, nil)
}

// receiptEvent tells the sender of m (and the reader's other devices) that
// the reader's watermark of kind reached m.
func (s *Service) receiptEvent(ctx context.Context, a parley.Actor, m *parley.Message, kind string, at int64) *parley.Event {
	e := s.aboutMessage(ctx, parley.EventReceipt, m, map[string]any{
		"action": kind, "messageId": idString(m.ID), "user": a.User, "timestamp": at,
		"receiverType": m.ReceiverType, "conversationId": m.ConversationID,
	})
	if e != nil {
		e.Route.Target = m.Sender
	}
	return e
}
