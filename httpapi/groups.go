package httpapi

import (
	"net/http"
	"strconv"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// groupRoutes registers API.md §4.
func (s *Server) groupRoutes() {
	m := s.mux
	m.Handle("POST /v3/groups", s.api(s.createGroup))
	m.Handle("GET /v3/groups", s.api(s.listGroups))
	m.Handle("GET /v3/groups/{guid}", s.api(s.getGroup))
	m.Handle("PUT /v3/groups/{guid}", s.api(s.updateGroup))
	m.Handle("DELETE /v3/groups/{guid}", s.api(s.deleteGroup))
	m.Handle("PATCH /v3/groups/{guid}/owner", s.api(s.transferOwner))
	m.Handle("POST /v3/groups/{guid}/members", s.api(s.addOrJoin))
	m.Handle("DELETE /v3/groups/{guid}/members", s.api(s.leaveGroup))
	m.Handle("GET /v3/groups/{guid}/members", s.api(s.listMembers))
	m.Handle("PUT /v3/groups/{guid}/members/{uid}", s.api(s.changeScope))
	m.Handle("DELETE /v3/groups/{guid}/members/{uid}", s.api(s.kick))
	m.Handle("POST /v3/groups/{guid}/bannedusers/{uid}", s.api(s.ban))
	m.Handle("DELETE /v3/groups/{guid}/bannedusers/{uid}", s.api(s.unban))
	m.Handle("GET /v3/groups/{guid}/bannedusers", s.api(s.listBans))
}

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) error {
	var in parley.NewGroup
	if err := decode(r, &in); err != nil {
		return err
	}
	g, err := s.svc.CreateGroup(r.Context(), in)
	if err != nil {
		return err
	}
	return ok(w, g, nil)
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := parley.GroupFilter{
		SearchKey: q.str("searchKey"),
		SearchIn:  q.list("searchIn"),
		Types:     append(q.list("type"), q.list("types")...),
		Tags:      q.list("tags"),
		WithTags:  q.bool("withTags"),
		HasJoined: q.bool("hasJoined"),
		SortBy:    q.str("sortBy"),
		SortOrder: q.str("sortOrder"),
		Page:      q.page(),
	}
	if q.err != nil {
		return q.err
	}
	groups, p, err := s.svc.Groups(r.Context(), f)
	return paged(w, groups, p, err)
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request) error {
	g, err := s.svc.Group(r.Context(), r.PathValue("guid"))
	if err != nil {
		return err
	}
	return ok(w, g, nil)
}

func (s *Server) updateGroup(w http.ResponseWriter, r *http.Request) error {
	var in parley.GroupUpdate
	if err := decode(r, &in); err != nil {
		return err
	}
	g, err := s.svc.UpdateGroup(r.Context(), r.PathValue("guid"), in)
	if err != nil {
		return err
	}
	return ok(w, g, nil)
}

func (s *Server) deleteGroup(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.DeleteGroup(r.Context(), r.PathValue("guid")); err != nil {
		return err
	}
	return done(w, "group deleted")
}

func (s *Server) transferOwner(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Owner string `json:"owner"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	g, err := s.svc.TransferOwner(r.Context(), r.PathValue("guid"), in.Owner)
	if err != nil {
		return err
	}
	return ok(w, g, nil)
}

// addOrJoin adds members when the body names member lists, and otherwise
// joins the acting user (client SDKs also send guid, name and type).
func (s *Server) addOrJoin(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		parley.MemberLists
		Password string `json:"password"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.MemberLists.Empty() {
		g, err := s.svc.Join(r.Context(), r.PathValue("guid"), in.Password)
		if err != nil {
			return err
		}
		return ok(w, g, nil)
	}
	res, err := s.svc.AddMembers(r.Context(), r.PathValue("guid"), in.MemberLists)
	if err != nil {
		return err
	}
	return ok(w, res, nil)
}

func (s *Server) leaveGroup(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Leave(r.Context(), r.PathValue("guid")); err != nil {
		return err
	}
	return done(w, "left the group")
}

func memberFilter(q *query) parley.MemberFilter {
	return parley.MemberFilter{Scopes: q.list("scopes"), Status: q.str("status"), SearchKey: q.str("searchKey"), Page: q.page()}
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := memberFilter(q)
	if q.err != nil {
		return q.err
	}
	ms, p, err := s.svc.Members(r.Context(), r.PathValue("guid"), f)
	return paged(w, ms, p, err)
}

func (s *Server) changeScope(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Scope string `json:"scope"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.svc.ChangeScope(r.Context(), r.PathValue("guid"), r.PathValue("uid"), in.Scope)
	if err != nil {
		return err
	}
	return ok(w, m, nil)
}

func (s *Server) kick(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Kick(r.Context(), r.PathValue("guid"), r.PathValue("uid")); err != nil {
		return err
	}
	return done(w, "member kicked")
}

func (s *Server) ban(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Ban(r.Context(), r.PathValue("guid"), r.PathValue("uid")); err != nil {
		return err
	}
	return done(w, "user banned")
}

func (s *Server) unban(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Unban(r.Context(), r.PathValue("guid"), r.PathValue("uid")); err != nil {
		return err
	}
	return done(w, "user unbanned")
}

func (s *Server) listBans(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := memberFilter(q)
	if q.err != nil {
		return q.err
	}
	bs, p, err := s.svc.Bans(r.Context(), r.PathValue("guid"), f)
	return paged(w, bs, p, err)
}

// messageFilter reads the cursor of a message list: id with affix
// (append: newer than id; prepend: older), and limit.
func messageFilter(q *query) parley.MessageFilter {
	f := parley.MessageFilter{Limit: q.int("limit")}
	id := int64(q.int("id"))
	switch affix := q.str("affix"); affix {
	case "", parley.AffixPrepend:
		f.BeforeID = id
	case parley.AffixAppend:
		f.AfterID, f.FromStart = id, id == 0 // append with no id: from the oldest
	default:
		q.fail("affix", "append or prepend")
	}
	return f
}

// messagePage writes a page of messages with its cursors.
func (s *Server) messagePage(w http.ResponseWriter, p *chat.MessagePage, err error) error {
	if err != nil {
		return err
	}
	ms, f := p.Messages, p.Filter
	if ms == nil {
		ms = []*parley.Message{}
	}
	meta := map[string]any{"current": map[string]int{"limit": f.Limit, "count": len(ms)}}
	// Cursor ids are strings, as message ids are everywhere on the wire.
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	if len(ms) > 0 {
		meta["previous"] = map[string]any{"affix": parley.AffixPrepend, "id": id(ms[0].ID)}
		meta["next"] = map[string]any{"affix": parley.AffixAppend, "id": id(ms[len(ms)-1].ID)}
	} else if f.AfterID > 0 {
		meta["next"] = map[string]any{"affix": parley.AffixAppend, "id": id(f.AfterID)}
	}
	return s.writeMessagePage(w, ms, meta)
}
