package link

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net/netip"
	"testing"
)

// TestPunchVectors checks the NAT traversal control messages against
// the test vectors in doc.go.
func TestPunchVectors(t *testing.T) {
	loc := seqLocator()
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"punch ask", AppendControl(nil, ControlPunchAsk, loc[:]),
			"04" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"},
		{"punch, IPv4", AppendPunch(AppendControl(nil, ControlPunch, nil), loc, netip.MustParseAddrPort("198.51.100.7:41641")),
			"05" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" +
				"00000000000000000000ffffc6336407" + "a2a9"},
		{"punch, IPv6", AppendPunch(AppendControl(nil, ControlPunch, nil), loc, netip.MustParseAddrPort("[2001:db8::1]:41641")),
			"05" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" +
				"20010db8000000000000000000000001" + "a2a9"},
		{"punch yourself", AppendPunch(AppendControl(nil, ControlPunchSelf, nil), loc, netip.MustParseAddrPort("198.51.100.7:41641")),
			"08" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" +
				"00000000000000000000ffffc6336407" + "a2a9"},
		{"candidate", appendCandidate(nil, netip.MustParseAddrPort("198.51.100.7:41641")),
			"01" + "00000000000000000000ffffc6336407" + "a2a9"},
		{"relayed ask", AppendPunchRelay(AppendControl(nil, ControlPunchRelayAsk, nil), 32, loc, otherLocator(), netip.MustParseAddrPort("198.51.100.7:41641")),
			"06" + "20" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" +
				"2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40" +
				"00000000000000000000ffffc6336407" + "a2a9"},
	}
	for _, tc := range tests {
		if got := hex.EncodeToString(tc.got); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestParsePunch(t *testing.T) {
	loc := seqLocator()
	v4 := netip.MustParseAddrPort("198.51.100.7:41641")
	b := AppendPunch(nil, loc, v4)
	gotLoc, addr, err := parsePunch(b)
	if err != nil || *gotLoc != *loc || addr != v4 || !addr.Addr().Is4() {
		t.Fatalf("= %x, %s, %v", gotLoc, addr, err)
	}
	kind, body, err := parseControl(AppendControl(nil, ControlPunch, b))
	if err != nil || kind != ControlPunch || !bytes.Equal(body, b) {
		t.Fatalf("parseControl = %d, %x, %v", kind, body, err)
	}
	bad := [][]byte{
		nil,
		b[:punchLen-1],
		append(bytes.Clone(b), 0),
		AppendPunch(nil, loc, netip.MustParseAddrPort("0.0.0.0:41641")),
		AppendPunch(nil, loc, netip.MustParseAddrPort("[ff02::1]:41641")),
		AppendPunch(nil, loc, netip.MustParseAddrPort("198.51.100.7:0")),
	}
	for _, m := range bad {
		if _, _, err := parsePunch(m); !errors.Is(err, ErrMalformedFrame) {
			t.Errorf("parsePunch(%x) err %v, want ErrMalformedFrame", m, err)
		}
		if _, _, err := parseControl(append([]byte{byte(ControlPunch)}, m...)); !errors.Is(err, ErrMalformedFrame) {
			t.Errorf("parseControl(punch %x) err %v, want ErrMalformedFrame", m, err)
		}
	}
	if _, _, err := parseControl(AppendControl(nil, ControlPunchAsk, loc[:31])); !errors.Is(err, ErrMalformedFrame) {
		t.Errorf("short punch ask: err %v", err)
	}
}

// otherLocator is 21 22 … 40.
func otherLocator() *Locator {
	var l Locator
	for i := range l {
		l[i] = byte(0x21 + i)
	}
	return &l
}

func TestParsePunchRelay(t *testing.T) {
	to, from := seqLocator(), otherLocator()
	addr := netip.MustParseAddrPort("[2001:db8::1]:7")
	b := AppendPunchRelay(nil, 9, to, from, addr)
	hops, gotTo, gotFrom, gotAddr, err := ParsePunchRelay(b)
	if err != nil || hops != 9 || *gotTo != *to || *gotFrom != *from || gotAddr != addr {
		t.Fatalf("= %d, %x, %x, %s, %v", hops, gotTo, gotFrom, gotAddr, err)
	}
	for _, kind := range []ControlKind{ControlPunchRelayAsk, ControlPunchRelay} {
		if k, body, err := parseControl(AppendControl(nil, kind, b)); err != nil || k != kind || !bytes.Equal(body, b) {
			t.Errorf("parseControl(kind %d) = %d, %x, %v", kind, k, body, err)
		}
		for _, bad := range [][]byte{b[:len(b)-1], append(bytes.Clone(b), 0), AppendPunchRelay(nil, 9, to, from, netip.MustParseAddrPort("0.0.0.0:7"))} {
			if _, _, err := parseControl(AppendControl(nil, kind, bad)); !errors.Is(err, ErrMalformedFrame) {
				t.Errorf("parseControl(kind %d, %x) err %v, want ErrMalformedFrame", kind, bad, err)
			}
		}
	}
}

func FuzzParsePunchRelay(f *testing.F) {
	f.Add(AppendPunchRelay(nil, 32, seqLocator(), otherLocator(), netip.MustParseAddrPort("198.51.100.7:41641")))
	f.Fuzz(func(t *testing.T, b []byte) {
		hops, to, loc, addr, err := ParsePunchRelay(b)
		if err != nil {
			return
		}
		if got := AppendPunchRelay(nil, hops, to, loc, addr); !bytes.Equal(got, b) {
			t.Fatalf("round trip %x → %x", b, got)
		}
	})
}

func FuzzParsePunch(f *testing.F) {
	loc := seqLocator()
	f.Add(AppendPunch(nil, loc, netip.MustParseAddrPort("198.51.100.7:41641")))
	f.Add(AppendPunch(nil, loc, netip.MustParseAddrPort("[2001:db8::1]:1")))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, addr, err := parsePunch(b)
		if err != nil {
			return
		}
		if !addr.IsValid() || addr.Port() == 0 || addr.Addr().Is4In6() {
			t.Fatalf("parsePunch(%x) = %s", b, addr)
		}
		if got := AppendPunch(nil, l, addr); !bytes.Equal(got, b) {
			t.Fatalf("round trip %x → %x", b, got)
		}
	})
}
