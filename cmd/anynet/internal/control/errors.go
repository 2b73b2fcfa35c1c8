package control

import "errors"

var (
	// ErrNoNode: nothing listens on the control socket.
	ErrNoNode = errors.New("control: no node running")
	// ErrNotFound: the name or peer asked about does not exist.
	ErrNotFound = errors.New("control: not found")
	// ErrUnsupported: the node does not offer this (no chat service, a
	// chain it does not run).
	ErrUnsupported = errors.New("control: not supported by this node")
	// ErrBadRequest: a request the server could not parse.
	ErrBadRequest = errors.New("control: bad request")
	// ErrRefused: the chain refuses the change asked: a pass this wallet
	// does not hold, a prefix that overlaps another or lies outside its
	// parent.
	ErrRefused = errors.New("control: refused")
	// ErrTimeout: the node gave up waiting (a deadline passed).
	ErrTimeout = errors.New("control: timed out")
	// ErrForbidden: the socket's peer is another user.
	ErrForbidden = errors.New("control: connection from another user refused")
)
