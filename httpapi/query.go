package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleychat/parley"
)

// query reads typed values from a URL query, remembering the first bad one.
type query struct {
	v   url.Values
	err error
}

// newQuery reads r's query, which ServeHTTP parsed and checked already.
func newQuery(r *http.Request) *query {
	if v := infoFrom(r.Context()).query; v != nil {
		return &query{v: v}
	}
	return &query{v: r.URL.Query()}
}

// parseQuery reads a raw query, refusing what url.Values can't hold whole:
// URL.Query drops a malformed pair silently, and all pairs past 10,000, so
// a filtered list would be answered unfiltered.
func parseQuery(raw string) (url.Values, error) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return nil, parley.Errorf(parley.KindInvalid, parley.CodeBadRequest, "the query string can't be read: %v", err)
	}
	return v, nil
}

func (q *query) str(name string) string { return strings.TrimSpace(q.v.Get(name)) }

// list reads a comma-joined list (also repeated keys, and name[]).
func (q *query) list(name string) []string {
	var out []string
	for _, raw := range append(q.v[name], q.v[name+"[]"]...) {
		for _, s := range strings.Split(raw, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// bool reads 1/true/0/false; absent is false.
func (q *query) bool(name string) bool {
	switch strings.ToLower(q.str(name)) {
	case "", "0", "false":
		return false
	case "1", "true":
		return true
	}
	q.fail(name, "1, true, 0 or false")
	return false
}

// int reads a non-negative integer; absent is 0.
func (q *query) int(name string) int {
	s := q.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		q.fail(name, "a non-negative integer")
	}
	return n
}

func (q *query) page() parley.Page {
	return parley.Page{Page: q.int("page"), PerPage: q.int("perPage")}
}

func (q *query) fail(name, want string) {
	if q.err == nil {
		q.err = parley.Errorf(parley.KindInvalid, parley.CodeInvalidParam, "the query parameter %s must be %s", name, want)
	}
}
