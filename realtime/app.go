package realtime

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/realtime/ws"
)

// maxPending bounds the out-of-order message events an app holds while
// it waits for a hole to fill; past it the hole is refilled at once.
const maxPending = 4096

// appHub is the hub's part for one app: its broker subscription, the
// sequencer of its message ids, and its routing index. One goroutine (run)
// drains the subscription; the index and sequencer are guarded by mu, which
// registration takes too.
type appHub struct {
	hub   *Hub
	id    string
	ready chan struct{} // closed once the subscription is up (or failed: err)
	err   error
	quit  chan struct{} // closed by stop
	done  chan struct{} // closed when run has returned
	once  sync.Once
	sub   parley.Subscription
	refs  int // sessions holding the app; guarded by hub.mu

	mu   sync.Mutex
	dead bool // the subscription was lost: no more registrations

	// Sequencer: message events are routed in id order. delivered is the
	// last id routed; pending holds later ones until the gap fills.
	delivered  int64
	pending    map[int64]*parley.Event
	pendingMax int64

	// Routing index.
	users       map[string]*user
	groups      map[string]map[*user]struct{} // guid -> local members (their start ids in user.groups)
	allUsers    map[*session]struct{}         // presence subscription ALL_USERS
	friendsOnly map[*session]struct{}         // presence subscription FRIENDS
	byRole      map[string]map[*session]struct{}

	// Recent index changes, for registrations that raced with them.
	members memberRing
	ctl     ctlRing
}

// user is one user with connections on this node: what their connections
// are routed by. It is created from a chat.View on the user's first
// connection and kept current by the events that follow.
type user struct {
	uid      string
	profile  *parley.User     // as of auth or the last user_updated; the "user" of their receipts
	sessions []*session       // their authenticated connections here
	groups   map[string]int64 // guid -> log id their current membership began
	friends  map[string]bool
	blocked  map[string]bool // either direction
	// validFrom is the log position the user's groups are exact at:
	// member actions at or before it are already in them.
	validFrom int64
	reloads   uint32 // view reloads started; only the latest one applies
}

func newAppHub(h *Hub, appID string) *appHub {
	return &appHub{hub: h, id: appID, ready: make(chan struct{}), quit: make(chan struct{}), done: make(chan struct{}),
		pending: make(map[int64]*parley.Event), users: make(map[string]*user),
		groups: make(map[string]map[*user]struct{}), allUsers: make(map[*session]struct{}),
		friendsOnly: make(map[*session]struct{}), byRole: make(map[string]map[*session]struct{})}
}

// start subscribes, then reads the app's latest message id: subscribing
// first means every message committed after that read is published to the
// subscription, so routing starts with no hole.
func (a *appHub) start() {
	ctx, cancel := context.WithTimeout(a.hub.ctx, callTimeout)
	defer cancel()
	sub, err := a.hub.cfg.Broker.Subscribe(ctx, a.id)
	if err == nil {
		a.delivered, err = a.hub.svc.LatestMessageID(ctx, a.id)
		if err != nil {
			sub.Close()
		}
	}
	if err != nil {
		a.hub.log.Error("realtime: subscribe to app", "app", a.id, "err", err)
		a.err = parley.Internal(err)
		a.hub.forget(a)
		close(a.done)
		close(a.ready)
		return
	}
	a.sub = sub
	a.members.floor = a.delivered
	close(a.ready)
	a.run()
}

// stop ends run; it is safe to call more than once.
func (a *appHub) stop() { a.once.Do(func() { close(a.quit) }) }

// run routes the app's events until stop or until the subscription is lost.
func (a *appHub) run() {
	defer close(a.done)
	hole := time.NewTimer(time.Hour)
	hole.Stop()
	armed := false
	arm := func(holes bool) {
		switch {
		case holes && !armed:
			hole.Reset(a.hub.cfg.HoleWait)
		case !holes && armed:
			hole.Stop()
		}
		armed = holes
	}
	for {
		select {
		case e, ok := <-a.sub.C():
			if !ok {
				a.lost()
				return
			}
			arm(a.handle(e))
		case <-hole.C:
			armed = false
			arm(a.refill())
		case <-a.quit:
			a.drain()
			a.sub.Close()
			return
		}
	}
}

// drain routes what the subscription already holds, for a graceful stop.
func (a *appHub) drain() {
	holes := false
	for {
		select {
		case e, ok := <-a.sub.C():
			if !ok {
				return
			}
			holes = a.handle(e)
			continue
		default:
		}
		break
	}
	if holes {
		a.refill()
	}
}

// lost handles the end of the subscription while connections remain: the
// events it dropped can't be told apart, so every connection of the app is
// closed with CloseResync and resumes from the log on a fresh subscription.
func (a *appHub) lost() {
	err := a.sub.Err()
	a.hub.log.Warn("realtime: app subscription lost; connections resync", "app", a.id, "err", err)
	a.hub.forget(a)
	a.mu.Lock()
	a.dead = true
	var all []*session
	for _, u := range a.users {
		all = append(all, u.sessions...)
	}
	a.mu.Unlock()
	code, reason := CloseResync, "events were lost: reconnect and resume"
	if !errors.Is(err, parley.ErrSubscriptionLagged) {
		code, reason = ws.CloseGoingAway, "server shutting down"
	}
	for _, s := range all {
		s.close(code, reason)
	}
}

// handle sequences or routes one event and reports whether a hole is open.
func (a *appHub) handle(e *parley.Event) (holes bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if id := e.Route.MessageID; e.Type == parley.EventMessage && id > 0 {
		switch {
		case id <= a.delivered: // a duplicate, or refilled already
		case id == a.delivered+1:
			a.deliver(e)
			a.drainPending()
		default:
			a.pending[id] = e
			a.pendingMax = max(a.pendingMax, id)
			if len(a.pending) > maxPending {
				a.hub.log.Warn("realtime: many message events wait for a hole to fill", "app", a.id, "pending", len(a.pending))
			}
		}
		return len(a.pending) > 0
	}
	a.routeOther(e)
	return len(a.pending) > 0
}

// deliver routes the next message of the log. Caller holds mu.
func (a *appHub) deliver(e *parley.Event) {
	a.routeMessage(e)
	a.delivered = e.Route.MessageID
}

func (a *appHub) drainPending() {
	for {
		e, ok := a.pending[a.delivered+1]
		if !ok {
			break
		}
		delete(a.pending, a.delivered+1)
		a.deliver(e)
	}
	if len(a.pending) == 0 {
		a.pendingMax = 0
	}
}

// refill reads the messages of an open hole from the store and routes
// them; it reports whether a hole is still open. Ids are handed out in
// commit order, so every id below a pending one is committed: an id the
// store does not return was deleted for good, and is skipped.
func (a *appHub) refill() bool {
	for {
		a.mu.Lock()
		after, upto := a.delivered, a.pendingMax
		a.mu.Unlock()
		if upto <= after {
			return false
		}
		limit := int(min(upto-after, 1000))
		ctx, cancel := context.WithTimeout(a.hub.ctx, callTimeout)
		evs, err := a.hub.svc.LogEvents(ctx, a.id, after, limit)
		cancel()
		if err != nil {
			a.hub.log.Warn("realtime: refill a hole in the log", "app", a.id, "after", after, "err", err)
			return true // try again after HoleWait
		}
		a.mu.Lock()
		for _, e := range evs {
			id := e.Route.MessageID
			if id <= a.delivered {
				continue
			}
			a.skipTo(id - 1)
			if p, ok := a.pending[id]; ok {
				e = p // the live one knows the device it came from
				delete(a.pending, id)
			}
			a.deliver(e)
		}
		if len(evs) < limit {
			a.skipTo(upto) // the rest of the range is not in the log
		}
		a.drainPending()
		open := len(a.pending) > 0
		a.mu.Unlock()
		if !open || a.hub.ctx.Err() != nil {
			return open
		}
	}
}

// skipTo routes the pending events up to id in order, stepping over ids
// that are not in the log. Caller holds mu.
func (a *appHub) skipTo(id int64) {
	for a.delivered < id {
		next := a.delivered + 1
		if e, ok := a.pending[next]; ok {
			delete(a.pending, next)
			a.deliver(e)
			continue
		}
		a.delivered = next
	}
}

// Registration errors.
var (
	errTooMany = parley.Errorf(parley.KindTooMany, CodeTooManyConnections, "too many connections for this user")
	errResync  = parley.Errorf(parley.KindConflict, CodeSessionEnded, "the server lost events: reconnect and resume")
	errEnded   = parley.Errorf(parley.KindUnauthorized, CodeSessionEnded, "this session was ended")
)

// join registers s, authenticated as actor, in the routing index and puts
// it in catch-up mode (live events are buffered for it). It returns the
// log position the connection's live stream continues after: the routing
// point of the app, or the view's position when the user's view was read
// later than that. ctlSeq is the app's control sequence before the token
// was checked: a session end routed since then for this token or user
// ends the registration (recheck: the record of them is gone, check the
// token again).
//
// The race between a new user's view and the events routed meanwhile is
// closed with the member ring: a view older than the routing point gets
// the member actions it missed replayed onto it (and is read again only
// when the ring no longer reaches back that far); a view newer than the
// routing point holds as of its position, so the member actions up to it
// are not applied again (validFrom) and the connection starts after it.
func (a *appHub) join(ctx context.Context, s *session, actor parley.Actor, ctlSeq uint64) (start int64, recheck bool, err error) {
	for try := 0; ; try++ {
		a.mu.Lock()
		if a.dead {
			a.mu.Unlock()
			return 0, false, errResync
		}
		if ended, unknown := a.ctl.ended(ctlSeq, actor.UID, actor.TokenID); ended {
			a.mu.Unlock()
			return 0, false, errEnded
		} else if unknown {
			recheck = true
		}
		if u := a.users[actor.UID]; u != nil {
			if len(u.sessions) >= a.hub.cfg.MaxConnsPerUser {
				a.mu.Unlock()
				return 0, false, errTooMany
			}
			a.attach(u, s)
			start = max(a.delivered, u.validFrom) // where u's routing state is exact
			s.last = start
			a.mu.Unlock()
			return start, recheck, nil
		}
		relSeq := a.ctl.seq
		a.mu.Unlock()

		v, err := a.hub.svc.View(parley.NewContext(ctx, actor))
		if err != nil {
			return 0, false, err
		}
		a.mu.Lock()
		if a.dead || a.users[actor.UID] != nil || (v.Position < a.delivered && !a.members.covers(v.Position)) {
			a.mu.Unlock()
			if try < 5 {
				continue // attach to the user made meanwhile, or read a newer view
			}
			return 0, false, parley.Internal(errors.New("realtime: no consistent view"))
		}
		u := &user{uid: actor.UID, profile: actor.User, groups: v.Groups, friends: v.Friends, blocked: v.Blocked}
		if v.Position < a.delivered {
			a.members.replay(u, v.Position, a.delivered)
		}
		u.validFrom = max(v.Position, a.delivered)
		compact(u)
		a.addUser(u)
		a.attach(u, s)
		start = u.validFrom
		s.last = start
		if a.ctl.relationSince(relSeq, u.uid) {
			a.reload(u)
		}
		a.mu.Unlock()
		return start, recheck, nil
	}
}

// compact drops empty maps: most users have no friends or blocks, and an
// idle connection should cost little.
func compact(u *user) {
	if len(u.groups) == 0 {
		u.groups = nil
	}
	if len(u.friends) == 0 {
		u.friends = nil
	}
	if len(u.blocked) == 0 {
		u.blocked = nil
	}
}

// attach adds s to u and to the presence subscription sets. Caller holds mu.
func (a *appHub) attach(u *user, s *session) {
	u.sessions = append(u.sessions, s)
	s.user = u
	s.buf = &catchup{}
	switch s.mode {
	case subAllUsers:
		a.allUsers[s] = struct{}{}
	case subFriends:
		a.friendsOnly[s] = struct{}{}
	case subRoles:
		for _, r := range s.roles {
			set := a.byRole[r]
			if set == nil {
				set = make(map[*session]struct{})
				a.byRole[r] = set
			}
			set[s] = struct{}{}
		}
	}
	a.hub.presence.connected(a.id, u.uid)
}

// leave removes s from the index; the user goes with their last session.
func (a *appHub) leave(s *session) {
	a.mu.Lock()
	u := s.user
	for i, x := range u.sessions {
		if x == s {
			u.sessions = append(u.sessions[:i], u.sessions[i+1:]...)
			break
		}
	}
	delete(a.allUsers, s)
	delete(a.friendsOnly, s)
	for _, r := range s.roles {
		if set := a.byRole[r]; set != nil {
			delete(set, s)
			if len(set) == 0 {
				delete(a.byRole, r)
			}
		}
	}
	if len(u.sessions) == 0 && a.users[u.uid] == u {
		a.removeUser(u)
	}
	a.mu.Unlock()
	a.hub.presence.disconnected(a.id, u.uid)
}

func (a *appHub) addUser(u *user) {
	a.users[u.uid] = u
	for guid := range u.groups {
		a.addMember(guid, u)
	}
}

func (a *appHub) removeUser(u *user) {
	delete(a.users, u.uid)
	for guid := range u.groups {
		a.dropMember(guid, u)
	}
}

func (a *appHub) addMember(guid string, u *user) {
	set := a.groups[guid]
	if set == nil {
		set = make(map[*user]struct{})
		a.groups[guid] = set
	}
	set[u] = struct{}{}
}

func (a *appHub) dropMember(guid string, u *user) {
	if set := a.groups[guid]; set != nil {
		delete(set, u)
		if len(set) == 0 {
			delete(a.groups, guid)
		}
	}
}

// goLive ends s's catch-up: the live events buffered for it since it
// registered are sent, but for messages at or before cut (sent by the
// catch-up already, or left for the client to page), and s receives live
// events directly from now on.
func (a *appHub) goLive(s *session, cut int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	b := s.buf
	s.buf = nil
	s.last = max(s.last, cut)
	if b == nil || b.over {
		return
	}
	c := s.conn()
	for i, f := range b.frames {
		if id := b.ids[i]; id > 0 && id <= cut {
			continue
		}
		if !c.Send(f) {
			return
		}
	}
}

// reload reads u's view again after their friends or blocks changed and
// takes its relations (groups stay as the log keeps them). Caller holds mu.
func (a *appHub) reload(u *user) {
	u.reloads++
	gen := u.reloads
	actor := parley.Actor{AppID: a.id, Access: parley.AccessUser, UID: u.uid}
	a.hub.goBackground(func() {
		ctx, cancel := context.WithTimeout(a.hub.ctx, callTimeout)
		defer cancel()
		v, err := a.hub.svc.View(parley.NewContext(ctx, actor))
		if err != nil {
			a.hub.log.Warn("realtime: reload a user's view", "app", a.id, "uid", actor.UID, "err", err)
			return
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.users[u.uid] == u && u.reloads == gen {
			u.friends, u.blocked = v.Friends, v.Blocked
			if len(u.friends) == 0 {
				u.friends = nil
			}
			if len(u.blocked) == 0 {
				u.blocked = nil
			}
		}
	})
}
