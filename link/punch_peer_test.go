package link

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"
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
	if k, _, err := parseControl(appendPunch(appendControl(nil, controlPunchSelf, nil), seqLocator(), netip.MustParseAddrPort("0.0.0.0:1"))); !errors.Is(err, ErrMalformedFrame) {
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
