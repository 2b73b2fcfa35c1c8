package link

import "errors"

var (
	// ErrClosed is returned by operations on a closed underlay or endpoint.
	ErrClosed = errors.New("link: closed")
	// ErrFrameTooBig is returned by Underlay.Send for a frame over the MTU.
	ErrFrameTooBig = errors.New("link: frame larger than underlay MTU")
)

var (
	// ErrShortFrame: a frame shorter than its header says.
	ErrShortFrame = errors.New("link: short frame")
	// ErrFrameVersion: a frame of a version this node does not speak.
	ErrFrameVersion = errors.New("link: unknown frame version")
	// ErrMalformedFrame: reserved bits set or an unknown frame type.
	ErrMalformedFrame = errors.New("link: malformed frame")
)

// ErrIdentityCollision: two wallets share the first 15 bytes, and so one
// identity address; the second is refused.
var ErrIdentityCollision = errors.New("link: identity address collision")
