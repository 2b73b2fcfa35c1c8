package link

import (
	"net/netip"
	"testing"
	"time"

	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// An idle host's timer goroutine sleeps idleSleepMax, not the tick
// interval; a handshake started wakes it, and with the handshake pending
// it sleeps until the transport's next deadline.
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
	if d := e.nextTick(every); d != idleSleepMax {
		t.Fatalf("idle host sleeps %v, want %v", d, idleSleepMax)
	}
	if !e.deepIdle.Load() {
		t.Fatal("deepIdle not set while the host sleeps idleSleepMax")
	}
	w := [20]byte{1}
	if err := e.AddPeer(w, nil, netip.MustParseAddrPort("127.0.0.1:9")); err != nil {
		t.Fatal(err)
	}
	if !e.Handshake(IdentityAddr(common.Address(w))) {
		t.Fatal("Handshake: no peer")
	}
	select {
	case <-e.kick:
	default:
		t.Fatal("a handshake started did not wake the sleeping timer goroutine")
	}
	if d := e.nextTick(every); d < every || d > 400*time.Millisecond {
		t.Fatalf("with a handshake pending the host sleeps %v, want at most the 400ms retransmit deadline", d)
	}
	if e.deepIdle.Load() {
		t.Fatal("deepIdle still set with a handshake pending")
	}
}
