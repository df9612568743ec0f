package httpapi_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley/httpapi"
)

// TestStrictJSONBodies: a body that says one thing twice is refused, not
// read as its last word: a proxy or a log reading the first would see
// another request than the server.
func TestStrictJSONBodies(t *testing.T) {
	e := newEnv(t)
	e.mustUser(t, "bob")
	e.mustUser(t, "eve")
	before := e.allUIDs(t)
	for _, c := range []struct{ name, path, body string }{
		{"a duplicate key", "/v3/users", `{"uid":"x1","name":"X","uid":"x2"}`},
		{"a case variant beside the key", "/v3/messages",
			`{"receiver":"bob","RECEIVER":"eve","receiverType":"user","category":"message","type":"text","data":{"text":"hi"}}`},
		{"a case variant alone", "/v3/users", `{"uid":"x3","Name":"X"}`},
		{"a case variant by Unicode folding", "/v3/users", `{"uid":"x4","name":"X","\u017fTATUSMESSAGE":"s"}`},
		{"an escaped duplicate", "/v3/users", `{"uid":"x5","name":"X","\u0075id":"x6"}`},
		{"a duplicate in a nested struct", "/v3/messages",
			`{"receiver":"bob","receiverType":"user","category":"message","type":"text","data":{"text":"a","text":"b"}}`},
		{"a duplicate in metadata", "/v3/users", `{"uid":"x7","name":"X","metadata":{"a":1,"a":2}}`},
		{"a duplicate deep in custom data", "/v3/messages",
			`{"receiver":"bob","receiverType":"user","category":"custom","type":"t","data":{"customData":{"l":[{"k":1,"k":2}]}}}`},
		{"a duplicate in a large object", "/v3/users", `{"uid":"x8","name":"X","metadata":{` + manyKeys(40) + `,"k7":0}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.fails(t, 400, "ERR_BAD_REQUEST", "POST", c.path, c.body, e.asKey())
		})
	}
	if diff := cmp.Diff(before, e.allUIDs(t)); diff != "" {
		t.Errorf("users changed (-before +after):\n%s", diff)
	}
	if n := len(e.ok(t, "GET", "/v3/messages", nil, e.asKey(), onBehalfOf("bob")).([]any)); n != 0 {
		t.Errorf("%d messages were sent", n)
	}

	t.Run("keys distinct but for case are fine in free-form objects", func(t *testing.T) {
		u := e.mustUser(t, "meta", map[string]any{"metadata": map[string]any{"a": 1, "A": 2}})
		if got := u["metadata"]; !cmp.Equal(got, map[string]any{"a": 1.0, "A": 2.0}) {
			t.Errorf("metadata %v", got)
		}
		e.okObj(t, "POST", "/v3/users", `{"uid":"big","name":"B","metadata":{`+manyKeys(40)+`}}`, e.asKey())
	})
	t.Run("unknown keys are still ignored", func(t *testing.T) {
		e.okObj(t, "POST", "/v3/users", `{"uid":"extra","name":"X","someday":1,"SOMEDAY":2}`, e.asKey())
	})
	t.Run("the data part of a multipart message is strict too", func(t *testing.T) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("data", `{"receiver":"bob","Receiver":"eve","receiverType":"user","category":"message","type":"text","data":{"text":"hi"}}`)
		mw.Close()
		req := e.request(t, "POST", "/v3/messages", body.Bytes(), e.asKey())
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, b := e.raw(t, req)
		wantError(t, "multipart", resp.StatusCode, decodeBody(t, "multipart", b), 400, "ERR_BAD_REQUEST")
	})
}

func manyKeys(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%d":%d`, i, i)
	}
	return b.String()
}

// TestQueryParameterLimit: past 10,000 parameters Go's URL.Query drops all
// of them, so a filtered list would come back unfiltered; a malformed pair
// is dropped the same way. Both are refused.
func TestQueryParameterLimit(t *testing.T) {
	e := newEnv(t)
	e.mustUser(t, "alice")
	e.mustUser(t, "bob", map[string]any{"role": "default", "tags": []string{"vip"}})
	pad := strings.Repeat("&x=1", 10_000)
	e.fails(t, 400, "ERR_BAD_REQUEST", "GET", "/v3/users?tags=vip"+pad, nil, e.asKey())
	e.fails(t, 400, "ERR_BAD_REQUEST", "GET", "/v3/users?tags=vip&bad=%zz", nil, e.asKey())
	e.fails(t, 400, "ERR_BAD_REQUEST", "GET", "/v3/users?tags=vip;x=1", nil, e.asKey())
	// Up to the limit, the filter holds.
	p := listOf(t, "list", e.okList(t, "/v3/users?tags=vip"+strings.Repeat("&x=1", 9_998)))
	if diff := cmp.Diff([]string{"bob"}, p.uids()); diff != "" {
		t.Errorf("filtered list (-want +got):\n%s", diff)
	}
}

func (e *env) okList(t *testing.T, path string) map[string]any {
	t.Helper()
	status, b := e.do(t, "GET", path, nil, e.asKey())
	if status != 200 {
		t.Fatalf("GET %.60s…: %d %v", path, status, b)
	}
	return b
}

// TestBearerSchemeAnyCase: the scheme of an Authorization header is
// case-insensitive (RFC 9110 §11.1).
func TestBearerSchemeAnyCase(t *testing.T) {
	e := newEnv(t)
	for _, scheme := range []string{"Bearer", "bearer", "BEARER", "bEaReR"} {
		e.ok(t, "GET", "/v3/apps", nil, hdr{"Authorization": scheme + " " + opToken})
	}
	e.fails(t, 401, "AUTH_ERR_EMPTY_APIKEY", "GET", "/v3/apps", nil, hdr{"Authorization": "Basic " + opToken})
}

// TestNamesMustBeVisible: user and group names with control characters, or
// with nothing a person can see, are refused on create and on update.
func TestNamesMustBeVisible(t *testing.T) {
	e := newEnv(t)
	e.mustUser(t, "owner")
	bad := []struct{ name, value, code string }{
		{"NUL", "Al\x00ice", "ERR_BAD_REQUEST"},
		{"a control character", "Al\x07ice", "ERR_BAD_REQUEST"},
		{"a newline inside", "Al\nice", "ERR_BAD_REQUEST"},
		{"DEL", "Alice\x7f", "ERR_BAD_REQUEST"},
		{"a C1 control", "Alice\u0085x", "ERR_BAD_REQUEST"},
		{"a bidi override", "Alice\u202Etxt.exe", "ERR_BAD_REQUEST"},
		{"only zero-width spaces", "\u200B\u200B", "ERR_EMPTY_NAME"},
		{"only a zero-width joiner and a BOM", "\u200D\uFEFF", "ERR_EMPTY_NAME"},
		{"only Hangul fillers", "\u3164\u3164", "ERR_EMPTY_NAME"},
		{"only a combining mark", "\u0301", "ERR_EMPTY_NAME"},
		{"only a no-break space", "\u00A0", "ERR_EMPTY_NAME"},
	}
	for i, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			uid := fmt.Sprintf("u%d", i)
			e.fails(t, 400, c.code, "POST", "/v3/users", map[string]any{"uid": uid, "name": c.value}, e.asKey())
			e.fails(t, 400, c.code, "PUT", "/v3/users/owner", map[string]any{"name": c.value}, e.asKey())
			e.fails(t, 400, c.code, "POST", "/v3/groups", map[string]any{"guid": uid, "name": c.value, "type": "public", "owner": "owner"}, e.asKey())
		})
	}
	if got := e.storedUser(t, "owner").Name; got != "User owner" {
		t.Errorf("owner's name became %q", got)
	}
	t.Run("names people write are fine", func(t *testing.T) {
		for i, name := range []string{"Zoë", "李雷", "محمد", "👩‍👩‍👧 family", "Anne-Marie O'Neil", "  padded  ", "e\u0301"} {
			e.mustUser(t, fmt.Sprintf("ok%d", i), map[string]any{"name": name})
			e.okObj(t, "POST", "/v3/groups", map[string]any{"guid": fmt.Sprintf("g%d", i), "name": name, "type": "public", "owner": "owner"}, e.asKey())
		}
	})
}

// TestMultipartLimitWhileReading: a multipart body over the limit is
// refused as soon as the limit is passed, not after reading all of it.
func TestMultipartLimitWhileReading(t *testing.T) {
	const limit = 1 << 20
	e := newEnv(t, func(c *httpapi.Config) { c.MaxUploadBody = limit })
	e.mustUser(t, "bob")
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	var sent atomic.Int64
	const total = 64 << 20
	go func() {
		mw.WriteField("data", `{"receiver":"bob","receiverType":"user","category":"message","type":"file"}`)
		fw, _ := mw.CreateFormFile("file", "big.bin")
		chunk := make([]byte, 64<<10)
		for sent.Load() < total {
			n, err := fw.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		mw.Close()
		pw.Close()
	}()
	req := e.request(t, "POST", "/v3/messages", nil, e.asKey())
	req.Body = pr
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	pr.CloseWithError(io.ErrClosedPipe) // stop the writer if it still writes
	wantError(t, "upload", resp.StatusCode, decodeBody(t, "upload", b), 413, "ERR_REQUEST_TOO_LARGE")
	// What the client got out before the answer: the limit, plus what the
	// sockets' buffers hold; far from the whole body.
	if n := sent.Load(); n > 16<<20 {
		t.Errorf("the client sent %d MiB before the 413; the limit is 1 MiB", n>>20)
	}
	if got := len(e.ok(t, "GET", "/v3/messages", nil, e.asKey(), onBehalfOf("bob")).([]any)); got != 0 {
		t.Errorf("%d messages stored", got)
	}
}
