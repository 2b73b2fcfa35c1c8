package mem

import "errors"

var (
	// ErrAddrInUse is returned by AttachAt for an address a Conn holds.
	ErrAddrInUse = errors.New("mem: address in use")
	// ErrInvalidAddr is returned by AttachAt for an invalid address or
	// port 0.
	ErrInvalidAddr = errors.New("mem: invalid address")
	// ErrAddrSpaceFull is returned by Attach when every address of
	// 100.64.0.0/10 is taken.
	ErrAddrSpaceFull = errors.New("mem: address space exhausted")
)
