package chat

import (
	"context"
	"strings"
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
// device, a key's update or deletion, an app's deletion, a block or
// unblock) goes through credStore, which marks what it changes as changing
// before the write and forgets it once the write committed, before the
// call that made it returns. A record marked changing is neither answered
// nor kept (see pending), so that no lookup between the commit and the
// forget answers with the old record; a read that began before the forget
// is not kept (see gen). The message writer relies on this for the
// receiver of a message and the blocks (receiverUser): with SQLite's one
// write connection, such a write commits either after the writer's
// transaction or before it began, and in the second case its mark or its
// forget is already there. Nodes of a cluster sharing a store will need
// the same forgets from each other: they are to ride the broker, as the
// events of these changes already do; until then authTTL bounds how long
// another node's change goes unseen. Lookups that fail are not kept: a
// wrong credential always reaches the store (and the rate limit of
// failures).

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
	mu  sync.Mutex
	gen uint64 // counts forgets: a read begun before one is not kept
	// pending counts the writes begun and not yet forgotten (credTx.change):
	// what they cover is read from the store, and not kept, meanwhile.
	pending map[forgetting]int
	apps    map[credKey]cached[bool]
	keys    map[credKey]cached[parley.APIKey]
	tokens  map[credKey]cached[parley.AuthToken]
	users   map[credKey]cached[parley.User]
	// blocks holds, under pairKey(a, b), whether a blocks b and whether b
	// blocks a: what the writer checks of each one-to-one message.
	blocks map[credKey]cached[[2]bool]
}

// The kinds of record, for pending's matches.
const (
	kindApp = iota
	kindKey
	kindToken
	kindUser
	kindBlock
)

// kindOf tells which of authCache's maps m is.
func kindOf(m any) int {
	switch m.(type) {
	case *map[credKey]cached[parley.APIKey]:
		return kindKey
	case *map[credKey]cached[parley.AuthToken]:
		return kindToken
	case *map[credKey]cached[parley.User]:
		return kindUser
	case *map[credKey]cached[[2]bool]:
		return kindBlock
	}
	return kindApp
}

// lookup returns the record kept under k, or the generation to keep the
// store's with.
func lookup[T any](c *authCache, m *map[credKey]cached[T], k credKey, now time.Time) (T, uint64, bool) {
	kind := kindOf(m)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := (*m)[k] // the map itself is read under the lock: keep may make it
	if !ok || !now.Before(e.until) || (len(c.pending) > 0 && c.changing(kind, k, e.v)) {
		var zero T
		return zero, c.gen, false
	}
	return e.v, c.gen, true
}

// keep stores v under k unless a forget happened since gen was read, or a
// write that covers it is under way.
func keep[T any](c *authCache, m *map[credKey]cached[T], k credKey, v T, gen uint64, now time.Time) {
	kind := kindOf(m)
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || (len(c.pending) > 0 && c.changing(kind, k, v)) {
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

// userReader reads users: the store, or a transaction of it.
type userReader interface {
	User(ctx context.Context, appID, uid, viewer string) (*parley.User, error)
}

// user returns a user (deleted ones too, as the store does), with no viewer.
func (c *authCache) user(ctx context.Context, st userReader, now func() time.Time, appID, uid string) (*parley.User, error) {
	return readThrough(c, &c.users, credKey{appID, uid}, now, func() (*parley.User, error) { return st.User(ctx, appID, uid, "") })
}

// blockReader reads blocks: the store, or a transaction of it.
type blockReader interface {
	Blocked(ctx context.Context, appID, a, b string) (aBlocksB, bBlocksA bool, err error)
}

// blocked reports whether a blocks b and whether b blocks a.
func (c *authCache) blocked(ctx context.Context, st blockReader, now func() time.Time, appID, a, b string) (aBlocksB, bBlocksA bool, err error) {
	v, err := readThrough(c, &c.blocks, credKey{appID, pairKey(a, b)}, now, func() (*[2]bool, error) {
		ab, ba, err := st.Blocked(ctx, appID, a, b)
		return &[2]bool{ab, ba}, err
	})
	if err != nil {
		return false, false, err
	}
	return v[0], v[1], nil
}

// pairKey is the key of the blocks between a and b, as asked (a first).
func pairKey(a, b string) string { return a + "\x00" + b }

// pairHas reports whether the pair under key k names uid.
func pairHas(k, uid string) bool {
	a, b, _ := strings.Cut(k, "\x00")
	return a == uid || b == uid
}

// changing reports whether a write under way covers the record v under k;
// c.mu is held.
func (c *authCache) changing(kind int, k credKey, v any) bool {
	for f := range c.pending {
		if f.covers(kind, k, v) {
			return true
		}
	}
	return false
}

// covers reports whether f changes the record v of its kind under k.
func (f forgetting) covers(kind int, k credKey, v any) bool {
	if k.app != f.app {
		return false
	}
	if f.all {
		return true
	}
	switch kind {
	case kindKey:
		return f.key == k.id
	case kindToken:
		t, _ := v.(parley.AuthToken)
		return f.token == k.id || (f.tokensOf != "" && f.tokensOf == t.UID)
	case kindUser:
		return f.allUsers || f.user == k.id
	case kindBlock:
		return f.pair != [2]string{} && (k.id == pairKey(f.pair[0], f.pair[1]) || k.id == pairKey(f.pair[1], f.pair[0])) ||
			f.blocksOf != "" && pairHas(k.id, f.blocksOf)
	}
	return false
}

// begin marks what a write is about to change: it is read from the store,
// and not kept, until end.
func (c *authCache) begin(f forgetting) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.pending = map[forgetting]int{}
	}
	c.pending[f]++
}

// end forgets what a write begun with begin changed, once it committed (or
// failed), and lifts its mark.
func (c *authCache) end(f forgetting) {
	c.forget(f)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending[f]--; c.pending[f] <= 0 {
		delete(c.pending, f)
	}
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
		dropApp(c.blocks, f.app)
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
	if f.pair != [2]string{} {
		delete(c.blocks, credKey{f.app, pairKey(f.pair[0], f.pair[1])})
		delete(c.blocks, credKey{f.app, pairKey(f.pair[1], f.pair[0])})
	}
	if f.blocksOf != "" {
		for k := range c.blocks {
			if k.app == f.app && pairHas(k.id, f.blocksOf) {
				delete(c.blocks, k)
			}
		}
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
	tokensOf string    // every token of this uid
	pair     [2]string // the blocks between these two uids
	blocksOf string    // every block of this uid, either way
}

// credStore is the store as the service uses it: each write that can
// change what authentication reads marks it as changing before it runs and
// forgets it once committed (see begin and end). Outside a transaction a
// write commits before it returns, so it forgets then; in one (InTx, or
// InSavepoint outside InTx) the forgets wait for the end of the
// transaction.
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
	defer func() { s.c.endAll(after) }()
	return s.store.InTx(ctx, func(tx parley.Tx) error {
		// Not reset when a store runs fn again: each begin needs its end.
		return fn(credTx{Tx: tx, c: s.c, after: &after})
	})
}

// InSavepoint, outside a transaction, runs fn in one of its own: as InTx.
func (s credStore) InSavepoint(ctx context.Context, fn func(tx parley.Tx) error) error {
	var after []forgetting
	defer func() { s.c.endAll(after) }()
	return s.store.InSavepoint(ctx, func(tx parley.Tx) error {
		return fn(credTx{Tx: tx, c: s.c, after: &after})
	})
}

// Ping reports whether the store is reachable.
func (s credStore) Ping(ctx context.Context) error { return s.store.Ping(ctx) }

// Close closes the store.
func (s credStore) Close() error { return s.store.Close() }

func (c *authCache) endAll(fs []forgetting) {
	for _, f := range fs {
		c.end(f)
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

// change runs write, which changes what f names: marked as changing from
// before it runs until it is forgotten, now or at the end of the
// transaction.
func (t credTx) change(f forgetting, write func() error) error {
	t.c.begin(f)
	if t.after != nil {
		*t.after = append(*t.after, f)
		return write()
	}
	defer t.c.end(f)
	return write()
}

// InSavepoint runs fn under a savepoint whose writes forget as t's do.
func (t credTx) InSavepoint(ctx context.Context, fn func(tx parley.Tx) error) error {
	return t.Tx.InSavepoint(ctx, func(tx parley.Tx) error { return fn(credTx{Tx: tx, c: t.c, after: t.after}) })
}

func (t credTx) DeleteApp(ctx context.Context, appID string) error {
	return t.change(forgetting{app: appID, all: true}, func() error { return t.Tx.DeleteApp(ctx, appID) })
}

func (t credTx) UpdateAPIKey(ctx context.Context, k *parley.APIKey) error {
	return t.change(forgetting{app: k.AppID, key: k.ID}, func() error { return t.Tx.UpdateAPIKey(ctx, k) })
}

func (t credTx) DeleteAPIKey(ctx context.Context, appID, id string) error {
	return t.change(forgetting{app: appID, key: id}, func() error { return t.Tx.DeleteAPIKey(ctx, appID, id) })
}

func (t credTx) UpdateUser(ctx context.Context, appID string, u *parley.User) error {
	return t.change(forgetting{app: appID, user: u.UID}, func() error { return t.Tx.UpdateUser(ctx, appID, u) })
}

// PurgeUser forgets the user and their tokens and blocks, which the store
// removes with them.
func (t credTx) PurgeUser(ctx context.Context, appID, uid string) error {
	return t.change(forgetting{app: appID, user: uid, tokensOf: uid, blocksOf: uid}, func() error { return t.Tx.PurgeUser(ctx, appID, uid) })
}

func (t credTx) SetPresence(ctx context.Context, appID, uid, status string, lastActiveAt int64) error {
	return t.change(forgetting{app: appID, user: uid}, func() error {
		return t.Tx.SetPresence(ctx, appID, uid, status, lastActiveAt)
	})
}

func (t credTx) ResetPresence(ctx context.Context, appID string, at int64) (n int, err error) {
	err = t.change(forgetting{app: appID, allUsers: true}, func() (err error) {
		n, err = t.Tx.ResetPresence(ctx, appID, at)
		return err
	})
	return n, err
}

func (t credTx) UpdateAuthToken(ctx context.Context, tok *parley.AuthToken) error {
	return t.change(forgetting{app: tok.AppID, token: tok.ID}, func() error { return t.Tx.UpdateAuthToken(ctx, tok) })
}

func (t credTx) DeleteAuthToken(ctx context.Context, appID, id string) error {
	return t.change(forgetting{app: appID, token: id}, func() error { return t.Tx.DeleteAuthToken(ctx, appID, id) })
}

func (t credTx) DeleteAuthTokens(ctx context.Context, appID, uid string) (n int, err error) {
	err = t.change(forgetting{app: appID, tokensOf: uid}, func() (err error) {
		n, err = t.Tx.DeleteAuthTokens(ctx, appID, uid)
		return err
	})
	return n, err
}

func (t credTx) Block(ctx context.Context, appID, blocker, blocked string, at int64) error {
	return t.change(forgetting{app: appID, pair: [2]string{blocker, blocked}}, func() error {
		return t.Tx.Block(ctx, appID, blocker, blocked, at)
	})
}

func (t credTx) Unblock(ctx context.Context, appID, blocker, blocked string) error {
	return t.change(forgetting{app: appID, pair: [2]string{blocker, blocked}}, func() error {
		return t.Tx.Unblock(ctx, appID, blocker, blocked)
	})
}
