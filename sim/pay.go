package sim

import (
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"time"

	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// The "pay" workload runs apps/pay's core on every host through the
// service driver (service.go, custom.go): Conversations channels, each
// from a payer to a payee host (one from every host with PerNode), and
// Messages payments over them in turn, of 1 to 100 wei each. The chain
// is a ledger of this file: every channel is on it from the start, with
// a deposit larger than all its payments, and the cores' chain queries
// are answered from it at once. A share Cheat of the payees cheat: each
// ACK they send claims 1 ether more than the voucher they hold.
//
// Invariants, checked as the run goes and at its end:
//   - no voucher is accepted twice: a payee's vouchers on a channel rise
//     strictly, each by the amount it states;
//   - nothing acknowledged is lost: a payer never hears an ACK for more
//     than its payee holds (through the payee's crashes: its store
//     survives them), nor one below an earlier ACK;
//   - balances conserve: at the end an honest payee holds exactly what
//     its payer signed, and what it received sums to what it holds;
//   - a cheating payee is caught on every channel it acknowledged, and
//     no honest payee is accused.
//
// Invoices wait for a person's consent, which a planned workload cannot
// give, so they are not in the run (TestCoreOnRunner covers them).

// payPort is the port of the payment cores in the simulator.
const payPort = pay.PaymentPort

// payChannel is one channel of the run.
type payChannel struct {
	id           common.Hash
	payer, payee common.Address
	cheat        bool
	signed       *big.Int // by the payer: the highest Payment answered
	held         *big.Int // by the payee: the highest Received
	received     *big.Int // the sum of the amounts Received
	acked        *big.Int // the highest Acked
	caught       bool
}

// payLoad is the state of one "pay" workload entry.
type payLoad struct {
	chans  map[common.Hash]*payChannel
	order  []*payChannel // in creation order
	ledger map[common.Hash]pay.OnChain
	cheats map[common.Address]bool
	dom    *pay.Domain
	// forget makes every payee drop its store writes (tests: the
	// invariants must catch the vouchers it then loses in a crash).
	forget bool
	// counts, for the tests.
	payments, received, acked, caught int
	idle
}

// payLoad is a task only so that tests can find it.
var _ task = (*payLoad)(nil)

func payMaker(s *Sim, w Workload, rng *rand.Rand) []task {
	l := &payLoad{chans: map[common.Hash]*payChannel{}, ledger: map[common.Hash]pay.OnChain{},
		cheats: map[common.Address]bool{}, dom: pay.NewDomain(big.NewInt(1337), common.Address{0xca})}
	deposit := new(big.Int).Mul(big.NewInt(100), big.NewInt(int64(max(1, w.Messages))))
	var planned []Command
	for i, p := range s.conversations(w, rng) {
		payer, payee := s.nodes[p[0]].self.Wallet, s.nodes[p[1]].self.Wallet
		if _, seen := l.cheats[payee]; !seen {
			l.cheats[payee] = rng.Float64() < w.Cheat
		}
		id := pay.ChannelID(payer, payee, common.Address{}, common.BigToHash(big.NewInt(int64(i))))
		c := &payChannel{id: id, payer: payer, payee: payee, cheat: l.cheats[payee],
			signed: new(big.Int), held: new(big.Int), received: new(big.Int), acked: new(big.Int)}
		l.chans[id], l.order = c, append(l.order, c)
		oc := pay.OnChain{Payer: payer, Payee: payee, Deposit: deposit, Claimed: new(big.Int)}
		l.ledger[id] = oc
		planned = append(planned, Command{At: time.Duration(w.Start) / 2, Node: payer, Cmd: pay.AddChannel{ID: id, Channel: oc}})
	}
	for i := range w.Messages {
		c := l.order[i%len(l.order)]
		at := time.Duration(w.Start) + time.Duration(w.Spread)*time.Duration(i)/time.Duration(max(1, w.Messages))
		planned = append(planned, Command{At: at, Node: c.payer,
			Cmd: pay.Pay{To: c.payee, Amount: big.NewInt(1 + rng.Int64N(100)), App: "sim"}})
	}
	svc := &Service{
		Port: payPort,
		Core: func(self common.Address, st service.Store, rnd io.Reader) service.Core {
			core := pay.NewCore(pay.CoreConfig{Wallet: s.wallet(self), Domain: l.dom, Store: st, Rand: rnd})
			return &payDriver{core: core, l: l, cheat: l.cheats[self]}
		},
		Commands: func(Workload, Layout, *rand.Rand) []Command { return planned },
		Observe:  l.observe,
		Check:    l.check,
	}
	return append(svc.workload(s, w, rng), l)
}

// wallet is the pay.Wallet of the node whose wallet is self, for cores
// that sign.
func (s *Sim) wallet(self common.Address) *pay.KeyWallet {
	n := s.byWallet[self]
	return pay.NewKeyWallet(s.walletKey(n.id))
}

// observe checks each answer and event as it comes.
func (l *payLoad) observe(o Observation) error {
	switch e := o.Event.(type) {
	case nil:
		if p, ok := o.Result.(pay.Payment); ok && o.Err == nil {
			c := l.chans[p.Channel]
			if p.Cumulative.Cmp(c.signed) <= 0 {
				return fmt.Errorf("payer %s signed %s on %s after %s", c.payer, p.Cumulative, c.id, c.signed)
			}
			c.signed = p.Cumulative
			l.payments++
		}
	case pay.Received:
		c := l.chans[e.Channel]
		if e.Cumulative.Cmp(c.held) <= 0 || new(big.Int).Sub(e.Cumulative, c.held).Cmp(e.Amount) != 0 {
			return fmt.Errorf("payee %s accepted %s (+%s) on %s holding %s", c.payee, e.Cumulative, e.Amount, c.id, c.held)
		}
		c.held = e.Cumulative
		c.received.Add(c.received, e.Amount)
		l.received++
	case pay.Acked:
		c := l.chans[e.Channel]
		if !c.cheat && e.Cumulative.Cmp(c.held) > 0 {
			return fmt.Errorf("payer %s heard an ACK of %s on %s; its payee holds %s", c.payer, e.Cumulative, c.id, c.held)
		}
		c.acked = e.Cumulative
		l.acked++
	case pay.Cheated:
		c := l.chans[e.Channel]
		if !c.cheat {
			return fmt.Errorf("honest payee %s accused on %s: acked %s, signed %s, before %s", c.payee, c.id, e.Acked, e.Signed, e.Before)
		}
		c.caught = true
		l.caught++
	}
	return nil
}

// check runs at the end of the run.
func (l *payLoad) check() error {
	honest, paid := 0, 0
	for _, c := range l.order {
		if c.received.Cmp(c.held) != 0 {
			return fmt.Errorf("payee %s received %s in all on %s but holds %s", c.payee, c.received, c.id, c.held)
		}
		if c.cheat {
			if c.held.Sign() > 0 && !c.caught {
				return fmt.Errorf("cheating payee %s not caught on %s", c.payee, c.id)
			}
			continue
		}
		honest++
		if c.held.Cmp(c.signed) != 0 {
			return fmt.Errorf("payee %s holds %s on %s, its payer signed %s", c.payee, c.held, c.id, c.signed)
		}
		if c.signed.Sign() > 0 {
			paid++
		}
	}
	if paid == 0 && honest > 0 {
		return fmt.Errorf("no honest channel was paid through")
	}
	return nil
}

// payDriver is the core of one node, with the simulator's chain: chain
// queries are answered from the ledger within the same step, and a
// cheating payee's ACKs claim 1 ether more than it holds.
type payDriver struct {
	core  *pay.Core
	l     *payLoad
	cheat bool
	inner service.Effects
}

var oneEther = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

func (d *payDriver) Handle(now time.Time, in service.Input, out *service.Effects) {
	d.core.Handle(now, in, out)
	for i := 0; i < len(out.Events); i++ {
		q, ok := out.Events[i].(pay.ChainQuery)
		if !ok {
			continue
		}
		out.Events = append(out.Events[:i], out.Events[i+1:]...)
		i--
		oc, ok := d.l.ledger[q.ID]
		ans := pay.ChainAnswer{ID: q.ID, Channel: oc}
		if !ok {
			ans.Err = fmt.Errorf("%w: %s not on chain", pay.ErrUnknownChannel, q.ID)
		}
		in := &d.inner
		in.Reset()
		d.core.Handle(now, service.Input{Kind: service.Command, Cmd: ans}, in)
		out.Writes = append(out.Writes, in.Writes...)
		out.Send = append(out.Send, in.Send...)
		out.Events = append(out.Events, in.Events...)
		out.Wake(in.Deadline)
	}
	if d.l.forget {
		out.Writes = out.Writes[:0]
	}
	if !d.cheat {
		return
	}
	for i, f := range out.Send {
		if m, err := pay.Decode(f.Frame); err == nil {
			if a, ok := m.(*pay.Ack); ok && a.Cumulative.Sign() > 0 {
				a.Cumulative = new(big.Int).Add(a.Cumulative, oneEther)
				out.Send[i].Frame, _ = pay.Encode(a)
			}
		}
	}
}
