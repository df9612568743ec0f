package chat

import (
	"context"
	"fmt"

	"github.com/parleychat/parley"
)

// relation is one kind of bulk relation change: what it does to a pair,
// what it answers for a uid it changed, and its error for the owner
// themself (CometChat names one for blocking, another for friends).
type relation struct {
	change func(tx parley.Tx, other string) error
	done   func(other string) string
	self   *parley.Error
	// trigger is the webhook trigger of a change (blocks), "" for none.
	trigger string
}

// relate runs one bulk relation change: for each uid in uids, r.change in
// its own transaction, collecting per-uid results. The owner must exist; a
// missing other user, the owner themself and r.change's errors are per-uid
// failures.
func (s *Service) relate(ctx context.Context, appID, owner string, uids []string, r relation) (map[string]parley.BulkResult, error) {
	if len(uids) == 0 {
		return nil, invalid("name at least one uid")
	}
	if len(uids) > parley.MaxBulkUIDs {
		return nil, parley.Errorf(parley.KindInvalid, parley.CodeTooManyUIDs, "at most %d uids a call", parley.MaxBulkUIDs)
	}
	if _, err := liveUser(ctx, s.store, appID, owner, ""); err != nil {
		return nil, err
	}
	out := make(map[string]parley.BulkResult, len(uids))
	for _, raw := range uids {
		other, ok := parley.NormalizeID(raw)
		if !ok {
			out[raw] = parley.BulkOf(nil, errUIDNotFound(raw))
			continue
		}
		if other == owner {
			out[other] = parley.BulkOf(nil, r.self)
			continue
		}
		err := s.store.InTx(ctx, func(tx parley.Tx) error {
			if _, err := liveUser(ctx, tx, appID, other, ""); err != nil {
				return err
			}
			if err := r.change(tx, other); err != nil {
				return err
			}
			s.afterCommit(ctx, tx, relationEvent(appID, owner, []string{other}))
			if r.trigger == "" {
				return nil
			}
			return s.hook(ctx, tx, appID, r.trigger, func() any {
				return map[string]any{"blockedBy": hookUser(ctx, tx, appID, owner), "blockedUser": hookUser(ctx, tx, appID, other)}
			})
		})
		if err != nil {
			if _, ok := parley.AsError(err); !ok {
				return nil, parley.Internal(err)
			}
			out[other] = parley.BulkOf(nil, err)
			continue
		}
		out[other] = parley.BulkResult{Success: true, Message: r.done(other)}
	}
	return out, nil
}

// errSelfFriend is the per-uid failure for befriending oneself.
func errSelfFriend() *parley.Error {
	return parley.Errorf(parley.KindInvalid, parley.CodeSelfRelation, "a user can't be their own friend")
}

// AddFriends makes uid friends with each of friends (full access: friends
// are set by the app's backend).
func (s *Service) AddFriends(ctx context.Context, uid string, friends []string) (map[string]parley.BulkResult, error) {
	a, err := needFull(ctx, "manage friends")
	if err != nil {
		return nil, err
	}
	uid, _ = parley.NormalizeID(uid)
	now := s.unix()
	return s.relate(ctx, a.AppID, uid, friends, relation{
		change: func(tx parley.Tx, other string) error {
			return storeErr(tx.AddFriend(ctx, a.AppID, uid, other, now), nil,
				parley.Errorf(parley.KindConflict, parley.CodeAlreadyFriend, "%s is already a friend", other))
		},
		done: func(string) string { return "Created relationship with status accepted." },
		self: errSelfFriend(),
	})
}

// RemoveFriends ends uid's friendship with each of friends.
func (s *Service) RemoveFriends(ctx context.Context, uid string, friends []string) (map[string]parley.BulkResult, error) {
	a, err := needFull(ctx, "manage friends")
	if err != nil {
		return nil, err
	}
	uid, _ = parley.NormalizeID(uid)
	return s.relate(ctx, a.AppID, uid, friends, relation{
		change: func(tx parley.Tx, other string) error {
			return storeErr(tx.RemoveFriend(ctx, a.AppID, uid, other),
				parley.Errorf(parley.KindNotFound, parley.CodeNotFriend, "%s is not a friend", other), nil)
		},
		done: func(other string) string { return fmt.Sprintf("Deleted the friend relation with %s.", other) },
		self: errSelfFriend(),
	})
}

// Friends lists uid's friends (full access, or uid themself).
func (s *Service) Friends(ctx context.Context, uid string, q UserQuery) ([]*parley.User, parley.Pagination, error) {
	uid, _ = parley.NormalizeID(uid)
	a, err := needSelfOrFull(ctx, uid, "list another user's friends")
	if err != nil {
		return nil, parley.Pagination{}, err
	}
	if _, err := liveUser(ctx, s.store, a.AppID, uid, ""); err != nil {
		return nil, parley.Pagination{}, err
	}
	f := q.UserFilter
	if f.Page, err = s.page(f.Page); err != nil {
		return nil, parley.Pagination{}, err
	}
	if err := checkUserFilter(&f); err != nil {
		return nil, parley.Pagination{}, err
	}
	f.Viewer, f.FriendsOf = uid, uid
	return s.listUsers(ctx, a.AppID, f)
}

// blockOwner resolves the user a block call is about: uid, or the acting
// user when uid is empty (the client routes, /v3/blockedusers), which then
// needs a user.
func blockOwner(ctx context.Context, uid, what string) (parley.Actor, string, error) {
	if uid == "" {
		a, err := needUser(ctx, what)
		return a, a.UID, err
	}
	uid, _ = parley.NormalizeID(uid)
	a, err := needSelfOrFull(ctx, uid, what+" for another user")
	return a, uid, err
}

// BlockUsers makes uid block each of blocked (uid themself, or full access).
// An empty uid means the acting user.
func (s *Service) BlockUsers(ctx context.Context, uid string, blocked []string) (map[string]parley.BulkResult, error) {
	if err := s.mayUse(ctx, featBlockUser); err != nil {
		return nil, err
	}
	a, uid, err := blockOwner(ctx, uid, "block")
	if err != nil {
		return nil, err
	}
	now := s.unix()
	return s.relate(ctx, a.AppID, uid, blocked, relation{
		change: func(tx parley.Tx, other string) error {
			return storeErr(tx.Block(ctx, a.AppID, uid, other, now), nil,
				parley.Errorf(parley.KindConflict, parley.CodeAlreadyBlocked, "%s is already blocked", other))
		},
		done: func(other string) string {
			return fmt.Sprintf("The user with UID %s has blocked user with UID %s successfully.", uid, other)
		},
		self:    errSelfBlock(),
		trigger: parley.TriggerUserBlocked,
	})
}

// errSelfBlock is the per-uid failure for blocking (or unblocking) oneself.
func errSelfBlock() *parley.Error {
	return parley.Errorf(parley.KindInvalid, parley.CodeBlockSelf, "a user can't block themself")
}

// UnblockUsers lifts uid's blocks of each of blocked; an empty uid means
// the acting user.
func (s *Service) UnblockUsers(ctx context.Context, uid string, blocked []string) (map[string]parley.BulkResult, error) {
	if err := s.mayUse(ctx, featUnblockUser); err != nil {
		return nil, err
	}
	a, uid, err := blockOwner(ctx, uid, "unblock")
	if err != nil {
		return nil, err
	}
	return s.relate(ctx, a.AppID, uid, blocked, relation{
		change: func(tx parley.Tx, other string) error {
			return storeErr(tx.Unblock(ctx, a.AppID, uid, other),
				parley.Errorf(parley.KindNotFound, parley.CodeNotBlocked, "%s is not blocked", other), nil)
		},
		done: func(other string) string {
			return fmt.Sprintf("The user with UID %s has unblocked user with UID %s successfully.", uid, other)
		},
		self:    errSelfBlock(),
		trigger: parley.TriggerUserUnblocked,
	})
}

// BlockedUsers lists the users in a block relation with uid, in direction
// (both, blockedByMe, hasBlockedMe; default blockedByMe). An empty uid means
// the acting user.
func (s *Service) BlockedUsers(ctx context.Context, uid, direction string, q UserQuery) ([]*parley.User, parley.Pagination, error) {
	if err := s.mayUse(ctx, featGetBlockedUsers); err != nil {
		return nil, parley.Pagination{}, err
	}
	a, uid, err := blockOwner(ctx, uid, "list blocks")
	if err != nil {
		return nil, parley.Pagination{}, err
	}
	switch direction {
	case "":
		direction = parley.DirectionBlockedByMe
	case parley.DirectionBoth, parley.DirectionBlockedByMe, parley.DirectionHasBlockedMe:
	default:
		return nil, parley.Pagination{}, invalid("direction must be both, blockedByMe or hasBlockedMe")
	}
	if _, err := liveUser(ctx, s.store, a.AppID, uid, ""); err != nil {
		return nil, parley.Pagination{}, err
	}
	f := q.UserFilter
	if f.Page, err = s.page(f.Page); err != nil {
		return nil, parley.Pagination{}, err
	}
	if err := checkUserFilter(&f); err != nil {
		return nil, parley.Pagination{}, err
	}
	f.Viewer, f.BlockedOf, f.BlockDirection = uid, uid, direction
	return s.listUsers(ctx, a.AppID, f)
}
