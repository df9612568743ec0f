package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// openDebug serves net/http/pprof on addr, on a mux of its own: the
// profiles show what the server does (and the cmdline its flags), so they
// never share the public listener and are off unless --debug-addr is set.
func (m *Main) openDebug(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("debug listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	m.debug = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	m.debugURL = "http://" + ln.Addr().String() + "/debug/pprof/"
	go m.debug.Serve(ln)
	m.Logger.Info("parley debug (pprof) serving", "url", m.debugURL)
	return nil
}
