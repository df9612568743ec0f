package chat

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/parleychat/parley"
)

// SendResult answers a send: the message, or for multipleReceivers the
// per-receiver results keyed by uid and guid.
type SendResult struct {
	Message *parley.Message
	Users   map[string]parley.BulkResult
	Groups  map[string]parley.BulkResult
	// MessageJSON, when not nil, is Message encoded as REST answers are
	// (see encodeJSON): the body of the message's event, built once for
	// the hubs and the sender both.
	MessageJSON []byte
}

// Send sends a message as the actor (a user, or app_system for a full
// access key acting as no user). Every rule is checked before anything is
// written; uploads are stored first and removed again if the send fails.
func (s *Service) Send(ctx context.Context, in parley.NewMessage, uploads []Upload) (*SendResult, error) {
	if err := s.mayUse(ctx, sendFeature(in)); err != nil {
		return nil, err
	}
	a, err := needReader(ctx, "send messages")
	if err != nil {
		return nil, err
	}
	if err := checkNewMessage(&in); err != nil {
		return nil, err
	}
	if len(uploads) > 0 && !needsFiles(&in) {
		return nil, msgErr(parley.KindInvalid, parley.CodeInvalidAttachment, "only image, video, audio and file messages carry files")
	}
	if len(in.Data.Attachments)+len(uploads) > maxAttachments {
		return nil, msgErr(parley.KindInvalid, parley.CodeTooManyFiles, "at most %d attachments", maxAttachments)
	}
	stored, err := s.storeUploads(ctx, a.AppID, uploads)
	if err != nil {
		return nil, err
	}
	in.Data.Attachments = append(in.Data.Attachments, stored...)
	if needsFiles(&in) && len(in.Data.Attachments) == 0 {
		return nil, msgErr(parley.KindInvalid, parley.CodeEmptyMessageFile, "a %s message needs a file or an attachment url", in.Type)
	}
	res, err := s.sendAll(ctx, a, in)
	if err != nil || !carries(a.AppID, res, stored) {
		s.dropUploads(ctx, a.AppID, stored)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// carries reports whether the message sent holds the uploads stored for
// it: not when the send failed, nor when a muid resend answered with the
// message sent before, nor for multipleReceivers, whose messages each hold
// copies of their own (sendCopy).
func carries(appID string, r *SendResult, stored []parley.Attachment) bool {
	if len(stored) == 0 {
		return true
	}
	return r.Message != nil && ownsUploads(appID, r.Message, stored)
}

// sendAll sends to the one receiver or to each of multipleReceivers.
func (s *Service) sendAll(ctx context.Context, a parley.Actor, in parley.NewMessage) (*SendResult, error) {
	mr := in.MultipleReceivers
	if mr == nil {
		m, js, err := s.sendOne(ctx, a, in)
		return &SendResult{Message: m, MessageJSON: js}, err
	}
	if in.ParentID != 0 {
		return nil, errReplyToMany()
	}
	if len(mr.UIDs)+len(mr.GUIDs) == 0 {
		return nil, msgErr(parley.KindInvalid, parley.CodeEmptyReceiver, "multipleReceivers names no receiver")
	}
	if len(mr.UIDs)+len(mr.GUIDs) > parley.MaxBulkUIDs {
		return nil, parley.Errorf(parley.KindInvalid, parley.CodeTooManyUIDs, "at most %d receivers", parley.MaxBulkUIDs)
	}
	res := &SendResult{Users: map[string]parley.BulkResult{}, Groups: map[string]parley.BulkResult{}}
	for _, l := range []struct {
		ids  []string
		typ  string
		into map[string]parley.BulkResult
	}{{mr.UIDs, parley.ReceiverUser, res.Users}, {mr.GUIDs, parley.ReceiverGroup, res.Groups}} {
		for _, id := range l.ids {
			one := in
			one.MultipleReceivers, one.Receiver, one.ReceiverType = nil, id, l.typ
			if one.MUID != "" {
				one.MUID = in.MUID + ":" + l.typ + ":" + id // one client id per copy
			}
			m, err := s.sendCopy(ctx, a, one)
			if _, rule := parley.AsError(err); err != nil && !rule {
				return nil, parley.Internal(err)
			}
			l.into[id] = parley.BulkOf(m, err)
		}
	}
	return res, nil
}

// sendCopy sends one message of a multipleReceivers send, with copies of
// its own of the files uploaded (see copyUploads), dropped again unless the
// message sent holds them.
func (s *Service) sendCopy(ctx context.Context, a parley.Actor, in parley.NewMessage) (*parley.Message, error) {
	uploads, err := s.copyUploads(ctx, a.AppID, in.Data.Attachments)
	if err != nil {
		return nil, err
	}
	in.Data.Attachments = uploads
	m, _, err := s.sendOne(ctx, a, in)
	if err != nil || !ownsUploads(a.AppID, m, uploads) {
		s.dropUploads(ctx, a.AppID, uploads)
	}
	return m, err
}

// sendOne writes one message through the group-commit writer, once the
// app's before_message hook, if any, allowed it (see moderate). It returns
// the message and, when its event's body is also its answer, that body
// (see publishSent).
func (s *Service) sendOne(ctx context.Context, a parley.Actor, in parley.NewMessage) (*parley.Message, []byte, error) {
	in, err := s.moderate(ctx, a, in)
	if err != nil {
		return nil, nil, err
	}
	var (
		out    *parley.Message
		stored bool // a muid retry of a message stored before
		fresh  bool // written by this job, so published by this call
	)
	err = s.writer.do(ctx, func(ctx context.Context, tx parley.Tx) error {
		m, err := s.prepare(ctx, tx, a, in)
		stored, fresh = err == nil && m.ID != 0, false
		if err != nil || stored || isPending(tx, m) { // a rule failed, or a muid retry
			out = m
			return err
		}
		if err := s.commitMessage(ctx, tx, a.AppID, m); err != nil {
			return err
		}
		out, fresh = m, true
		return nil
	})
	if err != nil {
		return nil, nil, storeErr(err, nil, nil)
	}
	var js []byte
	if fresh {
		js = s.publishSent(ctx, a.AppID, out)
	}
	// Two sends of one muid in one batch are answered with one message, and
	// decorating writes into it: each caller decorates a copy of its own.
	out = ownCopy(out)
	if stored {
		s.decorate(ctx, a, []*parley.Message{out})
	} else {
		s.decorateNew(ctx, a, out)
	}
	return out, js, nil
}

// prepare checks every rule of one send and builds the message; it writes
// nothing. A resend with a muid already used returns the stored message.
func (s *Service) prepare(ctx context.Context, tx parley.Tx, a parley.Actor, in parley.NewMessage) (*parley.Message, error) {
	sender := a.ActingUID()
	if in.MUID != "" {
		switch m, err := tx.MessageByMUID(ctx, a.AppID, sender, in.MUID); {
		case err == nil:
			return m, nil
		case !errors.Is(err, parley.ErrNotFound):
			return nil, err
		}
		if m := pendingByMUID(tx, a.AppID, sender, in.MUID); m != nil {
			return m, nil // sent earlier in this batch
		}
	}
	now := s.unix()
	m := &parley.Message{MUID: in.MUID, Sender: sender, ReceiverType: in.ReceiverType, Category: in.Category,
		Type: in.Type, Tags: in.Tags, SentAt: now, UpdatedAt: now,
		Data: parley.MessageData{Text: in.Data.Text, Metadata: in.Data.Metadata, Attachments: in.Data.Attachments,
			CustomData: in.Data.CustomData, InteractiveData: in.Data.InteractiveData,
			InteractionGoal: in.Data.InteractionGoal, AllowSenderInteraction: in.Data.AllowSenderInteraction}}
	rc, err := s.receiverOf(ctx, tx, a, in.Receiver, in.ReceiverType)
	if err != nil {
		return nil, err
	}
	m.Receiver, m.ConversationID = rc.id, rc.conversationID
	m.Data.Entities = map[string]parley.Entity{
		"sender":   {Entity: senderEntity(ctx, tx, a), EntityType: "user"},
		"receiver": {Entity: rc.entity, EntityType: in.ReceiverType},
	}
	if err := s.linkThread(ctx, tx, a, m, int64(in.ParentID), int64(in.QuotedMessageID)); err != nil {
		return nil, err
	}
	m.Data.Mentions, err = s.resolveMentions(ctx, tx, a.AppID, m)
	return m, err
}

// commitMessage appends a checked message and the changes it brings: the
// parent's reply count, who follows the thread, and the conversation's
// state.
func (s *Service) commitMessage(ctx context.Context, tx parley.Tx, appID string, m *parley.Message) error {
	if m.ParentID != 0 {
		parent, err := tx.Message(ctx, appID, m.ParentID)
		if err != nil {
			return err
		}
		parent.ReplyCount++
		if err := tx.UpdateMessage(ctx, appID, parent); err != nil {
			return err
		}
	}
	if err := appendMessage(ctx, tx, appID, m); err != nil {
		return err
	}
	return followReply(ctx, tx, appID, m)
}

// Reply sends a thread reply: in.ParentID is set, and the receiver, when
// not given, is the parent's conversation (the group, or the other user of a
// one-to-one conversation). A reply has one receiver: multipleReceivers is
// refused.
func (s *Service) Reply(ctx context.Context, in parley.NewMessage, uploads []Upload) (*parley.Message, error) {
	if err := s.mayUse(ctx, featCreateMessageThread); err != nil {
		return nil, err
	}
	a, err := needReader(ctx, "send messages")
	if err != nil {
		return nil, err
	}
	if in.MultipleReceivers != nil {
		return nil, errReplyToMany()
	}
	if in.Receiver == "" {
		p, err := s.visibleMessage(ctx, s.store, a, int64(in.ParentID))
		if err != nil {
			return nil, err
		}
		in.ReceiverType, in.Receiver = p.ReceiverType, p.Receiver
		if p.ReceiverType == parley.ReceiverUser && p.Receiver == a.ActingUID() {
			in.Receiver = p.Sender
		}
	}
	res, err := s.Send(ctx, in, uploads)
	if err != nil {
		return nil, err
	}
	return res.Message, nil
}

// ownCopy returns a copy of m that shares nothing a reader's decoration
// writes: the attachments (signed URLs), the data's maps and the lists.
func ownCopy(m *parley.Message) *parley.Message {
	c := *m
	c.Tags = slices.Clone(m.Tags)
	d := &c.Data
	d.Attachments, d.Interactions, d.Reactions = slices.Clone(d.Attachments), slices.Clone(d.Interactions), slices.Clone(d.Reactions)
	d.Metadata, d.CustomData, d.InteractiveData, d.Extras = maps.Clone(d.Metadata), maps.Clone(d.CustomData),
		maps.Clone(d.InteractiveData), maps.Clone(d.Extras)
	d.Entities, d.Mentions = maps.Clone(d.Entities), maps.Clone(d.Mentions)
	return &c
}

// errReplyToMany refuses a reply with multipleReceivers: a reply belongs to
// its parent's thread, in the parent's one conversation.
func errReplyToMany() *parley.Error {
	return invalid("a reply goes to its parent's conversation: multipleReceivers can't be used with parentId")
}

// senderEntity is the sender's entity of a message: the actor's user as
// authentication read them (the sender as of the start of the request), or
// else entityUser, read once per batch.
func senderEntity(ctx context.Context, tx parley.Tx, a parley.Actor) *parley.User {
	uid := a.ActingUID()
	if a.User != nil && a.User.UID == uid {
		u := *a.User
		u.BlockedByMe, u.HasBlockedMe = nil, nil
		return &u
	}
	u, _ := memoized(tx, "user\x00"+a.AppID+"\x00"+uid, func() (*parley.User, error) {
		return entityUser(ctx, tx, a.AppID, uid), nil
	})
	return u
}
