package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleychat/parley"
)

// MessagesRequest pages through messages by cursor: every message the
// user may see, or one conversation's (WithUser, WithGroup), or a thread's
// replies (Thread), with the filters of the REST API. A page is always in
// ascending id order. Without a cursor Fetch reads the newest Limit
// messages; Before(id) the newest older than id; After(id) the oldest
// newer than id; FromStart the oldest. A request is for one goroutine at
// a time.
type MessagesRequest struct {
	k     caller
	path  string
	q     url.Values
	limit int

	before, after         int64 // id cursors
	beforeTime, afterTime int64 // sentAt cursors
	fromStart             bool

	// FetchPrevious and FetchNext's positions.
	prev, next         int64
	prevDone, nextUsed bool
}

// Messages returns a request for pages of every message the user may see:
// their one-to-one messages and their groups' while they were members.
func (c *Client) Messages() *MessagesRequest {
	return &MessagesRequest{k: c.caller(), path: path("messages"), q: url.Values{}}
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
	if v == "" {
		r.q.Del(k)
	} else {
		r.q.Set(k, v)
	}
	return r
}

func (r *MessagesRequest) flag(k string) *MessagesRequest { return r.set(k, "true") }

func (r *MessagesRequest) list(k string, vs []string) *MessagesRequest {
	return r.set(k, strings.Join(vs, ","))
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

// query is the request's query for one page at a cursor.
func (r *MessagesRequest) query(before, after int64, fromStart bool) (url.Values, bool) {
	q := url.Values{}
	for k, v := range r.q {
		q[k] = v
	}
	if r.limit > 0 {
		q.Set("limit", strconv.Itoa(r.limit))
	}
	appending := false
	switch {
	case after > 0:
		q.Set("id", idString(after))
		appending = true
	case before > 0:
		q.Set("id", idString(before))
	case r.afterTime > 0:
		q.Set("sentAt", strconv.FormatInt(r.afterTime, 10))
		appending = true
	case r.beforeTime > 0:
		q.Set("sentAt", strconv.FormatInt(r.beforeTime, 10))
	case fromStart:
		appending = true
	}
	if appending {
		q.Set("affix", parley.AffixAppend)
	} else if q.Has("id") || q.Has("sentAt") {
		q.Set("affix", parley.AffixPrepend)
	}
	return q, appending
}

// Fetch reads the page at the request's cursor.
func (r *MessagesRequest) Fetch(ctx context.Context) (*MessagePage, error) {
	return r.fetch(ctx, r.before, r.after, r.fromStart)
}

func (r *MessagesRequest) fetch(ctx context.Context, before, after int64, fromStart bool) (*MessagePage, error) {
	q, appending := r.query(before, after, fromStart)
	var ms []*parley.Message
	m, err := r.k.call(ctx, http.MethodGet, r.path, q, nil, &ms)
	if err != nil {
		return nil, err
	}
	for _, msg := range ms {
		typeEntities(msg)
	}
	p := &MessagePage{Messages: ms}
	if appending {
		p.Next = after
	} else {
		p.Next = before
	}
	if n := len(ms); n > 0 {
		if appending {
			p.Next = ms[n-1].ID
		} else {
			p.Next = ms[0].ID
		}
		limit := r.limit
		if m.Current != nil && m.Current.Limit > 0 {
			limit = m.Current.Limit
		}
		p.More = limit > 0 && n >= limit
	}
	return p, nil
}

// FetchPrevious reads, call after call, older and older pages: the first
// at the request's cursor (Before, or the newest messages), each next one
// before the oldest message so far. It returns an empty slice when no
// older message is left.
func (r *MessagesRequest) FetchPrevious(ctx context.Context) ([]*parley.Message, error) {
	if r.prevDone {
		return []*parley.Message{}, nil
	}
	before := r.prev
	if before == 0 {
		before = r.before
	}
	p, err := r.fetch(ctx, before, 0, false)
	if err != nil {
		return nil, err
	}
	r.prev, r.prevDone = p.Next, !p.More
	return p.Messages, nil
}

// FetchNext reads, call after call, newer and newer pages: the first at
// the request's cursor (After, or from the oldest message), each next one
// after the newest message so far. Once it is up to date it returns an
// empty slice, until new messages come: it may be polled.
func (r *MessagesRequest) FetchNext(ctx context.Context) ([]*parley.Message, error) {
	after := r.next
	if !r.nextUsed {
		after = r.after
	}
	fromStart := after == 0 // nothing seen yet: from the cursor's time, or the start
	p, err := r.fetch(ctx, 0, after, fromStart)
	if err != nil {
		return nil, err
	}
	r.nextUsed = true
	r.next = p.Next
	return p.Messages, nil
}
