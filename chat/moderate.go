package chat

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parleychat/parley"
)

// DefaultModerationTimeout bounds the wait for a before_message hook when
// Config leaves it zero: the sender waits for it.
const DefaultModerationTimeout = 2 * time.Second

// Moderator asks an app's before_message webhook about a message before it
// is stored. An error (the hook did not answer in time, answered other than
// 2xx, or answered what is not a verdict) leaves the decision to the
// webhook's RejectOnFailure. Package webhook implements it.
type Moderator interface {
	Moderate(ctx context.Context, appID string, hook *parley.Webhook, m *parley.Message) (*parley.Verdict, error)
}

// isHookCode reports whether a hook's rejection code has the form of the
// API's codes: ERR_ and 1-60 of A-Z, 0-9 and _.
func isHookCode(code string) bool {
	rest, ok := strings.CutPrefix(code, "ERR_")
	if !ok || len(rest) == 0 || len(rest) > 60 {
		return false
	}
	for _, r := range rest {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// maxRejectMessage bounds the message of a rejection the sender sees.
const maxRejectMessage = 500

// moderate asks the app's before_message hook, if it has one, about a
// message about to be sent, and returns the message to send: as it was, or
// as the hook rewrote it. A rejection is the error the sender sees: 403
// with the hook's code (ERR_MESSAGE_REJECTED by default) and message. A
// hook that fails lets the message through, or, when the app fails closed
// (rejectOnFailure), refuses it with ERR_MODERATION_UNAVAILABLE (503).
func (s *Service) moderate(ctx context.Context, a parley.Actor, in parley.NewMessage) (parley.NewMessage, error) {
	if s.moderator == nil {
		return in, nil
	}
	h, err := s.appHooks(ctx, s.store, a.AppID)
	if err != nil {
		return in, parley.Internal(err)
	}
	hook := h.moderator
	if hook == nil {
		return in, nil
	}
	cctx, cancel := context.WithTimeout(ctx, s.modTimeout)
	defer cancel()
	v, err := s.moderator.Moderate(cctx, a.AppID, hook, s.draftMessage(a, in))
	if err != nil {
		return in, s.moderationFailed(ctx, hook, err)
	}
	switch v.Action {
	case parley.VerdictAllow, "":
		return in, nil
	case parley.VerdictReject:
		code, msg := v.Code, v.Message
		if !isHookCode(code) {
			code = parley.CodeMessageRejected
		}
		if msg == "" {
			msg = "the message was rejected"
		}
		if len(msg) > maxRejectMessage {
			msg = msg[:maxRejectMessage]
		}
		return in, &parley.Error{Kind: parley.KindForbidden, Code: code, Message: msg}
	case parley.VerdictRewrite:
		out, err := rewrite(in, v.Rewrite)
		if err != nil {
			return in, s.moderationFailed(ctx, hook, err)
		}
		return out, nil
	}
	return in, s.moderationFailed(ctx, hook, fmt.Errorf("the hook answered the action %q", v.Action))
}

// rewrite applies a hook's rewrite to a message and checks the result as
// a send is checked: a rewrite that breaks a rule is the hook's failure.
func rewrite(in parley.NewMessage, r *parley.MessageRewrite) (parley.NewMessage, error) {
	if r == nil {
		return in, errors.New("the hook's rewrite has no data")
	}
	out := in
	if r.Text != nil {
		out.Data.Text = *r.Text
	}
	if r.Metadata != nil {
		out.Data.Metadata = r.Metadata
	}
	if r.CustomData != nil {
		out.Data.CustomData = r.CustomData
	}
	if err := checkNewMessage(&out); err != nil {
		return in, fmt.Errorf("the hook's rewrite breaks a rule: %w", err)
	}
	return out, nil
}

// moderationFailed decides a send whose hook failed, by the app's setting.
func (s *Service) moderationFailed(ctx context.Context, hook *parley.Webhook, err error) error {
	if ctx.Err() != nil { // the sender went away
		return parley.Internal(ctx.Err())
	}
	s.log.WarnContext(ctx, "before_message hook failed", "app", parley.ActorFrom(ctx).AppID, "webhook", hook.ID,
		"reject_on_failure", hook.RejectOnFailure, "err", err)
	if !hook.RejectOnFailure {
		return nil
	}
	return &parley.Error{Kind: parley.KindUnavailable, Code: parley.CodeModerationUnavailable,
		Message: "the message could not be checked; try again later", Err: err}
}

// draftMessage is the message a send is about to store, as the hook sees
// it: no id yet, media URLs signed.
func (s *Service) draftMessage(a parley.Actor, in parley.NewMessage) *parley.Message {
	sender := a.ActingUID()
	receiver, _ := parley.NormalizeID(in.Receiver)
	conv := parley.GroupConversationID(receiver)
	if in.ReceiverType == parley.ReceiverUser {
		conv = parley.UserConversationID(sender, receiver)
	}
	now := s.unix()
	m := &parley.Message{MUID: in.MUID, ConversationID: conv, Sender: sender, Receiver: receiver,
		ReceiverType: in.ReceiverType, Category: in.Category, Type: in.Type, Tags: in.Tags,
		ParentID: int64(in.ParentID), QuotedID: int64(in.QuotedMessageID), SentAt: now, UpdatedAt: now,
		Data: parley.MessageData{Text: in.Data.Text, Metadata: in.Data.Metadata,
			Attachments: slices.Clone(in.Data.Attachments), CustomData: in.Data.CustomData,
			InteractiveData: in.Data.InteractiveData, InteractionGoal: in.Data.InteractionGoal,
			AllowSenderInteraction: in.Data.AllowSenderInteraction}}
	s.signAttachments(a.AppID, m.Data.Attachments)
	return m
}
