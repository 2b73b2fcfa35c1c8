package pay

import (
	"bytes"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// coreParty is a core with its store, driven by hand.
type coreParty struct {
	w    *KeyWallet
	st   *service.Memory
	core *Core
}

func newParty(t *testing.T, dom *Domain) *coreParty {
	k, _ := crypto.GenerateKey()
	p := &coreParty{w: NewKeyWallet(k), st: &service.Memory{}}
	p.core = NewCore(CoreConfig{Wallet: p.w, Domain: dom, Store: p.st, Rand: bytes.NewReader(make([]byte, 1024))})
	p.handle(t, time.Unix(1000, 0), service.Input{Kind: service.Start})
	return p
}

// handle runs one input and applies its writes, as a driver would.
func (p *coreParty) handle(t *testing.T, now time.Time, in service.Input) service.Effects {
	t.Helper()
	var out service.Effects
	p.core.Handle(now, in, &out)
	if err := p.st.Apply(out.Writes); err != nil {
		t.Fatal(err)
	}
	return out
}

// answer is the only message out sends, decoded.
func answer(t *testing.T, out service.Effects) Message {
	t.Helper()
	if len(out.Send) != 1 {
		t.Fatalf("%d frames sent, want 1", len(out.Send))
	}
	m, err := Decode(out.Send[0].Frame)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func frame(t *testing.T, from common.Address, m Message) service.Input {
	b, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	return service.Input{Kind: service.Frame, Peer: from, Frame: b}
}

// TestCoreRefuses: bob's core refuses a wrong-amount, replayed,
// over-deposit and foreign-signed voucher, a voucher on someone else's
// channel, and an expired or foreign-signed transfer, each with an ERROR
// of its code; it stores nothing for them, and acknowledges a good
// voucher after storing it.
func TestCoreRefuses(t *testing.T) {
	dom := NewDomain(big.NewInt(1337), common.Address{0xca})
	alice, bob, carol := newParty(t, dom), newParty(t, dom), newParty(t, dom)
	now := time.Unix(1000, 0)
	id := ChannelID(alice.w.Address(), bob.w.Address(), common.Address{}, common.Hash{1})
	oc := OnChain{Payer: alice.w.Address(), Payee: bob.w.Address(), Deposit: big.NewInt(1000), Claimed: new(big.Int)}
	// The OPEN waits for the chain; the answer learns the channel.
	out := bob.handle(t, now, frame(t, alice.w.Address(), &Open{Channel: id}))
	if len(out.Events) != 1 || out.Events[0] != (ChainQuery{ID: id}) || len(out.Send) != 0 {
		t.Fatalf("OPEN of an unknown channel: %+v", out)
	}
	out = bob.handle(t, now, service.Input{Kind: service.Command, Cmd: ChainAnswer{ID: id, Channel: oc}})
	if a, ok := answer(t, out).(*Ack); !ok || a.Cumulative.Sign() != 0 {
		t.Fatalf("answer to OPEN: %+v", out)
	}
	voucher := func(signer *coreParty, cum, amount int64) *Voucher {
		sig, err := dom.SignVoucher(signer.w, id, big.NewInt(cum))
		if err != nil {
			t.Fatal(err)
		}
		return &Voucher{Channel: id, Cumulative: big.NewInt(cum), Amount: big.NewInt(amount), Sig: sig}
	}
	refused := func(what string, from common.Address, m Message, want error) {
		t.Helper()
		out := bob.handle(t, now, frame(t, from, m))
		got := answer(t, out)
		e, ok := got.(*Error)
		if !ok || !errors.Is(&PeerError{Code: e.Code, Message: e.Message}, want) {
			t.Errorf("%s: %+v, want %v", what, got, want)
		}
		if len(out.Writes) != 0 {
			t.Errorf("%s: stored %d keys", what, len(out.Writes))
		}
	}
	good := voucher(alice, 100, 100)
	if a, ok := answer(t, bob.handle(t, now, frame(t, alice.w.Address(), good))).(*Ack); !ok || a.Cumulative.Int64() != 100 {
		t.Fatal("a good voucher was not acknowledged")
	}
	if v, err := bob.st.Get(append([]byte("c"), id[:]...)); err != nil || !bytes.Contains(v, []byte(`"Cumulative":100`)) {
		t.Fatalf("voucher not stored with its ACK: %s, %v", v, err)
	}
	refused("wrong amount", alice.w.Address(), voucher(alice, 150, 10), ErrWrongAmount)
	refused("replayed", alice.w.Address(), voucher(alice, 50, 50), ErrReplayed)
	refused("over the deposit", alice.w.Address(), voucher(alice, 1001, 901), ErrOverDeposit)
	refused("foreign-signed", alice.w.Address(), voucher(carol, 150, 50), ErrForeignSigner)
	refused("another's channel", carol.w.Address(), voucher(carol, 150, 50), ErrUnknownChannel)
	// The same voucher again (a payer re-sending) is acknowledged again.
	if _, ok := answer(t, bob.handle(t, now, frame(t, alice.w.Address(), good))).(*Ack); !ok {
		t.Error("a copy of the voucher held was not acknowledged")
	}

	// Transfers: expired, and signed by another wallet than the peer.
	tx := func(signer *coreParty) []byte {
		to := bob.w.Address()
		stx := types.NewTx(&types.DynamicFeeTx{ChainID: dom.ChainID, To: &to, Value: big.NewInt(5), Gas: 21000, GasFeeCap: big.NewInt(1), GasTipCap: big.NewInt(1)})
		s := types.LatestSignerForChainID(dom.ChainID)
		sig, _ := signer.w.SignHash(s.Hash(stx).Bytes())
		stx, _ = stx.WithSignature(s, sig)
		b, _ := stx.MarshalBinary()
		return b
	}
	refused("expired transfer", alice.w.Address(), &Transfer{Amount: big.NewInt(5), ValidBefore: 999, Tx: tx(alice)}, ErrExpired)
	refused("foreign-signed transfer", alice.w.Address(), &Transfer{Amount: big.NewInt(5), ValidBefore: 2000, Tx: tx(carol)}, ErrForeignSigner)
	refused("wrong-amount transfer", alice.w.Address(), &Transfer{Amount: big.NewInt(6), ValidBefore: 2000, Tx: tx(alice)}, ErrWrongAmount)
	// A good one goes to the driver, once.
	m := &Transfer{Amount: big.NewInt(5), ValidBefore: 2000, Tx: tx(alice)}
	out = bob.handle(t, now, frame(t, alice.w.Address(), m))
	if len(out.Events) != 1 || len(out.Send) != 0 {
		t.Fatalf("a good transfer: %+v", out)
	}
	if _, ok := out.Events[0].(SubmitTransfer); !ok {
		t.Fatalf("event %T", out.Events[0])
	}
	refused("replayed transfer", alice.w.Address(), m, ErrReplayed)
}
