package main

import (
	"sync"
	"sync/atomic"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// pipeQueueLen is how many packets one direction of a pipe holds before
// WritePackets blocks.
const pipeQueueLen = 1024

// pipePacket is one packet in flight from one end of a pipe to the other.
type pipePacket struct {
	proto tcpip.NetworkProtocolNumber
	pkt   *stack.PacketBuffer // owned by the queue until delivered
}

// pipeEndpoint is one end of an in-memory link between two gVisor stacks:
// WritePackets copies each packet into a bounded queue, and a delivery
// goroutine hands it to the peer stack's dispatcher. A full queue blocks the
// writer (push back, no drops), as an anynet underlay does.
type pipeEndpoint struct {
	mtu        uint32
	out        chan pipePacket // packets for the peer; never closed
	done       chan struct{}   // closed by Close
	closeOnce  sync.Once
	wg         sync.WaitGroup // the delivery goroutine reading out
	peer       *pipeEndpoint
	dispatcher atomic.Pointer[stack.NetworkDispatcher]
}

var _ stack.LinkEndpoint = (*pipeEndpoint)(nil)

// newPipe returns two connected endpoints; each runs a delivery goroutine
// until Close.
func newPipe(mtu uint32) (a, b *pipeEndpoint) {
	mk := func() *pipeEndpoint {
		return &pipeEndpoint{mtu: mtu, out: make(chan pipePacket, pipeQueueLen), done: make(chan struct{})}
	}
	a, b = mk(), mk()
	a.peer, b.peer = b, a
	for _, e := range []*pipeEndpoint{a, b} {
		e.wg.Add(1)
		go e.deliver()
	}
	return a, b
}

// deliver is the long-lived goroutine moving e's outbound packets into the
// peer stack.
func (e *pipeEndpoint) deliver() {
	defer e.wg.Done()
	for {
		select {
		case p := <-e.out:
			if d := e.peer.dispatcher.Load(); d != nil {
				(*d).DeliverNetworkPacket(p.proto, p.pkt)
			}
			p.pkt.DecRef()
		case <-e.done:
			for {
				select {
				case p := <-e.out:
					p.pkt.DecRef()
				default:
					return
				}
			}
		}
	}
}

// WritePackets implements stack.LinkWriter.
func (e *pipeEndpoint) WritePackets(pkts stack.PacketBufferList) (int, tcpip.Error) {
	n := 0
	for _, pkt := range pkts.AsSlice() {
		p := pipePacket{
			proto: pkt.NetworkProtocolNumber,
			pkt:   stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: pkt.ToBuffer()}),
		}
		select {
		case e.out <- p:
			n++
		case <-e.done:
			p.pkt.DecRef()
			if n == 0 {
				return 0, &tcpip.ErrClosedForSend{}
			}
			return n, nil
		}
	}
	return n, nil
}

// Capabilities implements stack.LinkEndpoint with what anynet's link
// endpoint declares: inbound checksums need no check (memory does not
// corrupt; anynet's AEAD authenticates), so the pair differs from anynet
// only by what anynet adds.
func (*pipeEndpoint) Capabilities() stack.LinkEndpointCapabilities {
	return stack.CapabilityRXChecksumOffload
}

// Close stops the delivery goroutine and drops what is queued.
func (e *pipeEndpoint) Close() {
	e.closeOnce.Do(func() { close(e.done) })
	e.wg.Wait()
}

func (e *pipeEndpoint) Attach(d stack.NetworkDispatcher) {
	if d == nil {
		e.dispatcher.Store(nil)
		return
	}
	e.dispatcher.Store(&d)
}

func (e *pipeEndpoint) IsAttached() bool                      { return e.dispatcher.Load() != nil }
func (e *pipeEndpoint) MTU() uint32                           { return e.mtu }
func (e *pipeEndpoint) SetMTU(mtu uint32)                     { e.mtu = mtu }
func (*pipeEndpoint) MaxHeaderLength() uint16                 { return 0 }
func (*pipeEndpoint) LinkAddress() tcpip.LinkAddress          { return "" }
func (*pipeEndpoint) SetLinkAddress(tcpip.LinkAddress)        {}
func (*pipeEndpoint) Wait()                                   {}
func (*pipeEndpoint) ARPHardwareType() header.ARPHardwareType { return header.ARPHardwareNone }
func (*pipeEndpoint) AddHeader(*stack.PacketBuffer)           {}
func (*pipeEndpoint) ParseHeader(*stack.PacketBuffer) bool    { return true }
func (*pipeEndpoint) SetOnCloseAction(func())                 {}
