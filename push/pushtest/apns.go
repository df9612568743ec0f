package pushtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The fake APNs's identities.
const (
	APNsKeyID  = "ABC123DEFG"
	APNsTeamID = "DEF123GHIJ"
	APNsTopic  = "com.example.parley"
)

// APNsRequest is a request the fake APNs took: over HTTP/2, with a
// provider token verified with the key's public half.
type APNsRequest struct {
	Proto     string
	Path      string
	Device    string
	Header    http.Header
	JWTHeader map[string]any
	Claims    map[string]any
	Body      map[string]any
}

// APNs is a fake of APNs's provider API (POST /3/device/{token}) over
// HTTP/2 and TLS, as Apple serves it.
type APNs struct {
	*httptest.Server
	Key []byte // the .p8 signing key (PEM PKCS#8)

	key          *ecdsa.PrivateKey
	mu           sync.Mutex
	reqs         []APNsRequest
	gone         map[string]bool // answered 410 Unregistered
	bad          map[string]bool // answered 400 BadDeviceToken
	expireNext   bool            // refuse the next provider token 403 ExpiredProviderToken
	expiredToken string
	failures     []string
}

// NewAPNs starts a fake APNs on an HTTP/2 TLS server, closed when the test
// ends. Its Client() trusts the server's certificate and speaks HTTP/2.
func NewAPNs(t testing.TB) *APNs {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	a := &APNs{key: key, Key: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		gone: map[string]bool{}, bad: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /3/device/{token}", a.handle)
	a.Server = httptest.NewUnstartedServer(mux)
	a.EnableHTTP2 = true
	a.StartTLS()
	t.Cleanup(a.Close)
	return a
}

// WriteCA writes the server's certificate as PEM into dir and returns the
// file's path: what a client told to trust it reads.
func (a *APNs) WriteCA(t testing.TB, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "apns-ca.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.Certificate().Raw})
	if err := os.WriteFile(p, cert, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Unregister makes the fake answer a device token 410 Unregistered.
func (a *APNs) Unregister(token string) { a.mu.Lock(); a.gone[token] = true; a.mu.Unlock() }

// BadToken makes the fake answer a device token 400 BadDeviceToken.
func (a *APNs) BadToken(token string) { a.mu.Lock(); a.bad[token] = true; a.mu.Unlock() }

// ExpireNextProviderToken makes the fake refuse the provider token of the
// next request, and every later request that carries it, with 403
// ExpiredProviderToken.
func (a *APNs) ExpireNextProviderToken() { a.mu.Lock(); a.expireNext = true; a.mu.Unlock() }

// Requests returns the requests taken so far (those answered with a
// device token error too).
func (a *APNs) Requests() []APNsRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]APNsRequest(nil), a.reqs...)
}

// Failures returns why the fake refused requests.
func (a *APNs) Failures() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.failures...)
}

func (a *APNs) answer(w http.ResponseWriter, status int, reason string) {
	w.Header().Set("apns-id", "00000000-0000-0000-0000-000000000001")
	if status == http.StatusOK {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"reason": reason})
}

func (a *APNs) refuse(w http.ResponseWriter, status int, reason, why string) {
	a.mu.Lock()
	a.failures = append(a.failures, why)
	a.mu.Unlock()
	a.answer(w, status, reason)
}

// handle checks a request as APNs does.
func (a *APNs) handle(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor != 2 {
		a.refuse(w, http.StatusBadRequest, "BadRequest", "protocol "+r.Proto+": APNs speaks HTTP/2 only")
		return
	}
	jwt, ok := strings.CutPrefix(r.Header.Get("authorization"), "bearer ")
	if !ok {
		a.refuse(w, http.StatusForbidden, "MissingProviderToken", "no bearer provider token")
		return
	}
	h, c, err := verifyJWT(jwt, "ES256", func(digest, sig []byte) error {
		if len(sig) != 64 {
			return fmt.Errorf("ES256 signature of %d bytes, want 64 (r||s)", len(sig))
		}
		if !ecdsa.Verify(&a.key.PublicKey, digest, new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
			return errors.New("bad signature")
		}
		return nil
	})
	if err != nil {
		a.refuse(w, http.StatusForbidden, "InvalidProviderToken", err.Error())
		return
	}
	if h["kid"] != APNsKeyID || c["iss"] != APNsTeamID || c["iat"] == nil {
		a.refuse(w, http.StatusForbidden, "InvalidProviderToken", fmt.Sprintf("kid %v iss %v iat %v", h["kid"], c["iss"], c["iat"]))
		return
	}
	a.mu.Lock()
	if a.expireNext {
		a.expireNext, a.expiredToken = false, jwt
	}
	expired := jwt == a.expiredToken
	a.mu.Unlock()
	if expired {
		a.refuse(w, http.StatusForbidden, "ExpiredProviderToken", "provider token expired")
		return
	}
	if topic := r.Header.Get("apns-topic"); topic != APNsTopic {
		a.refuse(w, http.StatusBadRequest, "BadTopic", "apns-topic "+topic)
		return
	}
	if pt := r.Header.Get("apns-push-type"); pt != "alert" && pt != "background" && pt != "voip" {
		a.refuse(w, http.StatusBadRequest, "InvalidPushType", "apns-push-type "+pt)
		return
	}
	if id := r.Header.Get("apns-collapse-id"); len(id) > 64 {
		a.refuse(w, http.StatusBadRequest, "BadCollapseId", "apns-collapse-id over 64 bytes")
		return
	}
	var body map[string]any
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&body); err != nil {
		a.refuse(w, http.StatusRequestEntityTooLarge, "PayloadTooLarge", err.Error())
		return
	}
	if _, ok := body["aps"].(map[string]any); !ok {
		a.refuse(w, http.StatusBadRequest, "PayloadEmpty", "no aps dictionary")
		return
	}
	device := r.PathValue("token")
	a.mu.Lock()
	a.reqs = append(a.reqs, APNsRequest{Proto: r.Proto, Path: r.URL.Path, Device: device, Header: r.Header.Clone(),
		JWTHeader: h, Claims: c, Body: body})
	gone, bad := a.gone[device], a.bad[device]
	a.mu.Unlock()
	switch {
	case gone:
		a.answer(w, http.StatusGone, "Unregistered")
	case bad:
		a.answer(w, http.StatusBadRequest, "BadDeviceToken")
	default:
		a.answer(w, http.StatusOK, "")
	}
}
