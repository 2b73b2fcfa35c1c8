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

// fee is what a receipt's transaction cost its sender in gas.
func fee(r *types.Receipt) *big.Int {
	return new(big.Int).Mul(new(big.Int).SetUint64(r.GasUsed), r.EffectiveGasPrice)
}

// receiptsOf returns the receipts of `from`'s transactions in blocks
// after `since`: what the channel cost on chain.
func txsFrom(t *testing.T, ctx context.Context, c *Chain, from common.Address, since uint64) []*types.Receipt {
	t.Helper()
	type blocks interface {
		BlockByNumber(context.Context, *big.Int) (*types.Block, error)
	}
	head, err := c.Backend.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	signer := types.LatestSignerForChainID(c.ChainID)
	var out []*types.Receipt
	for n := since + 1; n <= head.Number.Uint64(); n++ {
		b, err := c.Backend.(blocks).BlockByNumber(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			t.Fatal(err)
		}
		for _, tx := range b.Transactions() {
			if s, _ := types.Sender(signer, tx); s == from {
				r, err := c.Backend.TransactionReceipt(ctx, tx.Hash())
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, r)
			}
		}
	}
	return out
}

func head(t *testing.T, ctx context.Context, c *Chain) uint64 {
	t.Helper()
	h, err := c.Backend.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h.Number.Uint64()
}

// TestChannel10k: a channel carries 10,000 vouchers over one connection
// and closes cooperatively; balances are exact and the channel took two
// transactions on chain.
func TestChannel10k(t *testing.T) {
	w := newWorld(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	conn := w.dial(t)
	chain := w.payer.Chain
	alice, bob := w.alice.Addr(), w.bob.Addr()

	const n = 10_000
	price := big.NewInt(1_000_000_007)
	deposit := new(big.Int).Mul(price, big.NewInt(n+500))
	start := head(t, ctx, chain)
	aliceBefore, _ := chain.Balance(ctx, common.Address{}, alice)
	bobBefore, _ := chain.Balance(ctx, common.Address{}, bob)

	ch, err := w.payer.OpenChannel(ctx, conn, common.Address{}, deposit)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := ch.Pay(ctx, price); err != nil {
			t.Fatalf("voucher %d: %v", i, err)
		}
	}
	if err := ch.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	total := new(big.Int).Mul(price, big.NewInt(n))
	if st, _ := w.payee.Channel(ch.ID); st.Cumulative.Cmp(total) != 0 {
		t.Fatalf("payee holds %s, want %s", st.Cumulative, total)
	}
	if _, err := ch.Close(ctx); err != nil {
		t.Fatal(err)
	}

	txs := txsFrom(t, ctx, chain, alice, start)
	if len(txs) != 2 {
		t.Fatalf("the channel took %d transactions of alice, want 2 (open, close)", len(txs))
	}
	if bobTxs := txsFrom(t, ctx, chain, bob, start); len(bobTxs) != 0 {
		t.Fatalf("bob sent %d transactions", len(bobTxs))
	}
	gas := new(big.Int).Add(fee(txs[0]), fee(txs[1]))
	aliceAfter, _ := chain.Balance(ctx, common.Address{}, alice)
	bobAfter, _ := chain.Balance(ctx, common.Address{}, bob)
	if d := new(big.Int).Sub(bobAfter, bobBefore); d.Cmp(total) != 0 {
		t.Fatalf("bob got %s, want %s", d, total)
	}
	if d := new(big.Int).Sub(aliceBefore, aliceAfter); d.Cmp(new(big.Int).Add(total, gas)) != 0 {
		t.Fatalf("alice spent %s, want %s + gas %s", d, total, gas)
	}
	if held, _ := chain.Balance(ctx, common.Address{}, chain.Channels); held.Sign() != 0 {
		t.Fatalf("the contract still holds %s", held)
	}
	oc, err := chain.Channel(ctx, ch.ID)
	if err != nil || !oc.Settled || oc.Claimed.Cmp(total) != 0 {
		t.Fatalf("on chain: %+v, %v", oc, err)
	}
}

// TestChannelDispute: alice starts a unilateral close stating an old
// voucher's total; an hour of challenge is an hour of chain time, and
// half of it later bob answers with the newer voucher, which wins. A
// second channel whose payee never answers is settled with the payer's
// figure once the chain is past the challenge.
func TestChannelDispute(t *testing.T) {
	w := newWorld(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	conn := w.dial(t)
	chain := w.payer.Chain
	bob := w.bob.Addr()

	price := big.NewInt(1e15)
	deposit := big.NewInt(1e17)
	ch, err := w.payer.OpenChannel(ctx, conn, common.Address{}, deposit)
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if err := ch.Pay(ctx, price); err != nil {
			t.Fatal(err)
		}
	}
	if err := ch.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	ch.Detach()
	old := new(big.Int).Mul(price, big.NewInt(3))
	newest := new(big.Int).Mul(price, big.NewInt(10))
	if _, err := w.payer.StartClose(ctx, ch.ID, old); err != nil {
		t.Fatal(err)
	}
	if err := w.Emb.Chain.AdjustTime(30 * time.Minute); err != nil {
		t.Fatal(err)
	}
	// Still in the challenge: alice cannot finish.
	_, err = w.payer.FinishClose(ctx, ch.ID)
	wantErr(t, err, ErrFailed)

	bobBefore, _ := chain.Balance(ctx, common.Address{}, bob)
	start := head(t, ctx, chain)
	redeemed, err := w.payee.Defend(ctx)
	if err != nil || len(redeemed) != 1 || redeemed[0] != ch.ID {
		t.Fatalf("Defend = %v, %v", redeemed, err)
	}
	bobTxs := txsFrom(t, ctx, chain, bob, start)
	bobAfter, _ := chain.Balance(ctx, common.Address{}, bob)
	want := new(big.Int).Sub(newest, fee(bobTxs[0]))
	if d := new(big.Int).Sub(bobAfter, bobBefore); d.Cmp(want) != 0 {
		t.Fatalf("bob got %s net, want %s (the newest voucher less his gas)", d, want)
	}
	oc, _ := chain.Channel(ctx, ch.ID)
	if !oc.Settled || oc.Claimed.Cmp(newest) != 0 {
		t.Fatalf("on chain: %+v", oc)
	}
	// A voucher on the settled channel is refused.
	wantErr(t, w.payee.acceptVoucher(ctx, w.alice.Addr(), signedVoucher(t, w, ch.ID, newest, price), nil), ErrUnknownChannel)

	// The payee that never answers: the payer's figure stands after the
	// challenge period.
	conn2 := w.dial(t)
	ch2, err := w.payer.OpenChannel(ctx, conn2, common.Address{}, deposit)
	if err != nil {
		t.Fatal(err)
	}
	ch2.Detach()
	if _, err := w.payer.StartClose(ctx, ch2.ID, old); err != nil {
		t.Fatal(err)
	}
	if err := w.Emb.Chain.AdjustTime(challengeSeconds * time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := w.payer.FinishClose(ctx, ch2.ID); err != nil {
		t.Fatal(err)
	}
	if oc, _ := chain.Channel(ctx, ch2.ID); !oc.Settled || oc.Claimed.Cmp(old) != 0 {
		t.Fatalf("second channel on chain: %+v", oc)
	}
}

func signedVoucher(t *testing.T, w *world, id common.Hash, cumulative, amount *big.Int) *Voucher {
	t.Helper()
	sig, err := w.payer.Chain.Domain().SignVoucher(w.payer.Wallet, id, cumulative)
	if err != nil {
		t.Fatal(err)
	}
	return &Voucher{Channel: id, Cumulative: cumulative, Amount: amount, Sig: sig}
}

// TestVoucherRefused: each bad voucher is refused with its error, over
// the connection, and the channel's state is unchanged.
func TestVoucherRefused(t *testing.T) {
	w := newWorld(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	conn := w.dial(t)
	ch, err := w.payer.OpenChannel(ctx, conn, common.Address{}, big.NewInt(1000))
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Pay(ctx, big.NewInt(100)); err != nil {
		t.Fatal(err)
	}
	if err := ch.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	ch.Detach()
	carolKey, _ := crypto.GenerateKey()
	carol := NewKeyWallet(carolKey)
	byCarol, _ := w.payer.Chain.Domain().SignVoucher(carol, ch.ID, big.NewInt(200))
	otherDomain := NewDomain(big.NewInt(1), w.payer.Chain.Channels)
	otherChain, _ := otherDomain.SignVoucher(w.payer.Wallet, ch.ID, big.NewInt(200))
	v := func(cum, amount int64) *Voucher {
		return signedVoucher(t, w, ch.ID, big.NewInt(cum), big.NewInt(amount))
	}
	for _, tc := range []struct {
		name string
		v    *Voucher
		want error
	}{
		{"wrong amount", v(200, 50), ErrWrongAmount},
		{"replayed", v(100, 100), ErrReplayed},
		{"older", v(50, 50), ErrReplayed},
		{"foreign signed", &Voucher{Channel: ch.ID, Cumulative: big.NewInt(200), Amount: big.NewInt(100), Sig: byCarol}, ErrForeignSigner},
		{"other chain", &Voucher{Channel: ch.ID, Cumulative: big.NewInt(200), Amount: big.NewInt(100), Sig: otherChain}, ErrForeignSigner},
		{"over deposit", v(1100, 1000), ErrOverDeposit},
		{"unknown channel", signedVoucher(t, w, common.Hash{1}, big.NewInt(1), big.NewInt(1)), ErrUnknownChannel},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := roundTrip(ctx, conn, tc.v)
			wantErr(t, err, tc.want)
		})
	}
	if st, _ := w.payee.Channel(ch.ID); st.Cumulative.Int64() != 100 {
		t.Fatalf("payee holds %s after refusals, want 100", st.Cumulative)
	}
	// A good voucher still goes through; once alice starts closing (and
	// bob, who sees it, has nothing newer to answer with), the next one
	// is expired.
	if m, err := roundTrip(ctx, conn, v(200, 100)); err != nil || m.(*Ack).Cumulative.Int64() != 200 {
		t.Fatalf("good voucher: %v, %v", m, err)
	}
	if _, err := w.payer.StartClose(ctx, ch.ID, big.NewInt(200)); err != nil {
		t.Fatal(err)
	}
	if redeemed, err := w.payee.Defend(ctx); err != nil || len(redeemed) != 0 {
		t.Fatalf("Defend = %v, %v; alice's figure is bob's best voucher", redeemed, err)
	}
	_, err = roundTrip(ctx, conn, v(300, 100))
	wantErr(t, err, ErrExpired)
}

// TestDigestMatchesContract: the Go EIP-712 digests and channel ids are
// the contract's.
func TestDigestMatchesContract(t *testing.T) {
	w := newWorld(t, nil)
	ctx := t.Context()
	c := w.payer.Chain
	id := common.HexToHash("0x1234")
	cum := new(big.Int).Lsh(big.NewInt(1), 200)
	out, err := c.call(ctx, c.Channels, channelsABI.PackVoucherDigest(id, cum))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := channelsABI.UnpackVoucherDigest(out); common.Hash(d) != c.Domain().VoucherDigest(id, cum) {
		t.Fatalf("voucher digest: contract %x, Go %x", d, c.Domain().VoucherDigest(id, cum))
	}
	out, _ = c.call(ctx, c.Channels, channelsABI.PackCloseDigest(id, cum))
	if d, _ := channelsABI.UnpackCloseDigest(out); common.Hash(d) != c.Domain().CloseDigest(id, cum) {
		t.Fatal("close digest differs")
	}
	a, b, tok, salt := common.Address{1}, common.Address{2}, common.Address{3}, common.Hash{4}
	out, _ = c.call(ctx, c.Channels, channelsABI.PackChannelId(a, b, tok, salt))
	if d, _ := channelsABI.UnpackChannelId(out); common.Hash(d) != ChannelID(a, b, tok, salt) {
		t.Fatal("channel id differs")
	}
}

// TestTokenChannel: a channel in the test ERC-20 token; token balances
// are exact after the cooperative close.
func TestTokenChannel(t *testing.T) {
	w := newWorld(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	conn := w.dial(t)
	chain := w.payer.Chain
	tok, alice, bob := w.dep.Token, w.alice.Addr(), w.bob.Addr()
	if err := chain.Mint(ctx, w.minter, tok, alice, big.NewInt(1_000_000)); err != nil {
		t.Fatal(err)
	}
	ch, err := w.payer.OpenChannel(ctx, conn, tok, big.NewInt(100_000))
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if err := ch.Pay(ctx, big.NewInt(7)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ch.Close(ctx); err != nil {
		t.Fatal(err)
	}
	a, _ := chain.Balance(ctx, tok, alice)
	b, _ := chain.Balance(ctx, tok, bob)
	c, _ := chain.Balance(ctx, tok, chain.Channels)
	if a.Int64() != 1_000_000-700 || b.Int64() != 700 || c.Sign() != 0 {
		t.Fatalf("token balances: alice %s, bob %s, contract %s", a, b, c)
	}
}
