package ws

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parsed is one parser event, with its payload copied.
type parsed struct {
	Ev      event
	Payload string
	Code    int
}

// parseChunks feeds stream to a fresh parser in chunks of size n, as reads
// would deliver it, and returns the events up to the first close or error.
// It fails if the parser ever holds more than its bounds allow.
func parseChunks(t testing.TB, stream []byte, n, max int) []parsed {
	stream = bytes.Clone(stream) // the parser unmasks in place
	var p parser
	var out []parsed
	for len(stream) > 0 {
		k := min(n, len(stream))
		p.feed(stream[:k])
		stream = stream[k:]
		for {
			ev, payload, code := p.next(max)
			if cap(p.partial) > maxHeader+max || cap(p.msg) > max {
				t.Fatalf("parser holds partial cap %d, msg cap %d; bound %d", cap(p.partial), cap(p.msg), max)
			}
			if ev == evNone {
				break
			}
			out = append(out, parsed{ev, string(payload), code})
			if ev == evClose || ev == evError {
				return out
			}
		}
		if p.in != nil {
			t.Fatal("parser kept a reference to the read buffer")
		}
	}
	return out
}

// Whatever the read boundaries, the parser finds the same frames.
func TestParserReadBoundaries(t *testing.T) {
	var stream []byte
	add := func(b []byte) { stream = append(stream, b...) }
	add(rawFrame(fin|opText, true, []byte("short")))
	add(rawFrame(fin|opText, true, []byte(strings.Repeat("sixteen-bit ", 20))))
	add(rawFrame(opText, true, []byte("frag-")))
	add(rawFrame(fin|opPing, true, []byte("between")))
	add(rawFrame(opContinuation, true, nil))
	add(rawFrame(fin|opContinuation, true, []byte("ment")))
	add(rawFrame(fin|opPong, true, nil))
	add(rawFrame(fin|opText, true, nil))
	add(rawFrame(fin|opClose, true, closeBody(CloseNormal, "done")))
	add(rawFrame(fin|opText, true, []byte("after close: ignored")))
	want := []parsed{
		{evText, "short", 0},
		{evText, strings.Repeat("sixteen-bit ", 20), 0},
		{evPing, "between", 0},
		{evText, "frag-ment", 0},
		{evPong, "", 0},
		{evText, "", 0},
		{evClose, "\x03\xe8done", CloseNormal},
	}
	for n := 1; n <= len(stream); n++ {
		got := parseChunks(t, stream, n, 1024)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("reads of %d bytes: events differ (-want +got):\n%s", n, diff)
		}
	}
}

// A large frame arriving in small reads is assembled without quadratic
// copying: partial grows by appending, and holds one frame at most.
func TestParserLargeFrameTrickle(t *testing.T) {
	const max = 64 << 10
	payload := strings.Repeat("x", max)
	stream := append(rawFrame(fin|opText, true, []byte(payload)), rawFrame(fin|opText, true, []byte("tail"))...)
	got := parseChunks(t, stream, 7, max)
	if len(got) != 2 || got[0].Payload != payload || got[1].Payload != "tail" {
		t.Fatalf("got %d events", len(got))
	}
}

// FuzzParse: arbitrary bytes never panic the parser, it never holds more
// than MaxFrame (plus one header) whatever lengths frames announce, and the
// events do not depend on how the bytes were split into reads.
func FuzzParse(f *testing.F) {
	f.Add(rawFrame(fin|opText, true, []byte("hello")), uint8(1))
	f.Add(append(rawFrame(opText, true, []byte("a")), rawFrame(fin|opContinuation, true, []byte("b"))...), uint8(3))
	f.Add(rawFrame(fin|opClose, true, closeBody(1000, "x")), uint8(2))
	f.Add([]byte{0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4}, uint8(5))
	f.Add([]byte{0x81, 0xfe, 0x04, 0x00, 1, 2, 3, 4}, uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		const max = 1024
		whole := parseChunks(t, data, len(data)+1, max)
		split := parseChunks(t, data, int(chunk%32)+1, max)
		if diff := cmp.Diff(whole, split); diff != "" {
			t.Fatalf("events depend on read boundaries (-whole +split):\n%s", diff)
		}
		for _, e := range whole {
			if len(e.Payload) > max {
				t.Fatalf("payload of %d bytes over max", len(e.Payload))
			}
			if e.Ev == evError && e.Code == 0 {
				t.Fatal("error without a close code")
			}
		}
	})
}

func (e event) String() string {
	return [...]string{"none", "text", "ping", "pong", "close", "error"}[e]
}
