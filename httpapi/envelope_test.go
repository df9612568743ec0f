package httpapi_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/httpapi"
)

func TestEnvelope(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustUser(t, "alice")

	t.Run("an object answer is data only, as JSON", func(t *testing.T) {
		resp, b := e.raw(t, e.request(t, "GET", "/v3/users/alice", nil, e.asKey()))
		if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		body := decodeBody(t, "get user", b)
		if _, has := body["data"].(map[string]any); !has || len(body) != 1 {
			t.Errorf("want exactly {data:{…}}, got %v", body)
		}
	})

	t.Run("a list answer carries meta.pagination", func(t *testing.T) {
		p := e.list(t, "/v3/users", e.asKey())
		if diff := cmp.Diff([5]int{1, 1, 100, 1, 1}, p.pg()); diff != "" {
			t.Errorf("pagination (-want +got):\n%s", diff)
		}
	})

	t.Run("an empty list is [] not null", func(t *testing.T) {
		p := e.list(t, "/v3/users?searchKey=nobody", e.asKey())
		if p.Items != nil || p.pg() != [5]int{0, 0, 100, 1, 0} {
			t.Errorf("got %v %v", p.Items, p.pg())
		}
	})

	t.Run("a delete answers success and a message", func(t *testing.T) {
		e.mustUser(t, "gone")
		d := e.okObj(t, "DELETE", "/v3/users/gone", nil, e.asKey())
		if d["success"] != true || d["message"] == "" {
			t.Errorf("got %v", d)
		}
	})

	t.Run("an error is error{code,message} and a fitting status", func(t *testing.T) {
		b := e.fails(t, 404, "ERR_UID_NOT_FOUND", "GET", "/v3/users/nobody", nil, e.asKey())
		if len(b) != 1 {
			t.Errorf("error envelope has more than error: %v", b)
		}
	})

	t.Run("an unknown route is 404 ERR_API_NOT_FOUND, before any auth", func(t *testing.T) {
		e.fails(t, 404, "ERR_API_NOT_FOUND", "GET", "/v3/nothing", nil)
		e.fails(t, 404, "ERR_API_NOT_FOUND", "GET", "/v3/users/alice/nothing", nil, e.asKey())
		e.fails(t, 404, "ERR_API_NOT_FOUND", "GET", "/", nil)
	})

	t.Run("a wrong method is 405 ERR_API_NOT_FOUND with Allow", func(t *testing.T) {
		resp, b := e.raw(t, e.request(t, "PATCH", "/v3/users", nil, e.asKey()))
		wantError(t, "PATCH /v3/users", resp.StatusCode, decodeBody(t, "405", b), 405, "ERR_API_NOT_FOUND")
		if allow := resp.Header.Get("Allow"); !strings.Contains(allow, "POST") || !strings.Contains(allow, "GET") {
			t.Errorf("Allow = %q", allow)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type = %q", ct)
		}
	})

	t.Run("bad bodies are 400 ERR_BAD_REQUEST and write nothing", func(t *testing.T) {
		before := e.allUIDs(t)
		for _, body := range []string{
			`{bad`,
			`{"uid":"x1","name":"X"`,
			`[{"uid":"x2","name":"X"}]`,
			`"x3"`,
			`{"uid":"x4","name":"X"} {"uid":"x5"}`,
			`{"uid":"x6","name":"X"} trailing`,
			`{"uid":6,"name":"X"}`,
			`{"uid":"x7","name":["X"]}`,
			`{"uid":"x8","name":"X","tags":"a,b"}`,
			`{"uid":"x9","name":"X","metadata":[1]}`,
			`{"uid":"x10","name":"X","withAuthToken":"yes"}`,
		} {
			e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/users", body, e.asKey())
		}
		if diff := cmp.Diff(before, e.allUIDs(t)); diff != "" {
			t.Errorf("users changed (-before +after):\n%s", diff)
		}
	})

	t.Run("a wrong type names the field", func(t *testing.T) {
		b := e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/users", `{"uid":6,"name":"X"}`, e.asKey())
		if msg := b["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "uid") {
			t.Errorf("message %q does not name uid", msg)
		}
	})

	t.Run("an empty body is an empty object", func(t *testing.T) {
		e.fails(t, 400, "ERR_INVALID_UID", "POST", "/v3/users", nil, e.asKey())
		e.fails(t, 400, "ERR_INVALID_UID", "POST", "/v3/users", "null", e.asKey())
	})

	t.Run("a body over 1 MiB is 413 ERR_REQUEST_TOO_LARGE and writes nothing", func(t *testing.T) {
		before := e.allUIDs(t)
		big := `{"uid":"big","name":"` + strings.Repeat("n", httpapi.DefaultMaxBody) + `"}`
		e.fails(t, 413, "ERR_REQUEST_TOO_LARGE", "POST", "/v3/users", big, e.asKey())
		if diff := cmp.Diff(before, e.allUIDs(t)); diff != "" {
			t.Errorf("users changed (-before +after):\n%s", diff)
		}
	})

	t.Run("a body just under the limit is read", func(t *testing.T) {
		// Valid JSON up to the limit; rejected by a rule, not by size.
		body := `{"uid":"pad","name":"` + strings.Repeat("n", 101) + `"}`
		body += strings.Repeat(" ", httpapi.DefaultMaxBody-len(body))
		e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/users", body, e.asKey())
	})

	t.Run("the /v3.0 alias reaches the same routes", func(t *testing.T) {
		d := e.okObj(t, "GET", "/v3.0/users/alice", nil, e.asKey())
		if d["uid"] != "alice" {
			t.Errorf("got %v", d)
		}
		e.okObj(t, "POST", "/v3.0/users", map[string]any{"uid": "viaalias", "name": "V"}, e.asKey())
		e.okObj(t, "GET", "/v3/users/viaalias", nil, e.asKey())
	})

	t.Run("the request id is echoed, or made", func(t *testing.T) {
		req := e.request(t, "GET", "/v3/users/alice", nil, e.asKey(), hdr{"X-Request-Id": "req-123"})
		resp, _ := e.raw(t, req)
		if got := resp.Header.Get("X-Request-Id"); got != "req-123" {
			t.Errorf("X-Request-Id = %q, want req-123", got)
		}
		resp, _ = e.raw(t, e.request(t, "GET", "/v3/nothing", nil))
		if got := resp.Header.Get("X-Request-Id"); got == "" {
			t.Error("no X-Request-Id made for a request without one")
		}
		long := strings.Repeat("r", 65)
		resp, _ = e.raw(t, e.request(t, "GET", "/healthz", nil, hdr{"X-Request-Id": long}))
		if got := resp.Header.Get("X-Request-Id"); got == long || got == "" {
			t.Errorf("an over-long request id was echoed or dropped: %q", got)
		}
	})

	t.Run("healthz and readyz answer without credentials", func(t *testing.T) {
		if d := e.okObj(t, "GET", "/healthz", nil); d["status"] != "ok" {
			t.Errorf("healthz: %v", d)
		}
		if d := e.okObj(t, "GET", "/readyz", nil); d["status"] != "ready" {
			t.Errorf("readyz: %v", d)
		}
	})
}

func TestReadyzStoreDown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := template.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{Handler: httpapi.New(httpapi.Config{Service: chat.New(chat.Config{Store: st}), Store: st})}
	st.Close()
	srv := newServer(t, e.Handler)
	e.URL, e.client = srv.URL, validating(t, srv.Client())
	e.fails(t, 503, "ERR_STORE_UNAVAILABLE", "GET", "/readyz", nil)
	if d := e.okObj(t, "GET", "/healthz", nil); d["status"] != "ok" {
		t.Errorf("healthz while the store is down: %v", d)
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *httpapi.Config) { c.CORSOrigins = []string{"https://app.example.com"} })

	t.Run("a preflight from an allowed origin is 204 with the allow headers", func(t *testing.T) {
		req := e.request(t, "OPTIONS", "/v3/users", nil, hdr{
			"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "appid, apikey, authtoken"})
		resp, b := e.raw(t, req)
		if resp.StatusCode != http.StatusNoContent || len(b) != 0 {
			t.Fatalf("status %d, body %q; want 204 and no body", resp.StatusCode, b)
		}
		h := resp.Header
		if got := h.Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
			t.Errorf("Allow-Origin = %q", got)
		}
		allowed := strings.ToLower(h.Get("Access-Control-Allow-Headers"))
		for _, want := range []string{"appid", "apikey", "authtoken", "onbehalfof", "content-type"} {
			if !strings.Contains(allowed, want) {
				t.Errorf("Allow-Headers %q lacks %s", allowed, want)
			}
		}
		for _, want := range []string{"GET", "POST", "PUT", "DELETE"} {
			if !strings.Contains(h.Get("Access-Control-Allow-Methods"), want) {
				t.Errorf("Allow-Methods %q lacks %s", h.Get("Access-Control-Allow-Methods"), want)
			}
		}
	})

	t.Run("an allowed origin's request gets Allow-Origin and the exposed request id", func(t *testing.T) {
		resp, _ := e.raw(t, e.request(t, "GET", "/v3/users", nil, e.asKey(), hdr{"Origin": "https://app.example.com"}))
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
			t.Errorf("status %d, Allow-Origin %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
		if !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "X-Request-Id") {
			t.Errorf("Expose-Headers = %q", resp.Header.Get("Access-Control-Expose-Headers"))
		}
	})

	t.Run("another origin gets no CORS headers", func(t *testing.T) {
		req := e.request(t, "OPTIONS", "/v3/users", nil, hdr{
			"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
		resp, _ := e.raw(t, req)
		if resp.StatusCode == http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("status %d, Allow-Origin %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
	})

	t.Run("* allows any origin", func(t *testing.T) {
		any := newEnv(t, func(c *httpapi.Config) { c.CORSOrigins = []string{"*"} })
		req := any.request(t, "OPTIONS", "/v3/me", nil, hdr{"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"})
		resp, _ := any.raw(t, req)
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
			t.Errorf("status %d, Allow-Origin %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
	})
}

func TestMaxBodyConfigurable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *httpapi.Config) { c.MaxBody = 64 })
	e.fails(t, 413, "ERR_REQUEST_TOO_LARGE", "POST", "/v3/users",
		map[string]any{"uid": "alice", "name": strings.Repeat("a", 64)}, e.asKey())
	e.okObj(t, "POST", "/v3/users", map[string]any{"uid": "bob", "name": "B"}, e.asKey())
}
