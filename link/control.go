package link

import (
	"fmt"
)

// This file holds the two payloads the routing layer puts in frames of
// its own (doc.go, "Routing"): the control message that routers and
// their hosts exchange inside their transport session, and the body of
// an unreachable frame.

// controlKind says what a control message carries.
type controlKind uint8

const (
	// controlAdvert: a router's full route table (route.Encode).
	controlAdvert controlKind = 1
	// controlAttach: a host tells its router its locator; it doubles as
	// the host's keepalive.
	controlAttach controlKind = 2
	// controlAttachAck: the router accepted the locator in an attach.
	controlAttachAck controlKind = 3
)

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

// appendControl appends a control message of kind with body to b.
func appendControl(b []byte, kind controlKind, body []byte) []byte {
	b = append(b, byte(kind))
	return append(b, body...)
}

// parseControl splits a control message into its kind and body. Locator
// messages must be exactly one locator long.
func parseControl(msg []byte) (controlKind, []byte, error) {
	if len(msg) < 1 {
		return 0, nil, fmt.Errorf("%w: empty control message", ErrMalformedFrame)
	}
	kind, body := controlKind(msg[0]), msg[1:]
	switch kind {
	case controlAdvert:
	case controlAttach, controlAttachAck:
		if len(body) != LocatorLen {
			return 0, nil, fmt.Errorf("%w: %d-byte locator in control message", ErrMalformedFrame, len(body))
		}
	default:
		return 0, nil, fmt.Errorf("%w: control kind %d", ErrMalformedFrame, kind)
	}
	return kind, body, nil
}

// appendUnreachable appends the body of an unreachable frame to b: the
// reason, the locator that could not be reached, and up to maxQuote
// bytes of the dropped frame's payload.
func appendUnreachable(b []byte, reason Reason, dst *Locator, quote []byte) []byte {
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
