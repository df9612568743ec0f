package httpapi_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"testing"

	"github.com/parleychat/parley"
)

// form posts a multipart/form-data body of plain fields (name, value
// pairs, in order; a name may repeat) and files, as curl -F writes it.
func (e *env) form(t testing.TB, path string, fields [][2]string, files []file, hs ...hdr) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.field, f.name))
		h.Set("Content-Type", f.ctype)
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
	resp, b := e.raw(t, req)
	return resp.StatusCode, decodeBody(t, "POST "+path, b)
}

// TestMediaFormFields tests multipart sends whose message fields are plain
// form fields (receiver, receiverType, type, …, and data as the message's
// data object), as curl users and media uploads write them, beside the
// form with one data part holding the whole body (TestMediaUpload).
func TestMediaFormFields(t *testing.T) {
	t.Parallel()
	e := newMediaEnv(t)
	png := file{"file", "photo.png", "image/png", image(200)}
	sent := func(t *testing.T, path string, fields [][2]string, files []file) map[string]any {
		t.Helper()
		status, b := e.form(t, path, fields, files, e.as("alice"))
		d, _ := b["data"].(map[string]any)
		if status != 200 || d == nil {
			t.Fatalf("form send: %d %v", status, b)
		}
		return d
	}

	t.Run("AllFields", func(t *testing.T) {
		m := sent(t, "/v3/messages", [][2]string{{"receiver", "team"}, {"receiverType", "group"}, {"category", "message"},
			{"type", "image"}, {"muid", "form-1"}, {"tags", "holiday"}, {"tags", "beach"},
			{"data", `{"text":"at the beach","metadata":{"place":"Nice"}}`}}, []file{png})
		wantFields(t, "sent", m, map[string]any{"receiver": "team", "receiverType": "group", "category": "message",
			"type": "image", "muid": "form-1", "tags": []string{"holiday", "beach"}, "sender": "alice"})
		wantFields(t, "sent data", dataOf(m), map[string]any{"text": "at the beach", "metadata": map[string]any{"place": "Nice"}})
		if as := attachmentsOf(m); len(as) != 1 || as[0]["name"] != "photo.png" || as[0]["mimeType"] != "image/png" || num(as[0], "size") != 200 {
			t.Errorf("attachments %v", as)
		}
		if got := e.getMsg(t, idOf(t, m), e.as("bob")); dataOf(got)["text"] != "at the beach" {
			t.Errorf("bob reads %v", got)
		}
	})
	t.Run("NoDataField", func(t *testing.T) {
		m := sent(t, "/v3/messages", [][2]string{{"receiver", "bob"}, {"receiverType", "user"}, {"type", "file"}},
			[]file{{"files[]", "notes.txt", "text/plain", []byte("notes")}})
		if m["receiver"] != "bob" || m["type"] != "file" || dataOf(m)["text"] != nil || len(attachmentsOf(m)) != 1 {
			t.Errorf("sent %v", m)
		}
	})
	t.Run("TagsAsJSONAndReply", func(t *testing.T) {
		parent := e.sendID(t, toGroup("team", "show me"), e.as("bob"))
		m := sent(t, "/v3/messages", [][2]string{{"receiver", "team"}, {"receiverType", "group"}, {"type", "image"},
			{"tags", `["a","b"]`}, {"parentId", parent}}, []file{png})
		wantFields(t, "reply", m, map[string]any{"tags": []string{"a", "b"}, "parentId": parent})
		// The thread route with fields and no receiver: the parent's conversation.
		m = sent(t, "/v3/messages/"+parent+"/thread", [][2]string{{"type", "image"}, {"tags", "x, y"}}, []file{png})
		wantFields(t, "thread reply", m, map[string]any{"receiver": "team", "parentId": parent, "tags": []string{"x", "y"}})
	})
	t.Run("Refused", func(t *testing.T) {
		refused := func(t *testing.T, status int, code string, fields [][2]string) {
			t.Helper()
			before, kept := e.logIDs(t), e.files(t)
			got, b := e.form(t, "/v3/messages", fields, []file{png}, e.as("alice"))
			wantError(t, "form send", got, b, status, code)
			if after := e.logIDs(t); !slices.Equal(before, after) || e.files(t) != kept {
				t.Errorf("refused, but the log or the files changed")
			}
		}
		to := [][2]string{{"receiver", "team"}, {"receiverType", "group"}, {"type", "image"}}
		refused(t, 400, parley.CodeBadRequest, append(slices.Clone(to), [2]string{"data", "caption"}))
		refused(t, 400, parley.CodeBadRequest, append(slices.Clone(to), [2]string{"data", `["x"]`}))
		refused(t, 400, parley.CodeInvalidMessageText, append(slices.Clone(to), [2]string{"data", `{"text":1}`}))
		refused(t, 400, parley.CodeBadRequest, append(slices.Clone(to), [2]string{"receiver", "bob"}))
		refused(t, 400, parley.CodeBadRequest, append(slices.Clone(to), [2]string{"multipleReceivers", "bob"}))
		refused(t, 400, parley.CodeBadRequest, append(slices.Clone(to), [2]string{"parentId", "first"}))
		refused(t, 400, parley.CodeInvalidReceiverType, [][2]string{{"receiver", "team"}, {"receiverType", "room"}, {"type", "image"}})
		refused(t, 400, parley.CodeEmptyReceiver, [][2]string{{"receiverType", "group"}, {"type", "image"}})
		refused(t, 400, parley.CodeBadRequest, [][2]string{{"caption", "neither a data part nor fields"}})
	})
}
