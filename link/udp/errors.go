package udp

import "errors"

var (
	// ErrAddrFamily is returned by Send for an IPv6 destination on an
	// IPv4-only socket.
	ErrAddrFamily = errors.New("udp: destination unreachable from this socket's address family")
	// ErrInvalidAddr is returned by Send for an invalid destination or
	// port 0.
	ErrInvalidAddr = errors.New("udp: invalid destination address")
)
