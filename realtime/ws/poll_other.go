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
