package relay_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/relay"
)

// ExampleRecompute recomputes an epoch from a Guardian's published
// evidence, as `anynet relay score` does: every Edge's score with the
// reason behind it, and the commitment whose root a RelayCredits
// contract would hold (with a nil contract nothing is compared). The
// evidence would come from relay.Fetch over the overlay; here it is
// built from one signed receipt and one probe result.
func ExampleRecompute() {
	endpoint := pay.NewKeyWallet(crypto.ToECDSAUnsafe(crypto.Keccak256([]byte("anynet relay test vector"))))
	edge := common.HexToAddress("0x00000000000000000000000000000000000000e1")
	r := relay.Receipt{Epoch: 42, Edge: edge, Session: 7, Bytes: 1 << 30, Frames: 766958}
	p := relay.Probe{Epoch: 42, Edge: edge, Seq: 3, Answered: true, RTTMicro: 1500, Bytes: 4096}
	if r.Sign(endpoint) != nil || p.Sign(endpoint) != nil {
		return
	}
	params := relay.DefaultParams(endpoint.Address()) // the same wallet is the WatchDog here
	params.MinProbes = 1
	pub := &relay.Published{Params: params, Evidence: relay.Evidence{Epoch: 42,
		Receipts: []relay.Submitted{{By: edge, Receipt: r}}, Probes: []relay.Probe{p},
		// The Edge's stake at the block the Guardian read: 1 ether backs
		// 16 GiB of unstaked endpoints' receipts.
		Stakes: relay.StakeSnapshot{Block: 100, Stakes: []relay.Stake{{Wallet: edge, Amount: big.NewInt(1e18)}}}}}
	b, _ := pub.MarshalBinary()
	var back relay.Published // as a verifier receives it
	if err := back.UnmarshalBinary(b); err != nil {
		return
	}
	v, err := relay.Recompute(context.Background(), &back, nil)
	if err != nil {
		return
	}
	for _, s := range v.Scores.Edges {
		fmt.Printf("%s: %s, %d bytes, %d/%d probes, gross %s fee %s net %s wei\n", s.Edge, s.Status, s.Delivered, s.Answered, s.Probes, s.Gross, s.Fee, s.Net)
	}
	fmt.Println("evidence", len(b), "bytes, root", hex.EncodeToString(v.Commitment.Root[:4])+"…")
	// Output:
	// 0x00000000000000000000000000000000000000e1: ok, 1073741824 bytes, 1/1 probes, gross 1000000000000000 fee 20000000000000 net 980000000000000 wei
	// evidence 516 bytes, root a87ef325…
}
