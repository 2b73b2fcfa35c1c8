package relay

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// vectorProbeWalletsHex is the vector wallet's list of its probe wallets
// 0x…f2 and 0x…f1 in epoch 42 (the package doc's vector; sorted when
// signed).
const vectorProbeWalletsHex = "01000000000000002a167dd06b3f29b72eb83e68b2ba90b52dc75471c2000200000000000000000000000000000000000000f100000000000000000000000000000000000000f2be14aa67ae96bbc608fba5af2a77241e6301d595e774df8014c1afd917fb187709a06a3cad1d09258f40b65036354b9d13c6423278cd3eedae623f77a20aebd300"

func vectorProbeWallets(t testing.TB) ProbeWallets {
	t.Helper()
	l := ProbeWallets{Epoch: 42, Wallets: []common.Address{
		common.HexToAddress("0x00000000000000000000000000000000000000f2"),
		common.HexToAddress("0x00000000000000000000000000000000000000f1"),
		common.HexToAddress("0x00000000000000000000000000000000000000f2"),
	}}
	if err := l.Sign(vectorWallet()); err != nil {
		t.Fatal(err)
	}
	return l
}

func TestProbeWalletsVector(t *testing.T) {
	l := vectorProbeWallets(t)
	b, err := l.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(b) != vectorProbeWalletsHex {
		t.Fatalf("probe wallets\n got %x\nwant %s", b, vectorProbeWalletsHex)
	}
	var back ProbeWallets
	if err := back.UnmarshalBinary(b); err != nil || back.Verify() != nil || len(back.Wallets) != 2 || back.WatchDog != vectorWallet().Address() {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	for name, bad := range map[string][]byte{
		"empty":   nil,
		"version": append([]byte{9}, b[1:]...),
		"short":   b[:len(b)-1],
		"long":    append(bytes.Clone(b), 0),
		"count":   append(append(bytes.Clone(b[:29]), 0xff, 0xff), b[31:]...),
	} {
		var l ProbeWallets
		if err := l.UnmarshalBinary(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	b[40] ^= 1 // a wallet changed after signing
	if err := back.UnmarshalBinary(b); err != nil || back.Verify() == nil {
		t.Fatalf("an altered list verifies: %v", err)
	}
}

func FuzzProbeWallets(f *testing.F) {
	l := vectorProbeWallets(f)
	b, _ := l.MarshalBinary()
	f.Add(b)
	f.Fuzz(func(t *testing.T, in []byte) {
		var l ProbeWallets
		if l.UnmarshalBinary(in) != nil {
			return
		}
		_ = l.Verify()
		if out, err := l.MarshalBinary(); err != nil || !bytes.Equal(out, in) {
			t.Fatalf("re-encoding differs:\n%x\n%x (%v)", out, in, err)
		}
	})
}

// TestComputeProbeBytes: the bytes an Edge's receipts from a WatchDog's
// declared probe wallet vouch for are shown as ProbeBytes; a list signed
// by a wallet that is not a WatchDog, of another epoch, altered, or a
// wallet two WatchDogs both declare, counts for nothing; none of it
// changes the credit.
func TestComputeProbeBytes(t *testing.T) {
	dog, other, stranger := newWallet(t), newWallet(t), newWallet(t)
	edge := newWallet(t).Address()
	probe, disputed, user := newWallet(t), newWallet(t), newWallet(t)
	list := func(w interface {
		Address() common.Address
		SignHash([]byte) ([]byte, error)
	}, epoch uint64, wallets ...common.Address) ProbeWallets {
		l := ProbeWallets{Epoch: epoch, Wallets: wallets}
		if err := l.Sign(w); err != nil {
			t.Fatal(err)
		}
		return l
	}
	base := Evidence{Epoch: 5, Receipts: []Submitted{
		receipt(t, probe, edge, 5, 1, 1000),
		receipt(t, disputed, edge, 5, 2, 2000),
		receipt(t, user, edge, 5, 3, 4000),
	}, Probes: probes(t, dog, edge, 5, 10, 10)}
	p := DefaultParams(dog.Address(), other.Address())
	plain := Compute(base, p)

	ev := base
	altered := list(dog, 5, user.Address())
	altered.Wallets[0] = stranger.Address()
	ev.Wallets = []ProbeWallets{
		list(dog, 5, probe.Address(), disputed.Address()),
		list(other, 5, disputed.Address()),
		list(stranger, 5, user.Address()),
		list(dog, 4, user.Address()),
		altered,
	}
	got := Compute(ev, p)
	s, _ := got.Of(edge)
	if s.ProbeBytes != 1000 {
		t.Fatalf("probe bytes %d, want 1000 (the declared probe wallet's only)", s.ProbeBytes)
	}
	if ps, _ := plain.Of(edge); ps.ProbeBytes != 0 || ps.Net.Cmp(s.Net) != 0 || got.Total.Cmp(plain.Total) != 0 {
		t.Fatalf("the lists changed the credit: %+v vs %+v", s, ps)
	}
}
