package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/blob"
	"github.com/parleychat/parley/chat"
)

// manualClock is a chat clock that moves only when told.
type manualClock struct{ now atomic.Int64 }

func newManualClock() *manualClock {
	c := &manualClock{}
	c.now.Store(1_700_000_000)
	return c
}

func (c *manualClock) opt() func(*chat.Config) {
	return func(cfg *chat.Config) { cfg.Now = func() time.Time { return time.Unix(c.now.Load(), 0) } }
}

func (c *manualClock) advance(d time.Duration) { c.now.Add(int64(d / time.Second)) }

// mediaEnv is teamEnv with uploads kept in a directory, files of at most
// maxUpload bytes, and a clock the test moves.
type mediaEnv struct {
	*groupEnv
	dir   string
	clock *manualClock
}

const maxUpload = 1024

func newMediaEnv(t *testing.T) *mediaEnv {
	dir := t.TempDir()
	blobs, err := blob.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	clock := newManualClock()
	e := newGroupEnvWith(t, []any{clock.opt(), func(c *chat.Config) { c.Blobs, c.MaxUpload = blobs, maxUpload }},
		"alice", "bob", "carol", "dave")
	e.mustGroup(t, "alice", map[string]any{"guid": "team", "name": "Team", "type": "public",
		"members": map[string]any{"participants": []string{"bob", "carol"}}})
	return &mediaEnv{groupEnv: e, dir: dir, clock: clock}
}

// file is one file part of a multipart body.
type file struct {
	field, name, ctype string
	body               []byte
}

// multipart posts a multipart/form-data body: a data part holding data as
// JSON (none when data is nil) and the files.
func (e *env) multipart(t testing.TB, path string, data any, files []file, hs ...hdr) (int, map[string]any) {
	t.Helper()
	resp, b := e.raw(t, e.multipartRequest(t, path, data, files, hs...))
	return resp.StatusCode, decodeBody(t, "POST "+path, b)
}

// multipartRequest builds the request of multipart.
func (e *env) multipartRequest(t testing.TB, path string, data any, files []file, hs ...hdr) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if data != nil {
		s, is := data.(string) // a string goes as it is
		if !is {
			b, err := json.Marshal(data)
			if err != nil {
				t.Fatal(err)
			}
			s = string(b)
		}
		if err := w.WriteField("data", s); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.field, f.name))
		if f.ctype != "" {
			h.Set("Content-Type", f.ctype)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(f.body)
	}
	w.Close()
	req, err := http.NewRequest(http.MethodPost, e.URL+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	for _, h := range hs {
		for k, v := range h {
			req.Header.Set(k, v)
		}
	}
	return req
}

// sendFiles posts a multipart message that must be accepted.
func (e *env) sendFiles(t testing.TB, data any, files []file, hs ...hdr) map[string]any {
	t.Helper()
	status, b := e.multipart(t, "/v3/messages", data, files, hs...)
	d, _ := b["data"].(map[string]any)
	if status != http.StatusOK || d == nil {
		t.Fatalf("multipart send: status %d: %v", status, b)
	}
	return d
}

// fetch GETs a media URL with no credentials.
func (e *env) fetch(t testing.TB, u string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.URL+u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e.raw(t, req)
}

// attachmentsOf returns data.attachments of a message.
func attachmentsOf(m map[string]any) []map[string]any {
	var out []map[string]any
	as, _ := dataOf(m)["attachments"].([]any)
	for _, a := range as {
		out = append(out, a.(map[string]any))
	}
	return out
}

// files counts the files kept in the blob directory.
func (e *mediaEnv) files(t *testing.T) int {
	t.Helper()
	n := 0
	filepath.WalkDir(e.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

func image(n int) []byte { return append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, n-8)...) }

func TestMediaUpload(t *testing.T) {
	t.Parallel()
	e := newMediaEnv(t)
	png := image(300)
	imageMsg := map[string]any{"receiver": "team", "receiverType": "group", "type": "image", "data": map[string]any{"text": "look"}}

	t.Run("OneFile", func(t *testing.T) {
		m := e.sendFiles(t, imageMsg, []file{{"file", "Photo 1.png", "image/png", png}}, e.as("alice"))
		as := attachmentsOf(m)
		if m["category"] != "message" || m["type"] != "image" || dataOf(m)["text"] != "look" || len(as) != 1 {
			t.Fatalf("sent %v", m)
		}
		a := as[0]
		wantFields(t, "attachment", a, map[string]any{"name": "Photo_1.png", "mimeType": "image/png", "extension": "png", "size": len(png)})
		u, _ := a["url"].(string)
		if !strings.HasPrefix(u, "/v3/media/"+e.AppID+"/") || !strings.Contains(u, "?expires=") || !strings.Contains(u, "&signature=") {
			t.Fatalf("url %q is not a signed relative media url", u)
		}
		resp, body := e.fetch(t, u)
		if resp.StatusCode != 200 || !bytes.Equal(body, png) || resp.Header.Get("Content-Type") != "image/png" ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Content-Disposition") != "" {
			t.Errorf("GET %s: %d %v, %d bytes", u, resp.StatusCode, resp.Header, len(body))
		}
		// Members read it with a URL of their own that works as well.
		got := attachmentsOf(e.getMsg(t, idOf(t, m), e.as("bob")))
		if resp, body := e.fetch(t, got[0]["url"].(string)); resp.StatusCode != 200 || !bytes.Equal(body, png) {
			t.Errorf("bob's url: %d", resp.StatusCode)
		}
		listed := attachmentsOf(e.msgs(t, "/v3/groups/team/messages", e.as("carol")).byID(idOf(t, m)))
		if resp, _ := e.fetch(t, listed[0]["url"].(string)); resp.StatusCode != 200 {
			t.Errorf("carol's listed url: %d", resp.StatusCode)
		}
	})
	t.Run("TwoFilesAndAURL", func(t *testing.T) {
		data := map[string]any{"receiver": "bob", "receiverType": "user", "type": "file", "data": map[string]any{
			"attachments": []any{map[string]any{"url": "https://cdn.example.com/linked.pdf", "name": "linked.pdf"}}}}
		pdf, txt := []byte("%PDF-1.4 fake"), []byte("plain notes")
		m := e.sendFiles(t, data, []file{{"files[]", "a.pdf", "application/pdf", pdf}, {"files[]", "notes.txt", "", txt}}, e.as("alice"))
		as := attachmentsOf(m)
		if len(as) != 3 || as[0]["url"] != "https://cdn.example.com/linked.pdf" {
			t.Fatalf("attachments %v: want the linked one, then the two files", as)
		}
		for i, want := range []struct {
			name, mime, ext string
			body            []byte
		}{{"a.pdf", "application/pdf", "pdf", pdf}, {"notes.txt", "text/plain; charset=utf-8", "txt", txt}} {
			a := as[i+1]
			wantFields(t, want.name, a, map[string]any{"name": want.name, "mimeType": want.mime, "extension": want.ext, "size": len(want.body)})
			resp, body := e.fetch(t, a["url"].(string))
			if resp.StatusCode != 200 || !bytes.Equal(body, want.body) ||
				!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s: %d %v", want.name, resp.StatusCode, resp.Header)
			}
		}
	})
	t.Run("MUIDResendKeepsNoSecondFile", func(t *testing.T) {
		data := with(imageMsg, "muid", "pic-1")
		first := e.sendFiles(t, data, []file{{"file", "a.png", "image/png", png}}, e.as("alice"))
		kept := e.files(t)
		again := e.sendFiles(t, data, []file{{"file", "a.png", "image/png", png}}, e.as("alice"))
		if again["id"] != first["id"] || e.files(t) != kept {
			t.Errorf("a muid resend answered %v and keeps %d files, want message %v and %d files", again["id"], e.files(t), first["id"], kept)
		}
		if resp, _ := e.fetch(t, attachmentsOf(again)[0]["url"].(string)); resp.StatusCode != 200 {
			t.Errorf("the resend's url: %d", resp.StatusCode)
		}
		multi := map[string]any{"type": "image", "muid": "pic-2", "multipleReceivers": map[string]any{"uids": []string{"bob"}, "guids": []string{"team"}}}
		e.sendFiles(t, multi, []file{{"file", "b.png", "image/png", png}}, e.as("alice"))
		kept = e.files(t)
		e.sendFiles(t, multi, []file{{"file", "b.png", "image/png", png}}, e.as("alice"))
		if n := e.files(t); n != kept {
			t.Errorf("a muid resend to multipleReceivers keeps %d files, want %d", n, kept)
		}
	})
	t.Run("EditActionNamesTheFileSigned", func(t *testing.T) {
		m := e.sendFiles(t, imageMsg, []file{{"file", "e.png", "image/png", png}}, e.as("alice"))
		e.ok(t, "PUT", "/v3/messages/"+idOf(t, m), map[string]any{"data": map[string]any{"metadata": map[string]any{"v": 2}}}, e.as("alice"))
		all := e.msgs(t, "/v3/groups/team/messages", e.as("bob"))
		on := entityOn(all.Items[len(all.Items)-1])
		as, _ := dataOf(on)["attachments"].([]any)
		if len(as) != 1 {
			t.Fatalf("the edited action names %v", on)
		}
		u, _ := as[0].(map[string]any)["url"].(string)
		if resp, body := e.fetch(t, u); resp.StatusCode != 200 || !bytes.Equal(body, png) {
			t.Errorf("the edited action's url %q: %d", u, resp.StatusCode)
		}
	})
	t.Run("ThreadReplyWithFile", func(t *testing.T) {
		parent := e.sendID(t, toGroup("team", "send me a picture"), e.as("bob"))
		status, b := e.multipart(t, "/v3/messages/"+parent+"/thread", map[string]any{"type": "image"},
			[]file{{"file", "r.png", "image/png", png}}, e.as("carol"))
		m, _ := b["data"].(map[string]any)
		if status != 200 || m["parentId"] != parent || len(attachmentsOf(m)) != 1 {
			t.Fatalf("reply: %d %v", status, b)
		}
		q := e.send(t, with(toGroup("team", "this one?"), "quotedMessageId", idOf(t, m)), e.as("bob"))
		qa := attachmentsOf(q["quotedMessage"].(map[string]any))
		if resp, _ := e.fetch(t, qa[0]["url"].(string)); resp.StatusCode != 200 {
			t.Errorf("the quoted message's url: %d", resp.StatusCode)
		}
	})
}

func TestMediaURLs(t *testing.T) {
	t.Parallel()
	e := newMediaEnv(t)
	png := image(100)
	m := e.sendFiles(t, map[string]any{"receiver": "team", "receiverType": "group", "type": "image"},
		[]file{{"file", "p.png", "image/png", png}}, e.as("alice"))
	id := idOf(t, m)
	u := attachmentsOf(m)[0]["url"].(string)
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	sig, exp := parsed.Query().Get("signature"), parsed.Query().Get("expires")
	expires, _ := strconv.ParseInt(exp, 10, 64)
	if want := e.clock.now.Load() + 3600; expires != want {
		t.Errorf("expires %d, want now + 3600 = %d", expires, want)
	}
	notFound := func(t *testing.T, what, u string) {
		t.Helper()
		resp, body := e.fetch(t, u)
		b := decodeBody(t, what, body)
		wantError(t, what, resp.StatusCode, b, 404, parley.CodeMediaNotFound)
	}
	t.Run("Tampered", func(t *testing.T) {
		flipped := sig[:len(sig)-1] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", sig[len(sig)-1])+1)%16])
		notFound(t, "flipped signature", strings.Replace(u, sig, flipped, 1))
		notFound(t, "later expires", strings.Replace(u, "expires="+exp, "expires="+strconv.FormatInt(expires+86400, 10), 1))
		notFound(t, "no signature", parsed.Path+"?expires="+exp)
		notFound(t, "no expires", parsed.Path+"?signature="+sig)
		notFound(t, "other file", strings.Replace(u, "/p.png?", "/q.png?", 1))
		notFound(t, "no such key", "/v3/media/nothing?expires="+exp+"&signature="+sig)
		if resp, _ := e.fetch(t, u); resp.StatusCode != 200 {
			t.Errorf("the genuine url: %d", resp.StatusCode)
		}
	})
	t.Run("ValidOneHour", func(t *testing.T) {
		e.clock.advance(3600 * time.Second)
		if resp, _ := e.fetch(t, u); resp.StatusCode != 200 {
			t.Errorf("at expires: %d, want 200", resp.StatusCode)
		}
		e.clock.advance(time.Second)
		notFound(t, "expired", u)
		fresh := attachmentsOf(e.getMsg(t, id, e.as("bob")))[0]["url"].(string)
		if resp, body := e.fetch(t, fresh); resp.StatusCode != 200 || !bytes.Equal(body, png) {
			t.Errorf("a url read again after expiry: %d", resp.StatusCode)
		}
	})
	t.Run("NonMembersNeverGetTheURL", func(t *testing.T) {
		e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+id, nil, e.as("dave"))
		e.fails(t, 403, parley.CodeNotAMember, "GET", "/v3/groups/team/messages", nil, e.as("dave"))
		dm := e.sendFiles(t, map[string]any{"receiver": "bob", "receiverType": "user", "type": "file"},
			[]file{{"file", "private.txt", "text/plain", []byte("for bob")}}, e.as("alice"))
		e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+idOf(t, dm), nil, e.as("carol"))
		for uid, leak := range map[string]string{"carol": "/private.txt?", "dave": "/v3/media/"} {
			_, b := e.raw(t, e.request(t, "GET", "/v3/messages", nil, e.as(uid)))
			if bytes.Contains(b, []byte(leak)) {
				t.Errorf("%s's message list carries a url of a file they may not read: %s", uid, b)
			}
		}
	})
	t.Run("DeletedWithTheMessage", func(t *testing.T) {
		before := e.files(t)
		fresh := attachmentsOf(e.getMsg(t, id, e.as("alice")))[0]["url"].(string)
		e.ok(t, "DELETE", "/v3/messages/"+id, nil, e.as("alice"))
		notFound(t, "deleted message's file", fresh)
		if after := e.files(t); after != before-1 {
			t.Errorf("%d files kept after the delete, want %d", after, before-1)
		}
	})
}

func TestMediaRefused(t *testing.T) {
	t.Parallel()
	e := newMediaEnv(t)
	imageMsg := map[string]any{"receiver": "team", "receiverType": "group", "type": "image"}
	refused := func(t *testing.T, status int, code string, data any, files []file, hs ...hdr) {
		t.Helper()
		before, kept := e.logIDs(t), e.files(t)
		got, b := e.multipart(t, "/v3/messages", data, files, hs...)
		wantError(t, "multipart send", got, b, status, code)
		if after := e.logIDs(t); !slices.Equal(before, after) {
			t.Errorf("refused, but the message log changed: %v, then %v", before, after)
		}
		if n := e.files(t); n != kept {
			t.Errorf("refused, but %d files are kept, was %d", n, kept)
		}
	}
	ok := file{"file", "ok.png", "image/png", image(maxUpload)}
	big := file{"file", "big.png", "image/png", image(maxUpload + 1)}
	t.Run("OverTheUploadLimit", func(t *testing.T) {
		refused(t, 413, parley.CodeMessageTooLarge, imageMsg, []file{big}, e.as("alice"))
		refused(t, 413, parley.CodeMessageTooLarge, imageMsg, []file{ok, big}, e.as("alice"))
		e.sendFiles(t, imageMsg, []file{ok}, e.as("alice")) // exactly the limit
	})
	t.Run("FileOnATextMessage", func(t *testing.T) {
		refused(t, 400, parley.CodeInvalidAttachment, toGroup("team", "hi"), []file{ok}, e.as("alice"))
		refused(t, 400, parley.CodeInvalidAttachment, map[string]any{"receiver": "team", "receiverType": "group",
			"category": "custom", "type": "x", "data": map[string]any{"customData": map[string]any{}}}, []file{ok}, e.as("alice"))
	})
	t.Run("MediaWithoutFile", func(t *testing.T) {
		refused(t, 400, parley.CodeEmptyMessageFile, imageMsg, nil, e.as("alice"))
	})
	t.Run("RuleBrokenAfterUpload", func(t *testing.T) {
		refused(t, 403, parley.CodeNotAMember, imageMsg, []file{ok}, e.as("dave"))
		refused(t, 404, parley.CodeUIDNotFound, with(imageMsg, "receiver", "ghost", "receiverType", "user"), []file{ok}, e.as("alice"))
	})
	t.Run("BadMultipart", func(t *testing.T) {
		refused(t, 400, parley.CodeBadRequest, nil, []file{ok}, e.as("alice"))
		refused(t, 400, parley.CodeBadRequest, `{"receiver":`, []file{ok}, e.as("alice"))
	})
	t.Run("TooManyFiles", func(t *testing.T) {
		var fs []file
		for i := range 11 {
			fs = append(fs, file{"files[]", fmt.Sprintf("f%d.png", i), "image/png", image(20)})
		}
		refused(t, 400, parley.CodeTooManyFiles, imageMsg, fs, e.as("alice"))
	})
	t.Run("NoBlobStore", func(t *testing.T) {
		plain := teamEnv(t)
		got, b := plain.multipart(t, "/v3/messages", imageMsg, []file{ok}, plain.as("alice"))
		wantError(t, "upload without a blob store", got, b, 400, parley.CodeInvalidAttachment)
	})
}
