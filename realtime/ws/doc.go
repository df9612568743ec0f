// Package ws is Parley's WebSocket transport: server-side RFC 6455
// connections, upgraded from net/http on the API's port, that hold no
// goroutine and no buffer while they are idle. It knows nothing of chat;
// the hub (package realtime) gives each connection a Handler.
//
// # Why not a goroutine per connection
//
// Parley must hold 10 KB or less per idle authenticated connection. Measured
// on this project's machines (shared/notes/ws-idle-memory.md), a goroutine
// blocked in Read per connection costs 23.6 KB with coder/websocket and
// 17.7 KB with gorilla/websocket and small buffers: the goroutine's grown
// stack and the read buffers are held for as long as the connection lives,
// and Go has no way to wait for readability without a goroutine. What is
// left when nothing is held is the socket itself, a Conn and a map entry:
// about 2.4 KB of RSS per idle connection here (TestMeasureIdleMemory), of
// which 0.8 KB is Go heap.
//
// # Design
//
// Handshake. github.com/gobwas/ws's HTTPUpgrader checks the request,
// hijacks the net/http connection and writes the 101 answer. It keeps no
// state afterwards; bytes the client sent with its handshake, already in
// net/http's bufio.Reader, are parsed first and the bufio objects dropped.
// No compression (a flate state per connection, and it would defeat
// encode-once frames), no subprotocol. The Origin header is not checked:
// Parley's clients authenticate with a token in their first frame, never
// with cookies, so a page on another origin gets nothing a plain client
// would not have.
//
// Reads. Each connection's socket is registered with one of a few epoll
// instances (Config.Pollers, default GOMAXPROCS), level-triggered, by
// connection id rather than descriptor. A poller goroutine reads each ready
// socket once per round into a buffer it owns (non-blocking read, through
// syscall.RawConn so the descriptor cannot be closed underneath), and the
// incremental parser turns whatever arrived into frames: a partial frame
// never makes anyone wait; its bytes are kept in a per-connection slice only
// until the frame is complete, and a fragmented message's payload only until
// its last fragment. Memory follows bytes received, never a length a peer
// announced. Pings are answered, pongs count as activity, binary frames
// close with CloseUnsupported, frames or messages over MaxFrame with
// CloseTooBig (as soon as the header is read), text that is not UTF-8 with
// CloseInvalidData, and any other breach of RFC 6455 (unmasked frames,
// reserved bits or opcodes, bad control frames, bad close codes) with
// CloseProtocolError. Handler.Message runs on the poller: it must not block.
// A panic in it is logged with its stack and closes that connection with
// CloseInternalError; the poller goes on. Connections that cannot be polled
// (TLS, where the bytes on the socket are not the frames, or a system
// without epoll) are read by a goroutine of their own with the same parser:
// correct, but at the goroutine-per-connection cost. Terminate TLS in front
// of Parley.
//
// Writes. Prepare encodes a text frame once, header and payload, and the
// same immutable bytes are queued on every recipient connection. Each
// connection's queue is bounded in bytes (MaxQueue, counting what is queued
// and what is being written); Send never blocks, and the frame that would
// pass the bound drops the queue and closes the connection with CloseSlow,
// as does a write that cannot finish within WriteTimeout. Each poller's
// share of the connections has one writer goroutine: a connection whose
// queue goes from empty to not empty is put on its list once, however many
// frames a burst of routing queues on it meanwhile, and the writer writes
// everything queued with one non-blocking writev, without the connection's
// lock and without a deadline or a goroutine per write (NATS collects the
// clients a burst touched and flushes each once the same way). A socket
// that can't take it all (a client reading slowly) is handed to a goroutine
// of its own that writes the rest under WriteTimeout, then gives the
// connection back; the writer goes on with the others. Connections no
// poller reads (TLS) get such a goroutine for every write.
//
// Time. One sweeper goroutine, not a timer per connection, pings
// connections it has not heard from for PingInterval (so half-open peers
// are found; once per quiet spell, so a client that speaks more often is
// never pinged) and closes those silent for IdleTimeout with CloseIdle. It
// keeps the connections in a timing wheel by when each is next due, and a
// tick looks only at the connections due then: bytes received just move a
// connection's last-heard time, and its visit puts it further on. A
// connection may have timings of its own (Conn.SetKeepalive: the hub's
// client-declared keepalive); the wheel spans the longest expected
// (Config.MaxIdleTimeout), and one due later is looked at again each time
// round until due.
//
// Closing. Close queues a close frame after the frames already queued; once
// it is written the socket is half-closed and lingers (at most a second)
// until the client answers or hangs up, so that the client reads the close
// frame rather than a TCP reset. A close frame from the client is answered
// with its code. Handler.Closed is called exactly once, with the code sent or
// received (CloseAbnormal when the connection just dropped), and never
// concurrently with Message. Server.Close closes every connection with
// CloseGoingAway after its queued frames and stops every goroutine.
package ws
