package link

import "gvisor.dev/gvisor/pkg/tcpip/header"

// flowKey names one flow of IPv6 packets for anycast pinning: source and
// destination addresses, the next header and, for TCP and UDP, the
// ports. Anything else (ICMPv6, extension headers, fragments) is keyed
// by addresses and next header alone.
type flowKey struct {
	src, dst     [16]byte
	proto        uint8
	sport, dport uint16
}

// parseFlow reads the flow of the IPv6 packet pkt, which comes from the
// netstack or, opened, from the network. It reports false for anything
// shorter than an IPv6 header.
func parseFlow(pkt []byte) (flowKey, bool) {
	var f flowKey
	if len(pkt) < header.IPv6MinimumSize || pkt[0]>>4 != 6 {
		return f, false
	}
	ip := header.IPv6(pkt)
	copy(f.src[:], ip.SourceAddressSlice())
	copy(f.dst[:], ip.DestinationAddressSlice())
	f.proto = ip.NextHeader()
	switch f.proto {
	case uint8(header.TCPProtocolNumber), uint8(header.UDPProtocolNumber):
		if t := pkt[header.IPv6MinimumSize:]; len(t) >= 4 {
			f.sport = uint16(t[0])<<8 | uint16(t[1])
			f.dport = uint16(t[2])<<8 | uint16(t[3])
		}
	}
	return f, true
}

// reverse is the flow of the answers to f.
func (f flowKey) reverse() flowKey {
	f.src, f.dst = f.dst, f.src
	f.sport, f.dport = f.dport, f.sport
	return f
}
