package mq

import "errors"

var (
	// ErrProtocol: the first bytes of a connection are not what the NATS
	// protocol puts there (an INFO from the server, a CONNECT from the
	// client), or a control line is longer than MaxControlLine.
	ErrProtocol = errors.New("mq: not a NATS connection")
	// ErrNoTarget: a gateway client named a host that does not resolve.
	ErrNoTarget = errors.New("mq: unknown host")
	// ErrClosed: the server was used after Close.
	ErrClosed = errors.New("mq: closed")
	// ErrPolicy: a policy grant that cannot be turned into permissions.
	ErrPolicy = errors.New("mq: bad policy")
	// ErrCluster: a cluster configuration without other members, or a
	// route that does not come from this node's engine or a member.
	ErrCluster = errors.New("mq: cluster")
	// ErrGatewayAuth: a gateway client without the gateway's password.
	ErrGatewayAuth = errors.New("mq: gateway: wrong or no password")
)

// ErrFrame: bytes that are not a frame of the overlay core (wire.go).
var ErrFrame = errors.New("mq: bad frame")
