package ratelimit

import "time"

// Rates configures Limits. A zero Rate turns its limit off.
type Rates struct {
	AuthFailuresPerAddr Rate // failed authentications per client address
	AuthFailuresPerApp  Rate // failed authentications per app (as claimed by the request)
	RequestsPerUser     Rate // authenticated requests per user (auth token or onBehalfOf)
	RequestsPerApp      Rate // authenticated requests per app
	MessagesPerUser     Rate // messages sent per user
	MessagesPerApp      Rate // messages sent per app
	MaxKeys             int  // keys each limiter tracks; DefaultMaxKeys when 0
}

// DefaultRates are generous: far above what one person does, high enough
// that `parley bench` and the write benchmarks are not throttled on one
// machine, low enough to turn a password-guessing flood into a trickle.
func DefaultRates() Rates {
	return Rates{
		AuthFailuresPerAddr: Rate{PerSecond: 10, Burst: 100},
		AuthFailuresPerApp:  Rate{PerSecond: 100, Burst: 1000},
		RequestsPerUser:     Rate{PerSecond: 500, Burst: 1000},
		RequestsPerApp:      Rate{PerSecond: 50_000, Burst: 100_000},
		MessagesPerUser:     Rate{PerSecond: 200, Burst: 1000},
		MessagesPerApp:      Rate{PerSecond: 30_000, Burst: 60_000},
	}
}

// Limits are the edge's limiters, one per rule. The REST API and the
// WebSocket gateway take the same *Limits. A nil *Limits limits nothing.
type Limits struct {
	authAddr, authApp *Limiter
	reqUser, reqApp   *Limiter
	msgUser, msgApp   *Limiter
}

// NewLimits makes the limiters for r.
func NewLimits(r Rates) *Limits {
	return &Limits{
		authAddr: New(r.AuthFailuresPerAddr, r.MaxKeys),
		authApp:  New(r.AuthFailuresPerApp, r.MaxKeys),
		reqUser:  New(r.RequestsPerUser, r.MaxKeys),
		reqApp:   New(r.RequestsPerApp, r.MaxKeys),
		msgUser:  New(r.MessagesPerUser, r.MaxKeys),
		msgApp:   New(r.MessagesPerApp, r.MaxKeys),
	}
}

// operatorKey stands for "no app" in the per-app failure table: the operator
// token is checked without one.
const operatorKey = "\x00operator"

// AuthBlocked reports whether an authentication from addr for app must be
// refused unchecked, and for how long: the address or the app used up its
// failures. It is asked before the credentials are checked, so a guesser
// learns nothing more until the bucket refills.
func (l *Limits) AuthBlocked(addr, app string) (bool, time.Duration) {
	if l == nil {
		return false, 0
	}
	if app == "" {
		app = operatorKey
	}
	a, wa := l.authAddr.Blocked(addr)
	b, wb := l.authApp.Blocked(app)
	return a || b, max(wa, wb)
}

// AuthFailed counts a failed authentication from addr for app.
func (l *Limits) AuthFailed(addr, app string) {
	if l == nil {
		return
	}
	if app == "" {
		app = operatorKey
	}
	l.authAddr.Allow(addr)
	l.authApp.Allow(app)
}

// Request takes a request from app's and, when uid is not empty, the user's
// budget. It reports false, and how long to wait, when either is used up.
func (l *Limits) Request(app, uid string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	return take(l.reqApp, l.reqUser, app, uid)
}

// Message takes one message from app's and the user's sending budget.
func (l *Limits) Message(app, uid string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	return take(l.msgApp, l.msgUser, app, uid)
}

// take takes from the user's bucket first, so that one user over their
// limit doesn't spend the app's budget that other users share.
func take(perApp, perUser *Limiter, app, uid string) (bool, time.Duration) {
	if uid != "" {
		if ok, wait := perUser.Allow(app + "/" + uid); !ok {
			return false, wait
		}
	}
	return perApp.Allow(app)
}
