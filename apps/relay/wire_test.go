package relay

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/pay"
)

// The test vectors of the package doc, signed by the wallet of
// keccak256("anynet relay test vector")
// (0x167dd06B3f29b72eB83e68b2BA90B52DC75471c2).
const (
	vectorReceipt = "01000000000000002a00000000000000000000000000000000000000e1167dd06b3f29b72eb83e68b2ba90b52dc75471c20000000000000007000000004000000000000000000bb3ee1ae1ba94a03ef47d1002349e145d9e8d5fc0a3628f59fd40c001dcaf9bf24ec337cad79b1bbbd8fc90baa509fa8024a8df0360d163ee85160a0058307f09512a00"
	vectorProbe   = "01000000000000002a167dd06b3f29b72eb83e68b2ba90b52dc75471c200000000000000000000000000000000000000e1000000000000000301000005dc000010003c0317c1482853f8f82d5096b4b16eb5163c9badc5cb0bfc4cbcc511fec743ea0f9e77bbda1134baf577ae04be960639f8f72cbca68d69e1d20263fbecd403cd00"
	vectorLeaf    = "0x0500ee8387a2675f884da12bb713260d24394e262d33833fbd8576f2528f411c"
)

func vectorWallet() *pay.KeyWallet {
	return pay.NewKeyWallet(crypto.ToECDSAUnsafe(crypto.Keccak256([]byte("anynet relay test vector"))))
}

var vectorEdge = common.HexToAddress("0x00000000000000000000000000000000000000e1")

func TestVectors(t *testing.T) {
	w := vectorWallet()
	r := Receipt{Epoch: 42, Edge: vectorEdge, Session: 7, Bytes: 1 << 30, Frames: 766958}
	if err := r.Sign(w); err != nil {
		t.Fatal(err)
	}
	if b, _ := r.MarshalBinary(); hex.EncodeToString(b) != vectorReceipt {
		t.Fatalf("receipt\n got %x\nwant %s", b, vectorReceipt)
	}
	p := Probe{Epoch: 42, Edge: vectorEdge, Seq: 3, Answered: true, RTTMicro: 1500, Bytes: 4096}
	if err := p.Sign(w); err != nil {
		t.Fatal(err)
	}
	if b, _ := p.MarshalBinary(); hex.EncodeToString(b) != vectorProbe {
		t.Fatalf("probe\n got %x\nwant %s", b, vectorProbe)
	}
	if got := Leaf(42, vectorEdge, big.NewInt(1e15)).Hex(); got != vectorLeaf {
		t.Fatalf("leaf %s, want %s", got, vectorLeaf)
	}

	var back Receipt
	raw, _ := hex.DecodeString(vectorReceipt)
	if err := back.UnmarshalBinary(raw); err != nil || back != r || back.Verify() != nil {
		t.Fatalf("receipt round trip: %+v %v", back, err)
	}
	var pb Probe
	raw, _ = hex.DecodeString(vectorProbe)
	if err := pb.UnmarshalBinary(raw); err != nil || pb != p || pb.Verify() != nil {
		t.Fatalf("probe round trip: %+v %v", pb, err)
	}
}

func TestTamperedRefused(t *testing.T) {
	raw, _ := hex.DecodeString(vectorReceipt)
	for i := range receiptBody {
		b := bytes.Clone(raw)
		b[i] ^= 1
		var r Receipt
		if err := r.UnmarshalBinary(b); err != nil {
			continue // a version byte that is not ours
		}
		if err := r.Verify(); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
	}
	var r Receipt
	if err := r.UnmarshalBinary(raw[:ReceiptSize-1]); !errors.Is(err, ErrMalformed) {
		t.Fatalf("short receipt: %v", err)
	}
}

func FuzzReceipt(f *testing.F) {
	raw, _ := hex.DecodeString(vectorReceipt)
	f.Add(raw)
	link := bytes.Clone(raw)
	link[0] = LinkVersion // a link receipt (its signature no longer holds)
	f.Add(link)
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Receipt
		if r.UnmarshalBinary(b) != nil {
			return
		}
		_ = r.Verify()
		if out, _ := r.MarshalBinary(); !bytes.Equal(out, b) {
			t.Fatalf("re-encoding differs:\n%x\n%x", out, b)
		}
	})
}

func FuzzProbe(f *testing.F) {
	raw, _ := hex.DecodeString(vectorProbe)
	f.Add(raw)
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Probe
		if p.UnmarshalBinary(b) != nil {
			return
		}
		_ = p.Verify()
		if out, _ := p.MarshalBinary(); !bytes.Equal(out, b) {
			t.Fatalf("re-encoding differs:\n%x\n%x", out, b)
		}
	})
}

func TestTree(t *testing.T) {
	for n := 1; n <= 17; n++ {
		var leaves []common.Hash
		for i := range n {
			leaves = append(leaves, Leaf(1, common.BigToAddress(big.NewInt(int64(i))), big.NewInt(int64(i+1))))
		}
		tr := NewTree(leaves)
		for _, l := range leaves {
			proof, ok := tr.Proof(l)
			if !ok || !VerifyProof(tr.Root(), l, proof) {
				t.Fatalf("n=%d: proof of a leaf fails", n)
			}
			if len(proof) > 0 {
				proof[0][0] ^= 1
				if VerifyProof(tr.Root(), l, proof) {
					t.Fatalf("n=%d: a tampered proof passes", n)
				}
			}
		}
		if _, ok := tr.Proof(common.Hash{1}); ok {
			t.Fatalf("n=%d: proof of a leaf not in the tree", n)
		}
	}
}
