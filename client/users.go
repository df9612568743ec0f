package client

import (
	"context"
	"net/http"

	"github.com/parleychat/parley"
)

// User reads one user. Seen by the logged-in user it carries blockedByMe,
// hasBlockedMe and their conversationId.
func (c *Client) User(ctx context.Context, uid string) (*parley.User, error) {
	return c.caller().user(ctx, uid)
}

func (k caller) user(ctx context.Context, uid string) (*parley.User, error) {
	var u parley.User
	_, err := k.call(ctx, http.MethodGet, path("users", uid), nil, nil, &u)
	return ptr(&u, err)
}

// Users returns a request for pages of users, as the logged-in user sees
// them.
func (c *Client) Users() *UsersRequest { return newUsersRequest(c.caller(), path("users")) }

// BlockUsers blocks each of uids for the logged-in user: no message passes
// between them, either way, and neither sees the other's presence. The
// answer holds one result per uid.
func (c *Client) BlockUsers(ctx context.Context, uids ...string) (map[string]parley.BulkResult, error) {
	var res bulk
	_, err := c.call(ctx, http.MethodPost, path("blockedusers"), nil, map[string][]string{"blockedUids": uids}, &res)
	return res, err
}

// UnblockUsers lifts the logged-in user's blocks of uids.
func (c *Client) UnblockUsers(ctx context.Context, uids ...string) (map[string]parley.BulkResult, error) {
	var res bulk
	_, err := c.call(ctx, http.MethodDelete, path("blockedusers"), nil, map[string][]string{"blockedUids": uids}, &res)
	return res, err
}

// BlockedUsers returns a request for pages of the users the logged-in user
// blocked (or, by Direction, who blocked them).
func (c *Client) BlockedUsers() *BlockedUsersRequest {
	return &BlockedUsersRequest{UsersRequest: *newUsersRequest(c.caller(), path("blockedusers"))}
}
