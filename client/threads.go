package client

import (
	"context"
	"net/http"

	"github.com/parleychat/parley"
)

// Thread is the thread of a message (its replies) as the user sees it.
type Thread struct {
	ParentMessageID int64           `json:"parentMessageId,string"`
	ParentMessage   *parley.Message `json:"parentMessage"`
	ReplyCount      int             `json:"replyCount"`
	LastReply       *parley.Message `json:"lastReply,omitempty"` // the newest reply the user may see
	// UnreadReplyCount and Subscribed are the user's.
	UnreadReplyCount int    `json:"unreadReplyCount"`
	Subscribed       bool   `json:"subscribed"`
	UpdatedAt        int64  `json:"updatedAt"`
	ConversationID   string `json:"conversationId"`
	ReceiverType     string `json:"receiverType"`
	Receiver         string `json:"receiver"`
}

// ThreadsRequest pages through the threads the user may see (messages
// with replies), by the parents' ids as message lists page: Fetch,
// FetchPrevious, FetchNext, Before, After, Limit.
type ThreadsRequest struct{ cursorList }

// Threads returns a request for pages of threads.
func (c *Client) Threads() *ThreadsRequest {
	return &ThreadsRequest{newCursorList(c.caller(), path("threads"))}
}

// WithUser keeps the threads of the conversation with uid.
func (r *ThreadsRequest) WithUser(uid string) *ThreadsRequest {
	r.path = path("users", uid, "threads")
	return r
}

// WithGroup keeps the threads of a group.
func (r *ThreadsRequest) WithGroup(guid string) *ThreadsRequest {
	r.path = path("groups", guid, "threads")
	return r
}

// ParticipatedByMe keeps the threads the user follows (SubscribeThread,
// and those they sent, replied in or were mentioned in).
func (r *ThreadsRequest) ParticipatedByMe() *ThreadsRequest {
	r.set("participatedByMe", "true")
	return r
}

// Limit sets the page size.
func (r *ThreadsRequest) Limit(n int) *ThreadsRequest { r.limit = max(n, 0); return r }

// Before sets the cursor: the newest threads whose parent is older than id.
func (r *ThreadsRequest) Before(id int64) *ThreadsRequest {
	r.before, r.after, r.fromStart = id, 0, false
	return r
}

// After sets the cursor: the oldest threads whose parent is newer than id.
func (r *ThreadsRequest) After(id int64) *ThreadsRequest {
	r.after, r.before, r.fromStart = id, 0, false
	return r
}

// ThreadPage is one page of threads, in ascending order of their parents'
// ids, and the cursor to go on from (as MessagePage).
type ThreadPage struct {
	Threads []*Thread
	Next    int64
	More    bool
}

func threadID(t *Thread) int64 { return t.ParentMessageID }

func typedThreads(ts []*Thread) []*Thread {
	for _, t := range ts {
		typeEntities(t.ParentMessage)
		typeEntities(t.LastReply)
	}
	return ts
}

// Fetch reads the page at the request's cursor.
func (r *ThreadsRequest) Fetch(ctx context.Context) (*ThreadPage, error) {
	p, err := cursorFetch(ctx, &r.cursorList, r.before, r.after, r.fromStart, threadID)
	if err != nil {
		return nil, err
	}
	return &ThreadPage{Threads: typedThreads(p.items), Next: p.next, More: p.more}, nil
}

// FetchPrevious reads older and older pages, call after call; an empty
// slice when none is left.
func (r *ThreadsRequest) FetchPrevious(ctx context.Context) ([]*Thread, error) {
	ts, err := cursorPrevious(ctx, &r.cursorList, threadID)
	return typedThreads(ts), err
}

// FetchNext reads newer and newer pages, call after call; it may be
// polled.
func (r *ThreadsRequest) FetchNext(ctx context.Context) ([]*Thread, error) {
	ts, err := cursorNext(ctx, &r.cursorList, threadID)
	return typedThreads(ts), err
}

// SubscribeThread makes the user follow the thread of message id (one
// with no reply yet too).
func (c *Client) SubscribeThread(ctx context.Context, id int64) error {
	_, err := c.call(ctx, http.MethodPost, path("messages", idString(id), "thread", "subscription"), nil, nil, nil)
	return err
}

// UnsubscribeThread stops following the thread of message id, until the
// user replies there or is mentioned there again.
func (c *Client) UnsubscribeThread(ctx context.Context, id int64) error {
	_, err := c.call(ctx, http.MethodDelete, path("messages", idString(id), "thread", "subscription"), nil, nil, nil)
	return err
}

// ReactionsRequest pages through who reacted to a message, in the order
// they reacted, by cursor: each reaction's id.
type ReactionsRequest struct {
	cursorList
	id int64
}

// Reactions returns a request for pages of a message's reactions.
func (c *Client) Reactions(id int64) *ReactionsRequest {
	r := &ReactionsRequest{cursorList: newCursorList(c.caller(), path("messages", idString(id), "reactions")), id: id}
	r.fromStart = true
	return r
}

// Reaction keeps one reaction (an emoji) only.
func (r *ReactionsRequest) Reaction(reaction string) *ReactionsRequest {
	if reaction == "" {
		r.path = path("messages", idString(r.id), "reactions")
	} else {
		r.path = path("messages", idString(r.id), "reactions", reaction)
	}
	return r
}

// Limit sets the page size (default 100, at most 1000).
func (r *ReactionsRequest) Limit(n int) *ReactionsRequest { r.limit = max(n, 0); return r }

// After sets the cursor: the reactions after the one with this id.
func (r *ReactionsRequest) After(id int64) *ReactionsRequest { r.after = id; return r }

// ReactionPage is one page of reactions and the cursor of the next.
type ReactionPage struct {
	Reactions []*parley.Reaction
	Next      int64 // pass to After for the next page
	More      bool  // the page was full
}

func reactionID(r *parley.Reaction) int64 { return r.ID }

// Fetch reads the page at the request's cursor.
func (r *ReactionsRequest) Fetch(ctx context.Context) (*ReactionPage, error) {
	p, err := cursorFetch(ctx, &r.cursorList, 0, r.after, true, reactionID)
	if err != nil {
		return nil, err
	}
	return &ReactionPage{Reactions: p.items, Next: p.next, More: p.more}, nil
}

// FetchNext reads the next page, call after call; an empty slice when the
// list is read (it may be polled for new reactions).
func (r *ReactionsRequest) FetchNext(ctx context.Context) ([]*parley.Reaction, error) {
	return cursorNext(ctx, &r.cursorList, reactionID)
}
