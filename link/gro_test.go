package link

import (
	"bytes"
	"testing"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// recordingDispatcher keeps a copy of every packet delivered to it.
type recordingDispatcher struct{ pkts [][]byte }

func (r *recordingDispatcher) DeliverNetworkPacket(_ tcpip.NetworkProtocolNumber, pkt *stack.PacketBuffer) {
	r.pkts = append(r.pkts, pkt.Data().AsRange().ToSlice())
}

func (r *recordingDispatcher) DeliverLinkPacket(tcpip.NetworkProtocolNumber, *stack.PacketBuffer) {}

// enqueueBytes opens b into the coalescer as receive does: into room
// for a frame, which is larger than the packet it carries.
func enqueueBytes(g *groState, d stack.NetworkDispatcher, b []byte) {
	s := g.reserve(len(b) + TransportOverhead + MinFrameHeader)
	n := copy(s.bytes(), b)
	g.add(d, s, s.bytes()[:n])
}

// TestGROCoalescesSegments cuts a GSO packet into segments, feeds them to
// the endpoint's GRO as one batch, and expects the original packet back
// in one piece at the batch's end, and nothing before it.
func TestGROCoalescesSegments(t *testing.T) {
	tsOpts := []byte{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}
	tests := []struct {
		name    string
		payload int
		flags   header.TCPFlags
		want    int // packets delivered
	}{
		{"full segments then push", 8*1208 + 100, header.TCPFlagAck | header.TCPFlagPsh, 1},
		{"equal segments, no push", 4 * 1208, header.TCPFlagAck, 1},
		{"one segment", 500, header.TCPFlagAck | header.TCPFlagPsh, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload := pattern(tt.payload)
			segs, err := segmentAll(t, [][]byte{gsoPacket(payload, tt.flags, tsOpts)}, 1208)
			if err != nil {
				t.Fatal(err)
			}
			var g groState
			g.init()
			var d recordingDispatcher
			for _, s := range segs[:len(segs)-1] {
				enqueueBytes(&g, &d, s)
			}
			if len(d.pkts) != 0 && tt.flags&header.TCPFlagPsh == 0 {
				t.Fatalf("%d packets delivered before the batch ended", len(d.pkts))
			}
			enqueueBytes(&g, &d, segs[len(segs)-1])
			g.flush()
			if len(d.pkts) != tt.want {
				t.Fatalf("%d packets delivered, want %d", len(d.pkts), tt.want)
			}
			ip := header.IPv6(d.pkts[0])
			if int(ip.PayloadLength()) != len(d.pkts[0])-header.IPv6MinimumSize {
				t.Fatalf("merged IPv6 payload length %d in %d bytes", ip.PayloadLength(), len(d.pkts[0]))
			}
			tcp := header.TCP(ip.Payload())
			if !bytes.Equal(tcp.Payload(), payload) || tcp.SequenceNumber() != 0xfffffff0 {
				t.Fatalf("merged payload of %d bytes at seq %#x, want %d at 0xfffffff0", len(tcp.Payload()), tcp.SequenceNumber(), len(payload))
			}
			if tcp.Flags() != tt.flags {
				t.Fatalf("merged flags %v, want %v", tcp.Flags(), tt.flags)
			}
			g.flush()
			if len(d.pkts) != tt.want {
				t.Fatal("a second flush delivered again")
			}
		})
	}
}

// TestGROPassesOthersThrough checks that what GRO cannot merge reaches
// the netstack unchanged and in order: UDP, and a gap in the sequence.
func TestGROPassesOthersThrough(t *testing.T) {
	segs, err := segmentAll(t, [][]byte{gsoPacket(pattern(3*1208), header.TCPFlagAck, nil)}, 1208)
	if err != nil {
		t.Fatal(err)
	}
	udp := bytes.Clone(segs[0])
	udp[6] = uint8(header.UDPProtocolNumber)

	var g groState
	g.init()
	var d recordingDispatcher
	enqueueBytes(&g, &d, udp)
	enqueueBytes(&g, &d, segs[0])
	enqueueBytes(&g, &d, segs[2]) // segs[1] lost: no merge across the gap
	g.flush()
	if len(d.pkts) != 3 {
		t.Fatalf("%d packets delivered, want 3", len(d.pkts))
	}
	if !bytes.Equal(d.pkts[0], udp) {
		t.Fatal("the UDP packet changed or came late")
	}
	got := [][]byte{d.pkts[1], d.pkts[2]}
	if !(bytes.Equal(got[0], segs[0]) && bytes.Equal(got[1], segs[2])) && !(bytes.Equal(got[0], segs[2]) && bytes.Equal(got[1], segs[0])) {
		t.Fatal("the TCP segments around the gap were changed")
	}
}

// TestGROAcrossChunks feeds one batch of more segments than a chunk
// holds and expects the payload back whole and in order, in a few
// packets whose headers agree with their size and sequence.
func TestGROAcrossChunks(t *testing.T) {
	const mss = 1208
	payload := pattern(100 * mss)
	var segs [][]byte
	for off := 0; off < len(payload); off += 40 * mss { // three GSO bursts
		p := gsoPacket(payload[off:min(off+40*mss, len(payload))], header.TCPFlagAck, nil)
		tcp := header.TCP(p[header.IPv6MinimumSize:])
		tcp.SetSequenceNumber(tcp.SequenceNumber() + uint32(off))
		s, err := segmentAll(t, [][]byte{p}, mss)
		if err != nil {
			t.Fatal(err)
		}
		segs = append(segs, s...)
	}
	var g groState
	g.init()
	var d recordingDispatcher
	for _, s := range segs {
		enqueueBytes(&g, &d, s)
	}
	g.flush()
	if len(d.pkts) < 2 || len(d.pkts) > 4 {
		t.Fatalf("%d packets delivered, want 2-4 for %d segments over 64 KiB chunks", len(d.pkts), len(segs))
	}
	var got []byte
	seq := uint32(0xfffffff0)
	for i, b := range d.pkts {
		ip := header.IPv6(b)
		if int(ip.PayloadLength()) != len(b)-header.IPv6MinimumSize {
			t.Fatalf("packet %d: IPv6 payload length %d in %d bytes", i, ip.PayloadLength(), len(b))
		}
		tcp := header.TCP(ip.Payload())
		if tcp.SequenceNumber() != seq {
			t.Fatalf("packet %d at seq %#x, want %#x", i, tcp.SequenceNumber(), seq)
		}
		seq += uint32(len(tcp.Payload()))
		got = append(got, tcp.Payload()...)
	}
	if !bytes.Equal(got, payload) {
		t.Fatalf("%d payload bytes came back, want the %d sent, unchanged", len(got), len(payload))
	}
}

// TestGROStops checks the rules that end a run: a segment that differs
// in a header field, a dropped frame between two segments (its room is
// given back, so the run goes on), and that nothing merges after PSH.
func TestGROStops(t *testing.T) {
	segs, err := segmentAll(t, [][]byte{gsoPacket(pattern(4*1208), header.TCPFlagAck, nil)}, 1208)
	if err != nil {
		t.Fatal(err)
	}
	otherAck := bytes.Clone(segs[1])
	header.TCP(otherAck[header.IPv6MinimumSize:]).SetAckNumber(78)
	push := bytes.Clone(segs[1])
	tcp := header.TCP(push[header.IPv6MinimumSize:])
	tcp.SetFlags(uint8(header.TCPFlagAck | header.TCPFlagPsh))
	tests := []struct {
		name string
		feed func(*groState, stack.NetworkDispatcher)
		want int
	}{
		{"all four", func(g *groState, d stack.NetworkDispatcher) {
			for _, s := range segs {
				enqueueBytes(g, d, s)
			}
		}, 1},
		{"another acknowledgement", func(g *groState, d stack.NetworkDispatcher) {
			enqueueBytes(g, d, segs[0])
			enqueueBytes(g, d, otherAck)
		}, 2},
		{"a dropped frame between", func(g *groState, d stack.NetworkDispatcher) {
			enqueueBytes(g, d, segs[0])
			g.drop(g.reserve(300))
			enqueueBytes(g, d, segs[1])
		}, 1},
		{"after a push", func(g *groState, d stack.NetworkDispatcher) {
			enqueueBytes(g, d, segs[0])
			enqueueBytes(g, d, push)
			enqueueBytes(g, d, segs[2])
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g groState
			g.init()
			var d recordingDispatcher
			tt.feed(&g, &d)
			g.flush()
			if len(d.pkts) != tt.want {
				t.Fatalf("%d packets delivered, want %d", len(d.pkts), tt.want)
			}
		})
	}
}

// TestGROPassKeepsOrder checks that a packet handed on without
// coalescing (a frame too large for a chunk) reaches the netstack after
// the one pending before it.
func TestGROPassKeepsOrder(t *testing.T) {
	segs, err := segmentAll(t, [][]byte{gsoPacket(pattern(2*1208), header.TCPFlagAck, nil)}, 1208)
	if err != nil {
		t.Fatal(err)
	}
	var g groState
	g.init()
	var d recordingDispatcher
	enqueueBytes(&g, &d, segs[0])
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(segs[1])})
	g.pass(&d, pkt)
	pkt.DecRef()
	g.flush()
	if len(d.pkts) != 2 || !bytes.Equal(d.pkts[0], segs[0]) || !bytes.Equal(d.pkts[1], segs[1]) {
		t.Fatalf("%d packets delivered, want the pending segment, then the one passed", len(d.pkts))
	}
}
