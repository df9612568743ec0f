// Package pushtest runs local stand-ins for the push services Parley
// talks to (FCM, APNs and a webhook receiver) over real HTTP, for tests:
// the real services can't be reached from a test, and a test must see the
// exact requests. Each checks a request as its service does (credentials
// verified with the public key, required headers and fields) and refuses
// a wrong one as the service would; it records what it accepted.
package pushtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// FCMProject is the project id of the fake's service account.
const FCMProject = "parley-test"

// FCMTokenRequest is an OAuth2 token request the fake FCM accepted: the
// assertion's header and claims, verified with the account's public key.
type FCMTokenRequest struct {
	Header map[string]any
	Claims map[string]any
}

// FCMSend is a messages:send request the fake FCM took.
type FCMSend struct {
	Path   string
	Header http.Header
	Body   map[string]any // {"message": {...}} as sent
	Token  string         // message.token
}

// FCM is a fake of FCM's OAuth2 token endpoint (/token) and HTTP v1 send
// endpoint (/v1/projects/{project}/messages:send) on one plain HTTP server.
type FCM struct {
	*httptest.Server
	// Credentials is a service account key file whose token_uri is this
	// server's /token.
	Credentials []byte
	// ExpiresIn is the lifetime the fake gives access tokens (3600 s).
	ExpiresIn int

	key          *rsa.PrivateKey
	mu           sync.Mutex
	tokenReqs    []FCMTokenRequest
	access       map[string]bool // issued and not revoked
	unregistered map[string]bool // device tokens answered UNREGISTERED
	sends        []FCMSend
	failures     []string
}

// NewFCM starts a fake FCM, closed when the test ends.
func NewFCM(t testing.TB) *FCM {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f := &FCM{ExpiresIn: 3600, key: key, access: map[string]bool{}, unregistered: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", f.token)
	mux.HandleFunc("POST /v1/projects/{project}/messages:send", f.send)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	f.Credentials, _ = json.Marshal(map[string]string{
		"type": "service_account", "project_id": FCMProject, "private_key_id": "key-1",
		"private_key":  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email": "parley@" + FCMProject + ".iam.gserviceaccount.com", "token_uri": f.URL + "/token",
	})
	return f
}

// Unregister makes the fake answer sends to a device token 404
// UNREGISTERED, as FCM does for an uninstalled app.
func (f *FCM) Unregister(token string) {
	f.mu.Lock()
	f.unregistered[token] = true
	f.mu.Unlock()
}

// RevokeAccessTokens makes every access token issued so far invalid (401).
func (f *FCM) RevokeAccessTokens() {
	f.mu.Lock()
	f.access = map[string]bool{}
	f.mu.Unlock()
}

// TokenRequests returns the token requests accepted so far.
func (f *FCM) TokenRequests() []FCMTokenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FCMTokenRequest(nil), f.tokenReqs...)
}

// Sends returns the send requests accepted so far (UNREGISTERED ones too).
func (f *FCM) Sends() []FCMSend {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FCMSend(nil), f.sends...)
}

// Failures returns why the fake refused requests, for test messages.
func (f *FCM) Failures() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.failures...)
}

func (f *FCM) refuse(w http.ResponseWriter, status int, body any, why string) {
	f.mu.Lock()
	f.failures = append(f.failures, why)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// token checks a JWT-bearer grant as Google's token endpoint does.
func (f *FCM) token(w http.ResponseWriter, r *http.Request) {
	bad := func(why string) {
		f.refuse(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": why}, why)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		bad("content type " + ct)
		return
	}
	if err := r.ParseForm(); err != nil {
		bad(err.Error())
		return
	}
	if g := r.PostForm.Get("grant_type"); g != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		bad("grant_type " + g)
		return
	}
	h, c, err := verifyJWT(r.PostForm.Get("assertion"), "RS256", func(digest, sig []byte) error {
		return rsa.VerifyPKCS1v15(&f.key.PublicKey, crypto.SHA256, digest, sig)
	})
	if err != nil {
		bad(err.Error())
		return
	}
	iat, _ := c["iat"].(float64)
	exp, _ := c["exp"].(float64)
	switch {
	case h["kid"] != "key-1":
		bad(fmt.Sprintf("kid %v", h["kid"]))
		return
	case c["iss"] != "parley@"+FCMProject+".iam.gserviceaccount.com":
		bad(fmt.Sprintf("iss %v", c["iss"]))
		return
	case c["scope"] != "https://www.googleapis.com/auth/firebase.messaging":
		bad(fmt.Sprintf("scope %v", c["scope"]))
		return
	case c["aud"] != f.URL+"/token":
		bad(fmt.Sprintf("aud %v", c["aud"]))
		return
	case iat == 0 || exp-iat != 3600:
		bad(fmt.Sprintf("iat %v exp %v: a token lives an hour", iat, exp))
		return
	}
	f.mu.Lock()
	f.tokenReqs = append(f.tokenReqs, FCMTokenRequest{Header: h, Claims: c})
	access := fmt.Sprintf("ya29.fake-%d", len(f.tokenReqs))
	f.access[access] = true
	exp2 := f.ExpiresIn
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": access, "expires_in": exp2, "token_type": "Bearer"})
}

// send checks a messages:send request as FCM does.
func (f *FCM) send(w http.ResponseWriter, r *http.Request) {
	fcmErr := func(status int, code, msg string, detail string) map[string]any {
		e := map[string]any{"code": status, "message": msg, "status": code}
		if detail != "" {
			e["details"] = []any{map[string]any{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": detail}}
		}
		return map[string]any{"error": e}
	}
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	valid := ok && f.access[auth]
	f.mu.Unlock()
	if !valid {
		f.refuse(w, http.StatusUnauthorized, fcmErr(401, "UNAUTHENTICATED", "bad access token", ""), "access token "+auth)
		return
	}
	if p := r.PathValue("project"); p != FCMProject {
		f.refuse(w, http.StatusNotFound, fcmErr(404, "NOT_FOUND", "no project "+p, ""), "project "+p)
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		f.refuse(w, http.StatusBadRequest, fcmErr(400, "INVALID_ARGUMENT", "content type", ""), "content type "+ct)
		return
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		f.refuse(w, http.StatusBadRequest, fcmErr(400, "INVALID_ARGUMENT", err.Error(), ""), err.Error())
		return
	}
	msg, _ := body["message"].(map[string]any)
	token, _ := msg["token"].(string)
	if token == "" {
		f.refuse(w, http.StatusBadRequest, fcmErr(400, "INVALID_ARGUMENT", "no token", "INVALID_ARGUMENT"), "no message.token")
		return
	}
	if data, ok := msg["data"].(map[string]any); ok {
		for k, v := range data { // FCM's data holds strings only
			if _, ok := v.(string); !ok {
				f.refuse(w, http.StatusBadRequest, fcmErr(400, "INVALID_ARGUMENT", "data."+k, "INVALID_ARGUMENT"), "data."+k+" is not a string")
				return
			}
		}
	}
	f.mu.Lock()
	f.sends = append(f.sends, FCMSend{Path: r.URL.Path, Header: r.Header.Clone(), Body: body, Token: token})
	gone := f.unregistered[token]
	n := len(f.sends)
	f.mu.Unlock()
	if gone {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(fcmErr(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"name": fmt.Sprintf("projects/%s/messages/%d", FCMProject, n)})
}

// verifyJWT checks a compact JWS: its alg, and its signature over the
// SHA-256 of header.claims by verify. It returns the header and claims.
func verifyJWT(jwt, alg string, verify func(digest, sig []byte) error) (map[string]any, map[string]any, error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil, nil, errors.New("a JWT has three parts")
	}
	var h, c map[string]any
	for i, dst := range []*map[string]any{&h, &c} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			return nil, nil, fmt.Errorf("JWT part %d: %w", i, err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			return nil, nil, fmt.Errorf("JWT part %d: %w", i, err)
		}
	}
	if h["alg"] != alg {
		return nil, nil, fmt.Errorf("JWT alg %v, want %s", h["alg"], alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, nil, fmt.Errorf("JWT signature: %w", err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := verify(digest[:], sig); err != nil {
		return nil, nil, fmt.Errorf("JWT signature: %w", err)
	}
	return h, c, nil
}
