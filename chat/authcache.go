package chat

import (
	"context"
	"sync"
	"time"

	"github.com/parleychat/parley"
)

// Authentication reads the same records on every request: the app, the API
// key or auth token, and the user the request acts as. Read from SQLite
// each time they were a quarter of the server's CPU on the message path
// (docs/benchmarks.md), so a node keeps them in memory, in authCache.
//
// The cache never answers with a record older than the last change this
// node committed: every store write that can change one of them (a user's
// update, deactivation or deletion, presence, a token's revocation or
// device, a key's update or deletion, an app's deletion) goes through
// credStore, which forgets what it changes once the write committed, before
// the call that made it returns. A read that began before the forget is not
// kept (see gen). Nodes of a cluster sharing a store will need the same
// forgets from each other: they are to ride the broker, as the events of
// these changes already do; until then authTTL bounds how long another
// node's change goes unseen. Lookups that fail are not kept: a wrong
// credential always reaches the store (and the rate limit of failures).

// authTTL is how long a record is trusted without a change seen: a backstop
// for changes this node can't see (see above), not what keeps it right.
const authTTL = time.Minute

// authMaxEntries bounds each kind of record kept; past it an arbitrary one
// goes.
const authMaxEntries = 100_000

// credKey names a record of an app: an API key's or token's public id, or a
// uid; "" for the app itself.
type credKey struct{ app, id string }

type cached[T any] struct {
	v     T
	until time.Time
}

// authCache keeps the records authentication reads. Its zero value is
// ready to use.
type authCache struct {
	mu     sync.Mutex
	gen    uint64 // counts forgets: a read begun before one is not kept
	apps   map[credKey]cached[bool]
	keys   map[credKey]cached[parley.APIKey]
	tokens map[credKey]cached[parley.AuthToken]
	users  map[credKey]cached[parley.User]
}

// lookup returns the record kept under k, or the generation to keep the
// store's with.
func lookup[T any](c *authCache, m *map[credKey]cached[T], k credKey, now time.Time) (T, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := (*m)[k] // the map itself is read under the lock: keep may make it
	if !ok || !now.Before(e.until) {
		var zero T
		return zero, c.gen, false
	}
	return e.v, c.gen, true
}

// keep stores v under k unless a forget happened since gen was read.
func keep[T any](c *authCache, m *map[credKey]cached[T], k credKey, v T, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if *m == nil {
		*m = make(map[credKey]cached[T])
	}
	if len(*m) >= authMaxEntries {
		for k := range *m { // map order is random enough
			delete(*m, k)
			break
		}
	}
	(*m)[k] = cached[T]{v: v, until: now.Add(authTTL)}
}

// readThrough returns the record under k from m, or reads it with read and
// keeps it.
func readThrough[T any](c *authCache, m *map[credKey]cached[T], k credKey, now func() time.Time, read func() (*T, error)) (*T, error) {
	v, gen, ok := lookup(c, m, k, now())
	if ok {
		return &v, nil // a copy: the caller may change it
	}
	p, err := read()
	if err != nil {
		return nil, err
	}
	keep(c, m, k, *p, gen, now())
	return p, nil
}

// app checks that the app exists.
func (c *authCache) app(ctx context.Context, st parley.Store, now func() time.Time, appID string) error {
	_, err := readThrough(c, &c.apps, credKey{appID, ""}, now, func() (*bool, error) {
		_, err := st.App(ctx, appID)
		ok := err == nil
		return &ok, err
	})
	return err
}

// apiKey returns an app's API key by its public id.
func (c *authCache) apiKey(ctx context.Context, st parley.Store, now func() time.Time, appID, id string) (*parley.APIKey, error) {
	return readThrough(c, &c.keys, credKey{appID, id}, now, func() (*parley.APIKey, error) { return st.APIKey(ctx, appID, id) })
}

// authToken returns an app's auth token by its public id.
func (c *authCache) authToken(ctx context.Context, st parley.Store, now func() time.Time, appID, id string) (*parley.AuthToken, error) {
	return readThrough(c, &c.tokens, credKey{appID, id}, now, func() (*parley.AuthToken, error) { return st.AuthToken(ctx, appID, id) })
}

// user returns a user (deleted ones too, as the store does), with no viewer.
func (c *authCache) user(ctx context.Context, st parley.Store, now func() time.Time, appID, uid string) (*parley.User, error) {
	return readThrough(c, &c.users, credKey{appID, uid}, now, func() (*parley.User, error) { return st.User(ctx, appID, uid, "") })
}

// forget drops the records of app that match: its own entry and everything
// of it when all, else the key, token or user named, and every token of
// tokensOf.
func (c *authCache) forget(f forgetting) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if f.all {
		dropApp(c.apps, f.app)
		dropApp(c.keys, f.app)
		dropApp(c.tokens, f.app)
		dropApp(c.users, f.app)
		return
	}
	if f.allUsers {
		dropApp(c.users, f.app)
	}
	if f.key != "" {
		delete(c.keys, credKey{f.app, f.key})
	}
	if f.token != "" {
		delete(c.tokens, credKey{f.app, f.token})
	}
	if f.user != "" {
		delete(c.users, credKey{f.app, f.user})
	}
	if f.tokensOf != "" {
		for k, e := range c.tokens {
			if k.app == f.app && e.v.UID == f.tokensOf {
				delete(c.tokens, k)
			}
		}
	}
}

func dropApp[T any](m map[credKey]cached[T], app string) {
	for k := range m {
		if k.app == app {
			delete(m, k)
		}
	}
}

// forgetting names what a write changed.
type forgetting struct {
	app      string
	all      bool // the app and everything of it
	allUsers bool // every user of the app
	key      string
	token    string
	user     string
	tokensOf string // every token of this uid
}

// credStore is the store as the service uses it: each write that can
// change what authentication reads forgets it once committed. Outside a
// transaction a write commits before it returns, so it forgets then; in
// one (InTx, or InSavepoint outside InTx) the forgets wait for the end of
// the transaction.
type credStore struct {
	credTx
	store parley.Store
}

func newCredStore(st parley.Store, c *authCache) credStore {
	return credStore{credTx: credTx{Tx: st, c: c}, store: st}
}

// InTx runs fn in a transaction whose writes forget what they change once
// it ended (committed or not).
func (s credStore) InTx(ctx context.Context, fn func(tx parley.Tx) error) error {
	var after []forgetting
	defer func() { s.c.forgetAll(after) }()
	return s.store.InTx(ctx, func(tx parley.Tx) error {
		after = after[:0] // a store may run fn again
		return fn(credTx{Tx: tx, c: s.c, after: &after})
	})
}

// InSavepoint, outside a transaction, runs fn in one of its own: as InTx.
func (s credStore) InSavepoint(ctx context.Context, fn func(tx parley.Tx) error) error {
	var after []forgetting
	defer func() { s.c.forgetAll(after) }()
	return s.store.InSavepoint(ctx, func(tx parley.Tx) error {
		after = after[:0]
		return fn(credTx{Tx: tx, c: s.c, after: &after})
	})
}

// Ping reports whether the store is reachable.
func (s credStore) Ping(ctx context.Context) error { return s.store.Ping(ctx) }

// Close closes the store.
func (s credStore) Close() error { return s.store.Close() }

func (c *authCache) forgetAll(fs []forgetting) {
	for _, f := range fs {
		c.forget(f)
	}
}

// credTx is a transaction (or, in credStore, the store itself) whose
// writes forget what they change: at once outside a transaction (after is
// nil), at its end inside one.
type credTx struct {
	parley.Tx
	c     *authCache
	after *[]forgetting
}

// changed forgets f now, or notes it for the end of the transaction; it
// returns err.
func (t credTx) changed(f forgetting, err error) error {
	if t.after != nil {
		*t.after = append(*t.after, f)
	} else {
		t.c.forget(f)
	}
	return err
}

// InSavepoint runs fn under a savepoint whose writes forget as t's do.
func (t credTx) InSavepoint(ctx context.Context, fn func(tx parley.Tx) error) error {
	return t.Tx.InSavepoint(ctx, func(tx parley.Tx) error { return fn(credTx{Tx: tx, c: t.c, after: t.after}) })
}

func (t credTx) DeleteApp(ctx context.Context, appID string) error {
	return t.changed(forgetting{app: appID, all: true}, t.Tx.DeleteApp(ctx, appID))
}

func (t credTx) UpdateAPIKey(ctx context.Context, k *parley.APIKey) error {
	return t.changed(forgetting{app: k.AppID, key: k.ID}, t.Tx.UpdateAPIKey(ctx, k))
}

func (t credTx) DeleteAPIKey(ctx context.Context, appID, id string) error {
	return t.changed(forgetting{app: appID, key: id}, t.Tx.DeleteAPIKey(ctx, appID, id))
}

func (t credTx) UpdateUser(ctx context.Context, appID string, u *parley.User) error {
	return t.changed(forgetting{app: appID, user: u.UID}, t.Tx.UpdateUser(ctx, appID, u))
}

// PurgeUser forgets the user and their tokens, which the store removes
// with them.
func (t credTx) PurgeUser(ctx context.Context, appID, uid string) error {
	return t.changed(forgetting{app: appID, user: uid, tokensOf: uid}, t.Tx.PurgeUser(ctx, appID, uid))
}

func (t credTx) SetPresence(ctx context.Context, appID, uid, status string, lastActiveAt int64) error {
	return t.changed(forgetting{app: appID, user: uid}, t.Tx.SetPresence(ctx, appID, uid, status, lastActiveAt))
}

func (t credTx) ResetPresence(ctx context.Context, appID string, at int64) (int, error) {
	n, err := t.Tx.ResetPresence(ctx, appID, at)
	return n, t.changed(forgetting{app: appID, allUsers: true}, err)
}

func (t credTx) UpdateAuthToken(ctx context.Context, tok *parley.AuthToken) error {
	return t.changed(forgetting{app: tok.AppID, token: tok.ID}, t.Tx.UpdateAuthToken(ctx, tok))
}

func (t credTx) DeleteAuthToken(ctx context.Context, appID, id string) error {
	return t.changed(forgetting{app: appID, token: id}, t.Tx.DeleteAuthToken(ctx, appID, id))
}

func (t credTx) DeleteAuthTokens(ctx context.Context, appID, uid string) (int, error) {
	n, err := t.Tx.DeleteAuthTokens(ctx, appID, uid)
	return n, t.changed(forgetting{app: appID, tokensOf: uid}, err)
}
