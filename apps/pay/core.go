package pay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// Core is the payment protocol of one wallet as a sans-I/O state machine
// (service.Core), both roles at once: as payer it streams channel
// vouchers, pays invoices once the user consents, keeps budgets and
// sends transfers; as payee it checks and stores vouchers before it
// acknowledges them, issues invoices and hands transfers to its driver
// to submit. The chain is outside the core: it asks with a ChainQuery or
// SubmitTransfer event and is answered with a ChainAnswer or Mined
// command (Service does this on a node, the simulator from a ledger of
// its own). Frames are this package's messages (Encode), one per frame.
//
// Store keys (values JSON):
//
//	"p" channel[32]  payerChannel   channels this wallet pays through
//	"c" channel[32]  ChannelState   channels this wallet is paid through
//	"i" id[16]       InvoiceState   invoices asked of this wallet
//	"o" id[16]       InvoiceState   invoices this wallet issued
//	"b" kind budget  Budget         spending budgets ("bp" peer token, "ba" token app)
//	"t" tx[32]       empty          transfers submitted (replay guard)
type Core struct {
	cfg CoreConfig

	payer   map[common.Hash]*payerChannel
	payee   map[common.Hash]*ChannelState
	asked   map[[16]byte]*InvoiceState // invoices asked of this wallet
	issued  map[[16]byte]*InvoiceState // invoices this wallet issued
	budgets map[string]*Budget
	// awaiting holds frames for channels being read from the chain.
	awaiting map[common.Hash][]service.Input
	// sending is, per peer, the transfers sent and not yet answered,
	// oldest first (an ERROR answers the oldest).
	sending map[common.Address][]common.Hash
	// submitting is, per transaction handed to the driver, who sent it.
	submitting map[common.Hash]submission
}

// CoreConfig configures a Core.
type CoreConfig struct {
	// Wallet signs vouchers (payer) and close agreements (payee); its
	// address is this node's. Signing must be deterministic (KeyWallet).
	Wallet Wallet
	// Domain is the EIP-712 domain of vouchers: chain and contract.
	Domain *Domain
	// Store holds the state; the driver applies the core's writes to it.
	Store service.Store
	// Rand draws invoice IDs.
	Rand io.Reader
	// Retry is how long a voucher may stay unacknowledged before the
	// payer re-synchronises the channel (OPEN); zero means 2 s.
	Retry time.Duration
}

var _ service.Core = (*Core)(nil)

// NewCore returns a core; it loads its state on the Start input.
func NewCore(cfg CoreConfig) *Core {
	if cfg.Retry == 0 {
		cfg.Retry = 2 * time.Second
	}
	return &Core{cfg: cfg}
}

// The commands a Core takes (service.Input.Cmd), and their results.
type (
	// AddChannel tells the core of a channel it pays through, opened on
	// chain (the driver deposited); the core announces it to the payee.
	AddChannel struct {
		ID      common.Hash
		Channel OnChain
	}
	// Pay pays Amount of Token to To on an open channel, counted
	// against the budgets of To and of App. Result: Payment.
	Pay struct {
		To     common.Address
		Token  common.Address
		Amount *big.Int
		App    string
	}
	// IssueInvoice asks To for Amount of Token. Result: [16]byte, the
	// invoice's ID.
	IssueInvoice struct {
		To          common.Address
		Token       common.Address
		Amount      *big.Int
		Memo        string
		ValidBefore uint64 // unix seconds; zero: no limit
	}
	// Approve pays invoice ID, asked of this wallet, on a channel to
	// its payee (the user consents). Result: Payment.
	Approve struct{ ID [16]byte }
	// Refuse declines invoice ID, telling its payee.
	Refuse struct {
		ID     [16]byte
		Reason string
	}
	// SetBudget sets a spending budget (Limit nil removes it).
	SetBudget struct{ Budget Budget }
	// CloseChannel asks the payee of a channel this wallet pays through
	// to agree to a cooperative close; CloseAgreed follows.
	CloseChannel struct{ ID common.Hash }
	// Settled marks a channel closed on chain.
	Settled struct{ ID common.Hash }
	// ChainAnswer answers a ChainQuery: the channel on chain, or why not.
	ChainAnswer struct {
		ID      common.Hash
		Channel OnChain
		Err     error
	}
	// SendTransfer sends a signed transfer to To (Transfer.Tx hashes to
	// Hash); TransferDone follows.
	SendTransfer struct {
		To       common.Address
		Hash     common.Hash
		Transfer *Transfer
	}
	// Mined answers a SubmitTransfer: the receipt, or why not.
	Mined struct {
		Hash    common.Hash
		Receipt *Receipt
		Err     error
	}
	// Query asks for the state: Result is a Snapshot.
	Query struct{}
)

// Payment is what Pay and Approve answer: the voucher now signed.
type Payment struct {
	Channel    common.Hash
	Cumulative *big.Int
	Amount     *big.Int
}

// The events a Core emits (service.Effects.Events).
type (
	// ChainQuery asks the driver to read channel ID from the chain and
	// answer with a ChainAnswer.
	ChainQuery struct{ ID common.Hash }
	// SubmitTransfer asks the driver to submit a checked transfer from
	// From and answer with Mined.
	SubmitTransfer struct {
		From     common.Address
		Hash     common.Hash
		Transfer *Transfer
	}
	// Acked: the payee holds, durably, the voucher for Cumulative.
	Acked struct {
		Channel    common.Hash
		Payee      common.Address
		Cumulative *big.Int
	}
	// Received: a voucher was accepted and stored (before its ACK left).
	Received struct {
		Channel    common.Hash
		From       common.Address
		Token      common.Address
		Amount     *big.Int
		Cumulative *big.Int
		Invoice    [16]byte // zero unless it paid an invoice
	}
	// InvoiceAsked: From asks this wallet to pay; the user approves or
	// refuses (consent).
	InvoiceAsked struct{ Invoice InvoiceState }
	// InvoiceSettled: an invoice this wallet issued was paid or declined.
	InvoiceSettled struct{ Invoice InvoiceState }
	// CloseAgreed: the payee signed a cooperative close at Cumulative;
	// the driver submits it and answers Settled.
	CloseAgreed struct {
		Channel    common.Hash
		Cumulative *big.Int
		Sig        [65]byte
	}
	// Refused: Peer refused a message with an ERROR.
	Refused struct {
		Peer common.Address
		Err  *PeerError
	}
	// Cheated: a payee acknowledged more than was signed, or less than
	// it acknowledged before (a lost voucher); the channel is no longer
	// paid through.
	Cheated struct {
		Channel common.Hash
		Payee   common.Address
		Acked   *big.Int
		Signed  *big.Int
		Before  *big.Int
	}
	// TransferDone: a transfer sent is mined (Receipt) or refused (Err).
	TransferDone struct {
		Hash    common.Hash
		To      common.Address
		Receipt *Receipt
		Err     error
	}
	// TransferReceived: a transfer to this wallet was submitted and mined.
	TransferReceived struct {
		From     common.Address
		Transfer *Transfer
		Receipt  *Receipt
	}
)

// Handle implements service.Core.
func (c *Core) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Start:
		c.load(now, out)
	case service.Frame:
		c.frame(now, in, out)
	case service.Up:
		c.resync(now, in.Peer, false, out)
	case service.Down:
		c.down(in.Peer, out)
	case service.Timer:
		c.tick(now, out)
	case service.Command:
		out.Result, out.Err = c.command(now, in, out)
	}
}

// frame handles one message from in.Peer.
func (c *Core) frame(now time.Time, in service.Input, out *service.Effects) {
	m, err := Decode(in.Frame)
	if err != nil {
		c.refuse(in.Peer, err, out)
		return
	}
	switch m := m.(type) {
	case *Open, *Voucher, *Paid:
		c.payeeFrame(now, in, m, out)
	case *Close:
		c.acceptClose(in.Peer, m, out)
	case *Invoice:
		c.invoiceAsked(now, in.Peer, m, out)
	case *Decline:
		c.declined(in.Peer, m, out)
	case *Ack:
		c.acked(now, in.Peer, m, out)
	case *CloseOK:
		c.closeOK(in.Peer, m, out)
	case *Transfer:
		c.transferIn(now, in.Peer, m, out)
	case *Receipt:
		c.receiptIn(in.Peer, m, out)
	case *Error:
		pe := &PeerError{Code: m.Code, Message: m.Message}
		if q := c.sending[in.Peer]; len(q) > 0 && m.Code != CodeReplayed {
			c.sending[in.Peer] = q[1:]
			out.Emit(TransferDone{Hash: q[0], To: in.Peer, Err: pe})
		}
		out.Emit(Refused{Peer: in.Peer, Err: pe})
	default:
		c.refuse(in.Peer, fmt.Errorf("%w: unexpected %T", ErrRefused, m), out)
	}
}

func (c *Core) command(now time.Time, in service.Input, out *service.Effects) (any, error) {
	switch cmd := in.Cmd.(type) {
	case AddChannel:
		return nil, c.addChannel(now, cmd, out)
	case Pay:
		return c.pay(now, cmd.To, cmd.Token, cmd.Amount, cmd.App, [16]byte{}, out)
	case Approve:
		return c.approve(now, cmd.ID, out)
	case Refuse:
		return nil, c.refuseInvoice(cmd, out)
	case IssueInvoice:
		return c.issue(cmd, out)
	case SetBudget:
		return nil, c.setBudget(cmd.Budget, out)
	case CloseChannel:
		return nil, c.closeChannel(cmd.ID, out)
	case Settled:
		return nil, c.settled(cmd.ID, out)
	case ChainAnswer:
		c.chainAnswer(now, cmd, out)
		return nil, nil
	case SendTransfer:
		return nil, c.sendTransfer(cmd, out)
	case Mined:
		c.mined(cmd, out)
		return nil, nil
	case Query:
		return c.snapshot(), nil
	}
	return nil, fmt.Errorf("%w: command %T", ErrRefused, in.Cmd)
}

// refuse answers peer with an ERROR for err.
func (c *Core) refuse(peer common.Address, err error, out *service.Effects) {
	c.send(peer, &Error{Code: codeOf(err), Message: truncate(err.Error(), MaxMemo)}, out)
}

func (c *Core) send(peer common.Address, m Message, out *service.Effects) {
	b, err := Encode(m)
	if err != nil {
		return // only oversized bodies fail, which the core never builds
	}
	out.To(peer, b)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// put stores v (JSON) under prefix‖key.
func put(out *service.Effects, prefix string, key []byte, v any) {
	j, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("pay: marshal %T: %v", v, err)) // plain structs always marshal
	}
	out.Put(append([]byte(prefix), key...), j)
}

// load reads the state from the store (Start).
func (c *Core) load(now time.Time, out *service.Effects) {
	c.payer = map[common.Hash]*payerChannel{}
	c.payee = map[common.Hash]*ChannelState{}
	c.asked = map[[16]byte]*InvoiceState{}
	c.issued = map[[16]byte]*InvoiceState{}
	c.budgets = map[string]*Budget{}
	c.awaiting = map[common.Hash][]service.Input{}
	c.sending = map[common.Address][]common.Hash{}
	c.submitting = map[common.Hash]submission{}
	st := c.cfg.Store
	st.Scan([]byte("p"), func(k, v []byte) bool {
		var ch payerChannel
		if json.Unmarshal(v, &ch) == nil {
			c.payer[ch.ID] = &ch
		}
		return true
	})
	st.Scan([]byte("c"), func(k, v []byte) bool {
		var ch ChannelState
		if json.Unmarshal(v, &ch) == nil {
			c.payee[ch.ID] = &ch
		}
		return true
	})
	for prefix, m := range map[string]map[[16]byte]*InvoiceState{"i": c.asked, "o": c.issued} {
		st.Scan([]byte(prefix), func(k, v []byte) bool {
			var inv InvoiceState
			if json.Unmarshal(v, &inv) == nil {
				m[inv.ID] = &inv
			}
			return true
		})
	}
	st.Scan([]byte("b"), func(k, v []byte) bool {
		var b Budget
		if json.Unmarshal(v, &b) == nil {
			c.budgets[string(k)] = &b
		}
		return true
	})
	// Channels with vouchers not acknowledged are synchronised again.
	for _, id := range sortedKeys(c.payer) {
		if ch := c.payer[id]; ch.open() && ch.Signed.Cmp(ch.Acked) > 0 {
			c.reopen(now, ch, out)
		}
	}
}

// sortedKeys returns m's keys in byte order, so that no map order
// reaches the effects.
func sortedKeys[V any](m map[common.Hash]V) []common.Hash {
	ks := make([]common.Hash, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b common.Hash) int { return bytes.Compare(a[:], b[:]) })
	return ks
}

// sortedIDs is sortedKeys of invoices.
func sortedIDs[V any](m map[[16]byte]V) [][16]byte {
	ks := make([][16]byte, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b [16]byte) int { return bytes.Compare(a[:], b[:]) })
	return ks
}

// submission is a transfer handed to the driver to submit.
type submission struct {
	from common.Address
	m    *Transfer
}

func sortedStrings[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
