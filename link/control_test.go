package link

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net/netip"
	"testing"
)

// TestControlVectors checks the control and unreachable encodings
// against the test vectors in doc.go.
func TestControlVectors(t *testing.T) {
	loc := seqLocator()
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"attach", AppendControl(nil, ControlAttach, loc[:]),
			"02" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"},
		{"unreachable", AppendUnreachable(nil, ReasonNoRoute, loc, []byte{4, 0, 0, 0}),
			"01" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" + "04000000"},
	}
	for _, tc := range tests {
		if got := hex.EncodeToString(tc.got); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestParseControl(t *testing.T) {
	loc := seqLocator()
	tests := []struct {
		name string
		msg  []byte
		kind ControlKind
		ok   bool
	}{
		{"attach", AppendControl(nil, ControlAttach, loc[:]), ControlAttach, true},
		{"ack", AppendControl(nil, ControlAttachAck, loc[:]), ControlAttachAck, true},
		{"advert", AppendControl(nil, ControlAdvert, []byte{1, 0, 0}), ControlAdvert, true},
		{"empty", nil, 0, false},
		{"short locator", AppendControl(nil, ControlAttach, loc[:31]), 0, false},
		{"long locator", AppendControl(nil, ControlAttachAck, append(loc[:], 0)), 0, false},
		{"unknown kind", []byte{9, 1, 2}, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kind, body, err := parseControl(tc.msg)
			if !tc.ok {
				if !errors.Is(err, ErrMalformedFrame) {
					t.Fatalf("err %v, want ErrMalformedFrame", err)
				}
				return
			}
			if err != nil || kind != tc.kind || !bytes.Equal(body, tc.msg[1:]) {
				t.Fatalf("= %d, %x, %v", kind, body, err)
			}
		})
	}
}

func TestParseUnreachable(t *testing.T) {
	loc := seqLocator()
	long := bytes.Repeat([]byte{7}, 40)
	b := AppendUnreachable(nil, ReasonHopLimit, loc, long)
	reason, dst, quote, err := parseUnreachable(b)
	if err != nil || reason != ReasonHopLimit || *dst != *loc || !bytes.Equal(quote, long[:maxQuote]) {
		t.Fatalf("= %v, %x, %x, %v", reason, dst, quote, err)
	}
	for _, bad := range [][]byte{nil, b[:unreachableMinLen-1], append(b, 0), append([]byte{9}, b[1:]...)} {
		if _, _, _, err := parseUnreachable(bad); !errors.Is(err, ErrMalformedFrame) {
			t.Errorf("parseUnreachable(%x) err %v, want ErrMalformedFrame", bad, err)
		}
	}
}

func FuzzParseControl(f *testing.F) {
	loc := seqLocator()
	f.Add(AppendControl(nil, ControlAttach, loc[:]))
	f.Add([]byte{1, 1, 0, 0})
	f.Add(AppendControl(nil, ControlPunchAsk, loc[:]))
	f.Add(AppendPunch(AppendControl(nil, ControlPunch, nil), loc, netip.MustParseAddrPort("198.51.100.7:41641")))
	f.Add(AppendPunchRelay(AppendControl(nil, ControlPunchRelay, nil), 32, loc, loc, netip.MustParseAddrPort("198.51.100.7:41641")))
	f.Fuzz(func(t *testing.T, b []byte) {
		kind, body, err := parseControl(b)
		if err != nil {
			return
		}
		if got := AppendControl(nil, kind, body); !bytes.Equal(got, b) {
			t.Fatalf("round trip %x → %x", b, got)
		}
	})
}

func FuzzParseUnreachable(f *testing.F) {
	f.Add(AppendUnreachable(nil, ReasonNoRoute, seqLocator(), []byte("quote")))
	f.Fuzz(func(t *testing.T, b []byte) {
		reason, dst, quote, err := parseUnreachable(b)
		if err != nil {
			return
		}
		if got := AppendUnreachable(nil, reason, dst, quote); !bytes.Equal(got, b) {
			t.Fatalf("round trip %x → %x", b, got)
		}
	})
}
