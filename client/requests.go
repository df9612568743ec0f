package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleychat/parley"
)

// Request builders, as CometChat's: set filters with chained calls, then
// Fetch a page (stateless: the page Page names) or FetchNext page after
// page (stateful: each call returns the next page, and an empty slice once
// the list is exhausted). Entity lists page by number: Limit is the page
// size (default 100, at most 1000). A builder is for one goroutine at a
// time.

// Page is one page of an entity list.
type Page[T any] struct {
	Items      []T
	Pagination parley.Pagination
}

// NextPage is the number of the page after this one, 0 when this one is
// the last.
func (p *Page[T]) NextPage() int {
	if p.Pagination.CurrentPage >= p.Pagination.TotalPages {
		return 0
	}
	return p.Pagination.CurrentPage + 1
}

// listRequest is what every entity builder shares.
type listRequest struct {
	k    caller
	path string
	q    url.Values

	next int // the next page FetchNext reads; 0 before the first
	done bool
}

func newList(k caller, p string) listRequest { return listRequest{k: k, path: p, q: url.Values{}} }

func (r *listRequest) set(k, v string) {
	if v == "" {
		r.q.Del(k)
		return
	}
	r.q.Set(k, v)
}

func (r *listRequest) setList(k string, vs []string) { r.set(k, strings.Join(vs, ",")) }

func (r *listRequest) setBool(k string, b bool) {
	if b {
		r.q.Set(k, "true")
	} else {
		r.q.Del(k)
	}
}

func (r *listRequest) setInt(k string, n int) {
	if n > 0 {
		r.q.Set(k, strconv.Itoa(n))
	} else {
		r.q.Del(k)
	}
}

// fetchPage reads one page; page 0 is the page the builder names.
func fetchPage[T any](ctx context.Context, r *listRequest, page int) (*Page[T], error) {
	q := url.Values{}
	for k, v := range r.q {
		q[k] = v
	}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	var items []T
	m, err := r.k.call(ctx, http.MethodGet, r.path, q, nil, &items)
	if err != nil {
		return nil, err
	}
	p := &Page[T]{Items: items}
	if m.Pagination != nil {
		p.Pagination = *m.Pagination
	} else { // an unpaged list is one page
		p.Pagination = parley.Pagination{Total: len(items), Count: len(items), PerPage: len(items), CurrentPage: 1, TotalPages: 1}
	}
	return p, nil
}

// fetchNext reads the page after the one it read last.
func fetchNext[T any](ctx context.Context, r *listRequest) ([]T, error) {
	if r.done {
		return []T{}, nil
	}
	page := r.next
	if page == 0 {
		page, _ = strconv.Atoi(r.q.Get("page"))
		page = max(page, 1)
	}
	p, err := fetchPage[T](ctx, r, page)
	if err != nil {
		return nil, err
	}
	r.next = p.NextPage()
	r.done = r.next == 0 || len(p.Items) == 0
	return p.Items, nil
}

// UsersRequest pages through users (GET /v3/users and the lists shaped
// like it).
type UsersRequest struct{ listRequest }

func newUsersRequest(k caller, p string) *UsersRequest { return &UsersRequest{newList(k, p)} }

// Limit sets the page size.
func (r *UsersRequest) Limit(n int) *UsersRequest { r.setInt("perPage", n); return r }

// Page picks the page Fetch reads (from 1) and FetchNext starts at.
func (r *UsersRequest) Page(n int) *UsersRequest { r.setInt("page", n); return r }

// SearchKey keeps users whose uid or name begins with s, ignoring case.
func (r *UsersRequest) SearchKey(s string) *UsersRequest { r.set("searchKey", s); return r }

// SearchIn says where SearchKey looks: "uid", "name" or both.
func (r *UsersRequest) SearchIn(in ...string) *UsersRequest { r.setList("searchIn", in); return r }

// Status keeps users of a status: parley.StatusAvailable or StatusOffline.
func (r *UsersRequest) Status(s string) *UsersRequest { r.set("status", s); return r }

// Roles keeps users of any of these roles.
func (r *UsersRequest) Roles(roles ...string) *UsersRequest { r.setList("roles", roles); return r }

// Tags keeps users with any of these tags.
func (r *UsersRequest) Tags(tags ...string) *UsersRequest { r.setList("tags", tags); return r }

// WithTags keeps users with at least one tag.
func (r *UsersRequest) WithTags() *UsersRequest { r.setBool("withTags", true); return r }

// UIDs keeps only these users.
func (r *UsersRequest) UIDs(uids ...string) *UsersRequest { r.setList("uids", uids); return r }

// FriendsOnly keeps the logged-in user's friends.
func (r *UsersRequest) FriendsOnly() *UsersRequest { r.setBool("friendsOnly", true); return r }

// HideBlockedUsers leaves out users in a block with the logged-in user.
func (r *UsersRequest) HideBlockedUsers() *UsersRequest {
	r.setBool("hideBlockedUsers", true)
	return r
}

// OnlyDeactivated keeps deactivated users only (a key's call).
func (r *UsersRequest) OnlyDeactivated() *UsersRequest { r.setBool("onlyDeactivated", true); return r }

// WithDeactivated lists deactivated users too (a key's call).
func (r *UsersRequest) WithDeactivated() *UsersRequest { r.setBool("withDeactivated", true); return r }

// SortBy orders by "name" (the default), "uid", "status" or "createdAt".
func (r *UsersRequest) SortBy(s string) *UsersRequest { r.set("sortBy", s); return r }

// SortOrder is "asc" (the default) or "desc".
func (r *UsersRequest) SortOrder(s string) *UsersRequest { r.set("sortOrder", s); return r }

// Fetch reads the page the request names.
func (r *UsersRequest) Fetch(ctx context.Context) (*Page[*parley.User], error) {
	return fetchPage[*parley.User](ctx, &r.listRequest, 0)
}

// FetchNext reads the next page; an empty slice when there are no more.
func (r *UsersRequest) FetchNext(ctx context.Context) ([]*parley.User, error) {
	return fetchNext[*parley.User](ctx, &r.listRequest)
}

// BlockedUsersRequest pages through the users in a block with the
// logged-in user; it takes every filter of UsersRequest.
type BlockedUsersRequest struct{ UsersRequest }

// Direction picks which blocks: parley.DirectionBlockedByMe (the default),
// DirectionHasBlockedMe or DirectionBoth.
func (r *BlockedUsersRequest) Direction(d string) *BlockedUsersRequest {
	r.set("direction", d)
	return r
}

// GroupsRequest pages through groups.
type GroupsRequest struct{ listRequest }

func newGroupsRequest(k caller) *GroupsRequest { return &GroupsRequest{newList(k, path("groups"))} }

// Limit sets the page size.
func (r *GroupsRequest) Limit(n int) *GroupsRequest { r.setInt("perPage", n); return r }

// Page picks the page Fetch reads (from 1) and FetchNext starts at.
func (r *GroupsRequest) Page(n int) *GroupsRequest { r.setInt("page", n); return r }

// SearchKey keeps groups whose guid or name begins with s, ignoring case.
func (r *GroupsRequest) SearchKey(s string) *GroupsRequest { r.set("searchKey", s); return r }

// SearchIn says where SearchKey looks: "guid", "name" or both.
func (r *GroupsRequest) SearchIn(in ...string) *GroupsRequest { r.setList("searchIn", in); return r }

// Types keeps groups of these types (parley.GroupPublic, …).
func (r *GroupsRequest) Types(types ...string) *GroupsRequest { r.setList("types", types); return r }

// Tags keeps groups with any of these tags.
func (r *GroupsRequest) Tags(tags ...string) *GroupsRequest { r.setList("tags", tags); return r }

// WithTags keeps groups with at least one tag.
func (r *GroupsRequest) WithTags() *GroupsRequest { r.setBool("withTags", true); return r }

// JoinedOnly keeps the groups the logged-in user is a member of.
func (r *GroupsRequest) JoinedOnly() *GroupsRequest { r.setBool("hasJoined", true); return r }

// SortBy orders by "name" (the default), "guid" or "createdAt".
func (r *GroupsRequest) SortBy(s string) *GroupsRequest { r.set("sortBy", s); return r }

// SortOrder is "asc" (the default) or "desc".
func (r *GroupsRequest) SortOrder(s string) *GroupsRequest { r.set("sortOrder", s); return r }

// Fetch reads the page the request names.
func (r *GroupsRequest) Fetch(ctx context.Context) (*Page[*parley.Group], error) {
	return fetchPage[*parley.Group](ctx, &r.listRequest, 0)
}

// FetchNext reads the next page; an empty slice when there are no more.
func (r *GroupsRequest) FetchNext(ctx context.Context) ([]*parley.Group, error) {
	return fetchNext[*parley.Group](ctx, &r.listRequest)
}

// MembersRequest pages through a group's members, oldest first.
type MembersRequest struct{ listRequest }

func newMembersRequest(k caller, guid string) *MembersRequest {
	return &MembersRequest{newList(k, path("groups", guid, "members"))}
}

// Limit sets the page size.
func (r *MembersRequest) Limit(n int) *MembersRequest { r.setInt("perPage", n); return r }

// Page picks the page Fetch reads (from 1) and FetchNext starts at.
func (r *MembersRequest) Page(n int) *MembersRequest { r.setInt("page", n); return r }

// Scopes keeps members of these scopes.
func (r *MembersRequest) Scopes(scopes ...string) *MembersRequest {
	r.setList("scopes", scopes)
	return r
}

// Status keeps members of a status (parley.StatusAvailable, StatusOffline).
func (r *MembersRequest) Status(s string) *MembersRequest { r.set("status", s); return r }

// SearchKey keeps members whose uid or name begins with s.
func (r *MembersRequest) SearchKey(s string) *MembersRequest { r.set("searchKey", s); return r }

// Fetch reads the page the request names.
func (r *MembersRequest) Fetch(ctx context.Context) (*Page[*parley.Member], error) {
	return fetchPage[*parley.Member](ctx, &r.listRequest, 0)
}

// FetchNext reads the next page; an empty slice when there are no more.
func (r *MembersRequest) FetchNext(ctx context.Context) ([]*parley.Member, error) {
	return fetchNext[*parley.Member](ctx, &r.listRequest)
}

// BannedMembersRequest pages through a group's banned users.
type BannedMembersRequest struct{ listRequest }

func newBannedMembersRequest(k caller, guid string) *BannedMembersRequest {
	return &BannedMembersRequest{newList(k, path("groups", guid, "bannedusers"))}
}

// Limit sets the page size.
func (r *BannedMembersRequest) Limit(n int) *BannedMembersRequest { r.setInt("perPage", n); return r }

// Page picks the page Fetch reads (from 1) and FetchNext starts at.
func (r *BannedMembersRequest) Page(n int) *BannedMembersRequest { r.setInt("page", n); return r }

// SearchKey keeps banned users whose uid or name begins with s.
func (r *BannedMembersRequest) SearchKey(s string) *BannedMembersRequest {
	r.set("searchKey", s)
	return r
}

// Fetch reads the page the request names.
func (r *BannedMembersRequest) Fetch(ctx context.Context) (*Page[*parley.Banned], error) {
	return fetchPage[*parley.Banned](ctx, &r.listRequest, 0)
}

// FetchNext reads the next page; an empty slice when there are no more.
func (r *BannedMembersRequest) FetchNext(ctx context.Context) ([]*parley.Banned, error) {
	return fetchNext[*parley.Banned](ctx, &r.listRequest)
}

// ConversationsRequest pages through the user's conversations, newest
// activity first. ConversationWith of each is a *parley.User or a
// *parley.Group.
type ConversationsRequest struct{ listRequest }

func newConversationsRequest(k caller) *ConversationsRequest {
	return &ConversationsRequest{newList(k, path("conversations"))}
}

// Limit sets the page size.
func (r *ConversationsRequest) Limit(n int) *ConversationsRequest { r.setInt("perPage", n); return r }

// Page picks the page Fetch reads (from 1) and FetchNext starts at.
func (r *ConversationsRequest) Page(n int) *ConversationsRequest { r.setInt("page", n); return r }

// Type keeps conversations of a type: parley.ConversationUser or
// ConversationGroup.
func (r *ConversationsRequest) Type(t string) *ConversationsRequest {
	r.set("conversationType", t)
	return r
}

// SearchKey keeps conversations whose user's or group's id or name begins
// with s.
func (r *ConversationsRequest) SearchKey(s string) *ConversationsRequest {
	r.set("searchKey", s)
	return r
}

// Tags keeps conversations the user tagged with any of these.
func (r *ConversationsRequest) Tags(tags ...string) *ConversationsRequest {
	r.setList("tags", tags)
	return r
}

// UserTags keeps one-to-one conversations whose user has any of these tags.
func (r *ConversationsRequest) UserTags(tags ...string) *ConversationsRequest {
	r.setList("userTags", tags)
	return r
}

// GroupTags keeps group conversations whose group has any of these tags.
func (r *ConversationsRequest) GroupTags(tags ...string) *ConversationsRequest {
	r.setList("groupTags", tags)
	return r
}

// WithTags keeps conversations the user tagged.
func (r *ConversationsRequest) WithTags() *ConversationsRequest {
	r.setBool("withTags", true)
	return r
}

// WithUserAndGroupTags is WithTags under the name CometChat's API gives it.
func (r *ConversationsRequest) WithUserAndGroupTags() *ConversationsRequest {
	r.setBool("withUserAndGroupTags", true)
	return r
}

// Unread keeps conversations with unread messages.
func (r *ConversationsRequest) Unread() *ConversationsRequest { r.setBool("unread", true); return r }

// Fetch reads the page the request names.
func (r *ConversationsRequest) Fetch(ctx context.Context) (*Page[*parley.Conversation], error) {
	p, err := fetchPage[*parley.Conversation](ctx, &r.listRequest, 0)
	if err == nil {
		for _, c := range p.Items {
			typeConversation(c)
		}
	}
	return p, err
}

// FetchNext reads the next page; an empty slice when there are no more.
func (r *ConversationsRequest) FetchNext(ctx context.Context) ([]*parley.Conversation, error) {
	cs, err := fetchNext[*parley.Conversation](ctx, &r.listRequest)
	for _, c := range cs {
		typeConversation(c)
	}
	return cs, err
}

// RolesRequest pages through the app's roles, by id.
type RolesRequest struct{ listRequest }

// Roles returns a request for pages of the app's roles.
func (c *Client) Roles() *RolesRequest { return &RolesRequest{newList(c.caller(), path("roles"))} }

// Limit sets the page size.
func (r *RolesRequest) Limit(n int) *RolesRequest { r.setInt("perPage", n); return r }

// Page picks the page Fetch reads (from 1) and FetchNext starts at.
func (r *RolesRequest) Page(n int) *RolesRequest { r.setInt("page", n); return r }

// Fetch reads the page the request names.
func (r *RolesRequest) Fetch(ctx context.Context) (*Page[*parley.Role], error) {
	return fetchPage[*parley.Role](ctx, &r.listRequest, 0)
}

// FetchNext reads the next page; an empty slice when there are no more.
func (r *RolesRequest) FetchNext(ctx context.Context) ([]*parley.Role, error) {
	return fetchNext[*parley.Role](ctx, &r.listRequest)
}
