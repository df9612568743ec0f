package chat

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parleychat/parley"
)

// Restricted features: a role may be barred from features, and every user
// holding it is refused them (ERR_PERMISSION_DENIED). The calls that are
// features ask mayUse, the one place that decides; the catalog says which
// call each feature is. A full access key acting as no user is never
// restricted: features are what users do.

// Feature is one feature a role may restrict, as the catalog lists it.
type Feature struct {
	Key         string // without the "u." of the wire
	Title       string
	Description string
	Path        string // the route it guards; "" when Parley has no such call (yet)
}

// The feature keys mayUse is asked about.
const (
	featAddMember           = "addMember"
	featBan                 = "ban"
	featBlockUser           = "blockUser"
	featChangeScope         = "changeScope"
	featCreateGroup         = "createGroup"
	featCreateMessage       = "createMessage"
	featCreateMessageThread = "createMessageThread"
	featDeleteConversation  = "deleteConversationForUser"
	featDeleteGroup         = "deleteGroup"
	featDeleteGroupMessages = "deleteGroupMessages"
	featDeleteMessage       = "deleteMessage"
	featGetBlockedUsers     = "getBlockedUsers"
	featGetConversation     = "getConversation"
	featGetGroup            = "getGroup"
	featGetGroupMessages    = "getGroupMessages"
	featGetMessage          = "getMessage"
	featGetMyDetails        = "getMyDetails"
	featGetUser             = "getUser"
	featGetUserMessages     = "getUserMessages"
	featJoinGroup           = "joinGroup"
	featKickMember          = "kickMember"
	featLeaveGroup          = "leaveGroup"
	featListBannedUsers     = "listBannedUsers"
	featListConversations   = "listConversations"
	featListGroupMembers    = "listGroupMembers"
	featListGroups          = "listGroups"
	featListMessages        = "listMessages"
	featListThreaded        = "listThreadedMessages"
	featListUsers           = "listUsers"
	featLogout              = "logout"
	featMassMemberOperate   = "massMemberOperate"
	featPatchOwner          = "patchOwner"
	featUnban               = "unban"
	featUnblockUser         = "unblockUser"
	featUpdateAuthToken     = "updateAuthToken"
	featUpdateGroup         = "updateGroup"
	featUpdateMessage       = "updateMessage"
)

// features is the catalog, by key: the features CometChat's REST API v3
// documents for roles. Those with no Path name calls Parley does not have
// (listing and deleting calls, settings, reading one member): they may be
// restricted, and restrict nothing until Parley has the call.
var features = []Feature{
	{featAddMember, "Add Member", "Add members to a group.", "/v3/groups/{{guid}}/members"},
	{featBan, "Ban User", "Ban a member of a group (an admin or moderator of it).", "/v3/groups/{{guid}}/bannedusers/{{uid}}"},
	{featBlockUser, "Block User", "Block users.", "/v3/blockedusers"},
	{featChangeScope, "Change Scope", "Change a member's scope (an admin or moderator of the group).", "/v3/groups/{{guid}}/members/{{uid}}"},
	{featCreateCall, "Initiate Call", "Start a call.", "/v3/calls"},
	{featCreateGroup, "Create Group", "Create groups.", "/v3/groups"},
	{featCreateMessage, "Send Message", "Send messages (not replies).", "/v3/messages"},
	{featCreateMessageThread, "Reply to a Message", "Send replies in a message's thread.", "/v3/messages/{{id}}/thread"},
	{"deleteCall", "Delete Call", "Delete a call.", ""},
	{featDeleteConversation, "Delete Conversation", "Delete (reset) a conversation for oneself.", "/v3/users/{{uid}}/conversation"},
	{featDeleteGroup, "Delete Group", "Delete a group.", "/v3/groups/{{guid}}"},
	{featDeleteGroupMessages, "Delete Group Messages", "Delete messages of a group.", "/v3/messages/{{id}}"},
	{featDeleteMessage, "Delete Message", "Delete messages.", "/v3/messages/{{id}}"},
	{featGetBlockedUsers, "Fetch Blocked Users", "List blocked users.", "/v3/blockedusers"},
	{featGetCall, "Get Call", "Read a call.", "/v3/calls/{{sessionId}}"},
	{featGetConversation, "Get Conversation", "Read a conversation.", "/v3/users/{{uid}}/conversation"},
	{featGetGroup, "Get Group", "Read a group.", "/v3/groups/{{guid}}"},
	{featGetGroupMessages, "List Group Messages", "List a group's messages.", "/v3/groups/{{guid}}/messages"},
	{"getMember", "Get Member", "Read one member of a group.", ""},
	{featGetMessage, "Get Message", "Read a message.", "/v3/messages/{{id}}"},
	{featGetMyDetails, "Get My Details", "Read one's own user.", "/v3/me"},
	{featGetUser, "Get User", "Read another user.", "/v3/users/{{uid}}"},
	{featGetUserMessages, "List User Messages", "List one's conversation with a user.", "/v3/users/{{uid}}/messages"},
	{featJoinGroup, "Join Group", "Join groups.", "/v3/groups/{{guid}}/members"},
	{featKickMember, "Kick Member", "Kick a member from a group (an admin or moderator of it).", "/v3/groups/{{guid}}/members/{{uid}}"},
	{featLeaveGroup, "Leave Group", "Leave groups.", "/v3/groups/{{guid}}/members"},
	{featListBannedUsers, "List Banned Users", "List a group's banned users.", "/v3/groups/{{guid}}/bannedusers"},
	{"listCalls", "List Calls", "List calls.", ""},
	{featListConversations, "List Conversations", "List one's conversations.", "/v3/conversations"},
	{featListGroupMembers, "List Group Members", "List a group's members.", "/v3/groups/{{guid}}/members"},
	{featListGroups, "List Groups", "List groups.", "/v3/groups"},
	{featListMessages, "List Messages", "List every message one may see.", "/v3/messages"},
	{"listSettings", "List Settings", "Read the app's settings.", ""},
	{featListThreaded, "List Threaded Messages", "List the replies of a message.", "/v3/messages/{{id}}/thread"},
	{featListUsers, "List Users", "List users.", "/v3/users"},
	{featLogout, "Logout", "Log out.", "/v3/me"},
	{featMassMemberOperate, "Group Mass Operation", "Add several members to a group in one call (an admin of it).", "/v3/groups/{{guid}}/members"},
	{featPatchOwner, "Patch Owner", "Transfer a group's ownership (its owner).", "/v3/groups/{{guid}}/owner"},
	{featUnban, "Unban User", "Unban a user from a group (an admin or moderator of it).", "/v3/groups/{{guid}}/bannedusers/{{uid}}"},
	{featUnblockUser, "Unblock User", "Unblock users.", "/v3/blockedusers"},
	{featUpdateAuthToken, "Updates AuthToken", "Update one's own user.", "/v3/me"},
	{featUpdateCall, "Update Call", "Change a call's status.", "/v3/calls/{{sessionId}}"},
	{featUpdateGroup, "Edit Group", "Update a group (an admin or moderator of it).", "/v3/groups/{{guid}}"},
	{featUpdateMessage, "Edit Message", "Edit messages.", "/v3/messages/{{id}}"},
}

// Features returns the catalog of features a role may restrict.
func Features() []Feature { return slices.Clone(features) }

// featureKey reads a feature key as a caller writes it, "listUsers" or
// "u.listUsers", and says whether the catalog has it.
func featureKey(s string) (string, bool) {
	k := strings.TrimPrefix(strings.TrimSpace(s), "u.")
	_, ok := slices.BinarySearchFunc(features, k, func(f Feature, k string) int { return strings.Compare(f.Key, k) })
	return k, ok
}

// featureOf returns the catalog's entry of a key (a bare one for a key no
// longer in it).
func featureOf(key string) Feature {
	i, ok := slices.BinarySearchFunc(features, key, func(f Feature, k string) int { return strings.Compare(f.Key, k) })
	if !ok {
		return Feature{Key: key, Title: key}
	}
	return features[i]
}

// mayUse decides whether the actor in ctx may use each of feats: a user is
// refused any feature their role restricts. Anyone else passes (the access
// checks of the call decide about them).
func (s *Service) mayUse(ctx context.Context, feats ...string) error {
	r, err := s.restrictions(ctx)
	if err != nil {
		return err
	}
	return r.check(feats...)
}

// restrictions are the features the role of a user restricts.
type restrictions struct {
	role string
	keys []string
}

// check refuses the first of feats the role restricts.
func (r restrictions) check(feats ...string) error {
	for _, f := range feats {
		if slices.Contains(r.keys, f) {
			return parley.Errorf(parley.KindForbidden, parley.CodePermissionDenied,
				"the role %s may not use the feature u.%s", r.role, f)
		}
	}
	return nil
}

// restrictions reads the features restricted to the actor in ctx: those
// of their role for a user, none for anyone else.
func (s *Service) restrictions(ctx context.Context) (restrictions, error) {
	a := parley.ActorFrom(ctx)
	if !a.IsUser() || a.AppID == "" {
		return restrictions{}, nil
	}
	r := restrictions{role: parley.DefaultRole}
	if a.User != nil && a.User.UID == a.UID {
		r.role = a.User.Role
	} else if u, err := s.store.User(ctx, a.AppID, a.UID, ""); err == nil {
		r.role = u.Role
	}
	keys, gen, ok := s.roleFeatures.get(a.AppID, r.role, s.now())
	if !ok {
		fs, err := s.store.RestrictedFeatures(ctx, a.AppID, r.role)
		if err != nil {
			return r, parley.Internal(err)
		}
		keys = make([]string, len(fs))
		for i, f := range fs {
			keys[i] = f.Feature
		}
		s.roleFeatures.put(a.AppID, r.role, keys, gen, s.now())
	}
	r.keys = keys
	return r, nil
}

// featureTTL is how long a node trusts the features of a role it read:
// every request of a user asks them, and reading them each time took 40%
// of the send rate (BenchmarkSendText, 128 senders). A change made on this
// node holds at once (it forgets the role); one made on another node of a
// cluster within featureTTL.
const featureTTL = time.Second

// featureCache keeps the features of roles, read in the last featureTTL.
// Its zero value is ready to use.
type featureCache struct {
	mu  sync.Mutex
	m   map[string]cachedFeatures // by app id + "\x00" + role
	gen uint64                    // counts forgets: a read begun before one is not kept
}

type cachedFeatures struct {
	keys  []string // shared with readers: never changed
	until time.Time
}

// get returns the features kept of a role, or, when none are, the
// generation to put the store's with.
func (c *featureCache) get(appID, role string, now time.Time) ([]string, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[appID+"\x00"+role]
	if !ok || !now.Before(e.until) {
		return nil, c.gen, false
	}
	return e.keys, c.gen, true
}

// put keeps the features of a role read from the store, unless a change
// was forgotten since the read began (gen, from get): they may be stale.
func (c *featureCache) put(appID, role string, keys []string, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil {
		c.m = map[string]cachedFeatures{}
	}
	for k, e := range c.m { // drop what expired, so roles deleted go too
		if !now.Before(e.until) {
			delete(c.m, k)
		}
	}
	c.m[appID+"\x00"+role] = cachedFeatures{keys: keys, until: now.Add(featureTTL)}
}

// forget drops what is kept of a role, after a change of its features.
func (c *featureCache) forget(appID, role string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, appID+"\x00"+role)
	c.gen++
}

// RestrictedFeature is a feature a role restricts, as the wire lists it.
type RestrictedFeature struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Key         string `json:"key"` // "u." + the feature key
	Path        string `json:"path,omitempty"`
	CreatedAt   int64  `json:"createdAt"`
}

// FeatureResult is the outcome of restricting one feature.
type FeatureResult struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
}

// featureKeys checks a list of feature keys, as the caller wrote them.
func featureKeys(field string, in []string) ([]string, error) {
	if len(in) == 0 {
		return nil, invalid("%s must name at least one feature", field)
	}
	keys := make([]string, 0, len(in))
	for _, s := range in {
		k, ok := featureKey(s)
		if !ok {
			return nil, invalid("%s: there is no feature %q", field, s)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// RestrictFeatures bars role from features, answering per feature key as
// the caller wrote it. Unknown keys refuse the whole call: nothing is
// written.
func (s *Service) RestrictFeatures(ctx context.Context, role string, in []string) (map[string]FeatureResult, error) {
	a, err := needFull(ctx, "manage roles")
	if err != nil {
		return nil, err
	}
	role, _ = parley.NormalizeID(role)
	keys, err := featureKeys("featuresToRestrict", in)
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		if _, err := tx.Role(ctx, a.AppID, role); err != nil {
			return err
		}
		return tx.RestrictFeatures(ctx, a.AppID, role, keys, s.unix())
	})
	s.roleFeatures.forget(a.AppID, role)
	if err != nil {
		return nil, storeErr(err, errRoleNotFound(role), nil)
	}
	out := make(map[string]FeatureResult, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		out[s] = FeatureResult{Success: true, Message: "The feature " + s + " has been restricted successfully."}
	}
	return out, nil
}

// AllowFeatures lifts role's restriction of features, or of all of them.
func (s *Service) AllowFeatures(ctx context.Context, role string, in []string, all bool) error {
	a, err := needFull(ctx, "manage roles")
	if err != nil {
		return err
	}
	role, _ = parley.NormalizeID(role)
	var keys []string // nil: all
	if !all {
		if keys, err = featureKeys("featuresToAllow", in); err != nil {
			return err
		}
	}
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		if _, err := tx.Role(ctx, a.AppID, role); err != nil {
			return err
		}
		return tx.AllowFeatures(ctx, a.AppID, role, keys)
	})
	s.roleFeatures.forget(a.AppID, role)
	return storeErr(err, errRoleNotFound(role), nil)
}

// RestrictedFeatures lists the features role restricts, a page of them.
func (s *Service) RestrictedFeatures(ctx context.Context, role string, p parley.Page) ([]RestrictedFeature, parley.Pagination, error) {
	a, err := needFull(ctx, "read roles")
	if err != nil {
		return nil, parley.Pagination{}, err
	}
	if p, err = s.page(p); err != nil {
		return nil, parley.Pagination{}, err
	}
	role, _ = parley.NormalizeID(role)
	if _, err := s.store.Role(ctx, a.AppID, role); err != nil {
		return nil, parley.Pagination{}, storeErr(err, errRoleNotFound(role), nil)
	}
	rs, err := s.store.RestrictedFeatures(ctx, a.AppID, role)
	if err != nil {
		return nil, parley.Pagination{}, parley.Internal(err)
	}
	total := len(rs)
	rs = rs[min(p.Offset(), total):min(p.Offset()+p.PerPage, total)]
	out := make([]RestrictedFeature, 0, len(rs))
	for _, r := range rs {
		f := featureOf(r.Feature)
		out = append(out, RestrictedFeature{Title: f.Title, Description: f.Description, Key: "u." + f.Key,
			Path: f.Path, CreatedAt: r.CreatedAt})
	}
	return out, parley.NewPagination(p, len(out), total), nil
}

// addFeatures are the features adding members is: adding several at once
// is also a mass operation, and banning with it a ban.
func addFeatures(lists parley.MemberLists) []string {
	out := []string{featAddMember}
	if len(lists.Admins)+len(lists.Moderators)+len(lists.Participants)+len(lists.UsersToBan) > 1 {
		out = append(out, featMassMemberOperate)
	}
	if len(lists.UsersToBan) > 0 {
		out = append(out, featBan)
	}
	return out
}

// sendFeature is the feature a send is: a reply, or another message.
func sendFeature(in parley.NewMessage) string {
	if in.ParentID != 0 {
		return featCreateMessageThread
	}
	return featCreateMessage
}
