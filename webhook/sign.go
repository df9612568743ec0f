package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// The headers of a delivery (docs/webhooks.md).
const (
	// HeaderSignature is hex(HMAC-SHA256(secret, timestamp + "." + body)).
	HeaderSignature = "X-Parley-Signature"
	// HeaderTimestamp is the Unix time of the attempt, in seconds: a
	// receiver refuses one too old, so that a captured delivery can't be
	// replayed later.
	HeaderTimestamp = "X-Parley-Timestamp"
	// HeaderDelivery is the delivery's id: the same on every attempt, so a
	// receiver dedupes by it (delivery is at least once).
	HeaderDelivery = "X-Parley-Delivery"
	// HeaderTrigger and HeaderWebhook repeat the body's trigger and webhook.
	HeaderTrigger = "X-Parley-Trigger"
	HeaderWebhook = "X-Parley-Webhook"
)

// Sign returns the signature of a body sent at timestamp (Unix seconds)
// with a webhook's secret: hex(HMAC-SHA256(secret, timestamp + "." + body)).
func Sign(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Errors of Verify.
var (
	ErrNoSignature  = errors.New("webhook: no signature or timestamp")
	ErrBadSignature = errors.New("webhook: signature does not match")
	ErrStale        = errors.New("webhook: timestamp outside the tolerance")
)

// Verify checks a received delivery: the signature of header over body with
// secret, and a timestamp within tolerance of now. Receivers written in Go
// may call it; docs/webhooks.md gives the recipe for others.
func Verify(secret string, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	sig, ts := header.Get(HeaderSignature), header.Get(HeaderTimestamp)
	if sig == "" || ts == "" {
		return ErrNoSignature
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrNoSignature
	}
	if d := now.Sub(time.Unix(t, 0)); d > tolerance || d < -tolerance {
		return ErrStale
	}
	want := Sign(secret, t, body)
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return ErrBadSignature
	}
	return nil
}
