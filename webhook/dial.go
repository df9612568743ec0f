package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// errPrivate refuses an address that is not public, with BlockPrivate.
var errPrivate = errors.New("webhook: the address is not public (see --webhook-allow-private)")

// newClient returns the HTTP client of deliveries: redirects are not
// followed (a 3xx is a failed attempt, and can't lead a delivery to another
// host), and with blockPrivate every address dialed must be public.
func newClient(blockPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	proxy := http.ProxyFromEnvironment
	if blockPrivate {
		// Checked on the address dialed, after name resolution, so a name
		// that resolves to a private address (or changes to one) is caught.
		dialer.Control = refusePrivate
		proxy = nil // a proxy would hide the address of the webhook
	}
	return &http.Client{
		Transport: &http.Transport{Proxy: proxy, DialContext: dialer.DialContext, ForceAttemptHTTP2: true,
			MaxIdleConns: 100, MaxIdleConnsPerHost: DefaultPerEndpoint, IdleConnTimeout: 90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// refusePrivate is a dialer's Control: it refuses loopback, private,
// link-local, multicast, unspecified and shared (CGNAT, 100.64/10)
// addresses.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("webhook: dial %s: %w", address, err)
	}
	if !public(ip) {
		return fmt.Errorf("%w: %s", errPrivate, ip)
	}
	return nil
}

// public reports whether ip is a public unicast address.
func public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() {
		return false
	}
	shared := netip.PrefixFrom(netip.AddrFrom4([4]byte{100, 64, 0, 0}), 10)
	zero := netip.PrefixFrom(netip.AddrFrom4([4]byte{0, 0, 0, 0}), 8)
	return !shared.Contains(ip) && !zero.Contains(ip)
}
