package httpapi

import (
	"net/http"
	"strconv"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// bulkUnder writes per-id results under the key of the list they answer,
// as CometChat answers adding friends: {"accepted": {"<uid>": {…}}}.
func bulkUnder(w http.ResponseWriter, key string, res map[string]parley.BulkResult, err error) error {
	if err != nil {
		return err
	}
	return ok(w, map[string]any{key: res}, nil)
}

// friendsRemoved writes the answer to removing friends: CometChat's
// {"success", "message"} for the call, success when every uid was removed,
// and Parley's per-uid results under "friends" (the list's key in the
// request), so a caller learns which uids failed and why.
func friendsRemoved(w http.ResponseWriter, res map[string]parley.BulkResult, err error) error {
	if err != nil {
		return err
	}
	all := true
	for _, r := range res {
		all = all && r.Success
	}
	msg := "Deleted the friend relations successfully."
	if !all {
		msg = "Some friend relations were not deleted: see friends."
	}
	return ok(w, map[string]any{"success": all, "message": msg, "friends": res}, nil)
}

// reactionFilter reads the cursor of a reaction list: limit, and id with
// affix append (the reactions after that id; the only direction).
func reactionFilter(q *query) parley.ReactionFilter {
	f := parley.ReactionFilter{Limit: q.int("limit"), AfterID: int64(q.int("id"))}
	if affix := q.str("affix"); affix != "" && affix != parley.AffixAppend {
		q.fail("affix", "append")
	}
	return f
}

// reactionPage writes a page of reactions with CometChat's cursor meta:
// meta.current{limit,count} and meta.next{affix,id}, the id to ask after
// for the next page.
func reactionPage(w http.ResponseWriter, p *chat.ReactionPage, err error) error {
	if err != nil {
		return err
	}
	rs := p.Reactions
	if rs == nil {
		rs = []*parley.Reaction{}
	}
	meta := map[string]any{"current": map[string]int{"limit": p.Filter.Limit, "count": len(rs)}}
	next := p.Filter.AfterID
	if len(rs) > 0 {
		next = rs[len(rs)-1].ID
	}
	if next > 0 {
		meta["next"] = map[string]any{"affix": parley.AffixAppend, "id": strconv.FormatInt(next, 10)}
	}
	return ok(w, rs, meta)
}
