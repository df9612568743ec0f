package realtime

import (
	"testing"

	"github.com/parleychat/parley"
)

// FuzzDecodeRequest feeds the client-frame decoder arbitrary bytes: it must
// never panic, and it either returns a request of a known kind or an
// error frame's *parley.Error with a documented code.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		`{"action":"ping","ack":"true"}`,
		`{"type":"auth","body":{"auth":"tok","deviceId":"d","presenceSubscription":"ROLES","roles":["a"],"lastMessageId":"12"}}`,
		`{"type":"auth","body":{"auth":"tok","lastMessageId":12}}`,
		`{"type":"auth","body":{"auth":"tok","keepalive":120}}`,
		`{"type":"auth","body":{"auth":"tok","keepalive":"120"}}`,
		`{"type":"auth","body":{"auth":"tok","keepalive":1.2e2}}`,
		`{"type":"auth","body":{"auth":"tok","keepalive":-0}}`,
		`{"type":"typing_indicator","receiver":"bob","receiverType":"user","body":{"action":"started","metadata":{"a":1}}}`,
		`{"type":"transient_message","receiver":"g","receiverType":"group","body":{"data":{"x":[1,2]}}}`,
		`{"type":"receipts","receiver":"bob","receiverType":"user","body":{"action":"read","messageId":"7"}}`,
		`{"type":"message"}`, `{}`, `[]`, `null`, `{"type":"auth","body":null}`, `{"type":1}`,
		`{"type":"receipts","body":{"action":"read","messageId":"-1"}}`, "\xff\xfe",
	} {
		f.Add([]byte(s))
	}
	codes := map[string]bool{parley.CodeBadRequest: true, CodeUnknownType: true}
	kinds := map[string]bool{"ping": true, frameAuth: true, parley.EventTyping: true, parley.EventTransient: true, parley.EventReceipt: true}
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := decodeRequest(b)
		if err != nil {
			e, ok := parley.AsError(err)
			if !ok || !codes[e.Code] || e.Message == "" {
				t.Fatalf("error %#v is not a documented error frame", err)
			}
			return
		}
		if !kinds[req.kind] {
			t.Fatalf("decoded a request of kind %q", req.kind)
		}
		if req.kind == parley.EventReceipt && req.receipt.messageID <= 0 {
			t.Fatalf("a receipt without a message id: %+v", req.receipt)
		}
		if req.kind == frameAuth && (req.auth.after < 0 || (req.auth.mode == subRoles && len(req.auth.roles) == 0) ||
			(req.auth.keepalive != 0 && (req.auth.keepalive < minKeepalive || req.auth.keepalive > maxKeepalive))) {
			t.Fatalf("an auth request out of bounds: %+v", req.auth)
		}
	})
}

// TestDecodeRequest checks what the decoder makes of each client frame.
func TestDecodeRequest(t *testing.T) {
	r, err := decodeRequest([]byte(`{"type":"auth","body":{"auth":"tok","deviceId":"d","presenceSubscription":"ROLES","roles":["vip"],"lastMessageId":"12"}}`))
	if err != nil || r.kind != frameAuth || r.auth.token != "tok" || r.auth.deviceID != "d" || r.auth.mode != subRoles ||
		len(r.auth.roles) != 1 || !r.auth.resume || r.auth.after != 12 {
		t.Errorf("auth: %+v, %v", r, err)
	}
	if r, err := decodeRequest([]byte(`{"type":"auth","body":{"auth":"tok"}}`)); err != nil || r.auth.resume || r.auth.mode != subNone {
		t.Errorf("auth without resume: %+v, %v", r, err)
	}
	for body, want := range map[string]int{`"keepalive":25`: 25, `"keepalive":300`: 300, `"keepalive":null`: 0, `"x":1`: 0} {
		r, err := decodeRequest([]byte(`{"type":"auth","body":{"auth":"tok",` + body + `}}`))
		if err != nil || r.auth.keepalive != want {
			t.Errorf("auth with %s: keepalive %d, %v; want %d", body, r.auth.keepalive, err, want)
		}
	}
	for _, body := range []string{`24`, `301`, `"60"`, `60.0`, `6e1`, `-0`, `true`, `99999999999999999999`} {
		_, err := decodeRequest([]byte(`{"type":"auth","body":{"auth":"tok","keepalive":` + body + `}}`))
		if e, ok := parley.AsError(err); !ok || e.Code != parley.CodeBadRequest {
			t.Errorf("auth with keepalive %s: %v, want ERR_BAD_REQUEST", body, err)
		}
	}
	r, err = decodeRequest([]byte(`{"type":"receipts","receiver":"g","receiverType":"group","body":{"action":"read","messageId":9}}`))
	if err != nil || !r.receipt.read || r.receipt.messageID != 9 || r.receipt.peer != "g" || r.receipt.typ != "group" {
		t.Errorf("receipt: %+v, %v", r, err)
	}
	r, err = decodeRequest([]byte(`{"type":"typing_indicator","receiver":"bob","receiverType":"user","body":{"action":"ended"}}`))
	if err != nil || r.signal.Status != "ended" || r.signal.Receiver != "bob" {
		t.Errorf("typing: %+v, %v", r, err)
	}
}
