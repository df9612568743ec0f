//go:build linux

package ws

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"
)

// maxIov is the most buffers one writev takes (IOV_MAX).
const maxIov = 1024

// iovecs is a shard writer's writev state, kept between calls so that a
// write allocates nothing.
type iovecs struct {
	v     []unix.Iovec
	bufs  [][]byte
	n     int
	err   error
	fn    func(fd uintptr) bool // iv.writeFD as a func value, made once
	ready bool
}

// write writes bufs to c's socket without waiting: as much as the socket
// takes now. It returns the bytes written and the bytes of bufs; err is
// EAGAIN (or nil with n < total) when the socket's buffer is full.
func (iv *iovecs) write(c *Conn, bufs [][]byte) (n, total int, err error) {
	if !iv.ready {
		iv.fn, iv.ready = iv.writeFD, true
	}
	for _, b := range bufs {
		total += len(b)
	}
	iv.bufs, iv.n, iv.err = bufs, 0, nil
	werr := c.rc.Write(iv.fn)
	n, err = iv.n, iv.err
	iv.bufs, iv.err = nil, nil
	if werr != nil && err == nil {
		err = werr
	}
	return n, total, err
}

// writeFD is the RawConn.Write callback: never wait there, the caller
// hands a full socket on.
func (iv *iovecs) writeFD(fd uintptr) bool {
	iv.n, iv.err = iv.writev(int(fd), iv.bufs)
	return true
}

// writev writes bufs with as few system calls as the kernel allows,
// stopping at the first short write.
func (iv *iovecs) writev(fd int, bufs [][]byte) (int, error) {
	if len(bufs) == 1 {
		for {
			n, err := unix.Write(fd, bufs[0])
			if err == unix.EINTR {
				continue
			}
			return max(n, 0), err
		}
	}
	done := 0
	for len(bufs) > 0 {
		chunk := bufs[:min(len(bufs), maxIov)]
		bufs = bufs[len(chunk):]
		iv.v = iv.v[:0]
		want := 0
		for _, b := range chunk {
			if len(b) == 0 {
				continue
			}
			iov := unix.Iovec{Base: &b[0]}
			iov.SetLen(len(b))
			iv.v = append(iv.v, iov)
			want += len(b)
		}
		if len(iv.v) == 0 {
			continue
		}
		var n int
		var err error
		for {
			r, _, e := unix.Syscall(unix.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&iv.v[0])), uintptr(len(iv.v)))
			if e == unix.EINTR {
				continue
			}
			if e != 0 {
				err = e
			} else {
				n = int(r)
			}
			break
		}
		clear(iv.v) // drop the references to the frames
		done += n
		if err != nil || n < want {
			return done, err
		}
	}
	return done, nil
}

// isAgain reports a write that found the socket's buffer full.
func isAgain(err error) bool { return errors.Is(err, unix.EAGAIN) }
