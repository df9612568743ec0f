package chat

import "github.com/parleychat/parley"

// callStatuses are the statuses a call may be moved on to (initiated only
// starts one, and is refused by callMove with its own code).
var callStatuses = map[string]bool{parley.CallInitiated: true, parley.CallOngoing: true, parley.CallRejected: true,
	parley.CallBusy: true, parley.CallCancelled: true, parley.CallUnanswered: true, parley.CallEnded: true}

// callMove decides, in one place, whether by may move call c on to status
// (one of callStatuses). system is the app acting as no user (a full
// access key); member says by is a current member of a group call's group.
//
// One-to-one calls:
//   - initiated → ongoing (accepted), rejected, busy: the callee's answers;
//   - initiated → cancelled, unanswered: the caller's, or the app's;
//   - ongoing → ended: either side's, or the app's.
//
// Group calls: no one answers for the group, so there is no rejected or
// busy; any member joins (ongoing, from initiated or ongoing: the first
// join makes the call ongoing), the caller or the app cancels or times out
// a call no one joined, and anyone who joined (or the app) ends it for all.
//
// A call with a final status moves no more.
func callMove(c *parley.Call, by string, system bool, status string, member bool) error {
	if status == parley.CallInitiated {
		return callErr(parley.KindInvalid, parley.CodeCallInvalidInit, "a call can't be moved back to initiated")
	}
	group := c.ReceiverType == parley.ReceiverGroup
	p := c.Participant(by)
	if !system && p == nil && !(group && member) {
		return errNotAPart()
	}
	if !c.Active {
		return callErr(parley.KindConflict, parley.CodeCallTerminated, "the call is %s: it can't change any more", c.Status)
	}
	if group && (status == parley.CallRejected || status == parley.CallBusy) {
		return callErr(parley.KindInvalid, parley.CodeCallGroupStatus, "a group call can't be %s", status)
	}
	caller := !system && by == c.Initiator
	notYours := func(who string) error {
		return callErr(parley.KindForbidden, parley.CodeCallNotAllowed, "only %s may set a call %s", who, status)
	}
	switch status {
	case parley.CallOngoing:
		if system {
			return notYours("a participant")
		}
		if group {
			if p != nil && p.JoinedAt != 0 {
				return callErr(parley.KindConflict, parley.CodeCallGroupJoined, "you have joined this call already")
			}
			return nil
		}
		if caller {
			return notYours("the callee")
		}
		if c.Status == parley.CallOngoing {
			return callErr(parley.KindConflict, parley.CodeCallUserJoined, "the call was accepted already")
		}
	case parley.CallRejected, parley.CallBusy:
		if system || caller {
			return notYours("the callee")
		}
		if c.Status == parley.CallOngoing {
			return errOngoingTo(status)
		}
	case parley.CallCancelled, parley.CallUnanswered:
		if !system && !caller {
			return notYours("the caller")
		}
		if c.Status == parley.CallOngoing {
			return errOngoingTo(status)
		}
	case parley.CallEnded:
		if c.Status == parley.CallInitiated {
			return callErr(parley.KindConflict, parley.CodeCallNotStarted,
				"the call was not answered: cancel it (the caller) or reject it (the callee)")
		}
		if group && !system && (p == nil || p.JoinedAt == 0) {
			return callErr(parley.KindForbidden, parley.CodeCallNotAPart, "join the call before ending it")
		}
	}
	return nil
}

func errOngoingTo(status string) *parley.Error {
	return callErr(parley.KindConflict, parley.CodeCallOngoingInvalid, "an ongoing call can't be %s: end it", status)
}
