package ratelimit

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientKey is the key a client is counted by in the limits on failed
// authentications (REST and WebSocket alike): the address the connection
// comes from, or, behind a trusted proxy, the last address of the header
// it names (the one the proxy appended; earlier ones are the client's
// say). An IPv6 client counts by its /64, which a single host usually
// holds whole.
func ClientKey(r *http.Request, header string) string {
	raw := ""
	if header != "" {
		if v := r.Header.Values(header); len(v) > 0 {
			last := v[len(v)-1]
			raw = strings.TrimSpace(last[strings.LastIndexByte(last, ',')+1:])
		}
	}
	if raw == "" {
		raw = r.RemoteAddr
		if h, _, err := net.SplitHostPort(raw); err == nil {
			raw = h
		}
	}
	ip, err := netip.ParseAddr(raw)
	if err != nil {
		return raw
	}
	if ip = ip.Unmap(); ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
