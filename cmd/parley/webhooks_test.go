package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley/webhook"
)

// TestWebhookQueueSurvivesKill queues message_sent deliveries for an
// endpoint that is down, kills the server with SIGKILL, brings the
// endpoint up and restarts the server on the same data: every message
// acknowledged before the kill is delivered, signed, at least once.
func TestWebhookQueueSurvivesKill(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts server processes")
	}
	var (
		up     atomic.Bool
		mu     sync.Mutex
		got    = map[string]int{} // message id -> deliveries received
		secret atomic.Value
	)
	secret.Store("")
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if !up.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if err := webhook.Verify(secret.Load().(string), r.Header, b, time.Now(), time.Minute); err != nil {
			t.Errorf("signature: %v", err)
		}
		var body struct {
			Data struct {
				Message struct {
					ID string `json:"id"`
				} `json:"message"`
			} `json:"data"`
		}
		json.Unmarshal(b, &body)
		mu.Lock()
		got[body.Data.Message.ID]++
		mu.Unlock()
	}))
	defer rc.Close()

	dir := t.TempDir()
	flags := []string{"--webhook-poll", "10ms", "--webhook-backoff", "20ms", "--webhook-backoff-max", "50ms",
		"--webhook-max-attempts", "100000", "--webhook-timeout", "1s"}
	c := startChild(t, dir, flags...)
	out := c.stdout.String()
	app, key := field(t, out, "App ID:"), field(t, out, "Rest API Key:")
	do := func(base, method, path string, body any) (int, map[string]any) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
		req.Header.Set("appid", app)
		req.Header.Set("apikey", key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	for _, uid := range []string{"alice", "bob"} {
		if status, m := do(c.url, "POST", "/v3/users", map[string]any{"uid": uid, "name": uid}); status != 200 {
			t.Fatalf("create %s: %d %v", uid, status, m)
		}
	}
	status, m := do(c.url, "POST", "/v3/webhooks", map[string]any{"id": "sink", "name": "Sink", "webhookURL": rc.URL,
		"triggers": []string{"message_sent"}})
	if status != 200 {
		t.Fatalf("create webhook: %d %v", status, m)
	}
	secret.Store(m["data"].(map[string]any)["secret"].(string))
	const n = 40
	var acked []string
	for i := range n {
		status, m := do(c.url, "POST", "/v3/messages", map[string]any{"receiver": "bob", "receiverType": "user",
			"data": map[string]any{"text": fmt.Sprint("m", i)}})
		if status != 200 {
			t.Fatalf("send: %d %v", status, m)
		}
		acked = append(acked, m["data"].(map[string]any)["id"].(string))
	}
	c.kill.Do(func() { c.cmd.Process.Kill() }) // SIGKILL: no shutdown, leases left as they were
	c.cmd.Wait()

	up.Store(true)
	c2 := startChild(t, dir, flags...)
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		missing := 0
		for _, id := range acked {
			if got[id] == 0 {
				missing++
			}
		}
		mu.Unlock()
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged messages never delivered after the restart", missing, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The log agrees: every delivery delivered, none left pending.
	for time.Now().Before(deadline) {
		_, m := do(c2.url, "GET", "/v3/webhooks/sink/deliveries?status=delivered&perPage=1000", nil)
		if total, _ := m["meta"].(map[string]any)["pagination"].(map[string]any)["total"].(float64); int(total) == n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the delivery log does not show every delivery delivered")
}
