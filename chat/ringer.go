package chat

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/parleychat/parley"
)

// The ring timer. A call's due time (Call.RingUntil) is in the store, not
// in a timer of this process: a background sweep, started by New and
// stopped by Close, makes every active call whose due time has come
// unanswered. Its first sweep runs at start, so calls that came due while
// the server was down end then. Several nodes may sweep one store: each
// change re-reads the call in its transaction, so a call expires once.

// dueBatch bounds the calls one sweep reads at a time.
const dueBatch = 100

// sweepEvery is how often the sweep runs: every second (times are Unix
// seconds, and a clock set forward, as tests do, is seen within a second),
// more often when calls ring for less than two.
func sweepEvery(ring time.Duration) time.Duration {
	return min(time.Second, max(ring/2, 10*time.Millisecond))
}

// ringer is the sweep's goroutine.
type ringer struct {
	stop context.CancelFunc
	done chan struct{}
}

// startRinger starts the sweep.
func (s *Service) startRinger() {
	ctx, cancel := context.WithCancel(context.Background())
	s.ringer = ringer{stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.ringer.done)
		t := time.NewTicker(sweepEvery(s.ringTimeout))
		defer t.Stop()
		for {
			s.sweep(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// stopRinger stops the sweep and waits for it.
func (s *Service) stopRinger() {
	s.ringer.stop()
	<-s.ringer.done
}

// sweep expires the calls due now, a batch at a time. A panic (a broken
// clock or store) is logged, and the next tick tries again: the server
// goes on.
func (s *Service) sweep(ctx context.Context) {
	defer func() {
		if p := recover(); p != nil {
			s.log.ErrorContext(ctx, "chat: the ring sweep panicked", "panic", p, "stack", string(debug.Stack()))
		}
	}()
	for {
		refs, err := s.store.DueCalls(ctx, s.unix(), dueBatch)
		if err != nil {
			if ctx.Err() == nil {
				s.log.WarnContext(ctx, "chat: read the calls due", "err", err)
			}
			return
		}
		for _, r := range refs {
			if err := s.expireCall(ctx, r); err != nil {
				if ctx.Err() == nil {
					s.log.WarnContext(ctx, "chat: expire a call", "app", r.AppID, "session", r.SessionID, "err", err)
				}
				return // the next tick tries again
			}
		}
		if len(refs) < dueBatch {
			return
		}
	}
}

// expireCall makes a call still ringing past its due time unanswered,
// writing the call message of it (by the app, from the caller), which is
// published like any message once committed. A call answered, ended or
// expired meanwhile is left as it is.
func (s *Service) expireCall(ctx context.Context, r parley.CallRef) error {
	return s.store.InTx(ctx, func(tx parley.Tx) error {
		c, err := tx.Call(ctx, r.AppID, r.SessionID)
		if errors.Is(err, parley.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		now := s.unix()
		if !c.Active || c.RingUntil == 0 || c.RingUntil > now {
			return nil
		}
		applyMove(c, parley.SystemUID, parley.CallUnanswered, now)
		if err := tx.UpdateCall(ctx, r.AppID, c); err != nil {
			return err
		}
		recv, err := callFor(ctx, tx, r.AppID, c, parley.SystemUID)
		if err != nil {
			return err
		}
		m := s.callMessage(ctx, tx, r.AppID, c, parley.SystemUID, parley.CallUnanswered, recv)
		if err := appendAndTouch(ctx, tx, r.AppID, m); err != nil {
			return fmt.Errorf("append the unanswered message: %w", err)
		}
		return nil
	})
}
