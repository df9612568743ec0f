package web_test

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parleychat/parley/web"
)

// get sends one request to srv and returns the answer with its body read.
func get(t *testing.T, srv *httptest.Server, method, path string, headers ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// apiStandIn is the handler Mount passes every other request to; here it
// answers 418 so a test can tell the pages from "not the pages".
var apiStandIn = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusTeapot)
	io.WriteString(w, "api:"+r.URL.Path)
})

func embeddedServer(t *testing.T) *httptest.Server {
	t.Helper()
	h, err := web.New(web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.Mount(h, apiStandIn))
	t.Cleanup(srv.Close)
	return srv
}

func TestDashboardServedWithStrongETagAnd304(t *testing.T) {
	t.Parallel()
	srv := embeddedServer(t)
	resp, body := get(t, srv, "GET", "/dashboard/")
	if resp.StatusCode != 200 || !strings.Contains(body, "<title>Parley dashboard</title>") {
		t.Fatalf("GET /dashboard/: %d %q", resp.StatusCode, body)
	}
	etag := resp.Header.Get("ETag")
	if !regexp.MustCompile(`^"[0-9a-f]{32}"$`).MatchString(etag) {
		t.Fatalf("ETag %q is not a strong tag", etag)
	}
	for k, want := range map[string]string{"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache",
		"X-Content-Type-Options": "nosniff"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	resp2, body2 := get(t, srv, "GET", "/dashboard/", "If-None-Match", etag)
	if resp2.StatusCode != http.StatusNotModified || body2 != "" || resp2.Header.Get("ETag") != etag {
		t.Errorf("revalidation: %d %q etag %q, want 304, no body, the same ETag", resp2.StatusCode, body2, resp2.Header.Get("ETag"))
	}
	resp3, _ := get(t, srv, "GET", "/dashboard/", "If-None-Match", `"stale"`)
	if resp3.StatusCode != 200 {
		t.Errorf("a stale ETag got %d, want 200", resp3.StatusCode)
	}
	js, _ := get(t, srv, "GET", "/vendor/preact.mjs")
	if js.StatusCode != 200 || js.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("/vendor/preact.mjs: %d %q", js.StatusCode, js.Header.Get("Content-Type"))
	}
	css, _ := get(t, srv, "HEAD", "/shared/theme.css")
	if css.StatusCode != 200 || css.Header.Get("Content-Type") != "text/css; charset=utf-8" || css.Header.Get("ETag") == "" {
		t.Errorf("HEAD /shared/theme.css: %d %q %q", css.StatusCode, css.Header.Get("Content-Type"), css.Header.Get("ETag"))
	}
}

// scriptRe finds the inline import map the server injected.
var scriptRe = regexp.MustCompile(`<script type="importmap">(.*?)</script>`)

func TestCSPAllowsExactlyTheInjectedImportMap(t *testing.T) {
	t.Parallel()
	srv := embeddedServer(t)
	resp, body := get(t, srv, "GET", "/dashboard/")
	m := scriptRe.FindStringSubmatch(body)
	if m == nil || strings.Contains(body, web.Marker) {
		t.Fatalf("the import map was not injected:\n%s", body)
	}
	want, err := os.ReadFile("importmap.json")
	if err != nil {
		t.Fatal(err)
	}
	if m[1] != strings.TrimSpace(string(want)) {
		t.Errorf("injected %q, want importmap.json %q", m[1], want)
	}
	sum := sha256.Sum256([]byte(m[1]))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self' "+hash+";") {
		t.Errorf("CSP %q does not allow the import map by its hash %s", csp, hash)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, want := range []string{"default-src 'none'", "style-src 'self';", "frame-ancestors 'none'",
		"connect-src 'self' ws://" + host + " wss://" + host + ";"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP %q allows inline code", csp)
	}
}

func TestEveryPageHasTheImportMapMarkerAndNoInlineCode(t *testing.T) {
	t.Parallel()
	inline := regexp.MustCompile(`<script(?:\s+type="module")?>|<script>|\sstyle=|\son[a-z]+=`)
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "node_modules" {
			return filepath.SkipDir
		}
		if d.IsDir() || filepath.Ext(p) != ".html" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !strings.Contains(string(b), web.Marker) {
			t.Errorf("%s has no %s line", p, web.Marker)
		}
		if loc := inline.FindStringIndex(string(b)); loc != nil {
			t.Errorf("%s has inline code the CSP would block: %q", p, string(b)[loc[0]:loc[1]])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOnlyTheListedPrefixesAreServed(t *testing.T) {
	t.Parallel()
	srv := embeddedServer(t)
	for _, p := range []string{"/web.go", "/importmap.json", "/package.json", "/vendor/update.sh",
		"/vendor/LICENSE.preact", "/sdk/.keep", "/demo/.keep", "/dashboard/missing.js", "/sdk/package.json",
		"/sdk/test/x.test.mjs", "/test/harness.mjs", "/node_modules/preact/package.json", "/dashboard/../web.go",
		"/dashboard/%2e%2e/web.go", "/vendor/..%2fweb.go"} {
		resp, body := get(t, srv, "GET", p)
		if resp.StatusCode == 200 {
			t.Errorf("GET %s served %q", p, body[:min(len(body), 60)])
		}
	}
	// Outside the prefixes, the request is the API's.
	for _, p := range []string{"/v3/users", "/healthz", "/dashboardx"} {
		resp, body := get(t, srv, "GET", p)
		if resp.StatusCode != http.StatusTeapot || body != "api:"+p {
			t.Errorf("GET %s: %d %q, want it passed to the API", p, resp.StatusCode, body)
		}
	}
	for p, want := range map[string]string{"/": "/dashboard/", "/dashboard": "/dashboard/", "/demo?x=1": "/demo/?x=1"} {
		resp, _ := get(t, srv, "GET", p)
		if loc := resp.Header.Get("Location"); resp.StatusCode/100 != 3 || loc != want {
			t.Errorf("GET %s: %d to %q, want a redirect to %q", p, resp.StatusCode, loc, want)
		}
	}
	resp, _ := get(t, srv, "POST", "/dashboard/")
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /dashboard/: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestWebDirServesEditsFromDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("importmap.json", `{"imports":{"preact":"/vendor/p.mjs"}}`)
	write("dashboard/index.html", "<head>\n"+web.Marker+"\n</head>one")
	write("secret.txt", "outside the prefixes")
	h, err := web.New(web.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.Mount(h, apiStandIn))
	t.Cleanup(srv.Close)

	resp, body := get(t, srv, "GET", "/dashboard/")
	if resp.StatusCode != 200 || !strings.HasSuffix(body, "one") || !strings.Contains(body, `<script type="importmap">{"imports":{"preact":"/vendor/p.mjs"}}</script>`) {
		t.Fatalf("GET /dashboard/: %d %q", resp.StatusCode, body)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store while editing", cc)
	}
	first := resp.Header.Get("ETag")
	write("dashboard/index.html", "<head>\n"+web.Marker+"\n</head>two")
	resp, body = get(t, srv, "GET", "/dashboard/", "If-None-Match", first)
	if resp.StatusCode != 200 || !strings.HasSuffix(body, "two") || resp.Header.Get("ETag") == first {
		t.Errorf("after an edit: %d %q etag %q (was %q), want the new file and a new ETag", resp.StatusCode, body, resp.Header.Get("ETag"), first)
	}
	if resp, _ := get(t, srv, "GET", "/dashboard/", "If-None-Match", resp.Header.Get("ETag")); resp.StatusCode != 304 {
		t.Errorf("revalidating the edited file: %d, want 304", resp.StatusCode)
	}
	// A symbolic link out of the directory is not followed.
	outside := filepath.Join(t.TempDir(), "outside.txt")
	if err := os.WriteFile(outside, []byte("outside"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "dashboard", "link.txt")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/dashboard/link.txt", "/dashboard/../secret.txt", "/dashboard/%2e%2e/secret.txt"} {
		if resp, body := get(t, srv, "GET", p); resp.StatusCode == 200 {
			t.Errorf("GET %s served %q", p, body)
		}
	}
}

func TestNewRefusesAMissingWebDir(t *testing.T) {
	t.Parallel()
	if _, err := web.New(web.Options{Dir: filepath.Join(t.TempDir(), "nope")}); err == nil {
		t.Error("New accepted a directory that does not exist")
	}
}
