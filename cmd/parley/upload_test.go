package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
)

// TestMainUploads: the binary keeps uploaded files under the data dir and
// serves them back by their signed URL.
func TestMainUploads(t *testing.T) {
	m, out := start(t, testConfig(t.TempDir()))
	sec := parseSecrets(out)
	mustOK(t, "POST", m.URL()+"/v3/users", map[string]any{"uid": "bob", "name": "Bob"}, "appid", sec.AppID, "apikey", sec.RESTKey)

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("data", `{"receiver":"bob","receiverType":"user","category":"message","type":"file"}`)
	fw, _ := mw.CreateFormFile("file", "notes.txt")
	fw.Write([]byte("hello file"))
	mw.Close()
	req, _ := http.NewRequest("POST", m.URL()+"/v3/messages", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("appid", sec.AppID)
	req.Header.Set("apikey", sec.RESTKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Data struct {
			Data struct {
				Attachments []struct{ URL string } `json:"attachments"`
			} `json:"data"`
		} `json:"data"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &env); err != nil || resp.StatusCode != 200 || len(env.Data.Data.Attachments) != 1 {
		t.Fatalf("upload: %d %s", resp.StatusCode, raw)
	}
	got, err := http.Get(m.URL() + env.Data.Data.Attachments[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Body.Close()
	b, _ := io.ReadAll(got.Body)
	if got.StatusCode != 200 || string(b) != "hello file" {
		t.Fatalf("media: %d %q", got.StatusCode, b)
	}
}
