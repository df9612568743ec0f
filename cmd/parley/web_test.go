package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

func TestServeWebPagesBesideTheAPI(t *testing.T) {
	t.Parallel()
	m, out := start(t, testConfig(t.TempDir()))
	want := m.URL() + "/dashboard/"
	if m.DashboardURL() != want || !strings.Contains(out, "Dashboard: "+want) {
		t.Errorf("DashboardURL %q; stdout:\n%s\nwant the dashboard at %s", m.DashboardURL(), out, want)
	}
	resp, err := http.Get(want)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `<script type="importmap">`) ||
		resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("GET %s: %d, CSP %q, body %q", want, resp.StatusCode, resp.Header.Get("Content-Security-Policy"), body)
	}
	// The API is where it was.
	if status, _ := call(t, "GET", m.URL()+"/healthz", nil); status != 200 {
		t.Errorf("/healthz: %d", status)
	}
	s := parseSecrets(out)
	if d := mustOK(t, "GET", m.URL()+"/v3/apps/"+s.AppID, nil, "Authorization", "Bearer "+s.Operator); d["appId"] != s.AppID {
		t.Errorf("GET /v3/apps/{appId} beside the pages: %v", d)
	}
}

func TestServeNoWebAnswers404(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t.TempDir())
	cfg.NoWeb = true
	m, out := start(t, cfg)
	if strings.Contains(out, "Dashboard:") || m.DashboardURL() != "" {
		t.Errorf("--no-web still names a dashboard: %q\n%s", m.DashboardURL(), out)
	}
	for _, p := range []string{"/dashboard/", "/demo/", "/vendor/preact.mjs"} {
		status, body := call(t, "GET", m.URL()+p, nil)
		if e, _ := body["error"].(map[string]any); status != 404 || e["code"] != "ERR_API_NOT_FOUND" {
			t.Errorf("--no-web GET %s: %d %v, want 404 ERR_API_NOT_FOUND", p, status, body)
		}
	}
}

func TestServeWebDirMustExist(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t.TempDir())
	cfg.WebDir = filepath.Join(t.TempDir(), "missing")
	m := NewMain(cfg, io.Discard, io.Discard)
	defer m.Close()
	if err := m.Open(t.Context()); err == nil || !strings.Contains(err.Error(), "web dir") {
		t.Errorf("Open with a missing --web-dir: %v, want a web dir error", err)
	}
}
