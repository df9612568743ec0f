package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/httpapi"
	"github.com/parleychat/parley/store/sqlite"
)

// template is the migrated database every test's store is copied from:
// migrating one per test was most of the suite's time under -race.
var template sqlite.Template

// opToken is the operator token every test server is bootstrapped with.
const opToken = "op-token"

// env is one Parley REST API over a fresh SQLite store, served by a real
// HTTP server, with the default app's credentials.
type env struct {
	URL     string
	Store   *sqlite.Store
	Svc     *chat.Service
	Handler http.Handler
	client  *http.Client

	AppID   string // the default app
	RESTKey string // its REST API Key (fullAccess)
	AuthKey string // its Auth Key (authOnly)
}

// newEnv starts a server; opts, each a func(*chat.Config) or a
// func(*httpapi.Config), adjust the service's or the handler's config.
func newEnv(t testing.TB, opts ...any) *env {
	t.Helper()
	ctx := context.Background()
	st, err := template.Open(ctx, filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	chatCfg := chat.Config{Store: st}
	for _, o := range opts {
		switch o := o.(type) {
		case func(*chat.Config):
			o(&chatCfg)
		case func(*httpapi.Config):
		default:
			t.Fatalf("newEnv: option of type %T", o)
		}
	}
	svc := chat.New(chatCfg)
	t.Cleanup(func() { svc.Close() })
	boot, err := svc.Bootstrap(ctx, opToken)
	if err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	if boot.App == nil || len(boot.App.Keys) != 2 {
		t.Fatalf("bootstrap made no default app with two keys: %+v", boot)
	}
	cfg := httpapi.Config{Service: svc, Store: st}
	for _, o := range opts {
		if o, is := o.(func(*httpapi.Config)); is {
			o(&cfg)
		}
	}
	h := httpapi.New(cfg)
	srv := newServer(t, h)
	return &env{URL: srv.URL, Store: st, Svc: svc, Handler: h, client: validating(t, srv.Client()),
		AppID: boot.App.ID, RESTKey: boot.App.Keys[0].Key, AuthKey: boot.App.Keys[1].Key}
}

// hdr is a set of request headers; several merge left to right.
type hdr map[string]string

func (e *env) asKey() hdr  { return hdr{"appid": e.AppID, "apikey": e.RESTKey} }
func (e *env) asAuth() hdr { return hdr{"appid": e.AppID, "apikey": e.AuthKey} }
func (e *env) asToken(tok string) hdr {
	return hdr{"appid": e.AppID, "authtoken": tok}
}

// asOperator is the operator token alone (no app).
func asOperator() hdr { return hdr{"Authorization": "Bearer " + opToken} }

// inApp adds an appid to a header set.
func inApp(appID string) hdr { return hdr{"appid": appID} }

func onBehalfOf(uid string) hdr { return hdr{"onBehalfOf": uid} }

// request builds a request: body nil sends none, []byte and string go as
// they are, anything else as JSON.
func (e *env) request(t testing.TB, method, path string, body any, hs ...hdr) *http.Request {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range hs {
		for k, v := range h {
			req.Header.Set(k, v)
		}
	}
	return req
}

// raw sends a request and returns the response with its body read.
func (e *env) raw(t testing.TB, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	return resp, b
}

// do sends a request over HTTP and decodes the JSON body.
func (e *env) do(t testing.TB, method, path string, body any, hs ...hdr) (int, map[string]any) {
	t.Helper()
	resp, b := e.raw(t, e.request(t, method, path, body, hs...))
	return resp.StatusCode, decodeBody(t, method+" "+path, b)
}

func decodeBody(t testing.TB, what string, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: body is not a JSON object: %v\n%s", what, err, b)
	}
	return m
}

// ok sends a request that must succeed and returns its data.
func (e *env) ok(t testing.TB, method, path string, body any, hs ...hdr) any {
	t.Helper()
	status, b := e.do(t, method, path, body, hs...)
	if status != http.StatusOK {
		t.Fatalf("%s %s: status %d, want 200: %v", method, path, status, b)
	}
	d, has := b["data"]
	if !has {
		t.Fatalf("%s %s: no data in %v", method, path, b)
	}
	return d
}

// okObj is ok for a call answering one object.
func (e *env) okObj(t testing.TB, method, path string, body any, hs ...hdr) map[string]any {
	t.Helper()
	d, is := e.ok(t, method, path, body, hs...).(map[string]any)
	if !is {
		t.Fatalf("%s %s: data is not an object", method, path)
	}
	return d
}

// fails sends a request that must fail with status and code.
func (e *env) fails(t testing.TB, status int, code, method, path string, body any, hs ...hdr) map[string]any {
	t.Helper()
	got, b := e.do(t, method, path, body, hs...)
	wantError(t, method+" "+path, got, b, status, code)
	return b
}

// wantError checks an error envelope.
func wantError(t testing.TB, what string, status int, body map[string]any, wantStatus int, wantCode string) {
	t.Helper()
	if status != wantStatus || errCode(body) != wantCode {
		t.Fatalf("%s: got %d %q, want %d %q: %v", what, status, errCode(body), wantStatus, wantCode, body)
	}
	e, _ := body["error"].(map[string]any)
	if msg, _ := e["message"].(string); msg == "" {
		t.Errorf("%s: error has no message: %v", what, body)
	}
	if _, has := body["data"]; has {
		t.Errorf("%s: error envelope carries data: %v", what, body)
	}
}

// errCode returns the error code of an envelope, or "".
func errCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

// page is a decoded list answer.
type page struct {
	Items      []map[string]any
	Pagination map[string]any
}

// list sends a list request that must succeed, checking the envelope.
func (e *env) list(t testing.TB, path string, hs ...hdr) page {
	t.Helper()
	status, b := e.do(t, http.MethodGet, path, nil, hs...)
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %v", path, status, b)
	}
	return listOf(t, "GET "+path, b)
}

func listOf(t testing.TB, what string, b map[string]any) page {
	t.Helper()
	raw, is := b["data"].([]any)
	if !is {
		t.Fatalf("%s: data is not an array: %v", what, b)
	}
	var p page
	for _, it := range raw {
		m, is := it.(map[string]any)
		if !is {
			t.Fatalf("%s: item is not an object: %v", what, it)
		}
		p.Items = append(p.Items, m)
	}
	meta, _ := b["meta"].(map[string]any)
	p.Pagination, _ = meta["pagination"].(map[string]any)
	if p.Pagination == nil {
		t.Fatalf("%s: no meta.pagination: %v", what, b)
	}
	for _, k := range []string{"total", "count", "per_page", "current_page", "total_pages"} {
		if _, is := p.Pagination[k].(float64); !is {
			t.Fatalf("%s: meta.pagination.%s missing or not a number: %v", what, k, p.Pagination)
		}
	}
	if int(p.Pagination["count"].(float64)) != len(p.Items) {
		t.Fatalf("%s: pagination.count %v, but %d items", what, p.Pagination["count"], len(p.Items))
	}
	return p
}

// field returns one string field of each item.
func (p page) field(name string) []string {
	var out []string // nil when empty
	for _, it := range p.Items {
		s, _ := it[name].(string)
		out = append(out, s)
	}
	return out
}

func (p page) uids() []string { return p.field("uid") }

// pg returns the pagination as ints: total, count, per_page, current_page, total_pages.
func (p page) pg() [5]int {
	var out [5]int
	for i, k := range []string{"total", "count", "per_page", "current_page", "total_pages"} {
		out[i] = int(p.Pagination[k].(float64))
	}
	return out
}

// mustUser creates a user named after its uid with the REST API Key.
func (e *env) mustUser(t testing.TB, uid string, extra ...map[string]any) map[string]any {
	t.Helper()
	body := map[string]any{"uid": uid, "name": "User " + uid}
	for _, x := range extra {
		for k, v := range x {
			body[k] = v
		}
	}
	return e.okObj(t, http.MethodPost, "/v3/users", body, e.asKey())
}

// mustToken logs uid in and returns the auth token.
func (e *env) mustToken(t testing.TB, uid string) string {
	t.Helper()
	d := e.okObj(t, http.MethodPost, "/v3/users/"+uid+"/auth_tokens", nil, e.asKey())
	tok, _ := d["authToken"].(string)
	if tok == "" {
		t.Fatalf("no authToken in %v", d)
	}
	return tok
}

// allUIDs lists every user of the default app, deactivated ones included,
// straight from the store: what a failed call must leave unchanged.
func (e *env) allUIDs(t testing.TB) []string {
	t.Helper()
	return appUIDs(t, e.Store, e.AppID)
}

func appUIDs(t testing.TB, st parley.Store, appID string) []string {
	t.Helper()
	users, _, err := st.Users(context.Background(), appID, parley.UserFilter{WithDeactivated: true, SortBy: "uid"})
	if err != nil {
		t.Fatalf("list users: %v", err)
	}
	out := []string{}
	for _, u := range users {
		out = append(out, u.UID)
	}
	return out
}

// storedUser reads a user from the store (deleted ones too), or nil.
func (e *env) storedUser(t testing.TB, uid string) *parley.User {
	t.Helper()
	u, err := e.Store.User(context.Background(), e.AppID, uid, "")
	if err != nil {
		return nil
	}
	return u
}

// sorted returns a sorted copy.
func sorted(ss []string) []string {
	c := slices.Clone(ss)
	slices.Sort(c)
	return c
}

// newServer serves h over HTTP until the test ends.
func newServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// steppingClock is a chat clock that moves one second on each reading, so
// that records made one after the other have distinct, ordered times.
func steppingClock() func(*chat.Config) {
	var n atomic.Int64
	base := time.Unix(1_700_000_000, 0)
	return func(c *chat.Config) {
		c.Now = func() time.Time { return base.Add(time.Duration(n.Add(1)) * time.Second) }
	}
}
