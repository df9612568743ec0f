package ws

import (
	"encoding/binary"
	"unicode/utf8"
)

// Opcodes (RFC 6455 §5.2).
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

// maxHeader is the longest client frame header: 2 bytes, 8 of extended
// length, 4 of mask.
const maxHeader = 14

// event is what parser.next found.
type event uint8

const (
	evNone  event = iota // no complete frame yet: feed more bytes
	evText               // a complete text message
	evPing               // a ping; payload is its application data
	evPong               // a pong
	evClose              // a close frame; code is its status (1005 when absent)
	evError              // the stream is invalid; code is the close code to send
)

// parser reads client frames incrementally from whatever bytes arrived, so
// that a reader never waits for the rest of a frame: bytes are fed as they
// come and complete frames come out. Between reads it holds memory only while
// a frame (partial) or a fragmented message (msg) is incomplete; an idle
// connection's parser holds nothing.
//
// Memory is bounded by what actually arrived, never by a declared length:
// partial holds at most one frame (maxHeader+max bytes) and msg at most max
// bytes, whatever the peer announces.
type parser struct {
	partial []byte // the start of one incomplete frame, nil when none
	msg     []byte // payload of a fragmented text message so far
	inMsg   bool   // a fragmented text message is in progress
	failed  bool   // an error or a close frame ended the stream: read nothing more
	in      []byte // unread part of the bytes given to feed; not retained across reads
}

// header is a parsed frame header.
type header struct {
	fin  bool
	op   byte
	size int // header bytes, mask included
	n    int // payload bytes
}

// feed hands the parser the bytes of one read. b must stay unchanged until
// next returns evNone (it is unmasked in place); the parser keeps no
// reference to it after that.
func (p *parser) feed(b []byte) { p.in = b }

// next returns the next event from the bytes fed so far. payload is valid
// until the following call to next or feed. After evError the parser must
// not be used again.
func (p *parser) next(max int) (ev event, payload []byte, code int) {
	for {
		var frame []byte
		var h header
		if len(p.partial) > 0 {
			var done bool
			h, done, code = p.fill(max)
			if code != 0 {
				return evError, nil, code
			}
			if !done {
				p.in = nil // all of it went into partial
				return evNone, nil, 0
			}
			frame, p.partial = p.partial, nil
		} else {
			if len(p.in) == 0 {
				p.in = nil
				return evNone, nil, 0
			}
			var ok bool
			h, ok, code = p.header(p.in, max)
			if code != 0 {
				return evError, nil, code
			}
			if !ok || len(p.in) < h.size+h.n {
				// Keep the start of the frame, sized for what is here now.
				p.partial = grow(nil, p.in, len(p.in))
				p.in = nil
				return evNone, nil, 0
			}
			frame, p.in = p.in[:h.size+h.n], p.in[h.size+h.n:]
		}
		ev, payload, code = p.frame(h, frame, max)
		if ev != evNone {
			return ev, payload, code
		}
		// A non-final fragment: keep going.
	}
}

// fill moves bytes from in to partial until the frame in partial is
// complete, never past its end, so partial holds one frame at most.
func (p *parser) fill(max int) (h header, done bool, code int) {
	for {
		need := headerSize(p.partial)
		var ok bool
		if len(p.partial) >= 2 { // enough for the first checks
			h, ok, code = p.header(p.partial, max)
			if code != 0 {
				return h, false, code
			}
		}
		if ok {
			need = h.size + h.n
		}
		take := min(need-len(p.partial), len(p.in))
		p.partial = grow(p.partial, p.in[:take], need)
		p.in = p.in[take:]
		if len(p.partial) < need {
			return h, false, 0
		}
		if ok {
			return h, true, 0
		}
		// The header just became complete: loop to read it.
	}
}

// headerSize returns how many header bytes b's frame has, as far as b
// tells: 2 until the length byte is known.
func headerSize(b []byte) int {
	if len(b) < 2 {
		return 2
	}
	switch b[1] & 0x7f {
	case 126:
		return 2 + 2 + 4
	case 127:
		return 2 + 8 + 4
	}
	return 2 + 4
}

// header validates and parses the frame header at the start of b. ok is
// false when b does not hold the whole header yet; code is the close code
// when the header breaks the protocol or a limit. Checks run as soon as the
// bytes they need are present, so an oversized frame is refused before its
// payload is read.
func (p *parser) header(b []byte, max int) (h header, ok bool, code int) {
	if len(b) < 2 {
		return h, false, 0
	}
	h.fin = b[0]&0x80 != 0
	h.op = b[0] & 0x0f
	switch {
	case b[0]&0x70 != 0: // RSV bits: no extension was negotiated
		return h, false, CloseProtocolError
	case b[1]&0x80 == 0: // clients must mask (RFC 6455 §5.1)
		return h, false, CloseProtocolError
	}
	switch h.op {
	case opClose, opPing, opPong:
		if !h.fin || b[1]&0x7f > 125 {
			return h, false, CloseProtocolError
		}
	case opContinuation:
		if !p.inMsg {
			return h, false, CloseProtocolError
		}
	case opText:
		if p.inMsg {
			return h, false, CloseProtocolError
		}
	case opBinary:
		if p.inMsg {
			return h, false, CloseProtocolError
		}
		return h, false, CloseUnsupported
	default:
		return h, false, CloseProtocolError
	}
	h.size = headerSize(b)
	if len(b) < h.size {
		return h, false, 0
	}
	var n uint64
	switch h.size {
	case 2 + 4:
		n = uint64(b[1] & 0x7f)
	case 2 + 2 + 4:
		n = uint64(binary.BigEndian.Uint16(b[2:]))
	default:
		n = binary.BigEndian.Uint64(b[2:])
		if n>>63 != 0 { // the most significant bit must be 0 (§5.2)
			return h, false, CloseProtocolError
		}
	}
	if n > uint64(max) || (h.op == opContinuation && uint64(len(p.msg))+n > uint64(max)) {
		return h, false, CloseTooBig
	}
	h.n = int(n)
	return h, true, 0
}

// frame handles one complete frame: unmasks it in place, and returns its
// event, or evNone for a fragment that does not end its message.
func (p *parser) frame(h header, f []byte, max int) (event, []byte, int) {
	payload := f[h.size:]
	unmask(payload, [4]byte(f[h.size-4:h.size]))
	switch h.op {
	case opPing:
		return evPing, payload, 0
	case opPong:
		return evPong, payload, 0
	case opClose:
		return closeEvent(payload)
	case opText:
		if !h.fin {
			p.inMsg = true
			p.msg = grow(nil, payload, max)
			return evNone, nil, 0
		}
	default: // opContinuation
		p.msg = grow(p.msg, payload, max)
		if !h.fin {
			return evNone, nil, 0
		}
		payload, p.msg, p.inMsg = p.msg, nil, false
	}
	if !utf8.Valid(payload) {
		return evError, nil, CloseInvalidData
	}
	return evText, payload, 0
}

// closeEvent validates a close frame's body (RFC 6455 §5.5.1, §7.4).
func closeEvent(payload []byte) (event, []byte, int) {
	switch {
	case len(payload) == 0:
		return evClose, payload, CloseNoStatus
	case len(payload) == 1:
		return evError, nil, CloseProtocolError
	}
	code := int(binary.BigEndian.Uint16(payload))
	if !validCloseCode(code) {
		return evError, nil, CloseProtocolError
	}
	if !utf8.Valid(payload[2:]) {
		return evError, nil, CloseInvalidData
	}
	return evClose, payload, code
}

// validCloseCode reports whether a peer may send code in a close frame:
// the defined codes that may go on the wire, and the registered (3000-3999)
// and private (4000-4999) ranges.
func validCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// grow appends add to b, growing b's capacity at most to limit, so that
// memory follows what arrived and never exceeds the caller's bound (plain
// append could double past it).
func grow(b, add []byte, limit int) []byte {
	if len(b)+len(add) <= cap(b) {
		return append(b, add...)
	}
	c := max(2*cap(b), len(b)+len(add), 64)
	c = max(min(c, limit), len(b)+len(add))
	nb := make([]byte, len(b), c)
	copy(nb, b)
	return append(nb, add...)
}

// unmask XORs p with the client's masking key (RFC 6455 §5.3), eight bytes
// at a time.
func unmask(p []byte, key [4]byte) {
	k32 := binary.LittleEndian.Uint32(key[:])
	k64 := uint64(k32) | uint64(k32)<<32
	for len(p) >= 8 {
		binary.LittleEndian.PutUint64(p, binary.LittleEndian.Uint64(p)^k64)
		p = p[8:]
	}
	for i := range p {
		p[i] ^= key[i&3]
	}
}
