//go:build !linux

package ws

import "errors"

// poller is not available without epoll: every connection is read by a
// goroutine of its own (Conn.readLoop).
type poller struct{}

func newPollers(*Server) ([]*poller, error) {
	return nil, errors.New("epoll is Linux-only")
}

func (*poller) add(*Conn) error { return errors.New("epoll is Linux-only") }
func (*poller) del(*Conn)       {}
func (*poller) close()          {}

// iovecs is unused without epoll: every connection is written by a
// goroutine of its own (Conn.flush).
type iovecs struct{}

func (*iovecs) write(*Conn, [][]byte) (int, int, error) {
	return 0, 0, errors.New("epoll is Linux-only")
}

func isAgain(error) bool { return false }
