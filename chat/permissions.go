package chat

import (
	"github.com/parleychat/parley"
)

// The permission matrix of DESIGN.md §4, in one place. A group action is
// judged from the actor's scope (admin for a full access key acting as no
// user), the target's scope, and, for scope changes, the scope asked for.
//
//	action         admin                         moderator                           participant
//	update group   yes                           yes                                 no
//	delete group   yes                           no                                  no
//	add members    yes                           no                                  no
//	kick, ban      anyone but the owner          participants                        no
//	unban          yes                           yes                                 no
//	change scope   any member but the owner,     moderators and participants,        no
//	               to any scope                  to moderator or participant
//
// Nobody acts on themself, and nobody but the owner (by transferring) changes
// the owner.

type groupAction int

const (
	actUpdate groupAction = iota
	actDelete
	actAddMembers
	actKick
	actBan
	actUnban
	actListBans
	actChangeScope
)

// minScope is the lowest scope that may attempt each action at all.
var minScope = map[groupAction]string{
	actUpdate:      parley.ScopeModerator,
	actDelete:      parley.ScopeAdmin,
	actAddMembers:  parley.ScopeAdmin,
	actKick:        parley.ScopeModerator,
	actBan:         parley.ScopeModerator,
	actUnban:       parley.ScopeModerator,
	actListBans:    parley.ScopeModerator,
	actChangeScope: parley.ScopeModerator,
}

// mayAct decides whether an actor of scope actorScope may take act. For
// actions on a member, target is their uid, targetScope their scope ("" if
// not a member) and newScope the scope asked for (scope changes only).
func mayAct(act groupAction, g *parley.Group, actorUID, actorScope, target, targetScope, newScope string) error {
	if parley.ScopeRank(actorScope) < parley.ScopeRank(minScope[act]) {
		if minScope[act] == parley.ScopeAdmin {
			return groupErr(parley.CodeGroupNoAdmin, "only an admin of the group may do this")
		}
		return groupErr(parley.CodeGroupNoModerator, "only an admin or moderator of the group may do this")
	}
	if target == "" {
		return nil
	}
	if target == actorUID {
		return groupErr(parley.CodeGroupNoSelfAction, "a member can't do this to themself")
	}
	if target == g.Owner && act != actUnban {
		return groupErr(parley.CodeGroupNoClearance, "nobody may do this to the group's owner")
	}
	if actorScope == parley.ScopeAdmin {
		return nil
	}
	// A moderator: acts on participants (kick, ban) or on moderators and
	// participants (scope), and never raises anyone to admin.
	switch act {
	case actKick, actBan:
		if parley.ScopeRank(targetScope) > parley.ScopeRank(parley.ScopeParticipant) {
			return groupErr(parley.CodeGroupNoClearance, "a moderator may only act on participants")
		}
	case actChangeScope:
		if targetScope == parley.ScopeAdmin {
			return groupErr(parley.CodeGroupNoClearance, "a moderator can't change an admin's scope")
		}
		if newScope == parley.ScopeAdmin {
			return groupErr(parley.CodeGroupNoScopeClear, "a moderator can't make anyone an admin")
		}
	}
	return nil
}

func groupErr(code, msg string) *parley.Error {
	return &parley.Error{Kind: parley.KindForbidden, Code: code, Message: msg}
}
