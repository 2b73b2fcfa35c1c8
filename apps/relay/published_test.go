package relay

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/naming"
)

// vectorPublished is the published evidence of the package doc's
// vector: the vector receipt, probe and probe wallet list, scored by
// 0x…e2 under DefaultParams with the vector wallet as the only
// WatchDog, the Edge carrying one strike from the epoch before and
// holding 1 ether of stake at block 100.
func vectorPublished(t testing.TB) *Published {
	t.Helper()
	var r Receipt
	var p Probe
	rb, _ := hex.DecodeString(vectorReceipt)
	pb, _ := hex.DecodeString(vectorProbe)
	if r.UnmarshalBinary(rb) != nil || p.UnmarshalBinary(pb) != nil {
		t.Fatal("vectors do not decode")
	}
	l := vectorProbeWallets(t)
	return &Published{
		Guardian: common.HexToAddress("0x00000000000000000000000000000000000000e2"),
		Params:   DefaultParams(vectorWallet().Address()),
		Evidence: Evidence{Epoch: 42, Receipts: []Submitted{{By: vectorEdge, Receipt: r}}, Probes: []Probe{p},
			Prior: []Standing{{Edge: vectorEdge, Strikes: 1}}, Wallets: []ProbeWallets{l},
			Stakes: StakeSnapshot{Block: 100, Stakes: []Stake{{Wallet: vectorEdge, Amount: big.NewInt(1e18)}}}},
	}
}

const (
	vectorPublishedHead = "03000000000000002a00000000000000000000000000000000000000e2" +
		"00000000000000000000000000000000000000000000000000038d7ea4c68000" +
		"00000000000000c8" + "0000001000000000" + "000000000000000a" + "00000000000ea600" + "00000000000927c0" + "000000000000012c" + "0000000000000003" + "0000000400000000" +
		"0001167dd06b3f29b72eb83e68b2ba90b52dc75471c2"
	vectorPublishedLen    = 682
	vectorPublishedKeccak = "0x2e9ead4319c2d607cd8bf309788aec8a8b1511027ec067a4c407414d64d519dc"
)

func TestPublishedVector(t *testing.T) {
	b, err := vectorPublished(t).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	h := crypto.Keccak256Hash(b).Hex()
	if !bytes.HasPrefix(b, common.FromHex(vectorPublishedHead)) || len(b) != vectorPublishedLen || h != vectorPublishedKeccak {
		t.Fatalf("published evidence: %d bytes, keccak %s\n%x", len(b), h, b)
	}
	var back Published
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	again, _ := back.MarshalBinary()
	if !bytes.Equal(again, b) {
		t.Fatalf("round trip differs:\n%x\n%x", again, b)
	}
	if s := Compute(back.Evidence, back.Params); len(s.Edges) != 1 || s.Edges[0].Claimed != 1<<30 || s.Edges[0].Delivered != 1<<30 || s.Edges[0].Ceiling != 16<<30 {
		t.Fatalf("scores of the vector: %+v", s)
	}
}

func TestPublishedRefused(t *testing.T) {
	b, _ := vectorPublished(t).MarshalBinary()
	for name, bad := range map[string][]byte{
		"empty":         nil,
		"version":       append([]byte{1}, b[1:]...),
		"short":         b[:len(b)-1],
		"long":          append(append([]byte{}, b...), 0),
		"header only":   b[:publishedHead],
		"many receipts": append(append([]byte{}, b[:publishedHead+20]...), 0xff, 0xff, 0xff, 0xff),
	} {
		var p Published
		if err := p.UnmarshalBinary(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	p := vectorPublished(t)
	p.Params.PricePerGiB = new(big.Int).Lsh(big.NewInt(1), 256)
	if _, err := p.MarshalBinary(); !errors.Is(err, ErrMalformed) {
		t.Errorf("price over 256 bits: %v", err)
	}
}

func FuzzPublished(f *testing.F) {
	b, _ := vectorPublished(f).MarshalBinary()
	f.Add(b)
	f.Add(b[:publishedHead])
	f.Fuzz(func(t *testing.T, in []byte) {
		var p Published
		if p.UnmarshalBinary(in) != nil {
			return
		}
		out, err := p.MarshalBinary()
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("decoded %x, encodes to %x (%v)", in, out, err)
		}
	})
}

func TestDocumentEntry(t *testing.T) {
	c := common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	es := DocumentEntries(RoleEdge|RoleGuardian, big.NewInt(1337), c, 200)
	want := []string{"edge eip155:1337:0x5FbDB2315678afecb367f032d93F642f64180aa3", "guardian eip155:1337:0x5FbDB2315678afecb367f032d93F642f64180aa3 fee=200"}
	if len(es) != 2 || es[0].Endpoint != want[0] || es[1].Endpoint != want[1] || es[0].Type != "AnynetRelay" {
		t.Fatalf("entries %+v", es)
	}
	r, id, addr, err := ParseDocumentEntry(want[1])
	if err != nil || r != RoleGuardian || id.Int64() != 1337 || addr != c {
		t.Fatalf("parse: %v %v %v %v", r, id, addr, err)
	}
	for _, bad := range []string{"", "edge", "edge,guardian eip155:1:" + c.Hex(), "pilot eip155:1:" + c.Hex(),
		"edge eip155:0:" + c.Hex(), "edge eip155:01:" + c.Hex(), "edge eip155:1:0x12", "edge eip155:1:" + c.Hex() + " fee=1",
		"guardian eip155:1:" + c.Hex() + " fee=x", "guardian eip155:1:" + c.Hex() + " fee=10001"} {
		if _, _, _, err := ParseDocumentEntry(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if fee, ok := GuardianFee(&naming.Document{Services: es}, c); !ok || fee != 200 {
		t.Fatalf("guardian fee %d %v", fee, ok)
	}
	if r, err := ParseRoles("Edge, watchdog"); err != nil || r != RoleEdge|RoleWatchDog || r.String() != "edge,watchdog" {
		t.Fatalf("roles %v %v", r, err)
	}
}
