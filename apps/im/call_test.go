package im

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// TestJitterBuffer drives a call's buffer with explicit times:
// reordering within the delay is repaired, a duplicate is counted once,
// a packet later than its playout time is skipped, a gap is skipped
// once later packets are due, sequence numbers wrap (the first is
// 65534). Its reception report counts the loss against the caller's SR.
func TestJitterBuffer(t *testing.T) {
	var played bytes.Buffer
	cs := &callSession{ssrc: 7, delay: 50 * time.Millisecond, seen: map[int64]bool{}, sink: nopCloser{w: &played}}
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	arrive := func(ms, seq int) { // sent 20 ms apart, no skew
		h := rtp.Header{SequenceNumber: uint16(65534 + seq), Timestamp: uint32(seq * callClock / 50)}
		cs.arrive(at(ms), &rtp.Packet{Header: h, Payload: []byte{byte(seq)}})
	}

	arrive(0, 0)
	arrive(45, 2) // overtakes 1
	arrive(30, 1)
	arrive(31, 1)  // duplicate
	arrive(200, 3) // due at 60+50 = 110: late
	// 4 never arrives.
	arrive(100, 5) // due at 150
	cs.playout(at(300))
	arrive(301, 6) // due at 170: late
	// 4 (65538 wraps to 2) at last, stamped as if due in the future: 5
	// was played, so it is late.
	cs.arrive(at(302), &rtp.Packet{Header: rtp.Header{SequenceNumber: 2, Timestamp: 10 * callClock}, Payload: []byte{4}})

	if want := []byte{0, 1, 2, 5}; !bytes.Equal(played.Bytes(), want) {
		t.Fatalf("played %v, want %v", played.Bytes(), want)
	}
	if cs.received != 7 || cs.duplicates != 1 || cs.late != 3 || cs.jitter <= 0 {
		t.Fatalf("received %d duplicates %d late %d jitter %v; want 7 1 3 and some jitter", cs.received, cs.duplicates, cs.late, cs.jitter)
	}
	cs.sent, cs.lastSR, cs.srAt = 8, 0x1234, at(250)
	r := cs.report(at(300))
	want := rtcp.ReceptionReport{SSRC: 7, FractionLost: 32, TotalLost: 1, LastSequenceNumber: 1<<16 | 4,
		Jitter: rtpTime(cs.jitter), LastSenderReport: 0x1234, Delay: 3276}
	if r != want || r.Jitter == 0 {
		t.Fatalf("report %+v, want %+v", r, want)
	}
}

// The call datagrams of doc.go, byte for byte, and what decodeCall reads
// in them.
func TestCallVectors(t *testing.T) {
	now := time.Unix(1_700_000_000, 500_000_000)
	media := "80600001" + "00000002" + "00000007" + "6162"
	bye := "80c80006" + "00000007" + "e8fe6f8080000000" + "0000bb80" + "00000064" + "00003e80" + "81cb0001" + "00000007"
	final := "81c90007" + "00000009" + "00000007" + "1900000a" + "00000063" + "00000030" + "6f808000" + "0000028f" +
		"80cc0004" + "00000009" + "43414c4c" + "00000001" + "00000002" + "81cb0001" + "00000009"
	if got := hex.EncodeToString(senderReport(now, 7, now.Add(-time.Second), CallStats{Sent: 100, Bytes: 16000}, true)); got != bye {
		t.Errorf("SR+BYE = %s, want %s", got, bye)
	}
	rr := rtcp.ReceptionReport{SSRC: 7, FractionLost: 25, TotalLost: 10, LastSequenceNumber: 99, Jitter: 48, LastSenderReport: 0x6f808000, Delay: 655}
	if got := hex.EncodeToString(receiverReport(9, rr, true, 1, 2)); got != final {
		t.Errorf("RR+APP+BYE = %s, want %s", got, final)
	}
	decode := func(h string) callDatagram {
		b, _ := hex.DecodeString(h)
		d, err := decodeCall(b)
		if err != nil {
			t.Fatalf("decode %s: %v", h, err)
		}
		return d
	}
	if d := decode(media); d.ssrc != 7 || d.media.SequenceNumber != 1 || d.media.Timestamp != 2 || string(d.media.Payload) != "ab" {
		t.Errorf("MEDIA = %+v", d.media)
	}
	if d := decode(bye); d.ssrc != 7 || !d.bye || d.sr.PacketCount != 100 || d.sr.NTPTime != ntpTime(now) {
		t.Errorf("SR+BYE = %+v, %+v", d, d.sr)
	}
	if d := decode(final); d.ssrc != 7 || !d.bye || *d.rr != rr || d.late != 1 || d.duplicates != 2 {
		t.Errorf("final report = %+v, %+v", d, d.rr)
	}
	sentAt := uint32(ntpTime(now.Add(-30*time.Millisecond)) >> 16)
	if rtt := roundTrip(now, &rtcp.ReceptionReport{LastSenderReport: sentAt, Delay: 10 * 65536 / 1000}); rtt < 19*time.Millisecond || rtt > 21*time.Millisecond {
		t.Errorf("round trip sent 30 ms ago, held 10 ms = %v, want 20 ms", rtt)
	}
	for _, bad := range []string{"", "00600001" + "00000002" + "00000007", media[:20], "81c90007"} {
		b, _ := hex.DecodeString(bad)
		if _, err := decodeCall(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("decode %q: %v, want ErrMalformed", bad, err)
		}
	}
	if _, err := decodeCall(append(make([]byte, 12), make([]byte, maxCallPayload+1)...)); !errors.Is(err, ErrMalformed) {
		t.Errorf("oversized media: %v", err)
	}
}

// FuzzDecodeCall: whatever arrives on CallPort, decodeCall neither
// panics nor returns media it does not bound, and media re-encodes to
// the same packet.
func FuzzDecodeCall(f *testing.F) {
	f.Add([]byte{0x80, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 7, 'a', 'b'})
	f.Add(senderReport(time.Unix(1, 0), 7, time.Unix(0, 0), CallStats{Sent: 3}, true))
	f.Add(receiverReport(9, rtcp.ReceptionReport{SSRC: 7}, true, 1, 2))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := decodeCall(b)
		if err != nil || d.media == nil {
			return
		}
		if len(d.media.Payload) > maxCallPayload || d.ssrc != d.media.SSRC {
			t.Fatalf("media %+v from %x", d.media, b)
		}
		again, err := d.media.Marshal()
		if err != nil {
			return
		}
		if d2, err := decodeCall(again); err != nil || d2.media.SequenceNumber != d.media.SequenceNumber || !bytes.Equal(d2.media.Payload, d.media.Payload) {
			t.Fatalf("re-encoded %x from %x: %+v, %v", again, b, d2.media, err)
		}
	})
}

// TestCall streams a file from alice to bob through the overlay while
// the network drops every fifth media datagram; bob's playout holds the
// rest in order and both sides count the loss.
func TestCall(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob", "stranger")
	alice, bob, stranger := tn.get("alice"), tn.get("bob"), tn.get("stranger")
	var (
		mu   sync.Mutex
		sink bytes.Buffer
	)
	tn.start(alice, Config{})
	tn.start(stranger, Config{})
	tn.start(bob, Config{JitterDelay: 5 * time.Second, CallSink: func(common.Address) io.WriteCloser {
		return nopCloser{w: &lockedWriter{mu: &mu, w: &sink}}
	}})
	bob.svc.Allow(ctx, alice.Wallet)
	// Warm the overlay session so only media datagrams are dropped.
	if _, err := alice.svc.Send(ctx, bob.Wallet.Hex(), "calling"); err != nil {
		t.Fatal(err)
	}
	const size = 500
	var media atomic.Int64
	tn.nw.SetFilter(func(_, _ netip.AddrPort, frame []byte) bool {
		if len(frame) < size || len(frame) > size+200 {
			return true
		}
		return media.Add(1)%5 != 0
	})
	defer tn.nw.SetFilter(nil)

	data := make([]byte, 100*size)
	rand.Read(data)
	ev := bob.svc.Subscribe(ctx)
	st, err := alice.svc.Call(ctx, bob.Wallet.Hex(), bytes.NewReader(data), CallOptions{Bitrate: 2_000_000, PacketSize: size})
	if err != nil {
		t.Fatal(err)
	}
	if st.Sent != 100 || !st.Reported {
		t.Fatalf("caller stats %+v", st)
	}
	if media.Load() < 100 {
		t.Fatalf("filter saw %d media frames; the test would prove nothing", media.Load())
	}
	if st.Lost == 0 || st.Received+st.Lost != 100 || st.Late != 0 || st.Echoes == 0 || st.RTTP50 <= 0 {
		t.Fatalf("caller stats %+v: want loss, no late packets, echoes", st)
	}
	e := waitEvent(t, ctx, ev, "call ended", func(e Event) bool { return e.Kind == EventCall })
	// The caller's view is the callee's, through its final RTCP report.
	c := e.Call
	if c.Peer != alice.Wallet || c.Sent != st.Sent || c.Received != st.Received || c.Lost != st.Lost || c.Late != st.Late ||
		c.Duplicates != st.Duplicates || c.Jitter <= 0 || st.Jitter != time.Duration(rtpTime(c.Jitter))*time.Second/callClock {
		t.Fatalf("callee stats %+v, caller saw %+v", c, st)
	}
	// What bob played is alice's stream minus the lost packets, in order.
	mu.Lock()
	got := sink.Bytes()
	mu.Unlock()
	if int64(len(got)) != int64(st.Received)*size {
		t.Fatalf("played %d bytes, want %d", len(got), int64(st.Received)*size)
	}
	for off := 0; off < len(got); off += size {
		if !bytes.Contains(data, got[off:off+size]) {
			t.Fatalf("played packet at %d is not from the stream", off)
		}
	}
	for i := size; i < len(got); i += size {
		if bytes.Index(data, got[i-size:i]) >= bytes.Index(data, got[i:i+size]) {
			t.Fatalf("played out of order at %d", i)
		}
	}

	// A stranger's call is not accepted: no report comes back.
	tn.nw.SetFilter(nil)
	sst, err := stranger.svc.Call(ctx, bob.Wallet.Hex(), bytes.NewReader(data[:size*3]), CallOptions{Bitrate: 2_000_000, PacketSize: size})
	if err != nil || sst.Reported {
		t.Fatalf("stranger's call: %+v, %v", sst, err)
	}
}

// TestCallLostFinalReport: the network drops one media packet and the
// callee's first final report; the caller's BYE again, which reaches a
// call already ended, is answered with the final report, and both sides
// count the same loss.
func TestCallLostFinalReport(t *testing.T) {
	ctx := testCtx(t)
	tn, alice, bob := callPair(t, Config{JitterDelay: time.Millisecond})
	// The call's first frame is its first media packet (an RTP header and
	// size bytes): the rest of it is the overlay's overhead per datagram,
	// which tells media and the final report (RR, APP, BYE) by length.
	const size = 200
	finalLen := len(receiverReport(0, rtcp.ReceptionReport{}, true, 0, 0))
	var (
		mu                      sync.Mutex
		media, overhead, finals int
	)
	tn.nw.SetFilter(func(_, _ netip.AddrPort, frame []byte) bool {
		mu.Lock()
		defer mu.Unlock()
		if media == 0 {
			overhead = len(frame) - 12 - size
		}
		switch len(frame) - overhead {
		case 12 + size:
			media++
			return media != 2
		case finalLen:
			finals++
			return finals > 1
		}
		return true
	})
	defer tn.nw.SetFilter(nil)

	ev := bob.svc.Subscribe(ctx)
	st, err := alice.svc.Call(ctx, bob.Wallet.Hex(), bytes.NewReader(make([]byte, 10*size)), CallOptions{Bitrate: 2_000_000, PacketSize: size})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if finals < 2 {
		t.Errorf("%d final reports, want the dropped one and another", finals)
	}
	mu.Unlock()
	if !st.Reported || st.Sent != 10 || st.Lost != 1 || st.Received != 9 {
		t.Fatalf("caller stats %+v: want reported, 10 sent, 1 lost", st)
	}
	c := waitEvent(t, ctx, ev, "call ended", func(e Event) bool { return e.Kind == EventCall }).Call
	if !c.Reported || c.Sent != st.Sent || c.Received != st.Received || c.Lost != st.Lost || c.Late != st.Late || c.Duplicates != st.Duplicates {
		t.Fatalf("callee stats %+v, caller saw %+v", c, st)
	}
}

// TestCallByeAfterIdle: a call that timed out still answers its
// caller's BYE with a final report, counting the loss against the
// BYE's SR; media on it no longer starts a call.
func TestCallByeAfterIdle(t *testing.T) {
	ctx := testCtx(t)
	_, alice, bob := callPair(t, Config{})
	pc, err := alice.node.ListenPacket("udp", ":7000")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	from := &stack.Addr{Net: "udp", Wallet: alice.Wallet, Port: 7000}
	ev := bob.svc.Subscribe(ctx)
	media := func(seq uint16, at time.Time) {
		p := &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, SSRC: 7}, Payload: []byte("ab")}
		bob.svc.callDatagram(from, callDatagram{ssrc: 7, media: p}, at)
	}
	// The call's one packet arrived callIdle ago: bob's timer ends it.
	media(0, time.Now().Add(-callIdle))
	if c := waitEvent(t, ctx, ev, "call ended", func(e Event) bool { return e.Kind == EventCall }).Call; c.Reported || c.Received != 1 {
		t.Fatalf("callee stats %+v", c)
	}
	media(1, time.Now())
	media(2, time.Now())
	bye, _ := decodeCall(senderReport(time.Now(), 7, time.Now(), CallStats{Sent: 3}, true))
	bob.svc.callDatagram(from, bye, time.Now())
	pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 2048)
	n, _, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := decodeCall(buf[:n]); err != nil || !d.bye || d.rr == nil || d.ssrc != 7 || d.rr.TotalLost != 2 || d.rr.LastSequenceNumber != 0 {
		t.Fatalf("answer to BYE: %+v, %v", d, err)
	}
}

// TestCallPlayout: the callee plays media out as it comes due, not only
// when the call ends: the caller's source holds back its last packet
// until bob's sink has heard the first, which only his timer plays.
func TestCallPlayout(t *testing.T) {
	ctx := testCtx(t)
	heard := make(chan struct{})
	var once sync.Once
	_, alice, bob := callPair(t, Config{JitterDelay: time.Millisecond, CallSink: func(common.Address) io.WriteCloser {
		return nopCloser{w: writerFunc(func(b []byte) (int, error) { once.Do(func() { close(heard) }); return len(b), nil })}
	}})
	ev := bob.svc.Subscribe(ctx)
	src := io.MultiReader(bytes.NewReader(make([]byte, 160)), waitReader{ctx, heard}, bytes.NewReader(make([]byte, 160)))
	st, err := alice.svc.Call(ctx, bob.Wallet.Hex(), src, CallOptions{})
	if err != nil || !st.Reported || st.Sent != 2 {
		t.Fatalf("call = %+v, %v", st, err)
	}
	// One call, ended by BYE (not by idleness, which would flush too).
	if e := waitEvent(t, ctx, ev, "call ended", func(e Event) bool { return e.Kind == EventCall }); !e.Call.Reported || e.Call.Received != 2 {
		t.Fatalf("callee stats %+v", e.Call)
	}
}

// callPair starts alice and bob (with cfg) on a test network; bob
// takes alice's calls and the overlay session between them is warm, so
// that a filter set afterwards sees only the call's datagrams.
func callPair(t *testing.T, cfg Config) (*testNet, *member, *member) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob")
	alice, bob := tn.get("alice"), tn.get("bob")
	tn.start(alice, Config{})
	tn.start(bob, cfg)
	bob.svc.Allow(ctx, alice.Wallet)
	if _, err := alice.svc.Send(ctx, bob.Wallet.Hex(), "calling"); err != nil {
		t.Fatal(err)
	}
	return tn, alice, bob
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// waitReader ends once done is closed, or fails with ctx.
type waitReader struct {
	ctx  context.Context
	done chan struct{}
}

func (w waitReader) Read([]byte) (int, error) {
	select {
	case <-w.done:
		return 0, io.EOF
	case <-w.ctx.Done():
		return 0, w.ctx.Err()
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

type nopCloser struct{ w io.Writer }

func (n nopCloser) Write(b []byte) (int, error) { return n.w.Write(b) }
func (nopCloser) Close() error                  { return nil }
