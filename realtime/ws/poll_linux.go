//go:build linux

package ws

import (
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// readSize is each poller's read buffer: one read per ready connection per
// round, so a connection sending a lot cannot starve the others.
const readSize = 64 << 10

// wakeID is the epoll data of the poller's eventfd; connection ids start
// at 1.
const wakeID = 0

// poller waits for readiness of its share of the connections with epoll
// (level-triggered) and reads each ready one once into a buffer it shares
// between them. Connections hold no buffer and no goroutine while idle.
type poller struct {
	srv   *Server
	shard *shard
	epfd  int
	evfd  int // eventfd that wakes the loop to stop it
	done  chan struct{}
	live  bool // run was started

	buf    []byte
	n      int                   // result of the last read
	err    error                 // error of the last read
	readFn func(fd uintptr) bool // p.read as a func value, made once
}

func newPollers(s *Server) ([]*poller, error) {
	ps := make([]*poller, 0, len(s.shards))
	for _, sh := range s.shards {
		p, err := newPoller(s, sh)
		if err != nil {
			for _, p := range ps {
				p.close()
			}
			return nil, err
		}
		ps = append(ps, p)
	}
	for _, p := range ps {
		p.live = true
		go p.run()
	}
	return ps, nil
}

func newPoller(s *Server, sh *shard) (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	evfd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, fmt.Errorf("eventfd: %w", err)
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: wakeID}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, evfd, &ev); err != nil {
		unix.Close(epfd)
		unix.Close(evfd)
		return nil, fmt.Errorf("epoll_ctl eventfd: %w", err)
	}
	p := &poller{srv: s, shard: sh, epfd: epfd, evfd: evfd, done: make(chan struct{}), buf: make([]byte, readSize)}
	p.readFn = p.read
	return p, nil
}

// add registers c's socket. Go's runtime already made it non-blocking;
// its own netpoller keeps its registration, which stays unused since no
// goroutine waits on the socket.
func (p *poller) add(c *Conn) error {
	sc, ok := c.nc.(syscall.Conn)
	if !ok {
		return errors.New("no file descriptor")
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	ev := unix.EpollEvent{
		Events: unix.EPOLLIN | unix.EPOLLRDHUP,
		Fd:     int32(uint32(c.id)),
		Pad:    int32(uint32(c.id >> 32)),
	}
	c.rc = rc
	var ctlErr error
	err = rc.Control(func(fd uintptr) {
		c.fd = int(fd)
		ctlErr = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, int(fd), &ev)
	})
	if err == nil {
		err = ctlErr
	}
	if err != nil {
		c.rc = nil
		return fmt.Errorf("epoll_ctl add: %w", err)
	}
	return nil
}

// del unregisters c's socket; it runs before the socket is closed, so the
// descriptor cannot have been reused by then.
func (p *poller) del(c *Conn) {
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, c.fd, nil); err != nil {
		p.srv.log.Warn("ws: epoll_ctl del", "err", err)
	}
}

// run is the poller loop.
func (p *poller) run() {
	defer close(p.done)
	events := make([]unix.EpollEvent, 256)
	for {
		n, err := unix.EpollWait(p.epfd, events, -1)
		if err != nil {
			if err == unix.EINTR {
				continue
			}
			p.srv.log.Error("ws: epoll_wait failed; poller stopped", "err", err)
			return
		}
		for i := range events[:n] {
			id := uint64(uint32(events[i].Fd)) | uint64(uint32(events[i].Pad))<<32
			if id == wakeID {
				return
			}
			// The id, not the descriptor, names the connection: an event
			// for a connection that has just ended finds nothing, even if
			// its descriptor number is reused.
			if c := p.shard.get(id); c != nil {
				p.ready(c)
			}
		}
	}
}

// ready reads what c's socket holds (one read) and parses it.
func (p *poller) ready(c *Conn) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if c.state.Load() == stateDone {
		return
	}
	// RawConn.Read holds a reference on the descriptor during the read, so
	// a concurrent Close cannot release it mid-read. readFn always returns
	// true: a poller never waits for one connection.
	if err := c.rc.Read(p.readFn); err != nil {
		p.err = err
	}
	switch {
	case p.err == unix.EAGAIN || p.err == unix.EINTR:
		// Nothing to read after all (level-triggered: it comes back).
	case p.err != nil || p.n == 0:
		if p.err != nil && p.err != unix.ECONNRESET {
			p.srv.log.Debug("ws: read failed", "remote", c.nc.RemoteAddr(), "err", p.err)
		}
		c.teardownLocked(CloseAbnormal)
	default:
		c.consume(p.buf[:p.n])
	}
	p.n, p.err = 0, nil
}

// read is the RawConn.Read callback: one non-blocking read.
func (p *poller) read(fd uintptr) bool {
	p.n, p.err = unix.Read(int(fd), p.buf)
	return true
}

// close stops the loop and releases its descriptors; the connections are
// closed by then.
func (p *poller) close() {
	if p.live {
		var one [8]byte
		binary.NativeEndian.PutUint64(one[:], 1)
		_, _ = unix.Write(p.evfd, one[:])
		<-p.done
	}
	unix.Close(p.epfd)
	unix.Close(p.evfd)
}
