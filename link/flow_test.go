package link

import (
	"encoding/hex"
	"testing"
)

// flowVector is an IPv6/TCP header from fd00::1 port 0x1234 to fd00::2
// port 80 (payload length 20, hop limit 64).
const flowVector = "6000000000140640" +
	"fd000000000000000000000000000001" +
	"fd000000000000000000000000000002" +
	"12340050"

func TestParseFlow(t *testing.T) {
	pkt, _ := hex.DecodeString(flowVector)
	f, ok := parseFlow(pkt)
	if !ok || f.proto != 6 || f.sport != 0x1234 || f.dport != 80 || f.src[15] != 1 || f.dst[15] != 2 {
		t.Fatalf("parseFlow = %+v, %v", f, ok)
	}
	r := f.reverse()
	if r.src != f.dst || r.sport != 80 || r.dport != 0x1234 || r.reverse() != f {
		t.Fatalf("reverse = %+v", r)
	}
	pkt[6] = 58 // ICMPv6: addresses only
	if g, _ := parseFlow(pkt); g.sport != 0 || g.dport != 0 || g.proto != 58 {
		t.Fatalf("ICMPv6 flow = %+v", g)
	}
	if _, ok := parseFlow(pkt[:39]); ok {
		t.Fatal("parsed a short packet")
	}
	pkt[0] = 0x40
	if _, ok := parseFlow(pkt); ok {
		t.Fatal("parsed IPv4")
	}
}

func FuzzParseFlow(f *testing.F) {
	pkt, _ := hex.DecodeString(flowVector)
	f.Add(pkt)
	f.Add(pkt[:40])
	f.Fuzz(func(t *testing.T, b []byte) {
		fl, ok := parseFlow(b)
		if !ok {
			return
		}
		if fl.reverse().reverse() != fl {
			t.Fatal("reverse is not an involution")
		}
	})
}
