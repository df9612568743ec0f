package ws

import (
	"sync"
	"time"
)

// wheel is a timing wheel of connections: each open or lingering
// connection has one live entry, in the slot of the time the sweeper
// should next look at it (when it would be due a ping, an idle close or
// the end of its linger if nothing were heard from it meanwhile). The
// sweeper visits only the slots that came due, so a tick costs the
// connections due then, not every connection: an active connection is
// looked at once per PingInterval, however often it speaks. Bytes received
// only move Conn.lastRead; the visit finds the connection was heard from
// and puts it back further on.
type wheel struct {
	tick int64 // nanoseconds a slot spans

	mu    sync.Mutex
	slots [][]*Conn
	cur   int64 // the last slot number (time / tick) visited
}

func newWheel(cfg Config) *wheel {
	tick := sweepTick(cfg)
	// Enough slots for the furthest time a connection is put at: its idle
	// deadline (the longest a connection's keepalive may set), or the end
	// of a linger. A connection due later still is put at the horizon
	// (scheduleLocked) and put further on when visited.
	n := int64(max(cfg.IdleTimeout, cfg.PingInterval, cfg.MaxIdleTimeout, maxLinger)/tick) + 3
	return &wheel{tick: int64(tick), slots: make([][]*Conn, n)}
}

// sweepTick is how often the sweeper wakes: a quarter of the shortest
// timing, so timeouts fire at most 25 % late, and at least every half
// second, so lingering connections end on time. A connection's own
// keepalive (Conn.SetKeepalive) does not change it: longer timings are
// only more slots.
func sweepTick(cfg Config) time.Duration {
	return max(min(cfg.IdleTimeout/4, cfg.PingInterval/4, maxLinger/2), time.Millisecond)
}

// schedule puts c at time at (Server.now nanoseconds), unless its live
// entry is due sooner already.
func (w *wheel) schedule(c *Conn, at int64) {
	w.mu.Lock()
	w.scheduleLocked(c, at)
	w.mu.Unlock()
}

func (w *wheel) scheduleLocked(c *Conn, at int64) {
	slot := at / w.tick
	slot = min(max(slot, w.cur+1), w.cur+int64(len(w.slots))-1)
	if c.slot > w.cur && c.slot <= slot {
		return // its entry comes sooner
	}
	c.slot = slot
	i := slot % int64(len(w.slots))
	w.slots[i] = append(w.slots[i], c)
}

// due takes the live entries of the slots up to now's, appending them to
// buf; each taken connection has no live entry until it is put back.
func (w *wheel) due(now int64, buf []*Conn) []*Conn {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.cur < now/w.tick {
		w.cur++
		i := w.cur % int64(len(w.slots))
		for _, c := range w.slots[i] {
			if c.slot == w.cur { // else moved since: a stale entry
				c.slot = 0
				buf = append(buf, c)
			}
		}
		clear(w.slots[i])
		if cap(w.slots[i]) > 64 && len(w.slots[i]) < cap(w.slots[i])/4 {
			w.slots[i] = nil // let a slot that was crowded once shrink
		} else {
			w.slots[i] = w.slots[i][:0]
		}
	}
	return buf
}

// sweep runs the timing side of every connection from one goroutine, so no
// connection holds a timer: it pings connections it has not heard from for
// PingInterval (so half-open peers are found), closes those silent for
// IdleTimeout with CloseIdle (each connection's own timings when it has
// them: Conn.SetKeepalive), and cuts those lingering after their close
// frame past their deadline. It looks only at the connections due (wheel).
func (s *Server) sweep() {
	defer close(s.sweepDone)
	t := time.NewTicker(sweepTick(s.cfg))
	defer t.Stop()
	type next struct {
		c  *Conn
		at int64
	}
	var due, idle, ping, linger []*Conn
	var later []next
	defIdle, defPing := int64(s.cfg.IdleTimeout), int64(s.cfg.PingInterval)
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		now := s.now()
		due = s.wheel.due(now, due)
		for _, c := range due {
			switch c.state.Load() {
			case stateOpen:
				pingAfter, idleAfter := defPing, defIdle
				if ka := c.keepalive.Load(); ka != 0 {
					pingAfter, idleAfter = unpackKeepalive(ka)
				}
				heard := c.lastRead.Load()
				quiet := now - heard
				pinged := c.lastPing >= heard // since last heard from
				switch {
				case quiet >= idleAfter:
					idle = append(idle, c) // the close's linger puts it back
				case pinged:
					later = append(later, next{c, heard + idleAfter})
				case quiet >= pingAfter:
					c.lastPing = now
					ping = append(ping, c)
					later = append(later, next{c, heard + idleAfter})
				default:
					// min: a ping interval at or past the idle timeout
					// means no ping, and the close must still come on time.
					later = append(later, next{c, heard + min(pingAfter, idleAfter)})
				}
			case stateLinger:
				if until := c.lingerUntil.Load(); now < until {
					later = append(later, next{c, until})
				} else {
					linger = append(linger, c)
				}
			}
			// Closing: closeSent puts it back when it lingers. Done: gone.
		}
		if len(later) > 0 {
			s.wheel.mu.Lock()
			for _, n := range later {
				s.wheel.scheduleLocked(n.c, n.at)
			}
			s.wheel.mu.Unlock()
		}
		for _, c := range idle {
			c.Close(CloseIdle, "idle timeout")
		}
		for _, c := range ping {
			c.sendControl(s.ping)
		}
		for _, c := range linger {
			c.teardown(CloseAbnormal)
		}
		clear(due)
		clear(idle)
		clear(ping)
		clear(linger)
		clear(later)
		due, idle, ping, linger, later = due[:0], idle[:0], ping[:0], linger[:0], later[:0]
	}
}

// packKeepalive packs a connection's ping interval and idle timeout into
// one word, in milliseconds (each at most 2³²−1 ms, 49 days), so that the
// sweeper reads both in one atomic load, never one old and one new.
func packKeepalive(ping, idle time.Duration) uint64 {
	ms := func(d time.Duration) uint64 { return uint64(min(max(d.Milliseconds(), 1), 1<<32-1)) }
	return ms(ping)<<32 | ms(idle)
}

// unpackKeepalive returns the ping interval and idle timeout of a packed
// keepalive, in nanoseconds.
func unpackKeepalive(ka uint64) (ping, idle int64) {
	return int64(ka>>32) * int64(time.Millisecond), int64(ka&(1<<32-1)) * int64(time.Millisecond)
}
