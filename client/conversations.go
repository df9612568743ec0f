package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/parleychat/parley"
)

// Conversations returns a request for pages of the user's conversations,
// newest activity first.
func (c *Client) Conversations() *ConversationsRequest { return newConversationsRequest(c.caller()) }

// Conversation reads the user's conversation with a user or in a group
// (ERR_CONVERSATION_NOT_FOUND before its first message).
// ConversationWith is a *parley.User or a *parley.Group.
func (c *Client) Conversation(ctx context.Context, with Receiver) (*parley.Conversation, error) {
	return c.conversation(ctx, http.MethodGet, with, nil)
}

// TagConversation sets the user's own tags on a conversation.
func (c *Client) TagConversation(ctx context.Context, with Receiver, tags []string) (*parley.Conversation, error) {
	if tags == nil {
		tags = []string{}
	}
	return c.conversation(ctx, http.MethodPut, with, map[string][]string{"tags": tags})
}

func (c *Client) conversation(ctx context.Context, method string, with Receiver, in any) (*parley.Conversation, error) {
	var conv parley.Conversation
	if _, err := c.call(ctx, method, conversationPath(with), nil, in, &conv); err != nil {
		return nil, err
	}
	typeConversation(&conv)
	return &conv, nil
}

// DeleteConversation resets a conversation for the user only: its messages
// so far are hidden from them; others keep everything.
func (c *Client) DeleteConversation(ctx context.Context, with Receiver) error {
	_, err := c.call(ctx, http.MethodDelete, conversationPath(with), nil, nil, nil)
	return err
}

// UnreadCounts returns the user's unread message count for each
// conversation that has unread messages.
func (c *Client) UnreadCounts(ctx context.Context) ([]parley.UnreadCount, error) {
	var out []parley.UnreadCount
	_, err := c.call(ctx, http.MethodGet, path("messages"), url.Values{"unread": {"1"}, "count": {"1"}}, nil, &out)
	return out, err
}
