//go:build !nochain

package pay

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestSendByName: alice pays bob by name through a connection; bob's
// balance on chain rises by exactly that amount, and the receipt names the
// mined transaction, in ether and in the test token.
func TestSendByName(t *testing.T) {
	w := newWorld(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	conn := w.dial(t)
	bob := w.bob.Addr()
	chain := w.payer.Chain

	amount := big.NewInt(123_456_789_000)
	before, _ := chain.Balance(ctx, common.Address{}, bob)
	r, err := w.payer.Send(ctx, conn, amount, "coffee")
	if err != nil {
		t.Fatal(err)
	}
	after, _ := chain.Balance(ctx, common.Address{}, bob)
	if d := new(big.Int).Sub(after, before); d.Cmp(amount) != 0 {
		t.Fatalf("bob's balance rose by %s, want %s", d, amount)
	}
	tx, _, err := chain.Backend.(interface {
		TransactionByHash(context.Context, common.Hash) (*types.Transaction, bool, error)
	}).TransactionByHash(ctx, r.TxHash)
	if err != nil || tx.Value().Cmp(amount) != 0 || *tx.To() != bob || r.Status != 1 || r.Block == 0 {
		t.Fatalf("receipt %+v names tx %v (err %v)", r, tx, err)
	}

	// The same in the test token.
	if err := chain.Mint(ctx, w.minter, w.dep.Token, w.alice.Addr(), big.NewInt(1_000_000)); err != nil {
		t.Fatal(err)
	}
	tb, _ := chain.Balance(ctx, w.dep.Token, bob)
	if _, err := w.payer.SendToken(ctx, conn, w.dep.Token, big.NewInt(4242), "tokens"); err != nil {
		t.Fatal(err)
	}
	ta, _ := chain.Balance(ctx, w.dep.Token, bob)
	if d := new(big.Int).Sub(ta, tb); d.Int64() != 4242 {
		t.Fatalf("bob's token balance rose by %s, want 4242", d)
	}
}

// TestTransferRefused: a wrong-amount, expired, replayed or foreign-signed
// transfer is refused with its error, and nothing reaches the chain.
func TestTransferRefused(t *testing.T) {
	w := newWorld(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	conn := w.dial(t)
	bob := w.bob.Addr()
	chain := w.payer.Chain
	carolKey, _ := crypto.GenerateKey()
	carol := NewKeyWallet(carolKey)

	signed := func(wl Wallet, value int64) []byte {
		t.Helper()
		tx, err := chain.signTx(ctx, wl, &bob, big.NewInt(value), nil)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := tx.MarshalBinary()
		return raw
	}
	// carol needs ether for the gas estimate only.
	if err := w.Emb.Fund(ctx, carol.Address()); err != nil {
		t.Fatal(err)
	}
	future := uint64(time.Now().Add(time.Minute).Unix())
	good := &Transfer{Amount: big.NewInt(1000), ValidBefore: future, Tx: signed(w.payer.Wallet, 1000)}

	before, _ := chain.Balance(ctx, common.Address{}, bob)
	for _, tc := range []struct {
		name string
		m    *Transfer
		want error
	}{
		{"wrong amount", &Transfer{Amount: big.NewInt(1001), ValidBefore: future, Tx: good.Tx}, ErrWrongAmount},
		{"expired", &Transfer{Amount: big.NewInt(1000), ValidBefore: uint64(time.Now().Add(-time.Second).Unix()), Tx: good.Tx}, ErrExpired},
		{"foreign signed", &Transfer{Amount: big.NewInt(1000), ValidBefore: future, Tx: signed(carol, 1000)}, ErrForeignSigner},
		{"garbage", &Transfer{Amount: big.NewInt(1000), ValidBefore: future, Tx: []byte{1, 2, 3}}, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := roundTrip(ctx, conn, tc.m)
			wantErr(t, err, tc.want)
			var pe *PeerError
			if !asPeerError(err, &pe) {
				t.Fatalf("%v is not the peer's refusal", err)
			}
		})
	}
	after, _ := chain.Balance(ctx, common.Address{}, bob)
	if after.Cmp(before) != 0 {
		t.Fatalf("refused transfers moved %s", new(big.Int).Sub(after, before))
	}

	// The good one goes through once; sent again it is a replay.
	if _, err := roundTrip(ctx, conn, good); err != nil {
		t.Fatal(err)
	}
	_, err := roundTrip(ctx, conn, good)
	wantErr(t, err, ErrReplayed)
	after, _ = chain.Balance(ctx, common.Address{}, bob)
	if d := new(big.Int).Sub(after, before); d.Int64() != 1000 {
		t.Fatalf("bob got %s, want 1000", d)
	}
}
