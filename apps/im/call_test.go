package im

import (
	"bytes"
	"crypto/rand"
	"io"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// TestJitterBuffer drives the buffer with explicit times: reordering
// within the delay is repaired, a duplicate is counted once, a packet
// later than its playout time is skipped, a gap is skipped once later
// packets are due.
func TestJitterBuffer(t *testing.T) {
	var played []byte
	j := newJitterBuffer(50*time.Millisecond, func(b []byte) { played = append(played, b...) })
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	sent := func(seq int) int64 { return t0.UnixMicro() + int64(seq)*20_000 } // 20 ms apart, no skew
	arrive := func(ms, seq int) { j.arrive(at(ms), uint32(seq), sent(seq), []byte{byte(seq)}) }

	arrive(0, 0)
	arrive(45, 2) // overtakes 1
	arrive(30, 1)
	arrive(31, 1)  // duplicate
	arrive(200, 3) // due at 60+50 = 110: late
	// 4 never arrives.
	arrive(100, 5) // due at 150
	j.playout(at(300))
	arrive(301, 6) // due at 170: late
	j.flush()

	if want := []byte{0, 1, 2, 5}; !bytes.Equal(played, want) {
		t.Fatalf("played %v, want %v", played, want)
	}
	if j.received != 6 || j.duplicates != 1 || j.late != 2 {
		t.Fatalf("received %d duplicates %d late %d; want 6 1 2", j.received, j.duplicates, j.late)
	}
	if j.jitter <= 0 {
		t.Fatal("no jitter measured from uneven arrivals")
	}
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
	if e.Call.Received != st.Received || e.Call.Peer != alice.Wallet {
		t.Fatalf("callee stats %+v, caller saw %+v", e.Call, st)
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
