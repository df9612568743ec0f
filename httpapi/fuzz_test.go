package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/httpapi"
)

// serve runs one request through the handler, without a network.
func (e *env) serve(t testing.TB, method, path string, body []byte, hs ...hdr) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	for _, h := range hs {
		for k, v := range h {
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, req)
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("%s %s: status %d, body not a JSON object: %v\n%q", method, path, rec.Code, err, rec.Body.Bytes())
	}
	return rec.Code, m
}

// checkEnvelope checks that a fuzzed answer has an allowed status and the
// envelope that goes with it.
func checkEnvelope(t *testing.T, status int, b map[string]any) {
	t.Helper()
	switch status {
	case 200:
		if _, is := b["data"].(map[string]any); !is {
			t.Fatalf("200 without a data object: %v", b)
		}
		if _, has := b["error"]; has {
			t.Fatalf("200 with an error: %v", b)
		}
	case 400, 404, 409, 413:
		if errCode(b) == "" || errCode(b) == parley.CodeInternal {
			t.Fatalf("%d without a proper error code: %v", status, b)
		}
		if _, has := b["data"]; has {
			t.Fatalf("%d with data: %v", status, b)
		}
	default:
		t.Fatalf("status %d: %v", status, b)
	}
}

// userCount counts the default app's users that are not deleted.
func (e *env) userCount(t testing.TB) int {
	t.Helper()
	_, total, err := e.Store.Users(context.Background(), e.AppID,
		parley.UserFilter{WithDeactivated: true, Page: parley.Page{Page: 1, PerPage: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

// fuzzMaxBody is the body limit of the fuzzed handlers: small, so that
// inputs over it stay cheap to mutate.
const fuzzMaxBody = 64 << 10

func fuzzEnv(f *testing.F) *env {
	return newEnv(f, func(c *httpapi.Config) { c.MaxBody = fuzzMaxBody })
}

// fuzzSeeds are bodies for user create and update: valid, tricky and bad.
func fuzzSeeds() []string {
	return []string{
		`{"uid":"seed1","name":"Seed"}`,
		`{"uid":"SEED2","name":" Seed ","avatar":"a","link":"l","statusMessage":"s","metadata":{"k":[1,{"x":null}]},"tags":["a","a"," b "],"role":"mod","withAuthToken":true}`,
		`{"uid":"seed1","name":"Again"}`,
		`{"uid":"seed3","name":"X","role":"nosuch"}`,
		`{"uid":"seed4","name":"X","role":"no such"}`,
		`{"uid":"seed5","name":"X","tags":["` + strings.Repeat(`t","`, 26) + `t"]}`,
		`{"uid":"seed6","name":"X","metadata":{"b":"` + strings.Repeat("m", 5200) + `"}}`,
		`{"uid":"seed7","name":"` + strings.Repeat("n", 101) + `"}`,
		`{"uid":"seed8","name":"\u0000\ud800"}`,
		`{"uid":"seed9","name":"X","metadata":{"n":1e400}}`,
		`{"uid":"seed10","name":"X","metadata":{"a":` + strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001) + `}}`,
		`{"uid":"\u212aelvin","name":"K"}`,
		`{"uid":"seed11","name":"X","uid":"seed12"}`,
		`{"uid":"seed13","name":"X","unset":["avatar","role"]}`,
		`{"unset":["name"]}`,
		`{"unset":"avatar"}`,
		`{"name":"Renamed","tags":null,"metadata":null,"role":null}`,
		`{"name":""}`,
		`{}`, `null`, `[]`, `"x"`, `1`, ``, `{`, `{"uid":1}`, `{"uid":"a","name":"A"} x`,
		"\xff\xfe", `{"uid":"seed14","name":"X","tags":[""]}`,
		`{"uid":"seed15","name":"` + strings.Repeat("n", fuzzMaxBody) + `"}`,
	}
}

func FuzzCreateUser(f *testing.F) {
	e := fuzzEnv(f)
	e.serve(f, "POST", "/v3/roles", []byte(`{"role":"mod","name":"Moderator"}`), e.asKey())
	for _, s := range fuzzSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := e.userCount(t)
		status, b := e.serve(t, "POST", "/v3/users", body, e.asKey())
		checkEnvelope(t, status, b)
		after := e.userCount(t)
		if status != 200 {
			if after != before {
				t.Fatalf("refused with %d %s, but users went from %d to %d", status, errCode(b), before, after)
			}
			return
		}
		if after != before+1 {
			t.Fatalf("created, but users went from %d to %d", before, after)
		}
		uid, _ := b["data"].(map[string]any)["uid"].(string)
		if norm, ok := parley.NormalizeID(uid); !ok || norm != uid {
			t.Fatalf("created user has uid %q", uid)
		}
		if u := e.storedUser(t, uid); u == nil || strings.TrimSpace(u.Name) == "" {
			t.Fatalf("created user %q stored as %+v", uid, u)
		}
	})
}

func FuzzUpdateUser(f *testing.F) {
	e := fuzzEnv(f)
	e.serve(f, "POST", "/v3/roles", []byte(`{"role":"mod","name":"Moderator"}`), e.asKey())
	e.serve(f, "POST", "/v3/users", []byte(`{"uid":"fuzzer","name":"Fuzzer","tags":["t"],"metadata":{"a":1}}`), e.asKey())
	for _, s := range fuzzSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := e.storedUser(t, "fuzzer")
		count := e.userCount(t)
		status, b := e.serve(t, "PUT", "/v3/users/fuzzer", body, e.asKey())
		checkEnvelope(t, status, b)
		after := e.storedUser(t, "fuzzer")
		if n := e.userCount(t); n != count {
			t.Fatalf("an update changed the user count from %d to %d", count, n)
		}
		if status != 200 {
			if diff := cmp.Diff(before, after); diff != "" {
				t.Fatalf("refused with %d %s, but the user changed (-before +after):\n%s", status, errCode(b), diff)
			}
			return
		}
		d := b["data"].(map[string]any)
		if d["uid"] != "fuzzer" || d["name"] != after.Name || strings.TrimSpace(after.Name) == "" {
			t.Fatalf("answered %v, stored %+v", d, after)
		}
	})
}
