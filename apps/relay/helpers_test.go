package relay

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/pay"
)

func newWallet(t testing.TB) *pay.KeyWallet {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return pay.NewKeyWallet(k)
}

// receipt returns endpoint's signed receipt for edge, submitted by edge.
func receipt(t testing.TB, endpoint pay.Wallet, edge common.Address, epoch, session, bytes uint64) Submitted {
	t.Helper()
	r := Receipt{Epoch: epoch, Edge: edge, Session: session, Bytes: bytes, Frames: bytes/1400 + 1}
	if err := r.Sign(endpoint); err != nil {
		t.Fatal(err)
	}
	return Submitted{By: edge, Receipt: r}
}

// probes returns n of dog's signed probe results for edge, the first
// answered of them answered.
func probes(t testing.TB, dog pay.Wallet, edge common.Address, epoch uint64, n, answered int) []Probe {
	t.Helper()
	out := make([]Probe, n)
	for i := range out {
		p := Probe{Epoch: epoch, Edge: edge, Seq: uint64(i), Answered: i < answered, Bytes: 4096}
		if p.Answered {
			p.RTTMicro = 2000
		}
		if err := p.Sign(dog); err != nil {
			t.Fatal(err)
		}
		out[i] = p
	}
	return out
}

// etherEach is a stake snapshot at block of one ether for each wallet.
func etherEach(block uint64, wallets ...common.Address) StakeSnapshot {
	snap := StakeSnapshot{Block: block}
	for _, w := range wallets {
		snap.Stakes = append(snap.Stakes, Stake{Wallet: w, Amount: big.NewInt(1e18)})
	}
	return snap
}
