package main

import (
	"net/http"
	"testing"
)

// TestMainDebugAddr: profiles are served on --debug-addr only, never on the
// public address.
func TestMainDebugAddr(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.DebugAddr = "127.0.0.1:0"
	m, _ := start(t, cfg)
	if m.debugURL == "" {
		t.Fatal("no debug listener with --debug-addr")
	}
	get := func(url string) int {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get(m.debugURL + "cmdline"); got != 200 {
		t.Errorf("debug cmdline: status %d, want 200", got)
	}
	if got := get(m.URL() + "/debug/pprof/cmdline"); got == 200 {
		t.Errorf("public address serves profiles (status %d)", got)
	}

	off, _ := start(t, testConfig(t.TempDir()))
	if off.debugURL != "" {
		t.Errorf("debug listener %s without --debug-addr", off.debugURL)
	}
}
