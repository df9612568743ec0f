package httpapi_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleychat/parley"
)

// mediaKeyOf returns the key of the stored file a signed media URL names.
func mediaKeyOf(t testing.TB, u string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatalf("media url %q: %v", u, err)
	}
	key, ok := strings.CutPrefix(p.Path, "/v3/media/")
	if !ok || key == "" {
		t.Fatalf("%q is not a media url", u)
	}
	return key
}

// onDisk reports whether the file stored under key is in the blob folder.
func (e *mediaEnv) onDisk(key string) bool {
	_, err := os.Stat(filepath.Join(e.dir, filepath.FromSlash(key)))
	return err == nil
}

// signed returns a media URL for any key, valid ten minutes, signed with
// the server's own signing key (read from the store): a URL only the
// server could make, for a key it should never serve.
func (e *mediaEnv) signed(t testing.TB, key string) string {
	t.Helper()
	v, err := e.Store.Setting(context.Background(), "media_signing_key")
	if err != nil {
		t.Fatalf("signing key: %v", err)
	}
	k, err := hex.DecodeString(v)
	if err != nil {
		t.Fatal(err)
	}
	exp := e.clock.now.Load() + 600
	mac := hmac.New(sha256.New, k)
	fmt.Fprintf(mac, "%s\n%d", key, exp)
	return fmt.Sprintf("/v3/media/%s?expires=%d&signature=%s", key, exp, hex.EncodeToString(mac.Sum(nil)))
}

// upload sends one file to a receiver as uid and returns the message and
// the file's key.
func (e *mediaEnv) upload(t testing.TB, receiver, receiverType, name string, body []byte, hs hdr) (map[string]any, string) {
	t.Helper()
	m := e.sendFiles(t, map[string]any{"receiver": receiver, "receiverType": receiverType, "type": "file"},
		[]file{{"file", name, "", body}}, hs)
	as := attachmentsOf(m)
	if len(as) != 1 {
		t.Fatalf("upload: attachments %v", as)
	}
	return m, mediaKeyOf(t, as[0]["url"].(string))
}

// served checks what a media URL answers: 200 or 404 ERR_MEDIA_NOT_FOUND.
func (e *mediaEnv) served(t testing.TB, what, u string, want bool) {
	t.Helper()
	resp, body := e.fetch(t, u)
	if want {
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d, want 200", what, resp.StatusCode)
		}
		return
	}
	wantError(t, what, resp.StatusCode, decodeBody(t, what, body), 404, parley.CodeMediaNotFound)
}

// Clients name only files they host; a reference to a file Parley stores
// is made by the upload path alone, so no one can reach, re-sign or delete
// another message's file.
func TestMediaReferencesFromClients(t *testing.T) {
	e := newMediaEnv(t)
	alices, key := e.upload(t, "team", "group", "alice.png", image(64), e.as("alice"))
	internal := "parley-media:" + key
	folder := key[:strings.LastIndexByte(key, '/')]
	imageMsg := func(u string) map[string]any {
		return map[string]any{"receiver": "team", "receiverType": "group", "type": "image",
			"data": map[string]any{"attachments": []any{map[string]any{"url": u, "name": "x.png"}}}}
	}
	t.Run("RefusedInJSON", func(t *testing.T) {
		for _, u := range []string{internal, "PARLEY-MEDIA:" + key, "parley-media:" + folder,
			"/v3/media/" + key, "file:///etc/passwd", "javascript:alert(1)", "https://", "ftp://example.com/x.png"} {
			e.refused(t, 400, parley.CodeInvalidAttachment, "POST", "/v3/messages", imageMsg(u), e.as("bob"))
		}
		e.send(t, imageMsg("HTTPS://cdn.example.com/ok.png"), e.as("bob")) // the scheme in any case
	})
	t.Run("RefusedInMultipartData", func(t *testing.T) {
		kept := e.files(t)
		before := e.logIDs(t)
		status, b := e.multipart(t, "/v3/messages", imageMsg(internal), []file{{"file", "b.png", "image/png", image(32)}}, e.as("bob"))
		wantError(t, "multipart send naming a stored file", status, b, 400, parley.CodeInvalidAttachment)
		if n := e.files(t); n != kept {
			t.Errorf("refused, but %d files kept, was %d", n, kept)
		}
		if after := e.logIDs(t); len(after) != len(before) {
			t.Errorf("refused, but the log grew: %v, then %v", before, after)
		}
	})
	t.Run("RefusedInThreadReply", func(t *testing.T) {
		body := imageMsg(internal)
		delete(body, "receiver")
		delete(body, "receiverType")
		e.refused(t, 400, parley.CodeInvalidAttachment, "POST", "/v3/messages/"+idOf(t, alices)+"/thread", body, e.as("bob"))
	})
	t.Run("EditsCarryNoAttachments", func(t *testing.T) {
		id := idOf(t, e.send(t, imageMsg("https://cdn.example.com/own.png"), e.as("bob")))
		status, _ := e.do(t, "PUT", "/v3/messages/"+id, map[string]any{"data": map[string]any{
			"metadata": map[string]any{"v": 1}, "attachments": []any{map[string]any{"url": internal}}}}, e.as("bob"))
		if status != 200 && status != 400 {
			t.Fatalf("edit naming a stored file: %d", status)
		}
		got := attachmentsOf(e.getMsg(t, id, e.as("carol")))
		if len(got) != 1 || got[0]["url"] != "https://cdn.example.com/own.png" {
			t.Errorf("after an edit naming a stored file, attachments %v", got)
		}
	})
	t.Run("CrossApp", func(t *testing.T) {
		appB, keyB, _ := e.newApp(t, "B")
		asB := hdr{"appid": appB, "apikey": keyB}
		for _, uid := range []string{"mallory", "trent"} {
			e.okObj(t, "POST", "/v3/users", map[string]any{"uid": uid, "name": uid}, asB)
		}
		toTrent := map[string]any{"receiver": "trent", "receiverType": "user", "type": "file",
			"data": map[string]any{"attachments": []any{map[string]any{"url": internal}}}}
		e.fails(t, 400, parley.CodeInvalidAttachment, "POST", "/v3/messages", toTrent, asB, onBehalfOf("mallory"))
		// A reference already stored (as a client could give before they
		// were refused) is still no file of app B's: never signed, and
		// never deleted with B's message.
		m := &parley.Message{ConversationID: parley.UserConversationID("mallory", "trent"), Sender: "mallory",
			Receiver: "trent", ReceiverType: parley.ReceiverUser, Category: parley.CategoryMessage, Type: parley.TypeFile,
			Data: parley.MessageData{Attachments: []parley.Attachment{{URL: internal, Name: "x.png"}}}, SentAt: 1_700_000_000}
		if err := e.Store.AppendMessages(context.Background(), appB, m); err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprint(m.ID)
		for _, read := range []map[string]any{e.getMsg(t, id, asB), e.getMsg(t, id, asB, onBehalfOf("trent"))} {
			if as := attachmentsOf(read); len(as) != 1 || as[0]["url"] != "" {
				t.Errorf("app B reads app A's file as %v, want no url", as)
			}
		}
		e.ok(t, "DELETE", "/v3/messages/"+id, map[string]any{"permanent": true}, asB, onBehalfOf("mallory"))
		if !e.onDisk(key) {
			t.Errorf("deleting app B's message deleted app A's file")
		}
	})
	t.Run("DeletingOwnMessageKeepsOthersFiles", func(t *testing.T) {
		own := e.send(t, imageMsg("https://cdn.example.com/bob.png"), e.as("bob"))
		e.ok(t, "DELETE", "/v3/messages/"+idOf(t, own), map[string]any{"permanent": true}, e.as("bob"))
		if !e.onDisk(key) {
			t.Fatalf("bob's delete took alice's file")
		}
		e.served(t, "alice's file", attachmentsOf(e.getMsg(t, idOf(t, alices), e.as("carol")))[0]["url"].(string), true)

		// One upload to several receivers: each message owns a file of its own.
		res := e.sendFiles(t, map[string]any{"type": "file", "multipleReceivers": map[string]any{
			"uids": []string{"bob"}, "guids": []string{"team"}}}, []file{{"file", "both.txt", "", []byte("for both")}}, e.as("alice"))
		toBob := res["users"].(map[string]any)["bob"].(map[string]any)["data"].(map[string]any)
		toTeam := res["groups"].(map[string]any)["team"].(map[string]any)["data"].(map[string]any)
		bobKey, teamKey := mediaKeyOf(t, attachmentsOf(toBob)[0]["url"].(string)), mediaKeyOf(t, attachmentsOf(toTeam)[0]["url"].(string))
		if bobKey == teamKey {
			t.Fatalf("two messages share the file %s", bobKey)
		}
		e.ok(t, "DELETE", "/v3/messages/"+idOf(t, toBob), nil, e.as("alice"))
		if e.onDisk(bobKey) || !e.onDisk(teamKey) {
			t.Errorf("after deleting the copy to bob: bob's file kept %v, team's kept %v; want false, true",
				e.onDisk(bobKey), e.onDisk(teamKey))
		}
		e.served(t, "the team's copy", attachmentsOf(e.getMsg(t, idOf(t, toTeam), e.as("carol")))[0]["url"].(string), true)
	})
	t.Run("OnlyFilesServed", func(t *testing.T) {
		// Even with a valid signature: a folder (the upload's, the app's)
		// or anything else that is not a stored file answers 404.
		if err := os.MkdirAll(filepath.Join(e.dir, e.AppID, "x", "y"), 0o700); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{folder, e.AppID, e.AppID + "/x/y"} {
			resp, body := e.fetch(t, e.signed(t, k))
			wantError(t, "signed url of "+k, resp.StatusCode, decodeBody(t, k, body), 404, parley.CodeMediaNotFound)
		}
		e.served(t, "the file itself, signed alike", e.signed(t, key), true)
	})
}

// Files whose type may run script (SVG, HTML, XML, …) are downloads, and
// every media answer is sandboxed and never sniffed.
func TestMediaActiveTypes(t *testing.T) {
	e := newMediaEnv(t)
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>`)
	sandboxed := func(t *testing.T, what string, h http.Header) {
		t.Helper()
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
			t.Errorf("%s: Content-Security-Policy %q, want sandbox", what, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q, want nosniff", what, h.Get("X-Content-Type-Options"))
		}
	}
	for _, f := range []struct {
		name, ctype string
		body        []byte
		inline      bool
	}{
		{"x.svg", "image/svg+xml", svg, false},
		{"page.html", "text/html", []byte("<script>alert(1)</script>"), false},
		{"feed.xml", "application/xml", []byte("<?xml version=\"1.0\"?><a/>"), false},
		{"noext", "", []byte("<html><script>alert(1)</script>"), false},
		{"p.png", "image/png", image(64), true},
	} {
		t.Run(f.name, func(t *testing.T) {
			m := e.sendFiles(t, map[string]any{"receiver": "team", "receiverType": "group", "type": "image"},
				[]file{{"file", f.name, f.ctype, f.body}}, e.as("alice"))
			resp, body := e.fetch(t, attachmentsOf(m)[0]["url"].(string))
			if resp.StatusCode != 200 || string(body) != string(f.body) {
				t.Fatalf("GET: %d, %d bytes", resp.StatusCode, len(body))
			}
			cd := resp.Header.Get("Content-Disposition")
			if attach := strings.HasPrefix(cd, "attachment"); attach == f.inline {
				t.Errorf("Content-Disposition %q (type %q): want attachment %v", cd, resp.Header.Get("Content-Type"), !f.inline)
			}
			sandboxed(t, f.name, resp.Header)
		})
	}
	t.Run("Errors", func(t *testing.T) {
		resp, _ := e.fetch(t, "/v3/media/"+e.AppID+"/nothing/x.svg?expires=1&signature=00")
		if resp.StatusCode != 404 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		sandboxed(t, "a 404", resp.Header)
	})
}
