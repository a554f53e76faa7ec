package web

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Proxies is the set of reverse proxies trusted to name the client in
// X-Forwarded-For (SUNSHINE_TRUSTED_PROXIES). The zero value trusts nobody.
type Proxies struct{ prefixes []netip.Prefix }

// ParseProxies reads addresses and CIDR ranges ("10.0.0.1", "10.0.0.0/8",
// "::1"). Errors name the entry that is neither.
func ParseProxies(list []string) (Proxies, error) {
	var p Proxies
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if strings.Contains(s, "/") {
			pre, err := netip.ParsePrefix(s)
			if err != nil {
				return Proxies{}, fmt.Errorf("trusted proxy %q: %w", s, err)
			}
			p.prefixes = append(p.prefixes, pre.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return Proxies{}, fmt.Errorf("trusted proxy %q: %w", s, err)
		}
		a = a.Unmap()
		p.prefixes = append(p.prefixes, netip.PrefixFrom(a, a.BitLen()))
	}
	return p, nil
}

// Trusts reports whether a is one of the trusted proxies.
func (p Proxies) Trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, pre := range p.prefixes {
		if pre.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddress is the address of the client of a request that arrived from
// peer with the X-Forwarded-For header values xff (every header line, in
// order). Only a trusted peer may name another address; the answer is then
// the right-most address of the chain that is not a trusted proxy, since
// each proxy appends the address it received the request from and
// everything to the left of that may be forged by the client. A value that
// is not an address stops the walk at the proxy that passed it on. The
// answer is never empty: without a usable header it is the peer.
func (p Proxies) ClientAddress(peer net.IP, xff [][]byte) string {
	peerAddr, ok := netip.AddrFromSlice(peer)
	if !ok {
		return "unknown"
	}
	client := peerAddr.Unmap()
	if !p.Trusts(client) {
		return client.String()
	}
	var hops [][]byte
	for _, h := range xff {
		hops = append(hops, bytes.Split(h, []byte(","))...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(string(bytes.TrimSpace(hops[i])))
		if !ok {
			break // forged or mangled: the proxy that passed it on is the client we know
		}
		client = a
		if !p.Trusts(a) {
			break
		}
	}
	return client.String()
}

// parseHop reads one X-Forwarded-For entry: an address, with or without a
// port ("203.0.113.9:5100", "[2001:db8::1]:443").
func parseHop(s string) (netip.Addr, bool) {
	if s == "" || len(s) > 64 {
		return netip.Addr{}, false
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil && ap.Addr().Zone() == "" {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// clientIPKey is where the root app keeps the client address of a request.
const clientIPKey = "client_ip"

// SetClientIP records the client address of the request (the root app does,
// before any surface runs).
func SetClientIP(c *fiber.Ctx, ip string) { c.Locals(clientIPKey, ip) }

// ClientIP is the client address the root app found, or the peer address
// when the surface is served on its own.
func ClientIP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(clientIPKey).(string); ok && ip != "" {
		return ip
	}
	return c.Context().RemoteIP().String()
}
