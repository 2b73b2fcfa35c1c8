package vpn

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Test vectors of doc.go's wire formats.
func TestWireVectors(t *testing.T) {
	req, _ := AppendRequest(nil, Request{Kind: KindTCP, Host: "example.com", Port: 443})
	rep := AppendReply(nil, Reply{Code: CodePort, Msg: "port 25"})
	dg, _ := AppendDatagram(nil, Datagram{Host: "1.2.3.4", Port: 53, Payload: []byte{0xab}})
	for _, tc := range []struct {
		name string
		got  []byte
		want string
	}{
		{"request", req, "010101bb0b6578616d706c652e636f6d"},
		{"reply", rep, "01020007706f7274203235"},
		{"datagram", dg, "000b07312e322e332e340035ab"},
		{"socks-udp", appendSocksUDP(nil, "10.0.0.1", 53, []byte{1}), "000000010a000001003501"},
		{"socks-reply", appendSocksReply(nil, socksNotAllowed, netip.AddrPort{}), "05020001000000000000"},
	} {
		if h := hex.EncodeToString(tc.got); h != tc.want {
			t.Errorf("%s = %s, want %s", tc.name, h, tc.want)
		}
	}
	u := Usage{Session: [16]byte{1}, Client: common.Address{2}, Exit: common.Address{3}, Up: 4, Down: 5,
		Start: time.Unix(6, 0), End: time.Unix(7, 0)}
	if got, want := u.Digest().Hex(), "0xa5849389243dfd28b7be0f90c8e3d176f62b2c41c6c9d86c1ecd964df1ae850a"; got != want {
		t.Logf("usage digest = %s (update the vector in doc.go and here if the format changed on purpose)", got)
		t.Errorf("usage digest = %s, want %s", got, want)
	}
}

func TestWireRoundTrip(t *testing.T) {
	for _, r := range []Request{{Kind: KindTCP, Host: "a.b", Port: 1}, {Kind: KindUDP}, {Kind: KindProbe}} {
		b, err := AppendRequest(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadRequest(bytes.NewReader(b))
		if err != nil || got != r {
			t.Errorf("request %+v: got %+v, %v", r, got, err)
		}
	}
	for _, bad := range []string{"02010050016", "0109005001", "01010000", "0101005002 a"} {
		b, _ := hex.DecodeString(bad)
		if _, err := ReadRequest(bytes.NewReader(b)); err == nil {
			t.Errorf("request %s parsed", bad)
		}
	}
	if _, err := ReadRequest(bytes.NewReader([]byte{1, 1, 0, 80, 1, ' '})); !errors.Is(err, ErrMalformed) {
		t.Errorf("host with a space: %v", err)
	}
}

func FuzzReadRequest(f *testing.F) {
	b, _ := AppendRequest(nil, Request{Kind: KindTCP, Host: "example.com", Port: 443})
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ReadRequest(bytes.NewReader(b))
		if err != nil {
			return
		}
		again, err := AppendRequest(nil, r)
		if err != nil || !bytes.Equal(again, b[:len(again)]) {
			t.Fatalf("%x: re-encodes as %x, %v", b, again, err)
		}
	})
}

func FuzzReadReply(f *testing.F) {
	f.Add(AppendReply(nil, Reply{Code: CodeRate, Msg: "slow down"}))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ReadReply(bytes.NewReader(b))
		if err != nil {
			return
		}
		if again := AppendReply(nil, r); !bytes.Equal(again, b[:len(again)]) {
			t.Fatalf("%x: re-encodes as %x", b, again)
		}
	})
}

func FuzzReadDatagram(f *testing.F) {
	b, _ := AppendDatagram(nil, Datagram{Host: "h", Port: 9, Payload: []byte("x")})
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		buf := make([]byte, 65535)
		d, err := ReadDatagram(bytes.NewReader(b), buf)
		if err != nil {
			return
		}
		again, err := AppendDatagram(nil, d)
		if err != nil || !bytes.Equal(again, b[:len(again)]) {
			t.Fatalf("%x: re-encodes as %x, %v", b, again, err)
		}
	})
}

// FuzzSOCKS: no greeting, request or UDP header panics the proxy's
// parsers, and what parses re-encodes to a header that parses the same.
func FuzzSOCKS(f *testing.F) {
	f.Add([]byte{5, 1, 0, 5, 1, 0, 3, 7, 'e', 'x', '.', 'c', 'o', 'm', '!', 0, 80})
	f.Add(appendSocksUDP(nil, "::1", 53, []byte("q")))
	f.Fuzz(func(t *testing.T, b []byte) {
		br := bufio.NewReader(bytes.NewReader(b))
		if _, err := readGreeting(br); err == nil {
			readSocksRequest(br)
		}
		host, port, payload, err := parseSocksUDP(b)
		if err != nil {
			return
		}
		h2, p2, pl2, err := parseSocksUDP(appendSocksUDP(nil, host, port, payload))
		if err != nil || h2 != host || p2 != port || !bytes.Equal(pl2, payload) {
			t.Fatalf("%x: %q %d → %q %d %v", b, host, port, h2, p2, err)
		}
	})
}
