package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// get returns the status and body of a GET.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestDebugAddr(t *testing.T) {
	t.Run("off by default", func(t *testing.T) {
		m, _ := start(t, testConfig(t.TempDir()))
		if u := m.DebugURL(); u != "" {
			t.Errorf("DebugURL = %q with no --debug-addr", u)
		}
		if status, _ := get(t, m.URL()+"/debug/pprof/"); status != http.StatusNotFound {
			t.Errorf("GET /debug/pprof/ on the API: %d, want 404", status)
		}
	})
	t.Run("profiles on their own address only", func(t *testing.T) {
		cfg := testConfig(t.TempDir())
		cfg.DebugAddr = "127.0.0.1:0"
		m, _ := start(t, cfg)
		if m.DebugURL() == "" || m.DebugURL() == m.URL() {
			t.Fatalf("DebugURL = %q, API %q", m.DebugURL(), m.URL())
		}
		status, body := get(t, m.DebugURL()+"/debug/pprof/")
		if status != http.StatusOK || !strings.Contains(body, "goroutine") {
			t.Errorf("GET /debug/pprof/: %d %.200s", status, body)
		}
		if status, body := get(t, m.DebugURL()+"/debug/pprof/heap?debug=1"); status != http.StatusOK || !strings.Contains(body, "heap profile") {
			t.Errorf("GET /debug/pprof/heap: %d %.200s", status, body)
		}
		if status, _ := get(t, m.URL()+"/debug/pprof/"); status != http.StatusNotFound {
			t.Errorf("GET /debug/pprof/ on the API: %d, want 404", status)
		}
	})
	t.Run("an address in use fails the start", func(t *testing.T) {
		cfg := testConfig(t.TempDir())
		cfg.DebugAddr = "127.0.0.1:0"
		busy, _ := start(t, cfg)
		cfg = testConfig(t.TempDir())
		cfg.DebugAddr = strings.TrimPrefix(busy.DebugURL(), "http://")
		m := NewMain(cfg, io.Discard, io.Discard)
		defer m.Close()
		if err := m.Open(t.Context()); err == nil || !strings.Contains(err.Error(), "--debug-addr") {
			t.Errorf("Open with --debug-addr in use: %v", err)
		}
	})
}
