package vpn

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Policy is what an exit serves. The zero value is the safe default:
// every wallet, every port but 25 (SMTP), no limits beyond the
// defaults of Limits, and none of the ranges of RefusedRanges nor the
// exit's own networks.
type Policy struct {
	// Wallets, if not empty, are the only wallets served.
	Wallets []common.Address
	// Ports, if not empty, are the only destination ports allowed
	// (TCP and UDP); empty allows every port but 25.
	Ports []PortRange
	// Allow are ranges served even though RefusedRanges or the exit's
	// own networks hold them (a lab's 10.0.0.0/8; tests' 127.0.0.0/8).
	Allow []netip.Prefix
	// Deny are ranges refused on top of the defaults.
	Deny []netip.Prefix
	// Limits bound each wallet's use.
	Limits Limits
}

// PortRange is an inclusive range of ports.
type PortRange struct{ Lo, Hi uint16 }

// Limits bound one wallet's use of an exit. Zero fields mean the
// defaults; a negative one means no limit.
type Limits struct {
	// SessionsPerSecond is the rate of new sessions (TCP connections,
	// UDP associations); zero means 20.
	SessionsPerSecond float64
	// Burst is how many sessions may open at once; zero means 50.
	Burst int
	// Bytes is the allowance in both directions per Window; zero means
	// no byte limit.
	Bytes int64
	// Window is the byte allowance's period; zero means one hour.
	Window time.Duration
}

// namedRange is a refused range and why.
type namedRange struct {
	p    netip.Prefix
	what string
}

// RefusedRanges are refused unless Policy.Allow names them: loopback,
// private, shared (CGNAT), link-local (which holds the cloud metadata
// address 169.254.169.254), multicast, reserved and unspecified, in
// IPv4 and IPv6.
var refusedRanges = []namedRange{
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space (CGNAT, cloud metadata)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.169.254/32"), "cloud metadata"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("fd00:ec2::254/128"), "cloud metadata"},
	{netip.MustParsePrefix("fc00::/7"), "private (unique local)"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

// RefusedRanges returns the ranges an exit refuses by default.
func RefusedRanges() []netip.Prefix {
	out := make([]netip.Prefix, len(refusedRanges))
	for i, r := range refusedRanges {
		out[i] = r.p
	}
	return out
}

// OwnNetworks returns the networks of the machine's interfaces, which
// an exit refuses by default (its LAN, its VPNs, its docker bridges).
func OwnNetworks() []netip.Prefix {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []netip.Prefix
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		ip, ok := netip.AddrFromSlice(ipn.IP)
		if !ok {
			continue
		}
		bits, _ := ipn.Mask.Size()
		out = append(out, netip.PrefixFrom(ip.Unmap(), bits).Masked())
	}
	return out
}

// checker is a Policy compiled with the exit's own networks.
type checker struct {
	p   Policy
	own []netip.Prefix
}

// allowsWallet reports whether w is served.
func (c *checker) allowsWallet(w common.Address) error {
	if len(c.p.Wallets) == 0 || slices.Contains(c.p.Wallets, w) {
		return nil
	}
	return fmt.Errorf("%w: %s is not on the exit's list", ErrWallet, w)
}

// allowsPort reports whether port is allowed.
func (c *checker) allowsPort(port uint16) error {
	if len(c.p.Ports) == 0 {
		if port == 25 {
			return fmt.Errorf("%w: port 25 (SMTP) is refused", ErrPort)
		}
		return nil
	}
	for _, r := range c.p.Ports {
		if port >= r.Lo && port <= r.Hi {
			return nil
		}
	}
	return fmt.Errorf("%w: port %d", ErrPort, port)
}

// allowsAddr reports whether the exit may send to ip.
func (c *checker) allowsAddr(ip netip.Addr) error {
	ip = ip.Unmap()
	for _, p := range c.p.Allow {
		if p.Contains(ip) {
			return nil
		}
	}
	for _, p := range c.p.Deny {
		if p.Contains(ip) {
			return fmt.Errorf("%w: %s is in a denied range (%s)", ErrDestination, ip, p)
		}
	}
	for _, r := range refusedRanges {
		if r.p.Contains(ip) {
			return fmt.Errorf("%w: %s is %s (%s)", ErrDestination, ip, r.what, r.p)
		}
	}
	for _, p := range c.own {
		if p.Contains(ip) {
			return fmt.Errorf("%w: %s is on the exit's own network %s", ErrDestination, ip, p)
		}
	}
	return nil
}

// Summary is the policy in the few words an advertisement carries:
// "open" or "list", the ports, and the byte allowance.
func (p Policy) Summary() string {
	var b strings.Builder
	if len(p.Wallets) == 0 {
		b.WriteString("open")
	} else {
		b.WriteString("list")
	}
	b.WriteString(";ports=")
	if len(p.Ports) == 0 {
		b.WriteString("all-but-25")
	}
	for i, r := range p.Ports {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(r.Lo)))
		if r.Hi != r.Lo {
			b.WriteString("-" + strconv.Itoa(int(r.Hi)))
		}
	}
	if p.Limits.Bytes > 0 {
		fmt.Fprintf(&b, ";bytes=%d/%s", p.Limits.Bytes, p.Limits.window())
	}
	return b.String()
}

func (l Limits) window() time.Duration {
	if l.Window <= 0 {
		return time.Hour
	}
	return l.Window
}

// ParsePorts parses "80,443,8000-8999".
func ParsePorts(s string) ([]PortRange, error) {
	var out []PortRange
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(f, "-")
		a, err := strconv.ParseUint(lo, 10, 16)
		if err != nil {
			return nil, fmt.Errorf("vpn: port %q: %w", f, err)
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(hi, 10, 16); err != nil {
				return nil, fmt.Errorf("vpn: port %q: %w", f, err)
			}
		}
		if a == 0 || b < a {
			return nil, fmt.Errorf("vpn: port range %q", f)
		}
		out = append(out, PortRange{uint16(a), uint16(b)})
	}
	return out, nil
}
