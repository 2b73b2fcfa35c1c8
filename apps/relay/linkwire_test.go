package relay

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// vectorLinkReceipts is the package doc's frameLinkReceipts vector: the
// vector wallet's link receipt {epoch 42, edge 0x…e1, session 7, bytes
// 2^30, frames 766958} as it travels to the router.
const vectorLinkReceipts = "09000000000000002a0000000000000007000000004000000000000000000bb3ee3171b2a65ec1d7228cbdd1a2e4e41f2fa36d6648ae3bb5570aac88d864c0c4976d0aa44e39b29d02b4b71f2518ab033097211f7fea2752ae13ce394421cf4fea00"

// TestLinkReceiptsVector: the frame of link receipts of the package doc;
// the router rebuilds the signed receipt from it and its own and the
// sender's wallets; a flipped count fails the signature, a frame of the
// wrong length or kind is refused.
func TestLinkReceiptsVector(t *testing.T) {
	w := vectorWallet()
	r := Receipt{Epoch: 42, Edge: vectorEdge, Session: 7, Bytes: 1 << 30, Frames: 766958, Link: true}
	if err := r.Sign(w); err != nil {
		t.Fatal(err)
	}
	b := encodeLinkReceipts(42, []Receipt{r})
	if hex.EncodeToString(b) != vectorLinkReceipts {
		t.Fatalf("frame\n got %x\nwant %s", b, vectorLinkReceipts)
	}
	rs, err := decodeLinkReceipts(b, vectorEdge, w.Address())
	if err != nil || len(rs) != 1 || rs[0] != r || rs[0].Verify() != nil {
		t.Fatalf("round trip: %+v %v", rs, err)
	}
	flipped := bytes.Clone(b)
	flipped[batchHeader+8+7] ^= 1 // the count
	if rs, err := decodeLinkReceipts(flipped, vectorEdge, w.Address()); err != nil || !errors.Is(rs[0].Verify(), ErrBadSignature) {
		t.Fatalf("a flipped count: %v", err)
	}
	if rs, _ := decodeLinkReceipts(b, common.Address{0xe2}, w.Address()); rs[0].Verify() == nil {
		t.Fatal("a receipt handed to another router verifies")
	}
	for _, bad := range [][]byte{b[:len(b)-1], b[:batchHeader], append(bytes.Clone(b), 0), append([]byte{frameReceipt}, b[1:]...)} {
		if _, err := decodeLinkReceipts(bad, vectorEdge, w.Address()); !errors.Is(err, ErrMalformed) {
			t.Fatalf("%d bytes, kind %d: %v", len(bad), bad[0], err)
		}
	}
}

// FuzzLinkReceipts: a frame of link receipts from a host is refused with
// ErrMalformed or parses into receipts that encode back to the same
// bytes.
func FuzzLinkReceipts(f *testing.F) {
	raw, _ := hex.DecodeString(vectorLinkReceipts)
	f.Add(raw)
	f.Add(append(bytes.Clone(raw), raw[batchHeader:]...))
	f.Add([]byte{frameLinkReceipts})
	f.Fuzz(func(t *testing.T, b []byte) {
		rs, err := decodeLinkReceipts(b, vectorEdge, common.Address{1})
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("%v", err)
			}
			return
		}
		for _, r := range rs {
			if !r.Link || r.Epoch != rs[0].Epoch || r.Edge != vectorEdge || r.Endpoint != (common.Address{1}) {
				t.Fatalf("receipt %+v", r)
			}
		}
		if got := encodeLinkReceipts(rs[0].Epoch, rs); !bytes.Equal(got, b) {
			t.Fatalf("encodes back as %x, not %x", got, b)
		}
	})
}

// FuzzRouters: a frameRouters from a peer names at most four routers and
// encodes back to itself, or is refused.
func FuzzRouters(f *testing.F) {
	f.Add(append([]byte{frameRouters, 1}, vectorEdge[:]...))
	f.Add([]byte{frameRouters, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		rs, ok := parseRouters(b)
		if !ok {
			return
		}
		back := []byte{frameRouters, byte(len(rs))}
		for _, r := range rs {
			back = append(back, r[:]...)
		}
		if len(rs) > maxPathRouters || !bytes.Equal(back, b) {
			t.Fatalf("%x parsed as %v", b, rs)
		}
	})
}
