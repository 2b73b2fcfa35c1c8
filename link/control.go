package link

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// This file holds the two payloads the routing layer puts in frames of
// its own (doc.go, "Routing"): the control message that routers and
// their hosts exchange inside their transport session, and the body of
// an unreachable frame.

// ControlKind says what a control message carries.
type ControlKind uint8

const (
	// ControlAdvert: a router's full route table (route.Encode).
	ControlAdvert ControlKind = 1
	// ControlAttach: a host tells its router its locator; it doubles as
	// the host's keepalive.
	ControlAttach ControlKind = 2
	// ControlAttachAck: the router accepted the locator in an attach.
	ControlAttachAck ControlKind = 3
	// ControlPunchAsk: from a host, "I want a direct path to the host at
	// this locator"; from a router, "the host at this locator wants a
	// direct path to you" (host_punch.go, link/router punch.go).
	ControlPunchAsk ControlKind = 4
	// ControlPunch: from a router, "the host at this locator is seen at
	// this underlay address: probe it" (host_punch.go, link/router punch.go).
	ControlPunch ControlKind = 5
	// ControlPunchRelayAsk: between routers, a punch ask on its way to
	// the router of the host asked for (link/router punch.go).
	ControlPunchRelayAsk ControlKind = 6
	// ControlPunchRelay: between routers, a punch on its way to the
	// router of the host it is for (link/router punch.go).
	ControlPunchRelay ControlKind = 7
	// ControlPunchSelf: from a router that cannot pair an ask because
	// the host asked for lies beyond its routes (across a tunnel), "you
	// are seen at this underlay address: tell the host at this locator
	// yourself" (link/router punch.go, host_punch_peer.go). The body is a punch body.
	ControlPunchSelf ControlKind = 8
)

// punchLen is the size of a punch body: a locator and an underlay
// address (16-byte IPv6, IPv4 mapped, and a 2-byte port).
const punchLen = LocatorLen + addrLen

// punchRelayLen is the size of a relayed ask or punch: a hop limit, the
// locator of the host it is for, then a punch body.
const punchRelayLen = 1 + LocatorLen + punchLen

// Reason says why a router could not forward a frame.
type Reason uint8

const (
	// ReasonNoRoute: no route to the destination locator.
	ReasonNoRoute Reason = 1
	// ReasonHopLimit: the frame's hop limit ran out.
	ReasonHopLimit Reason = 2
)

// String returns the reason's name.
func (r Reason) String() string {
	switch r {
	case ReasonNoRoute:
		return "no route"
	case ReasonHopLimit:
		return "hop limit exhausted"
	}
	return fmt.Sprintf("Reason(%d)", uint8(r))
}

// maxQuote is how many bytes of a dropped frame's payload an unreachable
// frame quotes: the transport message header (type, index, counter).
const maxQuote = 16

// unreachableMinLen is the size of an unreachable body without a quote.
const unreachableMinLen = 1 + LocatorLen

// MaxUnreachableLen is the largest unreachable body (AppendUnreachable).
const MaxUnreachableLen = unreachableMinLen + maxQuote

// AppendControl appends a control message of kind with body to b.
func AppendControl(b []byte, kind ControlKind, body []byte) []byte {
	b = append(b, byte(kind))
	return append(b, body...)
}

// parseControl splits a control message into its kind and body. Locator
// messages must be exactly one locator long.
func parseControl(msg []byte) (ControlKind, []byte, error) {
	if len(msg) < 1 {
		return 0, nil, fmt.Errorf("%w: empty control message", ErrMalformedFrame)
	}
	kind, body := ControlKind(msg[0]), msg[1:]
	switch kind {
	case ControlAdvert:
	case ControlAttach, ControlAttachAck, ControlPunchAsk:
		if len(body) != LocatorLen {
			return 0, nil, fmt.Errorf("%w: %d-byte locator in control message", ErrMalformedFrame, len(body))
		}
	case ControlPunch, ControlPunchSelf:
		if _, _, err := parsePunch(body); err != nil {
			return 0, nil, err
		}
	case ControlPunchRelayAsk, ControlPunchRelay:
		if _, _, _, _, err := ParsePunchRelay(body); err != nil {
			return 0, nil, err
		}
	default:
		return 0, nil, fmt.Errorf("%w: control kind %d", ErrMalformedFrame, kind)
	}
	return kind, body, nil
}

// AppendPunch appends the body of a punch message to b: the locator of
// the host to probe and the underlay address its router sees it at.
func AppendPunch(b []byte, loc *Locator, addr netip.AddrPort) []byte {
	return appendAddr(append(b, loc[:]...), addr)
}

// addrLen is the size of an underlay address in punch and candidate
// messages: 16-byte IPv6 (IPv4 mapped) and a 2-byte port, big endian.
const addrLen = 16 + 2

func appendAddr(b []byte, addr netip.AddrPort) []byte {
	ip := addr.Addr().As16()
	b = append(b, ip[:]...)
	return binary.BigEndian.AppendUint16(b, addr.Port())
}

// parseAddr decodes the addrLen bytes of b as an address a frame can go
// to: not unspecified, multicast, or port zero. An IPv4-mapped address
// comes back as IPv4.
func parseAddr(b []byte) (netip.AddrPort, error) {
	ip := netip.AddrFrom16([16]byte(b[:16])).Unmap()
	port := binary.BigEndian.Uint16(b[16:addrLen])
	if ip.IsUnspecified() || ip.IsMulticast() || port == 0 {
		return netip.AddrPort{}, fmt.Errorf("%w: address %s port %d", ErrMalformedFrame, ip, port)
	}
	return netip.AddrPortFrom(ip, port), nil
}

// parsePunch decodes the body of a punch message. loc points into body;
// an IPv4-mapped address comes back as IPv4. The address must be one a
// frame can go to: not unspecified, multicast, or port zero.
func parsePunch(body []byte) (loc *Locator, addr netip.AddrPort, err error) {
	if len(body) != punchLen {
		return nil, addr, fmt.Errorf("%w: %d-byte punch body", ErrMalformedFrame, len(body))
	}
	if addr, err = parseAddr(body[LocatorLen:]); err != nil {
		return nil, addr, fmt.Errorf("punch: %w", err)
	}
	return (*Locator)(body[:LocatorLen]), addr, nil
}

// AppendPunchRelay appends the body of a relayed ask or punch to b: the
// hop limit left, the locator of the host it is for, and the locator and
// underlay address of the other host.
func AppendPunchRelay(b []byte, hops uint8, to, loc *Locator, addr netip.AddrPort) []byte {
	b = append(b, hops)
	b = append(b, to[:]...)
	return AppendPunch(b, loc, addr)
}

// ParsePunchRelay decodes the body of a relayed ask or punch. to and loc
// point into body.
func ParsePunchRelay(body []byte) (hops uint8, to, loc *Locator, addr netip.AddrPort, err error) {
	if len(body) != punchRelayLen {
		return 0, nil, nil, addr, fmt.Errorf("%w: %d-byte relayed punch", ErrMalformedFrame, len(body))
	}
	if loc, addr, err = parsePunch(body[1+LocatorLen:]); err != nil {
		return 0, nil, nil, addr, err
	}
	return body[0], (*Locator)(body[1 : 1+LocatorLen]), loc, addr, nil
}

// AppendUnreachable appends the body of an unreachable frame to b: the
// reason, the locator that could not be reached, and up to maxQuote
// bytes of the dropped frame's payload.
func AppendUnreachable(b []byte, reason Reason, dst *Locator, quote []byte) []byte {
	b = append(b, byte(reason))
	b = append(b, dst[:]...)
	return append(b, quote[:min(len(quote), maxQuote)]...)
}

// parseUnreachable decodes the body of an unreachable frame. dst points
// into body.
func parseUnreachable(body []byte) (reason Reason, dst *Locator, quote []byte, err error) {
	if len(body) < unreachableMinLen || len(body) > unreachableMinLen+maxQuote {
		return 0, nil, nil, fmt.Errorf("%w: %d-byte unreachable body", ErrMalformedFrame, len(body))
	}
	reason = Reason(body[0])
	if reason != ReasonNoRoute && reason != ReasonHopLimit {
		return 0, nil, nil, fmt.Errorf("%w: unreachable reason %d", ErrMalformedFrame, reason)
	}
	return reason, (*Locator)(body[1:unreachableMinLen]), body[unreachableMinLen:], nil
}
