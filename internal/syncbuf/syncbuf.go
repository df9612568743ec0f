// Package syncbuf is a bytes.Buffer that a writer (a logger, a child
// process's output copier) and a reader (a test) may use at once.
package syncbuf

import (
	"bytes"
	"sync"
)

// Buffer is a bytes.Buffer with a lock; the zero Buffer is empty and
// ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
