package chat

import (
	"context"
	"errors"
	"fmt"

	"github.com/parleychat/parley"
)

// Threads: a thread is the replies of a message (its parent); it is named
// by the parent's id. A user follows (is subscribed to) the threads of the
// messages they sent, of those they reply in and of those a reply mentions
// them in, and any they subscribe to; unsubscribing lasts until they reply
// or are mentioned there again.

// MessageThread is one thread as a reader sees it.
type MessageThread struct {
	ParentMessageID int64           `json:"parentMessageId,string"`
	ParentMessage   *parley.Message `json:"parentMessage"`
	ReplyCount      int             `json:"replyCount"`
	LastReply       *parley.Message `json:"lastReply,omitempty"`
	// UnreadReplyCount and Subscribed are the reader's: absent for a full
	// access key acting as no user.
	UnreadReplyCount *int   `json:"unreadReplyCount,omitempty"`
	Subscribed       *bool  `json:"subscribed,omitempty"`
	UpdatedAt        int64  `json:"updatedAt"`
	ConversationID   string `json:"conversationId"`
	ReceiverType     string `json:"receiverType"`
	Receiver         string `json:"receiver"`
}

// ThreadQuery is a thread list request. Pages go by the parents' ids, as
// message lists go by message ids (Limit, AfterID/FromStart, BeforeID).
type ThreadQuery struct {
	parley.MessageFilter
	// ParticipatedByMe keeps the threads the reader follows (a user only).
	ParticipatedByMe bool
}

// ThreadPage is one page of threads and the filter that made it.
type ThreadPage struct {
	Threads []*MessageThread
	Filter  parley.MessageFilter
}

// maxUnreadReplies bounds the count of a thread's unread replies: more
// reads as this many.
const maxUnreadReplies = 1000

// Threads lists the threads the actor may see: those of the messages they
// may see that have replies; with ParticipatedByMe, those they follow.
func (s *Service) Threads(ctx context.Context, q ThreadQuery) (*ThreadPage, error) {
	a, f, err := s.beginThreads(ctx, q)
	if err != nil {
		return nil, err
	}
	return s.threads(ctx, a, f)
}

// UserThreads lists the threads of the actor's conversation with uid (of
// every one-to-one conversation of uid for a full access key alone).
func (s *Service) UserThreads(ctx context.Context, uid string, q ThreadQuery) (*ThreadPage, error) {
	a, f, err := s.beginThreads(ctx, q)
	if err != nil {
		return nil, err
	}
	if err := s.withUser(ctx, a, uid, &f); err != nil {
		return nil, err
	}
	return s.threads(ctx, a, f)
}

// GroupThreads lists the threads of a group, as its messages are seen.
func (s *Service) GroupThreads(ctx context.Context, guid string, q ThreadQuery) (*ThreadPage, error) {
	a, f, err := s.beginThreads(ctx, q)
	if err != nil {
		return nil, err
	}
	v, err := loadGroup(ctx, s.store, a, guid)
	if err != nil {
		return nil, err
	}
	if err := v.needMember(ctx, s.store); err != nil {
		return nil, err
	}
	f.ConversationID = parley.GroupConversationID(v.g.GUID)
	return s.threads(ctx, a, f)
}

// beginThreads checks a thread query and turns it into the store filter of
// the parents.
func (s *Service) beginThreads(ctx context.Context, q ThreadQuery) (parley.Actor, parley.MessageFilter, error) {
	a, err := needReader(ctx, "read threads")
	if err != nil {
		return a, parley.MessageFilter{}, err
	}
	f := parley.MessageFilter{AfterID: q.AfterID, FromStart: q.FromStart, BeforeID: q.BeforeID, Limit: q.Limit}
	if err := s.messageLimit(&f); err != nil {
		return a, f, err
	}
	f.Viewer, f.HideReplies = a.UID, true
	switch {
	case q.ParticipatedByMe && !a.IsUser():
		return a, f, parley.Errorf(parley.KindForbidden, parley.CodeNoAccess,
			"participatedByMe needs a user: an authtoken, or an apikey with onBehalfOf")
	case q.ParticipatedByMe:
		f.ThreadsOf = a.UID
	default:
		f.HasReplies = true
	}
	return a, f, nil
}

// threads lists the parents and builds each thread: its last reply, and
// for a user their unread replies and subscription.
func (s *Service) threads(ctx context.Context, a parley.Actor, f parley.MessageFilter) (*ThreadPage, error) {
	parents, err := s.store.Messages(ctx, a.AppID, f)
	if err != nil {
		return nil, parley.Internal(err)
	}
	s.decorate(ctx, a, parents)
	ids := make([]int64, len(parents))
	for i, p := range parents {
		ids[i] = p.ID
	}
	var subs map[int64]bool
	if a.IsUser() {
		if subs, err = s.store.ThreadSubscriptions(ctx, a.AppID, a.UID, ids); err != nil {
			return nil, parley.Internal(err)
		}
	}
	readUpTo := map[string]int64{} // the reader's read watermark, by conversation
	var lasts []*parley.Message
	out := &ThreadPage{Threads: make([]*MessageThread, 0, len(parents)), Filter: f}
	for _, p := range parents {
		t := &MessageThread{ParentMessageID: p.ID, ParentMessage: p, ReplyCount: p.ReplyCount, UpdatedAt: p.UpdatedAt,
			ConversationID: p.ConversationID, ReceiverType: p.ReceiverType, Receiver: p.Receiver}
		last, err := s.store.Messages(ctx, a.AppID, parley.MessageFilter{ConversationID: p.ConversationID,
			ParentID: p.ID, Viewer: a.UID, Limit: 1})
		if err != nil {
			return nil, parley.Internal(err)
		}
		if len(last) == 1 {
			t.LastReply, t.UpdatedAt = last[0], max(t.UpdatedAt, last[0].UpdatedAt)
			lasts = append(lasts, last[0])
		}
		if a.IsUser() {
			sub, recorded := subs[p.ID]
			if !recorded {
				sub = p.Sender == a.UID
			}
			t.Subscribed = &sub
			n, err := s.unreadReplies(ctx, a, p, readUpTo)
			if err != nil {
				return nil, err
			}
			t.UnreadReplyCount = &n
		}
		out.Threads = append(out.Threads, t)
	}
	s.decorate(ctx, a, lasts)
	return out, nil
}

// unreadReplies counts the replies of p the reader may see beyond their
// read watermark of the conversation (their own replies move it, so none
// of theirs is counted), up to maxUnreadReplies.
func (s *Service) unreadReplies(ctx context.Context, a parley.Actor, p *parley.Message, readUpTo map[string]int64) (int, error) {
	read, seen := readUpTo[p.ConversationID]
	if !seen {
		c, err := s.store.Conversation(ctx, a.AppID, a.UID, p.ConversationID)
		switch {
		case err == nil:
			read = c.LastReadMessageID
		case !errors.Is(err, parley.ErrNotFound):
			return 0, parley.Internal(err)
		}
		readUpTo[p.ConversationID] = read
	}
	rs, err := s.store.Messages(ctx, a.AppID, parley.MessageFilter{ConversationID: p.ConversationID,
		ParentID: p.ID, Viewer: a.UID, AfterID: read, Limit: maxUnreadReplies})
	if err != nil {
		return 0, parley.Internal(err)
	}
	return len(rs), nil
}

// SubscribeThread makes the acting user follow the thread of message id
// (idempotent). The message must be one they may see that can have
// replies: not an action message, not deleted, not itself a reply.
func (s *Service) SubscribeThread(ctx context.Context, id int64) (string, error) {
	return s.setSubscription(ctx, id, true)
}

// UnsubscribeThread stops the acting user following the thread of message
// id (idempotent), until they reply or are mentioned there again.
func (s *Service) UnsubscribeThread(ctx context.Context, id int64) (string, error) {
	return s.setSubscription(ctx, id, false)
}

func (s *Service) setSubscription(ctx context.Context, id int64, subscribed bool) (string, error) {
	a, err := needUser(ctx, "following a thread")
	if err != nil {
		return "", err
	}
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		m, err := s.visibleMessage(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if subscribed {
			if m.Category == parley.CategoryAction || m.DeletedAt != 0 {
				return msgErr(parley.KindInvalid, parley.CodeWrongThread, "this message can't have a thread")
			}
			if m.ParentID != 0 {
				return msgErr(parley.KindInvalid, parley.CodeThreadNesting, "a reply has no thread of its own")
			}
		}
		return tx.SetThreadSubscription(ctx, a.AppID, a.UID, id, subscribed, s.unix())
	})
	if err != nil {
		return "", storeErr(err, nil, nil)
	}
	if subscribed {
		return fmt.Sprintf("The user %s is subscribed to the thread of message %d.", a.UID, id), nil
	}
	return fmt.Sprintf("The user %s is unsubscribed from the thread of message %d.", a.UID, id), nil
}

// followReply records that a reply's sender, and the users it mentions,
// follow its thread (a reply by the app itself subscribes nobody).
func followReply(ctx context.Context, tx parley.Tx, appID string, m *parley.Message) error {
	if m.ParentID == 0 {
		return nil
	}
	if m.Sender != parley.SystemUID {
		if err := tx.SetThreadSubscription(ctx, appID, m.Sender, m.ParentID, true, m.SentAt); err != nil {
			return err
		}
	}
	for uid := range m.Data.Mentions {
		if err := tx.SetThreadSubscription(ctx, appID, uid, m.ParentID, true, m.SentAt); err != nil {
			return err
		}
	}
	return nil
}
