package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	verrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/docs"
	"github.com/parleychat/parley/httpapi"
)

// The HTTP tests hold every answer they receive to docs/openapi.yaml: the
// client of newEnv checks each response against the spec (spec.check), so
// the spec can't drift from the code.

// apiSpec is docs/openapi.yaml, parsed once per test binary: building the
// model and the validator is the costly part, validating one answer is not.
type apiSpec struct {
	model *v3.Document
	v     validator.Validator
}

var loadSpec = sync.OnceValues(func() (*apiSpec, error) {
	doc, err := libopenapi.NewDocument(docs.OpenAPI())
	if err != nil {
		return nil, fmt.Errorf("parse docs/openapi.yaml: %w", err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("build docs/openapi.yaml: %w", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, fmt.Errorf("validator for docs/openapi.yaml: %v", errs)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		return nil, fmt.Errorf("docs/openapi.yaml is not a valid OpenAPI 3.1 document: %s", describe(errs))
	}
	return &apiSpec{model: &model.Model, v: v}, nil
})

func mustSpec(t testing.TB) *apiSpec {
	t.Helper()
	s, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// validating returns c with a transport that checks every response against
// the spec, failing t with the request, the mismatch and the body.
func validating(t testing.TB, c *http.Client) *http.Client {
	t.Helper()
	spec := mustSpec(t)
	vc := *c
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	vc.Transport = &specTransport{t: t, spec: spec, base: base}
	return &vc
}

// specTransport is an http.RoundTripper that validates each response.
type specTransport struct {
	t    testing.TB
	spec *apiSpec
	base http.RoundTripper
}

func (st *specTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := st.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil // the test sees the short body; nothing to validate
	}
	if msg := st.spec.check(req, resp, body); msg != "" {
		st.t.Errorf("%s %s: answer %d does not match docs/openapi.yaml:\n%s\nbody: %s",
			req.Method, req.URL.RequestURI(), resp.StatusCode, msg, truncate(body, 2000))
	}
	return resp, nil
}

// check validates one answer, returning what is wrong with it or "".
func (s *apiSpec) check(req *http.Request, resp *http.Response, body []byte) string {
	switch {
	case req.Method == http.MethodOptions && resp.StatusCode == http.StatusNoContent:
		return "" // a CORS preflight, answered on every path (api.md, Responses)
	case resp.StatusCode == http.StatusSwitchingProtocols:
		return "" // the gateway's upgrade: docs/protocol.md is its contract
	}
	// The validator matches the request's path against the spec's; give it
	// the path the server routed.
	vreq := req.Clone(req.Context())
	vreq.Body = http.NoBody
	p := vreq.URL.Path
	if rest, ok := strings.CutPrefix(p, "/v3.0/"); ok {
		p = "/v3/" + rest // the alias
	}
	if strings.HasPrefix(p, "/v3/media/") {
		p = "/v3/media/file" // {key...} spans segments; OpenAPI path parameters can't
	}
	vreq.URL.Path, vreq.URL.RawPath = p, ""
	vresp := *resp
	vresp.Request = vreq
	vresp.Body = io.NopCloser(bytes.NewReader(body))
	ok, errs := s.v.ValidateHttpResponse(vreq, &vresp)
	if ok {
		return ""
	}
	if slices.ContainsFunc(errs, func(e *verrors.ValidationError) bool { return e.ValidationType == helpers.PathValidation }) {
		// No route in the spec: the server must not have one either, and
		// answers 404 (405 for a known path) ERR_API_NOT_FOUND.
		var env struct {
			Error *parley.WireError `json:"error"`
		}
		if (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed) &&
			json.Unmarshal(body, &env) == nil && env.Error != nil && env.Error.Code == parley.CodeRouteNotFound {
			return ""
		}
		return "the spec has no such route, but the server answered it: " + describe(errs)
	}
	return describe(errs)
}

// describe renders validation errors down to the failing fields.
func describe(errs []*verrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "  %s: %s\n", e.Message, e.Reason)
		for _, f := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "    at %s: %s\n", f.FieldPath, f.Reason)
		}
	}
	return b.String()
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// TestSpecCoversEveryRoute: docs/openapi.yaml describes exactly the routes
// the server registers, each method of each path, both ways.
func TestSpecCoversEveryRoute(t *testing.T) {
	spec := mustSpec(t)
	// The gateway's route exists only with a gateway.
	srv := httpapi.New(httpapi.Config{Realtime: http.NotFoundHandler()})
	var served []string
	for _, r := range srv.Routes() {
		served = append(served, strings.ReplaceAll(r, "...}", "}"))
	}
	var described []string
	for path, item := range spec.model.Paths.PathItems.FromOldest() {
		for method := range item.GetOperations().KeysFromOldest() {
			described = append(described, strings.ToUpper(method)+" "+path)
		}
	}
	for _, r := range served {
		if !slices.Contains(described, r) {
			t.Errorf("route %q is served but not in docs/openapi.yaml", r)
		}
	}
	for _, r := range described {
		if !slices.Contains(served, r) {
			t.Errorf("docs/openapi.yaml describes %q, which the server does not serve", r)
		}
	}
	if len(served) < 50 {
		t.Errorf("only %d routes registered; Routes() lost some", len(served))
	}
}

// TestOpenAPIServed: GET /v3/openapi.yaml answers the spec, with no
// credentials, as YAML.
func TestOpenAPIServed(t *testing.T) {
	e := newEnv(t)
	resp, body := e.raw(t, e.request(t, http.MethodGet, "/v3/openapi.yaml", nil))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", resp.StatusCode, truncate(body, 500))
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type %q, want application/yaml", ct)
	}
	if !bytes.Equal(body, docs.OpenAPI()) {
		t.Errorf("the body is not docs/openapi.yaml (%d bytes, want %d)", len(body), len(docs.OpenAPI()))
	}
	if !bytes.HasPrefix(body, []byte("openapi: 3.1.")) {
		t.Errorf("not an OpenAPI 3.1 document: %s", truncate(body, 100))
	}
	// The alias serves it too.
	if resp, _ := e.raw(t, e.request(t, http.MethodGet, "/v3.0/openapi.yaml", nil)); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /v3.0/openapi.yaml: status %d, want 200", resp.StatusCode)
	}
}

// TestSpecCatchesMismatch: the validating client reports an answer that
// breaks the spec, and one from a route the spec does not have; it passes
// the not-found answer of a route nobody has.
func TestSpecCatchesMismatch(t *testing.T) {
	spec := mustSpec(t)
	answer := func(method, path string, status int, body string) string {
		req, _ := http.NewRequest(method, "http://parley.test"+path, nil)
		resp := &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, Request: req}
		return spec.check(req, resp, []byte(body))
	}
	for _, c := range []struct {
		name, method, path string
		status             int
		body               string
		wantErr            string // "" when the answer is fine
	}{
		{"a user", "GET", "/v3/users/alice", 200,
			`{"data":{"uid":"alice","name":"Alice","role":"default","status":"offline","createdAt":1}}`, ""},
		{"a user missing a field", "GET", "/v3/users/alice", 200,
			`{"data":{"uid":"alice","role":"default","status":"offline","createdAt":1}}`, "name"},
		{"a message id as a number", "GET", "/v3/messages/1", 200,
			`{"data":{"id":1,"conversationId":"a_user_b","sender":"a","receiver":"b","receiverType":"user","category":"message","type":"text","data":{},"sentAt":1,"updatedAt":1}}`, "id"},
		{"a list without meta", "GET", "/v3/apikeys", 200, `{"data":[]}`, "meta"},
		{"an undocumented code", "GET", "/v3/users/alice", 404,
			`{"error":{"code":"ERR_NOPE","message":"no"}}`, "code"},
		{"a documented code", "GET", "/v3/users/alice", 404,
			`{"error":{"code":"ERR_UID_NOT_FOUND","message":"no"}}`, ""},
		{"an unknown route's 404", "GET", "/v3/nowhere", 404,
			`{"error":{"code":"ERR_API_NOT_FOUND","message":"no"}}`, ""},
		{"an answer from a route the spec lacks", "GET", "/v3/nowhere", 200, `{"data":{}}`, "no such route"},
	} {
		got := answer(c.method, c.path, c.status, c.body)
		switch {
		case c.wantErr == "" && got != "":
			t.Errorf("%s: rejected: %s", c.name, got)
		case c.wantErr != "" && !strings.Contains(got, c.wantErr):
			t.Errorf("%s: got %q, want a mismatch naming %q", c.name, got, c.wantErr)
		}
	}
}
