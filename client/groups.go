package client

import (
	"context"
	"net/http"

	"github.com/parleychat/parley"
)

// groupCreated is the answer to a group create: the group and the results
// of its member lists.
type groupCreated struct {
	parley.Group
	Members bulk `json:"members"`
}

// CreateGroup creates a group owned by the logged-in user, with the members
// g.Members names; the map holds the result for each of those uids.
func (c *Client) CreateGroup(ctx context.Context, g parley.NewGroup) (*parley.Group, map[string]parley.BulkResult, error) {
	return c.caller().createGroup(ctx, g)
}

func (k caller) createGroup(ctx context.Context, g parley.NewGroup) (*parley.Group, map[string]parley.BulkResult, error) {
	var out groupCreated
	if _, err := k.call(ctx, http.MethodPost, path("groups"), nil, g, &out); err != nil {
		return nil, nil, err
	}
	return &out.Group, out.Members, nil
}

// Group reads one group; a private group the user is not in is
// ERR_GUID_NOT_FOUND.
func (c *Client) Group(ctx context.Context, guid string) (*parley.Group, error) {
	var g parley.Group
	_, err := c.call(ctx, http.MethodGet, path("groups", guid), nil, nil, &g)
	return ptr(&g, err)
}

// Groups returns a request for pages of the groups the user may see.
func (c *Client) Groups() *GroupsRequest { return newGroupsRequest(c.caller()) }

// UpdateGroup changes some of a group's fields (admins and moderators);
// nil fields stay.
func (c *Client) UpdateGroup(ctx context.Context, guid string, in parley.GroupUpdate) (*parley.Group, error) {
	var g parley.Group
	_, err := c.call(ctx, http.MethodPut, path("groups", guid), nil, in, &g)
	return ptr(&g, err)
}

// DeleteGroup deletes a group with its history (admins).
func (c *Client) DeleteGroup(ctx context.Context, guid string) error {
	_, err := c.call(ctx, http.MethodDelete, path("groups", guid), nil, nil, nil)
	return err
}

// JoinGroup joins a public group, or a password group with its password
// (empty for other types), and returns the group as the user now sees it.
func (c *Client) JoinGroup(ctx context.Context, guid, password string) (*parley.Group, error) {
	var body map[string]string
	if password != "" {
		body = map[string]string{"password": password}
	}
	var g parley.Group
	_, err := c.call(ctx, http.MethodPost, path("groups", guid, "members"), nil, body, &g)
	return ptr(&g, err)
}

// LeaveGroup leaves a group; its owner must transfer it first.
func (c *Client) LeaveGroup(ctx context.Context, guid string) error {
	_, err := c.call(ctx, http.MethodDelete, path("groups", guid, "members"), nil, nil, nil)
	return err
}

// AddMembers adds users to a group by scope, and bans those of
// UsersToBan (admins); the answer holds one result per uid.
func (c *Client) AddMembers(ctx context.Context, guid string, lists parley.MemberLists) (map[string]parley.BulkResult, error) {
	return c.caller().addMembers(ctx, guid, lists)
}

func (k caller) addMembers(ctx context.Context, guid string, lists parley.MemberLists) (map[string]parley.BulkResult, error) {
	var res bulk
	_, err := k.call(ctx, http.MethodPost, path("groups", guid, "members"), nil, lists, &res)
	return res, err
}

// GroupMembers returns a request for pages of a group's members.
func (c *Client) GroupMembers(guid string) *MembersRequest {
	return newMembersRequest(c.caller(), guid)
}

// BannedMembers returns a request for pages of a group's banned users
// (admins and moderators).
func (c *Client) BannedMembers(guid string) *BannedMembersRequest {
	return newBannedMembersRequest(c.caller(), guid)
}

// ChangeScope gives a member another scope (parley.ScopeAdmin,
// ScopeModerator, ScopeParticipant) and returns the member.
func (c *Client) ChangeScope(ctx context.Context, guid, uid, scope string) (*parley.Member, error) {
	var m parley.Member
	_, err := c.call(ctx, http.MethodPut, path("groups", guid, "members", uid), nil, map[string]string{"scope": scope}, &m)
	return ptr(&m, err)
}

// KickMember removes a member from a group; they may rejoin.
func (c *Client) KickMember(ctx context.Context, guid, uid string) error {
	_, err := c.call(ctx, http.MethodDelete, path("groups", guid, "members", uid), nil, nil, nil)
	return err
}

// BanMember removes a user from a group and keeps them out until unbanned.
func (c *Client) BanMember(ctx context.Context, guid, uid string) error {
	_, err := c.call(ctx, http.MethodPost, path("groups", guid, "bannedusers", uid), nil, nil, nil)
	return err
}

// UnbanMember lets a banned user join again.
func (c *Client) UnbanMember(ctx context.Context, guid, uid string) error {
	_, err := c.call(ctx, http.MethodDelete, path("groups", guid, "bannedusers", uid), nil, nil, nil)
	return err
}

// TransferOwnership makes a member the group's owner (the owner only); they
// become an admin.
func (c *Client) TransferOwnership(ctx context.Context, guid, uid string) (*parley.Group, error) {
	var g parley.Group
	_, err := c.call(ctx, http.MethodPatch, path("groups", guid, "owner"), nil, map[string]string{"owner": uid}, &g)
	return ptr(&g, err)
}
