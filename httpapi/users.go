package httpapi

import (
	"net/http"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// userQuery reads the user-list filters of API.md §3.
func userQuery(q *query) chat.UserQuery {
	f := parley.UserFilter{
		SearchKey:       q.str("searchKey"),
		SearchIn:        q.list("searchIn"),
		Status:          q.str("status"),
		Roles:           append(q.list("role"), q.list("roles")...),
		Tags:            q.list("tags"),
		WithTags:        q.bool("withTags"),
		UIDs:            q.list("uids"),
		OnlyDeactivated: q.bool("onlyDeactivated"),
		WithDeactivated: q.bool("withDeactivated"),
		SortBy:          q.str("sortBy"),
		SortOrder:       q.str("sortOrder"),
		Page:            q.page(),
	}
	return chat.UserQuery{UserFilter: f, FriendsOnly: q.bool("friendsOnly"), HideBlockedUsers: q.bool("hideBlockedUsers")}
}

// all writes a whole (unpaged) list: [] rather than null when empty.
func all[T any](w http.ResponseWriter, items []T) error {
	if items == nil {
		items = []T{}
	}
	return ok(w, items, nil)
}

// paged writes a page of an entity list.
func paged[T any](w http.ResponseWriter, items []T, p parley.Pagination, err error) error {
	if err != nil {
		return err
	}
	if items == nil {
		items = []T{}
	}
	return ok(w, items, map[string]any{"pagination": p})
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	var in parley.NewUser
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.svc.CreateUser(r.Context(), in)
	if err != nil {
		return err
	}
	return ok(w, u, nil)
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	uq := userQuery(q)
	if q.err != nil {
		return q.err
	}
	users, p, err := s.svc.Users(r.Context(), uq)
	return paged(w, users, p, err)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.svc.User(r.Context(), r.PathValue("uid"))
	if err != nil {
		return err
	}
	return ok(w, u, nil)
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) error {
	var in parley.UserUpdate
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.svc.UpdateUser(r.Context(), r.PathValue("uid"), in)
	if err != nil {
		return err
	}
	return ok(w, u, nil)
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Permanent bool `json:"permanent"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	q := newQuery(r)
	permanent := q.bool("permanent") || in.Permanent
	if q.err != nil {
		return q.err
	}
	if err := s.svc.DeleteUser(r.Context(), r.PathValue("uid"), permanent); err != nil {
		return err
	}
	return done(w, "user deleted")
}

func (s *Server) deactivateUsers(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		UIDs []string `json:"uidsToDeactivate"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.svc.DeactivateUsers(r.Context(), in.UIDs)
	if err != nil {
		return err
	}
	return ok(w, map[string]any{"success": true, "deactivatedUids": res.Changed, "nonDeactivatedUids": res.Unchanged}, nil)
}

func (s *Server) reactivateUsers(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		UIDs []string `json:"uidsToActivate"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.svc.ReactivateUsers(r.Context(), in.UIDs)
	if err != nil {
		return err
	}
	// CometChat names the reactivated uids nonDeactivatedUids; those that
	// did not change are Parley's addition.
	return ok(w, map[string]any{"success": true, "nonDeactivatedUids": res.Changed, "nonActivatedUids": res.Unchanged}, nil)
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request) error {
	u, err := s.svc.Me(r.Context())
	if err != nil {
		return err
	}
	return ok(w, u, nil)
}

func (s *Server) updateMe(w http.ResponseWriter, r *http.Request) error {
	var in chat.MeUpdate
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.svc.UpdateMe(r.Context(), in)
	if err != nil {
		return err
	}
	return ok(w, u, nil)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Logout(r.Context()); err != nil {
		return err
	}
	return done(w, "logged out")
}

func (s *Server) createAuthToken(w http.ResponseWriter, r *http.Request) error {
	var in parley.Device
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.svc.CreateAuthToken(r.Context(), r.PathValue("uid"), in)
	if err != nil {
		return err
	}
	return ok(w, t, nil)
}

func (s *Server) listAuthTokens(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	p := q.page()
	if q.err != nil {
		return q.err
	}
	ts, meta, err := s.svc.AuthTokens(r.Context(), r.PathValue("uid"), p)
	return paged(w, ts, meta, err)
}

func (s *Server) getAuthToken(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.AuthToken(r.Context(), r.PathValue("uid"), r.PathValue("authToken"))
	if err != nil {
		return err
	}
	return ok(w, t, nil)
}

func (s *Server) updateAuthToken(w http.ResponseWriter, r *http.Request) error {
	var in parley.Device
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.svc.UpdateAuthToken(r.Context(), r.PathValue("uid"), r.PathValue("authToken"), in)
	if err != nil {
		return err
	}
	return ok(w, t, nil)
}

func (s *Server) deleteAuthToken(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.DeleteAuthToken(r.Context(), r.PathValue("uid"), r.PathValue("authToken")); err != nil {
		return err
	}
	return done(w, "auth token deleted")
}

func (s *Server) flushAuthTokens(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.FlushAuthTokens(r.Context(), r.PathValue("uid"))
	if err != nil {
		return err
	}
	return ok(w, map[string]any{"success": true, "message": "auth tokens deleted", "deleted": n}, nil)
}
