package httpapi

import (
	"net/http"

	"github.com/parleychat/parley"
)

func (s *Server) createRole(w http.ResponseWriter, r *http.Request) error {
	var in parley.Role
	if err := decode(r, &in); err != nil {
		return err
	}
	role, err := s.svc.CreateRole(r.Context(), in)
	if err != nil {
		return err
	}
	return ok(w, role, nil)
}

func (s *Server) listRoles(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	p := q.page()
	if q.err != nil {
		return q.err
	}
	roles, meta, err := s.svc.Roles(r.Context(), p)
	return paged(w, roles, meta, err)
}

func (s *Server) getRole(w http.ResponseWriter, r *http.Request) error {
	role, err := s.svc.Role(r.Context(), r.PathValue("role"))
	if err != nil {
		return err
	}
	return ok(w, role, nil)
}

func (s *Server) updateRole(w http.ResponseWriter, r *http.Request) error {
	var in parley.RoleUpdate
	if err := decode(r, &in); err != nil {
		return err
	}
	role, err := s.svc.UpdateRole(r.Context(), r.PathValue("role"), in)
	if err != nil {
		return err
	}
	return ok(w, role, nil)
}

func (s *Server) deleteRole(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.DeleteRole(r.Context(), r.PathValue("role")); err != nil {
		return err
	}
	return done(w, "role deleted")
}

// relationOwner is the user a relation call is about: the path's uid, or
// for the client routes (/v3/blockedusers) the acting user.
func relationOwner(r *http.Request) string {
	if uid := r.PathValue("uid"); uid != "" {
		return uid
	}
	return parley.ActorFrom(r.Context()).UID
}

func (s *Server) addFriends(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Accepted []string `json:"accepted"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.svc.AddFriends(r.Context(), r.PathValue("uid"), in.Accepted)
	return bulkUnder(w, "accepted", res, err)
}

func (s *Server) removeFriends(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Friends []string `json:"friends"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.svc.RemoveFriends(r.Context(), r.PathValue("uid"), in.Friends)
	return friendsRemoved(w, res, err)
}

func (s *Server) listFriends(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	uq := userQuery(q)
	if q.err != nil {
		return q.err
	}
	users, p, err := s.svc.Friends(r.Context(), r.PathValue("uid"), uq)
	return paged(w, users, p, err)
}

func (s *Server) blockUsers(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		BlockedUIDs []string `json:"blockedUids"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.svc.BlockUsers(r.Context(), relationOwner(r), in.BlockedUIDs)
	return bulk(w, res, err)
}

func (s *Server) unblockUsers(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		BlockedUIDs []string `json:"blockedUids"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.svc.UnblockUsers(r.Context(), relationOwner(r), in.BlockedUIDs)
	return bulk(w, res, err)
}

func (s *Server) listBlocked(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	uq := userQuery(q)
	direction := q.str("direction")
	if q.err != nil {
		return q.err
	}
	users, p, err := s.svc.BlockedUsers(r.Context(), relationOwner(r), direction, uq)
	return paged(w, users, p, err)
}

// bulk writes per-id results keyed by id.
func bulk(w http.ResponseWriter, res map[string]parley.BulkResult, err error) error {
	if err != nil {
		return err
	}
	return ok(w, res, nil)
}
