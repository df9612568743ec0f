package main

import (
	"net/http"
	"net/http/pprof"
)

// debugHandler serves net/http/pprof under /debug/pprof/, on the address of
// --debug-addr only: profiles show the program's insides (and a CPU profile
// costs CPU), so they are never on the API's address, and off unless asked
// for.
func debugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
