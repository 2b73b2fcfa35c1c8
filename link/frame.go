package link

import (
	"encoding/binary"
	"fmt"
)

// FrameVersion is the version of the frame format in the high nibble of
// a frame's first byte.
const FrameVersion = 1

// FrameType says what a frame carries.
type FrameType uint8

const (
	// FrameTransport carries one transport message (handshake, cookie or
	// sealed data); only the destination node can open it.
	FrameTransport FrameType = 0
	// FrameControl carries routing control messages between neighbors
	// (reserved for the routing layer).
	FrameControl FrameType = 1
	// FrameUnreachable tells the source that a router could not deliver a
	// frame (reserved for the routing layer).
	FrameUnreachable FrameType = 2
)

const (
	flagDstLocator = 1 << 0
	flagSrcLocator = 1 << 1
	knownFlags     = flagDstLocator | flagSrcLocator

	// MinFrameHeader is the size of a frame header without locators.
	MinFrameHeader = 4
	// MaxFrameHeader is the size of a frame header with both locators.
	MaxFrameHeader = MinFrameHeader + 2*LocatorLen

	// DefaultHopLimit is the hop limit of frames a node originates.
	DefaultHopLimit = 32
)

// LocatorLen is the length of a locator in bytes (256 bits).
const LocatorLen = 32

// Locator is a hierarchical unicast address: segment, subnet, host and NIC
// (64+64+96+32 bits). The routing layer gives it its text form and prefix
// arithmetic; the frame format only carries it.
type Locator [LocatorLen]byte

// Header is the routing header at the front of every frame. Locators are
// optional: on a direct path between neighbors neither is sent, so the
// header costs 4 bytes instead of 68.
type Header struct {
	Type     FrameType
	HopLimit uint8
	Dst, Src *Locator // nil when absent
}

// Len returns the encoded length of h.
func (h *Header) Len() int {
	n := MinFrameHeader
	if h.Dst != nil {
		n += LocatorLen
	}
	if h.Src != nil {
		n += LocatorLen
	}
	return n
}

// AppendHeader appends the encoding of h to b.
func AppendHeader(b []byte, h *Header) []byte {
	var flags byte
	if h.Dst != nil {
		flags |= flagDstLocator
	}
	if h.Src != nil {
		flags |= flagSrcLocator
	}
	b = append(b, FrameVersion<<4|byte(h.Type)&0x0f, h.HopLimit, flags, 0)
	if h.Dst != nil {
		b = append(b, h.Dst[:]...)
	}
	if h.Src != nil {
		b = append(b, h.Src[:]...)
	}
	return b
}

// ParseHeader decodes the header at the front of frame into h and returns
// the payload that follows. Locators in h point into frame's storage, so
// h is valid only as long as frame is.
func ParseHeader(frame []byte, h *Header) (payload []byte, err error) {
	if len(frame) < MinFrameHeader {
		return nil, fmt.Errorf("%w: %d bytes", ErrShortFrame, len(frame))
	}
	if v := frame[0] >> 4; v != FrameVersion {
		return nil, fmt.Errorf("%w: %d", ErrFrameVersion, v)
	}
	flags := frame[2]
	if flags&^knownFlags != 0 || frame[3] != 0 {
		return nil, fmt.Errorf("%w: flags %#x reserved %#x", ErrMalformedFrame, flags, frame[3])
	}
	*h = Header{Type: FrameType(frame[0] & 0x0f), HopLimit: frame[1]}
	rest := frame[MinFrameHeader:]
	if flags&flagDstLocator != 0 {
		if len(rest) < LocatorLen {
			return nil, fmt.Errorf("%w: truncated destination locator", ErrShortFrame)
		}
		h.Dst = (*Locator)(rest[:LocatorLen])
		rest = rest[LocatorLen:]
	}
	if flags&flagSrcLocator != 0 {
		if len(rest) < LocatorLen {
			return nil, fmt.Errorf("%w: truncated source locator", ErrShortFrame)
		}
		h.Src = (*Locator)(rest[:LocatorLen])
		rest = rest[LocatorLen:]
	}
	return rest, nil
}

// putHeader writes the 4-byte locator-free header into b[:4].
func putHeader(b []byte, t FrameType, hopLimit uint8) {
	binary.BigEndian.PutUint32(b, uint32(FrameVersion<<4|byte(t)&0x0f)<<24|uint32(hopLimit)<<16)
}
