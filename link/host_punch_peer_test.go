package link

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"

	"github.com/anynet/anynet/link/locator"
)

func TestParseCandidate(t *testing.T) {
	for _, addr := range []netip.AddrPort{
		netip.MustParseAddrPort("198.51.100.7:41641"),
		netip.MustParseAddrPort("[2001:db8::1]:7"),
	} {
		b := appendCandidate(nil, addr)
		got, err := parseCandidate(b)
		if err != nil || got != addr {
			t.Errorf("parseCandidate(%x) = %s, %v; want %s", b, got, err, addr)
		}
		if b[0]>>4 == 6 {
			t.Errorf("candidate %x starts like an IPv6 packet", b)
		}
	}
	ok := appendCandidate(nil, netip.MustParseAddrPort("198.51.100.7:41641"))
	for _, bad := range [][]byte{
		nil,
		ok[:candidateLen-1],
		append(bytes.Clone(ok), 0),
		append([]byte{2}, ok[1:]...),
		appendCandidate(nil, netip.MustParseAddrPort("0.0.0.0:41641")),
		appendCandidate(nil, netip.MustParseAddrPort("[ff02::1]:41641")),
		appendCandidate(nil, netip.MustParseAddrPort("198.51.100.7:0")),
	} {
		if _, err := parseCandidate(bad); !errors.Is(err, ErrMalformedFrame) {
			t.Errorf("parseCandidate(%x) err %v, want ErrMalformedFrame", bad, err)
		}
	}
	if k, _, err := parseControl(AppendPunch(AppendControl(nil, ControlPunchSelf, nil), seqLocator(), netip.MustParseAddrPort("0.0.0.0:1"))); !errors.Is(err, ErrMalformedFrame) {
		t.Errorf("punch yourself to 0.0.0.0: kind %d, err %v", k, err)
	}
}

func FuzzParseCandidate(f *testing.F) {
	f.Add(appendCandidate(nil, netip.MustParseAddrPort("198.51.100.7:41641")))
	f.Add(appendCandidate(nil, netip.MustParseAddrPort("[2001:db8::1]:1")))
	f.Fuzz(func(t *testing.T, b []byte) {
		addr, err := parseCandidate(b)
		if err != nil {
			return
		}
		if !addr.IsValid() || addr.Port() == 0 || addr.Addr().Is4In6() {
			t.Fatalf("parseCandidate(%x) = %s", b, addr)
		}
		if got := appendCandidate(nil, addr); !bytes.Equal(got, b) {
			t.Fatalf("round trip %x → %x", b, got)
		}
	})
}

// TestAskOnPeersNIC: a host with two NICs asks for a direct path through
// the default router of the NIC the peer is reached through: the ask
// (here, the handshake it starts with that router) leaves on that NIC's
// underlay only.
func TestAskOnPeersNIC(t *testing.T) {
	ses := newTestSessions(t)
	r0, r1 := newTestSessions(t), newTestSessions(t)
	u0, u1 := &sinkUnderlay{}, &sinkUnderlay{}
	sub0 := locator.MustPrefix(locator.Locator{0: 0x2a, 15: 1}, 128)
	sub1 := locator.MustPrefix(locator.Locator{0: 0x2b, 15: 1}, 128)
	loc0, _ := locator.Assign(sub0, ses.PublicKey(), 0)
	loc1, _ := locator.Assign(sub1, ses.PublicKey(), 1)
	e, err := New(Config{Sessions: ses, Underlay: u0, TickInterval: -1,
		Routing: Routing{Locator: loc0, Routers: []RouterPeer{{Wallet: r0.Wallet(), NodeKey: r0.PublicKey(), Addr: netip.MustParseAddrPort("127.0.0.1:2")}}},
		NICs:    []NIC{{Underlay: u1, Locator: loc1, Routers: []RouterPeer{{Wallet: r1.Wallet(), NodeKey: r1.PublicKey(), Addr: netip.MustParseAddrPort("127.0.0.1:3")}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	sent := func(u *sinkUnderlay) int {
		u.mu.Lock()
		defer u.mu.Unlock()
		return len(u.sent)
	}
	peer := Locator{0: 0x2b, 15: 1, 20: 7}
	e.sendAsk(peer, 1)
	if sent(u1) == 0 || sent(u0) != 0 {
		t.Fatalf("ask for a peer on NIC 1: %d frames on NIC 0, %d on NIC 1", sent(u0), sent(u1))
	}
	e.sendAsk(peer, 0)
	if sent(u0) == 0 {
		t.Fatal("ask for a peer on NIC 0 sent nothing on NIC 0")
	}
}
