package link

import "errors"

var (
	// ErrClosed is returned by operations on a closed underlay or endpoint.
	ErrClosed = errors.New("link: closed")
	// ErrFrameTooBig is returned by Underlay.Send for a frame over the MTU.
	ErrFrameTooBig = errors.New("link: frame larger than underlay MTU")
	// ErrQueueFull is returned by TrySender.TrySend when it dropped
	// frames because the destination's queue was full.
	ErrQueueFull = errors.New("link: underlay queue full")
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

// Routing errors (host_routing.go, host_route.go, package link/router).
var (
	// ErrUnreachable: a router said it cannot deliver to the peer's
	// locator (an unreachable frame), or this node has no route to it.
	ErrUnreachable = errors.New("link: destination unreachable")
	// ErrRouting: a Routing configuration that cannot work.
	ErrRouting = errors.New("link: invalid routing configuration")
)

// UnreachableError says which locator a router could not reach, and why.
type UnreachableError struct {
	Locator Locator
	Reason  Reason
}

func (e *UnreachableError) Error() string {
	return "link: destination unreachable: " + e.Reason.String()
}

// Unwrap makes errors.Is(err, ErrUnreachable) hold.
func (e *UnreachableError) Unwrap() error { return ErrUnreachable }
