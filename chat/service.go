// Package chat is Parley's service layer. Every business rule lives here,
// once: input validation, who may do what, transaction boundaries and the
// action messages a change writes. Transports (httpapi, realtime) translate
// to and from these calls and hold no rules of their own.
//
// Every method takes the request's context, which carries the acting
// parley.Actor (see parley.NewContext); the actor decides what the call may
// do and scopes it to one app.
package chat

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleychat/parley"
)

// Limits bounds what one request may ask for.
type Limits struct {
	DefaultPerPage int // entity lists
	MaxPerPage     int
}

// DefaultLimits are the limits used when Config leaves them zero.
var DefaultLimits = Limits{DefaultPerPage: 100, MaxPerPage: 1000}

// Config configures a Service.
type Config struct {
	Store  parley.Store
	Logger *slog.Logger
	Now    func() time.Time // the clock; time.Now when nil
	Limits Limits
	// Blobs keeps uploaded files; without it, media messages take only
	// attachment URLs.
	Blobs Blobs
	// MaxUpload is the largest file a message may carry (DefaultMaxUpload).
	MaxUpload int64
	// PublicURL prefixes the media URLs Parley signs ("" makes them
	// relative to the API's host).
	PublicURL string
	// PasswordCost is the bcrypt cost of group passwords; bcrypt's default
	// when zero. Tests lower it.
	PasswordCost int
	// Broker carries the events of committed changes to the real-time
	// hubs; nil publishes nothing.
	Broker parley.Broker
	// RingTimeout is how long a call rings before it becomes unanswered
	// (DefaultRingTimeout when zero); whole seconds, rounded up.
	RingTimeout time.Duration
	// Push takes the committed messages that may be pushed to users who
	// are not connected (push.Dispatcher); nil pushes nothing.
	Push Pusher
	// NotifyDeliveries is called once a transaction that queued webhook
	// deliveries committed (package webhook's Dispatcher.Notify); nil
	// leaves them to the dispatcher's poll.
	NotifyDeliveries func()
	// Moderator asks an app's before_message webhook about each message
	// before it is stored (package webhook's Dispatcher); nil skips the
	// hook.
	Moderator Moderator
	// ModerationTimeout bounds the wait for a before_message hook
	// (DefaultModerationTimeout when zero); past it the app's
	// rejectOnFailure setting decides.
	ModerationTimeout time.Duration
	// PipelineSyncs lets the message writer commit a batch before the
	// write-ahead log is synced and sync it beside the next batch (see
	// logSyncer in writer.go); a send is still answered only once synced.
	// Off: each batch commits and syncs before the next begins.
	PipelineSyncs bool
}

// Service carries out every operation of Parley.
type Service struct {
	store  parley.Store
	log    *slog.Logger
	now    func() time.Time
	limits Limits

	passwordCost int
	writer       *writer
	blobs        Blobs
	maxUpload    int64
	publicURL    string
	mediaKey     atomic.Pointer[[]byte]
	broker       parley.Broker
	roleFeatures featureCache
	ringTimeout  time.Duration
	ringer       ringer
	pusher       Pusher

	hooks      hookCache
	notify     func()
	moderator  Moderator
	modTimeout time.Duration
	creds      authCache // see authcache.go
}

// New returns a Service over cfg.Store.
func New(cfg Config) *Service {
	s := &Service{log: cfg.Logger, now: cfg.Now, limits: cfg.Limits,
		passwordCost: cfg.PasswordCost, broker: cfg.Broker, pusher: cfg.Push,
		notify: cfg.NotifyDeliveries, moderator: cfg.Moderator, modTimeout: cfg.ModerationTimeout}
	if s.modTimeout <= 0 {
		s.modTimeout = DefaultModerationTimeout
	}
	s.store = publishingStore{Store: newCredStore(cfg.Store, &s.creds), s: s}
	if s.passwordCost == 0 {
		s.passwordCost = bcrypt.DefaultCost
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.blobs, s.maxUpload, s.publicURL = cfg.Blobs, cfg.MaxUpload, strings.TrimRight(cfg.PublicURL, "/")
	if s.maxUpload == 0 {
		s.maxUpload = DefaultMaxUpload
	}
	s.writer = newWriter(cfg.Store, s.log, withHooks(s.hookMessages, s.notifyDeliveries), withPipeline(cfg.PipelineSyncs))
	if s.now == nil {
		s.now = time.Now
	}
	if s.limits.DefaultPerPage == 0 {
		s.limits.DefaultPerPage = DefaultLimits.DefaultPerPage
	}
	if s.limits.MaxPerPage == 0 {
		s.limits.MaxPerPage = DefaultLimits.MaxPerPage
	}
	s.ringTimeout = cfg.RingTimeout
	if s.ringTimeout <= 0 {
		s.ringTimeout = DefaultRingTimeout
	}
	s.startRinger()
	return s
}

// Close stops the service's background work: the ring timer's sweep, and
// the writer, whose writes still queued fail. The store stays open: it
// belongs to the caller.
func (s *Service) Close() error {
	s.stopRinger()
	s.writer.close()
	return nil
}

// unix is the service clock in Unix seconds.
func (s *Service) unix() int64 { return s.now().Unix() }

// page fills in and bounds a page request.
func (s *Service) page(p parley.Page) (parley.Page, error) {
	if p.Page < 0 || p.PerPage < 0 {
		return p, invalid("page and perPage must be positive")
	}
	if p.Page == 0 {
		p.Page = 1
	}
	if p.PerPage == 0 {
		p.PerPage = s.limits.DefaultPerPage
	}
	if p.PerPage > s.limits.MaxPerPage {
		p.PerPage = s.limits.MaxPerPage
	}
	return p, nil
}

// pageOf cuts page p out of a whole list read at once (lists short by rule,
// as an app's keys or a user's tokens) and computes its meta.
func pageOf[T any](items []T, p parley.Page) ([]T, parley.Pagination) {
	total, lo := len(items), len(items)
	if p.Page-1 <= total/p.PerPage { // else past the end (and Offset could overflow)
		lo = min(p.Offset(), total)
	}
	hi := min(lo+p.PerPage, total)
	items = items[lo:hi]
	return items, parley.NewPagination(p, len(items), total)
}

// invalid is a KindInvalid error with the generic parameter code.
func invalid(format string, args ...any) *parley.Error {
	return parley.Errorf(parley.KindInvalid, parley.CodeInvalidParam, format, args...)
}

// storeErr turns a store error into an API error: ErrNotFound into
// notFound, ErrConflict into conflict, anything else into an internal error.
// Errors that already are *parley.Error pass through.
func storeErr(err error, notFound, conflict *parley.Error) error {
	if err == nil {
		return nil
	}
	if _, ok := parley.AsError(err); ok {
		return err
	}
	switch {
	case errors.Is(err, parley.ErrNotFound) && notFound != nil:
		return notFound
	case errors.Is(err, parley.ErrConflict) && conflict != nil:
		return conflict
	}
	return parley.Internal(err)
}

func errUIDNotFound(uid string) *parley.Error {
	return parley.Errorf(parley.KindNotFound, parley.CodeUIDNotFound, "the user with uid %s does not exist", uid)
}

func errNoAccess(what string) *parley.Error {
	return parley.Errorf(parley.KindForbidden, parley.CodeNoAccess, "these credentials may not %s", what)
}

// normID checks and folds a uid-shaped id, naming the field in the error.
func normID(s, code, field string) (string, error) {
	id, ok := parley.NormalizeID(s)
	if !ok {
		return "", parley.Errorf(parley.KindInvalid, code,
			"%s must be 1-%d characters of a-z, 0-9, _ and -", field, parley.MaxIDLen)
	}
	return id, nil
}

// checkLen checks that a free-text field is at most max bytes.
func checkLen(field, v string, max int) error {
	if len(v) > max {
		return invalid("%s is longer than %d characters", field, max)
	}
	return nil
}

func checkMetadata(m map[string]any) error {
	if parley.MetadataTooLarge(m) {
		return parley.Errorf(parley.KindInvalid, parley.CodeInvalidMetadata,
			"metadata must be a JSON object of at most %d bytes", parley.MaxMetadata)
	}
	return nil
}

func checkTags(tags []string) ([]string, error) {
	out, ok := parley.NormalizeTags(tags)
	if !ok {
		return nil, parley.Errorf(parley.KindInvalid, parley.CodeInvalidTags,
			"at most %d tags of 1-%d characters", parley.MaxTags, parley.MaxTagLen)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// wrapf adds context to an unexpected error.
func wrapf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
