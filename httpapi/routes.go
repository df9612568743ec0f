package httpapi

import (
	"net/http"
	"slices"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/docs"
)

// routeMux is the router, remembering each pattern registered on it so
// that Routes can list the REST surface (TestSpecCoversEveryRoute holds
// docs/openapi.yaml to it).
type routeMux struct {
	*http.ServeMux
	patterns []string
}

// Handle registers h for pattern, as http.ServeMux.Handle does.
func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.ServeMux.Handle(pattern, h)
	m.patterns = append(m.patterns, pattern)
}

// Routes returns the patterns of every registered route ("GET /v3/users",
// "GET /v3/media/{key...}"), in the order they were registered.
func (s *Server) Routes() []string { return slices.Clone(s.mux.patterns) }

// routes registers every endpoint. The list is the REST surface at a glance;
// docs/api.md documents each.
func (s *Server) routes() {
	m := s.mux
	m.Handle("GET /healthz", s.public(s.healthz))
	m.Handle("GET /readyz", s.public(s.readyz))
	m.Handle("GET /v3/openapi.yaml", s.public(s.openAPI)) // docs/openapi.yaml

	// Apps and keys (API.md §2).
	m.Handle("POST /v3/apps", s.api(s.createApp))
	m.Handle("GET /v3/apps", s.api(s.listApps))
	m.Handle("GET /v3/apps/{appId}", s.api(s.getApp))
	m.Handle("DELETE /v3/apps/{appId}", s.api(s.deleteApp))
	m.Handle("POST /v3/apikeys", s.api(s.createAPIKey))
	m.Handle("GET /v3/apikeys", s.api(s.listAPIKeys))
	m.Handle("GET /v3/apikeys/{apiKey}", s.api(s.getAPIKey))
	m.Handle("PUT /v3/apikeys/{apiKey}", s.api(s.updateAPIKey))
	m.Handle("DELETE /v3/apikeys/{apiKey}", s.api(s.deleteAPIKey))

	// Users, tokens, roles, relations (API.md §3).
	m.Handle("POST /v3/users", s.api(s.createUser))
	m.Handle("GET /v3/users", s.api(s.listUsers))
	m.Handle("PUT /v3/users", s.api(s.reactivateUsers))
	m.Handle("DELETE /v3/users", s.api(s.deactivateUsers))
	m.Handle("GET /v3/users/{uid}", s.api(s.getUser))
	m.Handle("PUT /v3/users/{uid}", s.api(s.updateUser))
	m.Handle("DELETE /v3/users/{uid}", s.api(s.deleteUser))
	m.Handle("POST /v3/users/{uid}/auth_tokens", s.api(s.createAuthToken))
	m.Handle("GET /v3/users/{uid}/auth_tokens", s.api(s.listAuthTokens))
	m.Handle("DELETE /v3/users/{uid}/auth_tokens", s.api(s.flushAuthTokens))
	m.Handle("GET /v3/users/{uid}/auth_tokens/{authToken}", s.api(s.getAuthToken))
	m.Handle("PUT /v3/users/{uid}/auth_tokens/{authToken}", s.api(s.updateAuthToken))
	m.Handle("DELETE /v3/users/{uid}/auth_tokens/{authToken}", s.api(s.deleteAuthToken))
	m.Handle("GET /v3/me", s.api(s.getMe))
	m.Handle("PUT /v3/me", s.api(s.updateMe))
	m.Handle("DELETE /v3/me", s.api(s.logout))
	m.Handle("POST /v3/roles", s.api(s.createRole))
	m.Handle("GET /v3/roles", s.api(s.listRoles))
	m.Handle("GET /v3/roles/{role}", s.api(s.getRole))
	m.Handle("PUT /v3/roles/{role}", s.api(s.updateRole))
	m.Handle("DELETE /v3/roles/{role}", s.api(s.deleteRole))
	m.Handle("POST /v3/roles/{role}/restrictedfeatures", s.api(s.restrictFeatures))
	m.Handle("GET /v3/roles/{role}/restrictedfeatures", s.api(s.listRestrictedFeatures))
	m.Handle("DELETE /v3/roles/{role}/restrictedfeatures", s.api(s.allowFeatures))
	m.Handle("POST /v3/users/{uid}/friends", s.api(s.addFriends))
	m.Handle("GET /v3/users/{uid}/friends", s.api(s.listFriends))
	m.Handle("DELETE /v3/users/{uid}/friends", s.api(s.removeFriends))
	m.Handle("POST /v3/users/{uid}/blockedusers", s.api(s.blockUsers))
	m.Handle("GET /v3/users/{uid}/blockedusers", s.api(s.listBlocked))
	m.Handle("DELETE /v3/users/{uid}/blockedusers", s.api(s.unblockUsers))
	m.Handle("POST /v3/blockedusers", s.api(s.blockUsers))
	m.Handle("GET /v3/blockedusers", s.api(s.listBlocked))
	m.Handle("DELETE /v3/blockedusers", s.api(s.unblockUsers))

	s.groupRoutes()   // API.md §4
	s.messageRoutes() // API.md §5, §6
	s.threadRoutes()
	s.callRoutes() // API.md §7
	s.pushRoutes()
	s.webhookRoutes() // API.md §8
	s.operatorRoutes()

	if s.rt != nil { // API.md §9; the hub authenticates with the first frame
		m.Handle("GET /v3/ws", s.rt)
	}
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	return ok(w, map[string]string{"status": "ok"}, nil)
}

// openAPI serves the API's OpenAPI description, which needs no credentials:
// it is what a client generator or a newcomer reads first.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/yaml")
	_, _ = w.Write(docs.OpenAPI()) // the client went away; nothing to do
	return nil
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if s.store != nil {
		if err := s.store.Ping(r.Context()); err != nil {
			return &parley.Error{Kind: parley.KindUnavailable, Code: parley.CodeStoreDown,
				Message: "the store is not reachable", Err: err}
		}
	}
	return ok(w, map[string]string{"status": "ready"}, nil)
}
