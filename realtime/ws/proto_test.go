package ws

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/gobwas/ws"
)

// Fragments are joined into one message; a control frame may come between
// them and is answered at once.
func TestFragmentedMessage(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{}, h)
	cl := dial(t, ts.url)
	var b []byte
	b = append(b, rawFrame(opText, true, []byte("hel"))...)
	b = append(b, rawFrame(fin|opPing, true, []byte("p1"))...)
	b = append(b, rawFrame(opContinuation, true, []byte("lo "))...)
	b = append(b, rawFrame(fin|opContinuation, true, []byte("wörld"))...)
	b = append(b, rawFrame(fin|opText, true, []byte("next"))...)
	cl.writeRaw(b)
	f, err := cl.readFrame()
	if err != nil {
		t.Fatal(err)
	}
	if f.Header.OpCode != ws.OpPong || string(f.Payload) != "p1" {
		t.Fatalf("got op %v %q, want pong p1", f.Header.OpCode, f.Payload)
	}
	if got := cl.readText(); got != "hello wörld" {
		t.Fatalf("message = %q, want %q", got, "hello wörld")
	}
	if got := cl.readText(); got != "next" {
		t.Fatalf("message = %q, want next", got)
	}
}

// A client trickling a frame one byte at a time holds nothing up: another
// client's round trips complete between its bytes, and the frame is
// delivered once whole.
func TestTrickledFrameDoesNotBlock(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{Pollers: 1}, h) // one poller: the two share it
	slow := dial(t, ts.url)
	fast := dial(t, ts.url)
	msg := strings.Repeat("trickle ", 40) // 320 bytes: a 16-bit length header
	frame := append(rawFrame(fin|opText, true, []byte(msg)), rawFrame(fin|opText, true, []byte("second"))...)
	for i := range frame {
		slow.writeRaw(frame[i : i+1])
		if i%16 == 0 {
			fast.writeText("ping")
			if got := fast.readText(); got != "ping" {
				t.Fatalf("fast echo = %q", got)
			}
		}
	}
	if got := slow.readText(); got != msg {
		t.Fatalf("trickled message = %q, want %q", got, msg)
	}
	if got := slow.readText(); got != "second" {
		t.Fatalf("second = %q", got)
	}
}

// Each broken frame closes the connection with its documented code: the
// client reads a close frame with it, Closed reports it once, and the server
// keeps serving others.
func TestProtocolErrors(t *testing.T) {
	long := bytes.Repeat([]byte("a"), 2000)
	badUTF8 := []byte{'o', 'k', 0xff, 0xfe}
	header64 := []byte{fin | opText, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}
	tests := []struct {
		name string
		send []byte
		want int
	}{
		{"unmasked", rawFrame(fin|opText, false, []byte("x")), CloseProtocolError},
		{"reserved bit", rawFrame(fin|rsv|opText, true, []byte("x")), CloseProtocolError},
		{"reserved opcode 3", rawFrame(fin|0x3, true, nil), CloseProtocolError},
		{"reserved control opcode", rawFrame(fin|0xB, true, nil), CloseProtocolError},
		{"continuation first", rawFrame(fin|opContinuation, true, []byte("x")), CloseProtocolError},
		{"text inside fragmented", append(rawFrame(opText, true, []byte("a")), rawFrame(fin|opText, true, []byte("b"))...), CloseProtocolError},
		{"fragmented ping", rawFrame(opPing, true, nil), CloseProtocolError},
		{"long ping", rawFrame(fin|opPing, true, long[:126]), CloseProtocolError},
		{"close with one byte", rawFrame(fin|opClose, true, []byte{3}), CloseProtocolError},
		{"close with 1005", rawFrame(fin|opClose, true, closeBody(1005, "")), CloseProtocolError},
		{"close with 999", rawFrame(fin|opClose, true, closeBody(999, "")), CloseProtocolError},
		{"length with top bit", header64, CloseProtocolError},
		{"binary", rawFrame(fin|opBinary, true, []byte{1, 2}), CloseUnsupported},
		{"binary fragment", rawFrame(opBinary, true, []byte{1, 2}), CloseUnsupported},
		{"text not UTF-8", rawFrame(fin|opText, true, badUTF8), CloseInvalidData},
		{"fragments not UTF-8", append(rawFrame(opText, true, badUTF8[:3]), rawFrame(fin|opContinuation, true, badUTF8[3:])...), CloseInvalidData},
		{"close reason not UTF-8", rawFrame(fin|opClose, true, append(closeBody(1000, ""), 0xff)), CloseInvalidData},
		// Only the header of a 2000-byte frame: refused before its payload.
		{"frame over MaxFrame", rawFrame(fin|opText, true, long)[:8], CloseTooBig},
		{"message over MaxFrame", append(rawFrame(opText, true, long[:600]), rawFrame(fin|opContinuation, true, long[:600])...), CloseTooBig},
	}
	h := &testHandler{}
	ts := newTestServer(t, Config{MaxFrame: 1024}, h)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := dial(t, ts.url)
			sc := ts.next(t)
			cl.writeRaw(tt.send)
			if code, _ := cl.readClose(); code != tt.want {
				t.Errorf("close code = %d, want %d", code, tt.want)
			}
			cl.writeRaw(rawFrame(fin|opClose, true, closeBody(tt.want, "")))
			h.waitClosed(t, sc, tt.want)
			cl.expectEOF()
		})
	}
	// The server still serves.
	cl := dial(t, ts.url)
	cl.writeText("still here")
	if got := cl.readText(); got != "still here" {
		t.Fatalf("echo = %q", got)
	}
}

// A message of exactly MaxFrame bytes is accepted, in one frame or in
// fragments.
func TestMaxFrameBoundary(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{MaxFrame: 1024}, h)
	cl := dial(t, ts.url)
	msg := strings.Repeat("m", 1024)
	cl.writeText(msg)
	if got := cl.readText(); got != msg {
		t.Fatalf("got %d bytes, want 1024", len(got))
	}
	cl.writeRaw(append(rawFrame(opText, true, []byte(msg[:1000])), rawFrame(fin|opContinuation, true, []byte(msg[1000:]))...))
	if got := cl.readText(); got != msg {
		t.Fatalf("got %d bytes, want 1024", len(got))
	}
}

func TestPingPong(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{}, h)
	cl := dial(t, ts.url)
	cl.writeRaw(rawFrame(fin|opPing, true, []byte("are you there")))
	f, err := cl.readFrame()
	if err != nil {
		t.Fatal(err)
	}
	if f.Header.OpCode != ws.OpPong || string(f.Payload) != "are you there" {
		t.Fatalf("got op %v %q, want pong with the ping's payload", f.Header.OpCode, f.Payload)
	}
	// An unsolicited pong is accepted silently.
	cl.writeRaw(rawFrame(fin|opPong, true, nil))
	cl.writeText("after pong")
	if got := cl.readText(); got != "after pong" {
		t.Fatalf("echo = %q", got)
	}
}

// Frames the server writes are well formed for every length encoding.
func TestPrepareEncodings(t *testing.T) {
	for _, n := range []int{0, 1, 125, 126, 65535, 65536, 70000} {
		payload := bytes.Repeat([]byte{'z'}, n)
		f := Prepare(payload)
		got, err := readWire(bytes.NewReader(f.b))
		if err != nil {
			t.Fatalf("len %d: %v", n, err)
		}
		if !got.Header.Fin || got.Header.OpCode != ws.OpText || got.Header.Masked || !bytes.Equal(got.Payload, payload) {
			t.Fatalf("len %d: header %+v", n, got.Header)
		}
		if f.Len() != len(f.b) {
			t.Fatalf("Len = %d, want %d", f.Len(), len(f.b))
		}
	}
	// A close reason is cut to 123 bytes without splitting a character.
	b := closeFrame(4000, strings.Repeat("é", 100))
	if len(b) > 2+125 {
		t.Fatalf("close frame %d bytes", len(b))
	}
	cf, err := readWire(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if code := binary.BigEndian.Uint16(cf.Payload); code != 4000 {
		t.Fatalf("code %d", code)
	}
	if reason := cf.Payload[2:]; len(reason) != 122 || !bytes.Equal(reason, bytes.Repeat([]byte("é"), 61)) {
		t.Fatalf("reason %d bytes", len(reason))
	}
}
