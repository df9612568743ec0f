package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/internal/ratelimit"
)

// The rate limits are transport-edge policy and all of them are applied
// here; the buckets live in internal/ratelimit, shared with the WebSocket
// gateway. Order for each authenticated request: refuse unchecked while the
// client's address or the app has used up its failed authentications; check
// the credentials, counting a wrong secret against both; then take from the
// user's and the app's request budget, and for a send their message budget.

// authenticate checks c unless the address or the app is blocked for
// failing too often.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, c chat.Credentials) (parley.Actor, error) {
	addr := ratelimit.ClientKey(r, s.ipHeader)
	if blocked, wait := s.limits.AuthBlocked(addr, c.AppID); blocked {
		return parley.Actor{}, tooMany(w, wait, "too many failed authentications")
	}
	a, err := s.svc.Authenticate(r.Context(), c)
	if err != nil && guessed(err) {
		s.limits.AuthFailed(addr, c.AppID)
	}
	return a, err
}

// guessed reports whether a failed authentication presented a secret (or an
// app id) that was wrong: what a brute-force attempt looks like. Missing
// headers and users that are deactivated don't count.
func guessed(err error) bool {
	switch parley.CodeOf(err) {
	case parley.CodeAppIDNotFound, parley.CodeAPIKeyNotFound, parley.CodeAuthTokenNotFound, parley.CodeOperatorToken:
		return true
	}
	return false
}

// admit takes the request, and for a send one message, from the actor's
// user and app budgets. The operator managing apps (no app) is not limited.
func (s *Server) admit(w http.ResponseWriter, a parley.Actor, sends bool) error {
	if a.AppID == "" {
		return nil
	}
	if ok, wait := s.limits.Request(a.AppID, a.UID); !ok {
		return tooMany(w, wait, "too many requests")
	}
	if sends {
		if ok, wait := s.limits.Message(a.AppID, a.UID); !ok {
			return tooMany(w, wait, "too many messages")
		}
	}
	return nil
}

// tooMany sets Retry-After (whole seconds, at least 1) and returns the 429.
func tooMany(w http.ResponseWriter, wait time.Duration, what string) error {
	secs := int(math.Max(1, math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return parley.Errorf(parley.KindTooMany, parley.CodeRateLimited, "%s; retry after %d s", what, secs)
}
