package sim

import (
	"bytes"

	"github.com/anynet/anynet/apps/im"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// imClient is one client connection of a node's IM service to another
// node's im.Port, driven from the run's goroutine: messages to a
// recipient, deposits at a mailbox, a fetch from one's own mailbox,
// receipts to a sender. It writes what is queued in out and hands every
// whole frame read to the caller.
type imClient struct {
	ep        tcpip.Endpoint
	wq        waiter.Queue
	connected bool
	out       []byte // frames not yet taken by the endpoint
	in        []byte // bytes read, not yet a whole frame
	since     int64  // start of the current wait (connect, answer)
	attempt   int    // connections opened, to tell stale timers apart
}

// open connects from node n to node to: n learns to as a static peer
// (the simulator's stand-in for name resolution) and connects. False
// means the attempt failed at once.
func (k *imClient) open(s *Sim, n, to *node) bool {
	k.attempt++
	if err := s.addPeer(n, to); err != nil {
		s.fail("im: node %d: add peer %d: %v", n.id, to.id, err)
		return false
	}
	k.wq = waiter.Queue{}
	ep, err := n.in.Netstack.NewEndpoint(tcp.ProtocolNumber, ipv6.ProtocolNumber, &k.wq)
	if err != nil {
		s.fail("im: node %d: endpoint: %s", n.id, err)
		return false
	}
	k.ep, k.connected, k.out, k.in = ep, false, nil, nil
	k.since = s.now.Load()
	switch err := ep.Connect(tcpip.FullAddress{NIC: 1, Addr: to.identity(), Port: im.Port}); err.(type) {
	case nil, *tcpip.ErrConnectStarted:
		return true
	}
	k.abort()
	return false
}

// abort drops the connection (the node is settled by the caller).
func (k *imClient) abort() {
	if k.ep != nil {
		k.ep.Abort()
	}
	k.ep, k.connected, k.out, k.in = nil, false, nil, nil
}

// lost forgets a connection that went down with its node's netstack.
func (k *imClient) lost() { k.ep, k.connected, k.out, k.in = nil, false, nil, nil }

// pump moves the connection on: connected (onConnect queues the first
// frames), out written, frames read and handed to onFrame, which returns
// false to stop reading. failed means the connection broke: the caller
// aborts it and retries.
func (k *imClient) pump(s *Sim, onConnect func(), onFrame func(im.WireFrame) bool) (progress, failed bool) {
	if k.ep == nil {
		return false, false
	}
	if !k.connected {
		ready := k.ep.Readiness(waiter.WritableEvents | waiter.EventErr | waiter.EventHUp)
		if ready == 0 {
			return false, false
		}
		if err := k.ep.LastError(); err != nil || ready&(waiter.EventErr|waiter.EventHUp) != 0 {
			return true, true
		}
		k.connected, progress = true, true
		k.since = s.now.Load()
		onConnect()
	}
	if k.flush() {
		progress = true
	}
	var got bool
	k.in, got, failed = readAll(k.ep, k.in) // failed: closed or reset by the peer
	progress = progress || got
	for k.ep != nil {
		f, used, err := im.ParseFrame(k.in, imMaxFrame)
		if err != nil {
			s.fail("im: %v", err)
			return true, true
		}
		if used == 0 {
			break
		}
		k.in = k.in[used:]
		if !onFrame(f) {
			return true, failed
		}
	}
	if k.ep != nil && k.flush() { // answers the frames asked for
		progress = true
	}
	return progress, failed
}

// flush writes what the endpoint takes of out; false if nothing.
func (k *imClient) flush() bool {
	wrote := false
	for len(k.out) > 0 {
		m, err := k.ep.Write(bytes.NewReader(k.out), tcpip.WriteOptions{})
		if err != nil {
			break // would block, or broken: the read side tells
		}
		k.out = k.out[m:]
		wrote = true
	}
	return wrote
}

// sent reports whether everything written was acknowledged by the
// peer's TCP, so the peer's IM service has read it.
func (k *imClient) sent() bool {
	if k.ep == nil || !k.connected || len(k.out) > 0 {
		return false
	}
	q, err := k.ep.GetSockOptInt(tcpip.SendQueueSizeOption)
	return err == nil && q == 0
}

// close closes the connection gracefully (what was written still goes).
func (k *imClient) close() {
	if k.ep != nil {
		k.ep.Close()
	}
	k.lost()
}
