package ws

import (
	"encoding/binary"
	"unicode/utf8"
)

// Close codes sent and reported by this package (RFC 6455 §7.4, plus the
// private range 4000-4999 for Parley's own reasons).
const (
	CloseNormal        = 1000
	CloseGoingAway     = 1001 // server shutting down
	CloseProtocolError = 1002 // a frame broke RFC 6455 (unmasked, reserved bits, bad opcode, ...)
	CloseUnsupported   = 1003 // binary frames
	CloseNoStatus      = 1005 // reported only: the peer's close frame carried no code
	CloseAbnormal      = 1006 // reported only: the connection ended without a close frame
	CloseInvalidData   = 1007 // a text message or close reason that is not UTF-8
	CloseTooBig        = 1009 // frame over MaxFrame
	CloseInternalError = 1011 // the Handler panicked
	CloseSlow          = 4008 // send queue overflowed: reconnect and resume
	CloseIdle          = 4000 // nothing received for IdleTimeout
)

// maxCloseReason is the longest close reason: a control frame carries at
// most 125 bytes, two of which are the code.
const maxCloseReason = 123

// Frame is a server-to-client text frame, encoded once: its header and
// payload as they go on the wire. It is immutable, so the same *Frame can be
// queued on any number of connections at once; each connection only keeps a
// reference to it until it is written.
type Frame struct {
	b []byte
}

// Prepare encodes text as one unmasked, final text frame. The caller keeps
// ownership of text: its bytes are copied.
func Prepare(text []byte) *Frame {
	return &Frame{b: encode(opText, text)}
}

// Len returns the frame's size on the wire, header included; it is what the
// frame counts against a connection's MaxQueue.
func (f *Frame) Len() int { return len(f.b) }

// encode builds a final, unmasked frame (server frames are never masked).
func encode(op byte, payload []byte) []byte {
	n := len(payload)
	var b []byte
	switch {
	case n <= 125:
		b = make([]byte, 2, 2+n)
		b[1] = byte(n)
	case n <= 0xffff:
		b = make([]byte, 4, 4+n)
		b[1] = 126
		binary.BigEndian.PutUint16(b[2:], uint16(n))
	default:
		b = make([]byte, 10, 10+n)
		b[1] = 127
		binary.BigEndian.PutUint64(b[2:], uint64(n))
	}
	b[0] = 0x80 | op
	return append(b, payload...)
}

// closeFrame encodes a close frame with code and reason, the reason cut to
// fit a control frame without splitting a UTF-8 sequence. The codes that
// must never go on the wire (1005, 1006) give a close frame without a body.
func closeFrame(code int, reason string) []byte {
	if code == CloseNoStatus || code == CloseAbnormal {
		return encode(opClose, nil)
	}
	if len(reason) > maxCloseReason {
		reason = reason[:maxCloseReason]
		for len(reason) > 0 && !utf8.ValidString(reason) {
			reason = reason[:len(reason)-1]
		}
	}
	body := make([]byte, 2, 2+len(reason))
	binary.BigEndian.PutUint16(body, uint16(code))
	return encode(opClose, append(body, reason...))
}
