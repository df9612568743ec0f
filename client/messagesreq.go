package client

import (
	"context"
	"strconv"

	"github.com/parleychat/parley"
)

// MessagesRequest pages through messages by cursor: every message the
// user may see, or one conversation's (WithUser, WithGroup), or a thread's
// replies (Thread), with the filters of the REST API. A page is always in
// ascending id order. Without a cursor Fetch reads the newest Limit
// messages; Before(id) the newest older than id; After(id) the oldest
// newer than id; FromStart the oldest. A request is for one goroutine at
// a time.
type MessagesRequest struct{ cursorList }

// Messages returns a request for pages of every message the user may see:
// their one-to-one messages and their groups' while they were members.
func (c *Client) Messages() *MessagesRequest {
	return &MessagesRequest{newCursorList(c.caller(), path("messages"))}
}

// MessagePage is one page of messages.
type MessagePage struct {
	// Messages are in ascending id order.
	Messages []*parley.Message
	// Next is the cursor to go on in the request's direction: the oldest
	// id of the page, for Before (or no cursor: newest first), and the
	// newest for After and FromStart. Pass it to Before or After. With an
	// empty page it is the cursor asked from.
	Next int64
	// More says the page was full, so more may follow in that direction.
	More bool
}

// WithUser keeps the one-to-one conversation with uid.
func (r *MessagesRequest) WithUser(uid string) *MessagesRequest {
	r.path = path("users", uid, "messages")
	return r
}

// WithGroup keeps a group's conversation.
func (r *MessagesRequest) WithGroup(guid string) *MessagesRequest {
	r.path = path("groups", guid, "messages")
	return r
}

// Thread keeps the replies in the thread of message parentID.
func (r *MessagesRequest) Thread(parentID int64) *MessagesRequest {
	r.path = path("messages", idString(parentID), "thread")
	return r
}

// Limit sets the page size (default 100, at most 1000).
func (r *MessagesRequest) Limit(n int) *MessagesRequest { r.limit = max(n, 0); return r }

// Before sets the cursor: the newest messages older than id.
func (r *MessagesRequest) Before(id int64) *MessagesRequest {
	r.before, r.after, r.fromStart = id, 0, false
	return r
}

// After sets the cursor: the oldest messages newer than id.
func (r *MessagesRequest) After(id int64) *MessagesRequest {
	r.after, r.before, r.fromStart = id, 0, false
	return r
}

// BeforeTime sets the cursor by time: the newest messages sent at or
// before ts (Unix seconds).
func (r *MessagesRequest) BeforeTime(ts int64) *MessagesRequest {
	r.beforeTime, r.afterTime = ts, 0
	return r
}

// AfterTime sets the cursor by time: the oldest messages sent at or after
// ts (Unix seconds).
func (r *MessagesRequest) AfterTime(ts int64) *MessagesRequest {
	r.afterTime, r.beforeTime = ts, 0
	return r
}

// FromStart pages forward from the oldest message.
func (r *MessagesRequest) FromStart() *MessagesRequest {
	r.fromStart, r.before, r.after = true, 0, 0
	return r
}

func (r *MessagesRequest) set(k, v string) *MessagesRequest {
	r.cursorList.set(k, v)
	return r
}

func (r *MessagesRequest) flag(k string) *MessagesRequest { return r.set(k, "true") }

func (r *MessagesRequest) list(k string, vs []string) *MessagesRequest {
	r.setList(k, vs)
	return r
}

func (r *MessagesRequest) time(k string, ts int64) *MessagesRequest {
	if ts <= 0 {
		return r.set(k, "")
	}
	return r.set(k, strconv.FormatInt(ts, 10))
}

// Categories keeps messages of these categories (parley.CategoryMessage,
// CategoryCustom, CategoryInteractive, CategoryAction, CategoryCall).
func (r *MessagesRequest) Categories(cs ...string) *MessagesRequest { return r.list("categories", cs) }

// Types keeps messages of these types (parley.TypeText, TypeImage, a custom
// type…).
func (r *MessagesRequest) Types(ts ...string) *MessagesRequest { return r.list("types", ts) }

// Tags keeps messages with any of these tags.
func (r *MessagesRequest) Tags(tags ...string) *MessagesRequest { return r.list("tags", tags) }

// WithTags keeps messages with at least one tag.
func (r *MessagesRequest) WithTags() *MessagesRequest { return r.flag("withTags") }

// Sender keeps messages sent by uid.
func (r *MessagesRequest) Sender(uid string) *MessagesRequest { return r.set("sender", uid) }

// SearchKey keeps messages whose text has, for each word of s, a word
// beginning with it.
func (r *MessagesRequest) SearchKey(s string) *MessagesRequest { return r.set("searchKey", s) }

// HasAttachments keeps messages with attachments.
func (r *MessagesRequest) HasAttachments() *MessagesRequest { return r.flag("hasAttachments") }

// AttachmentTypes keeps media messages of these types (image, video, audio,
// file).
func (r *MessagesRequest) AttachmentTypes(ts ...string) *MessagesRequest {
	return r.list("attachmentTypes", ts)
}

// HasMentions keeps messages that mention someone.
func (r *MessagesRequest) HasMentions() *MessagesRequest { return r.flag("hasMentions") }

// MentionedUIDs keeps messages that mention any of these users.
func (r *MessagesRequest) MentionedUIDs(uids ...string) *MessagesRequest {
	return r.list("mentionedUids", uids)
}

// MyMentionsOnly keeps messages that mention the logged-in user.
func (r *MessagesRequest) MyMentionsOnly() *MessagesRequest { return r.flag("myMentionsOnly") }

// HasReactions keeps messages with at least one reaction.
func (r *MessagesRequest) HasReactions() *MessagesRequest { return r.flag("hasReactions") }

// HideReplies leaves out thread replies.
func (r *MessagesRequest) HideReplies() *MessagesRequest { return r.flag("hideReplies") }

// HideDeleted leaves out soft-deleted messages.
func (r *MessagesRequest) HideDeleted() *MessagesRequest { return r.flag("hideDeleted") }

// OnlyDeleted keeps soft-deleted messages only.
func (r *MessagesRequest) OnlyDeleted() *MessagesRequest { return r.flag("onlyDeleted") }

// HideMessagesFromBlockedUsers leaves out messages of users in a block with
// the logged-in user.
func (r *MessagesRequest) HideMessagesFromBlockedUsers() *MessagesRequest {
	return r.flag("hideMessagesFromBlockedUsers")
}

// FromTimestamp keeps messages sent at or after ts (Unix seconds).
func (r *MessagesRequest) FromTimestamp(ts int64) *MessagesRequest {
	return r.time("fromTimestamp", ts)
}

// ToTimestamp keeps messages sent at or before ts (Unix seconds).
func (r *MessagesRequest) ToTimestamp(ts int64) *MessagesRequest { return r.time("toTimestamp", ts) }

// UpdatedSince keeps messages sent, edited or deleted at or after ts.
func (r *MessagesRequest) UpdatedSince(ts int64) *MessagesRequest { return r.time("updatedAt", ts) }

// OnlyUpdates, with UpdatedSince, keeps only the messages edited or deleted
// since then.
func (r *MessagesRequest) OnlyUpdates() *MessagesRequest { return r.flag("onlyUpdates") }

// Fetch reads the page at the request's cursor.
func (r *MessagesRequest) Fetch(ctx context.Context) (*MessagePage, error) {
	p, err := cursorFetch(ctx, &r.cursorList, r.before, r.after, r.fromStart, messageID)
	if err != nil {
		return nil, err
	}
	return &MessagePage{Messages: typed(p.items), Next: p.next, More: p.more}, nil
}

// FetchPrevious reads, call after call, older and older pages: the first
// at the request's cursor (Before, or the newest messages), each next one
// before the oldest message so far. It returns an empty slice when no
// older message is left.
func (r *MessagesRequest) FetchPrevious(ctx context.Context) ([]*parley.Message, error) {
	ms, err := cursorPrevious(ctx, &r.cursorList, messageID)
	return typed(ms), err
}

// FetchNext reads, call after call, newer and newer pages: the first at
// the request's cursor (After, or from the oldest message), each next one
// after the newest message so far. Once it is up to date it returns an
// empty slice, until new messages come: it may be polled.
func (r *MessagesRequest) FetchNext(ctx context.Context) ([]*parley.Message, error) {
	ms, err := cursorNext(ctx, &r.cursorList, messageID)
	return typed(ms), err
}

// messageID is a message's cursor.
func messageID(m *parley.Message) int64 { return m.ID }

// typed types the entities of messages out of a page.
func typed(ms []*parley.Message) []*parley.Message {
	for _, m := range ms {
		typeEntities(m)
	}
	return ms
}
