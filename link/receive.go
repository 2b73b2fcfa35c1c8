package link

import (
	"errors"
	"net/netip"

	"github.com/anynet/anynet/transport"
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// The inbound pipeline, the mirror of send.go:
//
//  1. The underlay calls receive with one frame and its source address,
//     from the underlay's own goroutine.
//  2. The frame header is parsed; a malformed frame is dropped and
//     counted.
//  3. The transport processes the message: it opens data, answers or
//     completes handshakes, stores cookies. Anything it refuses (bad MAC,
//     replay, unknown index, bad binding) is dropped and counted.
//  4. Handshake replies go back to the source; a session that became
//     usable flushes the packets queued for its peer (send.go).
//  5. Data must carry an IPv6 packet whose source is the peer's identity
//     address; it is then injected into the netstack. Nothing that failed
//     a check is ever injected.

// receive is the underlay's receiver.
func (e *Endpoint) receive(frame []byte, src netip.AddrPort) {
	e.stats.framesReceived.Add(1)
	e.stats.bytesReceived.Add(uint64(len(frame)))
	var h Header
	msg, err := ParseHeader(frame, &h)
	if err != nil || h.Type != FrameTransport {
		e.stats.droppedMalformed.Add(1)
		return
	}
	buf := e.bufs.get()
	defer e.bufs.put(buf)
	srcKey := addrKey(src)
	res, err := e.sessions.Receive((*buf)[:0], msg, srcKey[:])
	if err != nil {
		if errors.Is(err, transport.ErrReplay) {
			e.stats.droppedReplay.Add(1)
		} else {
			e.stats.droppedOpen.Add(1)
		}
		e.log.Debug("drop frame", "src", src, "err", err)
		return
	}
	switch res.Kind {
	case transport.KindHandshake:
		for _, r := range res.Replies {
			e.sendMessage(src, r)
		}
		if res.Established && res.Peer != nil {
			p, err := e.peers.learn(res.Peer, src)
			if err != nil {
				e.log.Warn("peer refused", "wallet", res.Peer.Wallet(), "err", err)
				return
			}
			e.flushQueue(p)
		}
	case transport.KindData:
		p, err := e.peers.learn(res.Peer, src)
		if err != nil {
			e.stats.droppedSpoofed.Add(1)
			return
		}
		// The first data message may confirm a responder's session.
		e.flushQueue(p)
		if len(res.Payload) > 0 {
			e.deliver(p, res.Payload)
		}
		// Clear the plaintext before the buffer goes back to the pool.
		clear(res.Payload)
	}
}

// deliver checks an opened packet and injects it into the netstack.
func (e *Endpoint) deliver(p *peer, plain []byte) {
	ip := header.IPv6(plain)
	if len(plain) < header.IPv6MinimumSize || !ip.IsValid(len(plain)) {
		e.stats.droppedNotIPv6.Add(1)
		return
	}
	if src, _ := netip.AddrFromSlice(ip.SourceAddressSlice()); src != p.ident {
		e.stats.droppedSpoofed.Add(1)
		return
	}
	box := e.dispatcher.Load()
	if box == nil {
		return
	}
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(plain)})
	box.d.DeliverNetworkPacket(header.IPv6ProtocolNumber, pkt)
	pkt.DecRef()
}

// addrKey is the stable byte form of an underlay address that keys the
// transport's cookies and rate limits.
func addrKey(a netip.AddrPort) [18]byte {
	var k [18]byte
	ip := a.Addr().As16()
	copy(k[:16], ip[:])
	k[16], k[17] = byte(a.Port()>>8), byte(a.Port())
	return k
}
