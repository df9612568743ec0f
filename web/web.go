// Package web serves Parley's browser files: the operator dashboard
// (/dashboard/), the demo chat (/demo/), the JavaScript SDK (/sdk/), the
// vendored Preact, hooks and htm (/vendor/) and the theme they share
// (/shared/). The files are the ones in this directory, exactly what the
// browser runs (no build step), embedded in the binary with go:embed.
//
// Every HTML page has the line <!--importmap--> in its head; the handler
// replaces it with the import map of importmap.json as an inline script and
// allows that one script by its sha256 in a strict Content-Security-Policy.
// Files carry strong ETags (a hash of what is sent), computed once at start
// for the embedded files, so a browser revalidates with If-None-Match and
// gets 304 Not Modified. With Options.Dir the files are read from disk on
// every request instead, for editing without rebuilding.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"regexp"
	"strings"
	"time"
)

// The embedded files: exactly the ones served (see servable), named by
// extension so that tests, package.json, tsconfig.json, index.d.ts and the
// vendor update script stay out of the binary. A served file of a new kind
// or directory needs its pattern here (TestEmbeddedIsExactlyTheServedFiles
// says which).
//
//go:embed importmap.json
//go:embed dashboard/*.html dashboard/*.js dashboard/*.css dashboard/pages/*.js
//go:embed demo/*.html demo/*.js demo/*.css
//go:embed sdk/*.js
//go:embed shared/*.css
//go:embed vendor/*.mjs vendor/*.map
var embedded embed.FS

// Prefixes are the URL path prefixes the pages are served under, each the
// directory of the same name in web/. Nothing else in web/ is served.
var Prefixes = []string{"/dashboard/", "/demo/", "/sdk/", "/vendor/", "/shared/"}

// Marker is the line of an HTML page's head that the import map replaces.
const Marker = "<!--importmap-->"

// Options configures a Handler.
type Options struct {
	// Dir, when set, is a web/ directory on disk to serve instead of the
	// embedded files, read again on every request (for editing the pages
	// without rebuilding). Its ETags and CSP hash are computed per request.
	Dir string
}

// Handler serves the pages. Make one with New.
type Handler struct {
	dir   string
	files map[string]*file // embedded mode: "dashboard/index.html" → prepared file
	// scriptSrc is the CSP's script-src of the embedded import map.
	scriptSrc string
}

// file is one file as it is sent.
type file struct {
	body  []byte
	etag  string
	ctype string
}

// New returns a handler of the embedded files, prepared (import map
// injected, ETags computed) once here; or, with opts.Dir, of that directory.
func New(opts Options) (*Handler, error) {
	if opts.Dir != "" {
		st, err := os.Stat(opts.Dir)
		if err != nil {
			return nil, fmt.Errorf("web dir: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("web dir %s is not a directory", opts.Dir)
		}
		return &Handler{dir: opts.Dir}, nil
	}
	h, err := prepare(embedded)
	if err != nil {
		return nil, fmt.Errorf("embedded web files: %w", err)
	}
	return h, nil
}

// prepare reads every servable file of fsys.
func prepare(fsys fs.FS) (*Handler, error) {
	im, err := fs.ReadFile(fsys, "importmap.json")
	if err != nil {
		return nil, err
	}
	script, src := importMapScript(im)
	h := &Handler{files: map[string]*file{}, scriptSrc: src}
	for _, pre := range Prefixes {
		root := strings.Trim(pre, "/")
		err := fs.WalkDir(fsys, root, func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !servable(name) {
				return err
			}
			body, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			h.files[name] = newFile(name, body, script)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return h, nil
}

// importMapScript returns the inline script of the import map and the CSP
// source that allows it.
func importMapScript(importMap []byte) (script []byte, src string) {
	content := bytes.TrimSpace(importMap)
	sum := sha256.Sum256(content)
	script = append(append([]byte(`<script type="importmap">`), content...), "</script>"...)
	return script, "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

func newFile(name string, body, importMapScript []byte) *file {
	ctype := contentTypes[path.Ext(name)]
	if path.Ext(name) == ".html" {
		body = bytes.Replace(body, []byte(Marker), importMapScript, 1)
	}
	sum := sha256.Sum256(body)
	return &file{body: body, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
}

// contentTypes are the types of the files served, by extension; a file of
// any other extension is not served.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".webp":        "image/webp",
	".ico":         "image/x-icon",
	".woff2":       "font/woff2",
	".webmanifest": "application/manifest+json",
	".txt":         "text/plain; charset=utf-8",
}

// servable reports whether the file at name (slash-separated, relative to
// web/, e.g. "dashboard/app.js") may be served: a known extension, no
// hidden or underscore segment, nothing under test/ or node_modules/, and
// no package or compiler configuration.
func servable(name string) bool {
	if name == "" || strings.ContainsAny(name, "\\\x00") || contentTypes[path.Ext(name)] == "" {
		return false
	}
	for _, seg := range strings.Split(name, "/") {
		switch {
		case seg == "", seg == ".", seg == "..", seg[0] == '.', seg[0] == '_',
			seg == "test", seg == "node_modules":
			return false
		}
	}
	switch base := path.Base(name); {
	case base == "package.json", base == "package-lock.json", strings.HasPrefix(base, "tsconfig"):
		return false
	}
	return true
}

// ServeHTTP serves GET and HEAD of the files under Prefixes; a path ending
// in / serves its index.html.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := fileName(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, scriptSrc, err := h.open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	hdr.Set("Content-Type", f.ctype)
	hdr.Set("ETag", f.etag)
	hdr.Set("Content-Security-Policy", csp(scriptSrc, r.Host))
	if h.dir != "" {
		hdr.Set("Cache-Control", "no-store")
	} else {
		// No hashed file names (there is no build step), so every file is
		// revalidated; the ETag makes that a 304 without a body.
		hdr.Set("Cache-Control", "no-cache")
	}
	// ServeContent answers If-None-Match with 304 (by the ETag), ranges
	// and HEAD.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}

// fileName maps a URL path under one of Prefixes to a file name relative
// to web/, refusing anything servable refuses.
func fileName(urlPath string) (string, bool) {
	under := false
	for _, pre := range Prefixes {
		if strings.HasPrefix(urlPath, pre) {
			under = true
			break
		}
	}
	if !under {
		return "", false
	}
	if strings.HasSuffix(urlPath, "/") {
		urlPath += "index.html"
	}
	name := strings.TrimPrefix(urlPath, "/")
	return name, servable(name)
}

// open returns the file as sent and the script-src that allows its
// import map.
func (h *Handler) open(name string) (*file, string, error) {
	if h.dir == "" {
		f, ok := h.files[name]
		if !ok {
			return nil, "", fs.ErrNotExist
		}
		return f, h.scriptSrc, nil
	}
	// os.Root keeps every read inside the directory, symbolic links too.
	root, err := os.OpenRoot(h.dir)
	if err != nil {
		return nil, "", err
	}
	defer root.Close()
	body, err := root.ReadFile(name)
	if err != nil {
		return nil, "", err
	}
	im, err := root.ReadFile("importmap.json")
	if err != nil {
		return nil, "", errors.Join(errors.New("importmap.json"), err)
	}
	script, src := importMapScript(im)
	return newFile(name, body, script), src, nil
}

// validHost is a Host header fit to name in the CSP (a name or address
// and a port); anything else leaves the WebSocket sources out.
var validHost = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$`)

// csp is the Content-Security-Policy of a page: its own files only, the
// one import map script by hash, no inline styles, and connections to its
// own origin (REST) and to the same host's WebSocket endpoint.
func csp(scriptSrc, host string) string {
	connect := "'self'"
	if validHost.MatchString(host) {
		connect += " ws://" + host + " wss://" + host
	}
	return "default-src 'none'; script-src 'self' " + scriptSrc + "; style-src 'self'; img-src 'self' data: blob:; " +
		"media-src 'self' blob:; font-src 'self'; connect-src " + connect + "; manifest-src 'self'; " +
		"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

// Mount returns a handler that serves the pages under Prefixes with pages,
// redirects each prefix without its slash (and GET /) to the page, and
// passes every other request (the REST API, /v3/...) to next.
func Mount(pages http.Handler, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			http.Redirect(w, r, "/dashboard/", http.StatusFound)
			return
		}
		for _, pre := range Prefixes {
			if strings.HasPrefix(p, pre) {
				pages.ServeHTTP(w, r)
				return
			}
			if p == strings.TrimSuffix(pre, "/") {
				target := pre
				if r.URL.RawQuery != "" {
					target += "?" + r.URL.RawQuery
				}
				http.Redirect(w, r, target, http.StatusMovedPermanently)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
