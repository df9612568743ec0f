package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
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

// TestMainDebugAddrTaken: a --debug-addr that can't be bound fails the
// start with a message naming it, and the start's cleanup returns.
func TestMainDebugAddrTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	cfg := testConfig(t.TempDir())
	cfg.DebugAddr = taken.Addr().String()
	m := NewMain(cfg, io.Discard, io.Discard)
	err = m.Open(context.Background())
	if err == nil || !strings.Contains(err.Error(), "debug listen") {
		t.Errorf("Open: %v, want a debug listen error", err)
	}
	closed := make(chan error, 1)
	go func() { closed <- m.Close() }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close hangs after a failed Open")
	}
}
