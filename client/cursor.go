package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleychat/parley"
)

// cursorList is what the lists that page by id share (messages, threads,
// reactions): the query, the cursor a request names, and the positions of
// FetchPrevious and FetchNext.
type cursorList struct {
	k     caller
	path  string
	q     url.Values
	limit int

	before, after         int64 // id cursors
	beforeTime, afterTime int64 // sentAt cursors
	fromStart             bool

	prev, next         int64
	prevDone, nextUsed bool
}

func newCursorList(k caller, p string) cursorList { return cursorList{k: k, path: p, q: url.Values{}} }

func (l *cursorList) set(k, v string) {
	if v == "" {
		l.q.Del(k)
	} else {
		l.q.Set(k, v)
	}
}

func (l *cursorList) setList(k string, vs []string) { l.set(k, strings.Join(vs, ",")) }

// query is the query of one page at a cursor; appending says the page goes
// forward (affix append).
func (l *cursorList) query(before, after int64, fromStart bool) (url.Values, bool) {
	q := url.Values{}
	for k, v := range l.q {
		q[k] = v
	}
	if l.limit > 0 {
		q.Set("limit", strconv.Itoa(l.limit))
	}
	appending := false
	switch {
	case after > 0:
		q.Set("id", idString(after))
		appending = true
	case before > 0:
		q.Set("id", idString(before))
	case l.afterTime > 0:
		q.Set("sentAt", strconv.FormatInt(l.afterTime, 10))
		appending = true
	case l.beforeTime > 0:
		q.Set("sentAt", strconv.FormatInt(l.beforeTime, 10))
	case fromStart:
		appending = true
	}
	if appending {
		q.Set("affix", parley.AffixAppend)
	} else if q.Has("id") || q.Has("sentAt") {
		q.Set("affix", parley.AffixPrepend)
	}
	return q, appending
}

// cursorPage is one page and where to go on from it.
type cursorPage[T any] struct {
	items []T
	next  int64 // the cursor in the page's direction
	more  bool  // the page was full
}

// cursorFetch reads one page; idOf is an item's cursor.
func cursorFetch[T any](ctx context.Context, l *cursorList, before, after int64, fromStart bool, idOf func(T) int64) (*cursorPage[T], error) {
	q, appending := l.query(before, after, fromStart)
	var items []T
	m, err := l.k.call(ctx, http.MethodGet, l.path, q, nil, &items)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []T{}
	}
	p := &cursorPage[T]{items: items, next: before}
	if appending {
		p.next = after
	}
	if n := len(items); n > 0 {
		if appending {
			p.next = idOf(items[n-1])
		} else {
			p.next = idOf(items[0])
		}
		limit := l.limit
		if m.Current != nil && m.Current.Limit > 0 {
			limit = m.Current.Limit
		}
		p.more = limit > 0 && n >= limit
	}
	return p, nil
}

// cursorPrevious reads the page before the last one it read.
func cursorPrevious[T any](ctx context.Context, l *cursorList, idOf func(T) int64) ([]T, error) {
	if l.prevDone {
		return []T{}, nil
	}
	before := l.prev
	if before == 0 {
		before = l.before
	}
	p, err := cursorFetch(ctx, l, before, 0, false, idOf)
	if err != nil {
		return nil, err
	}
	l.prev, l.prevDone = p.next, !p.more
	return p.items, nil
}

// cursorNext reads the page after the last one it read; it may be polled.
func cursorNext[T any](ctx context.Context, l *cursorList, idOf func(T) int64) ([]T, error) {
	after := l.next
	if !l.nextUsed {
		after = l.after
	}
	fromStart := after == 0 // nothing seen yet: from the cursor's time, or the start
	p, err := cursorFetch(ctx, l, 0, after, fromStart, idOf)
	if err != nil {
		return nil, err
	}
	l.nextUsed = true
	l.next = p.next
	return p.items, nil
}
