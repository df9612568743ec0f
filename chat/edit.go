package chat

import (
	"context"
	"strings"

	"github.com/parleychat/parley"
)

// mayChange decides who may edit or delete a message: its sender, a full
// access key acting as no user, and for deletes in a group its admins and
// moderators.
func (s *Service) mayChange(ctx context.Context, tx parley.Tx, a parley.Actor, m *parley.Message, deleting bool) error {
	if m.Category == parley.CategoryAction {
		return msgErr(parley.KindForbidden, parley.CodeActionNotAllowed, "action messages can't be edited or deleted")
	}
	if a.IsServer() || m.Sender == a.UID {
		return nil
	}
	if deleting && m.ReceiverType == parley.ReceiverGroup {
		mem, err := tx.Member(ctx, a.AppID, m.Receiver, a.UID)
		if err == nil && parley.ScopeRank(mem.Scope) >= parley.ScopeRank(parley.ScopeModerator) {
			return nil
		}
	}
	return msgErr(parley.KindForbidden, parley.CodeNotASender, "only the sender may change this message")
}

// messageAction writes the edited/deleted action message about m and
// returns it.
func (s *Service) messageAction(ctx context.Context, tx parley.Tx, a parley.Actor, m *parley.Message, action string) (*parley.Message, error) {
	now := s.unix()
	snap := *m
	snap.Data.Entities, snap.Data.Reactions = nil, nil
	act := &parley.Message{ConversationID: m.ConversationID, Sender: a.ActingUID(), Receiver: m.Receiver,
		ReceiverType: m.ReceiverType, Category: parley.CategoryAction, Type: parley.TypeMessage, SentAt: now, UpdatedAt: now,
		Data: parley.MessageData{Action: action, Entities: map[string]parley.Entity{
			"by":  {Entity: entityUser(ctx, tx, a.AppID, a.ActingUID()), EntityType: "user"},
			"on":  {Entity: &snap, EntityType: "message"},
			"for": receiverEntity(ctx, tx, a.AppID, m),
		}}}
	if err := tx.AppendMessages(ctx, a.AppID, act); err != nil {
		return act, err
	}
	return act, s.hookMessages(ctx, tx, a.AppID, act)
}

// receiverEntity is the entity of m's receiver: the one m recorded when
// sent, else (a message written without entities, by an import or an
// older version) the receiver as it is now, so that an action's "for" is
// never empty.
func receiverEntity(ctx context.Context, tx parley.Tx, appID string, m *parley.Message) parley.Entity {
	if e, ok := m.Data.Entities["receiver"]; ok && e.Entity != nil {
		return e
	}
	if m.ReceiverType == parley.ReceiverGroup {
		g, err := tx.Group(ctx, appID, m.Receiver, "")
		if err != nil {
			g = &parley.Group{GUID: m.Receiver}
		}
		return parley.Entity{Entity: g, EntityType: parley.ReceiverGroup}
	}
	return parley.Entity{Entity: entityUser(ctx, tx, appID, m.Receiver), EntityType: parley.ReceiverUser}
}

// EditMessage changes a message's text, metadata or tags (its sender, or a
// full access key) and records an edited action message, which it returns
// as the answer: the action names the message as it is after the edit.
func (s *Service) EditMessage(ctx context.Context, id int64, in parley.MessageUpdate) (*parley.Message, error) {
	if err := s.mayUse(ctx, featUpdateMessage); err != nil {
		return nil, err
	}
	a, err := needReader(ctx, "edit messages")
	if err != nil {
		return nil, err
	}
	var act *parley.Message
	err = s.writer.do(ctx, func(ctx context.Context, tx parley.Tx) error {
		m, err := s.visibleMessage(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if m.DeletedAt != 0 {
			return errMessageNotFound(id)
		}
		if err := s.mayChange(ctx, tx, a, m, false); err != nil {
			return err
		}
		if err := applyEdit(m, in); err != nil {
			return err
		}
		if m.Data.Mentions, err = s.resolveMentions(ctx, tx, a.AppID, m); err != nil {
			return err
		}
		m.EditedAt, m.EditedBy, m.UpdatedAt = s.unix(), a.ActingUID(), s.unix()
		if err := tx.UpdateMessage(ctx, a.AppID, m); err != nil {
			return err
		}
		act, err = s.messageAction(ctx, tx, a, m, parley.ActionEdited)
		return err
	})
	if err != nil {
		return nil, storeErr(err, nil, nil)
	}
	s.publishMessages(ctx, a.AppID, act)
	return s.actionAnswer(a.AppID, act), nil
}

// actionAnswer is an edited or deleted action message as its author reads
// it in the answer: the message it names with signed media URLs, on a copy
// (act was published as written).
func (s *Service) actionAnswer(appID string, act *parley.Message) *parley.Message {
	out := *act
	out.Data.Entities = cloneEntities(act.Data.Entities)
	if on, ok := act.Data.Entities["on"]; ok {
		out.Data.Entities["on"], _, _ = s.signedEntity(appID, on)
	}
	return &out
}

func applyEdit(m *parley.Message, in parley.MessageUpdate) error {
	if in.Data.Text != nil {
		if m.Category != parley.CategoryMessage || m.Type != parley.TypeText {
			return invalid("only text messages have text to edit")
		}
		if strings.TrimSpace(*in.Data.Text) == "" {
			return msgErr(parley.KindInvalid, parley.CodeEmptyMessageText, "a text message needs text")
		}
		m.Data.Text = *in.Data.Text
	}
	if in.Data.Metadata != nil {
		if err := checkMetadata(in.Data.Metadata); err != nil {
			return err
		}
		m.Data.Metadata = in.Data.Metadata
	}
	if in.Tags != nil {
		tags, err := checkTags(*in.Tags)
		if err != nil {
			return err
		}
		m.Tags = tags
	}
	if len(m.Data.Text) >= MaxMessageBytes {
		return msgErr(parley.KindTooLarge, parley.CodeMessageTooLarge, "a message's data must be under %d bytes", MaxMessageBytes)
	}
	return nil
}

// DeleteMessage deletes a message: softly (kept, marked, its content
// cleared) or permanently. The sender, a group's admins and moderators, and
// a full access key may. A deleted action message is recorded either way,
// and returned as the answer.
func (s *Service) DeleteMessage(ctx context.Context, id int64, permanent bool) (*parley.Message, error) {
	rs, err := s.restrictions(ctx)
	if err != nil {
		return nil, err
	}
	if err := rs.check(featDeleteMessage); err != nil {
		return nil, err
	}
	a, err := needReader(ctx, "delete messages")
	if err != nil {
		return nil, err
	}
	var (
		drop []parley.Attachment
		act  *parley.Message
	)
	err = s.writer.do(ctx, func(ctx context.Context, tx parley.Tx) error {
		m, err := s.visibleMessage(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if m.ReceiverType == parley.ReceiverGroup {
			if err := rs.check(featDeleteGroupMessages); err != nil {
				return err
			}
		}
		if m.DeletedAt != 0 && !permanent {
			return errMessageNotFound(id)
		}
		if err := s.mayChange(ctx, tx, a, m, true); err != nil {
			return err
		}
		if err := s.unlinkReply(ctx, tx, a.AppID, m); err != nil {
			return err
		}
		drop = m.Data.Attachments
		// Clear the content first: the action message names the message as
		// deleted, so it must not carry what was deleted.
		now := s.unix()
		m.DeletedAt, m.DeletedBy, m.UpdatedAt = now, a.ActingUID(), now
		m.Data = parley.MessageData{Entities: m.Data.Entities}
		if act, err = s.messageAction(ctx, tx, a, m, parley.ActionDeleted); err != nil {
			return err
		}
		if permanent {
			return tx.PurgeMessage(ctx, a.AppID, id)
		}
		return tx.UpdateMessage(ctx, a.AppID, m)
	})
	if err != nil {
		return nil, storeErr(err, nil, nil)
	}
	s.publishMessages(ctx, a.AppID, act)
	s.dropUploads(ctx, a.AppID, drop)
	return s.actionAnswer(a.AppID, act), nil
}

// unlinkReply takes a deleted reply off its parent's count.
func (s *Service) unlinkReply(ctx context.Context, tx parley.Tx, appID string, m *parley.Message) error {
	if m.ParentID == 0 || m.DeletedAt != 0 {
		return nil
	}
	p, err := tx.Message(ctx, appID, m.ParentID)
	if err != nil {
		return nil // the parent is gone
	}
	if p.ReplyCount > 0 {
		p.ReplyCount--
	}
	return tx.UpdateMessage(ctx, appID, p)
}
