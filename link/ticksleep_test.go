package link

import (
	"net/netip"
	"testing"
	"time"

	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// An idle host's timer goroutine sleeps idleTickMax, not the tick
// interval; with a handshake pending it wakes for the transport's next
// deadline.
func TestIdleTickSleeps(t *testing.T) {
	k, _ := crypto.GenerateKey()
	nk, err := transport.GenerateNodeKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := transport.SignBinding(transport.NewKeySigner(k), nk.Public, 1337, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	s, err := transport.New(transport.Config{Key: nk, Binding: b, ChainID: 1337,
		Timers: transport.Timers{RekeyTimeout: 400 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Config{Sessions: s, Underlay: &sinkUnderlay{}, TickInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Shutdown()
	every := DefaultTickInterval
	if d := e.nextTick(every); d != idleTickMax {
		t.Fatalf("idle host sleeps %v, want %v", d, idleTickMax)
	}
	w := [20]byte{1}
	if err := e.AddPeer(w, nil, netip.MustParseAddrPort("127.0.0.1:9")); err != nil {
		t.Fatal(err)
	}
	if !e.Handshake(IdentityAddr(common.Address(w))) {
		t.Fatal("Handshake: no peer")
	}
	if d := e.nextTick(every); d < every || d > 400*time.Millisecond {
		t.Fatalf("with a handshake pending the host sleeps %v, want at most the 400ms retransmit deadline", d)
	}
}
