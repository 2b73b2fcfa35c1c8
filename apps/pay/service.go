package pay

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/anynet/anynet/apps/internal/runner"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// ServiceConfig configures a Service.
type ServiceConfig struct {
	// Host is the node; required.
	Host service.Host
	// Wallet is the node's account: it pays and is paid; required, with
	// deterministic signatures (KeyWallet).
	Wallet Wallet
	// Chain is the chain and the PaymentChannels deployment; required.
	Chain *Chain
	// Store holds channels, invoices and budgets; required (a
	// service.Pebble on a node, synced before an ACK leaves). The
	// service does not close it.
	Store service.Store
	// Port is the overlay TCP port; zero means PaymentPort.
	Port uint16
	// OnEvent sees the core's events for the user (Received, Acked,
	// InvoiceAsked, InvoiceSettled, TransferReceived, Refused, Cheated),
	// from the runner's goroutine: it must not block. Nil drops them.
	OnEvent func(any)
	// Rand draws invoice IDs and channel salts; nil means crypto/rand.
	Rand io.Reader
	// Retry is the core's CoreConfig.Retry.
	Retry time.Duration
	// Logger receives logs; nil discards.
	Logger *slog.Logger
}

// Service is the payment service of a node: the Core driven by the
// shared runner (apps/internal/runner) on the node's PaymentPort, with
// the chain work its events ask for done on goroutines of its own.
type Service struct {
	cfg  ServiceConfig
	r    *runner.Runner
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup
	log  *slog.Logger

	mu      sync.Mutex // guards the fields below
	done    map[common.Hash]chan TransferDone
	agreed  map[common.Hash]chan CloseAgreed
	changed chan struct{} // closed and replaced on every Acked
}

// StartService starts the payment service.
func StartService(cfg ServiceConfig) (*Service, error) {
	if cfg.Host == nil || cfg.Wallet == nil || cfg.Chain == nil || cfg.Store == nil {
		return nil, errors.New("pay: Host, Wallet, Chain and Store are required")
	}
	if cfg.Port == 0 {
		cfg.Port = PaymentPort
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	s := &Service{cfg: cfg, log: cfg.Logger, done: map[common.Hash]chan TransferDone{},
		agreed: map[common.Hash]chan CloseAgreed{}, changed: make(chan struct{})}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.ctx, s.stop = context.WithCancel(context.Background())
	core := NewCore(CoreConfig{Wallet: cfg.Wallet, Domain: cfg.Chain.Domain(), Store: cfg.Store, Rand: cfg.Rand, Retry: cfg.Retry})
	r, err := runner.Start(runner.Config{Host: cfg.Host, Core: core, Store: cfg.Store, Port: cfg.Port,
		OnEvent: s.event, Logger: s.log})
	if err != nil {
		s.stop()
		return nil, fmt.Errorf("pay: %w", err)
	}
	s.r = r
	return s, nil
}

// Close stops the service; it returns when its goroutines have ended.
func (s *Service) Close() error {
	s.stop()
	err := s.r.Close()
	s.wg.Wait()
	return err
}

// event is the runner's OnEvent: chain work goes to goroutines, answers
// wake waiters, the rest goes to the user.
func (s *Service) event(e any) {
	switch e := e.(type) {
	case ChainQuery:
		s.async(func(ctx context.Context) {
			oc, err := s.cfg.Chain.Channel(ctx, e.ID)
			s.r.Do(ctx, ChainAnswer{ID: e.ID, Channel: oc, Err: err})
		})
		return
	case SubmitTransfer:
		s.async(func(ctx context.Context) { s.r.Do(ctx, s.submit(ctx, e)) })
		return
	case CloseAgreed:
		s.mu.Lock()
		if ch := s.agreed[e.Channel]; ch != nil {
			ch <- e
			delete(s.agreed, e.Channel)
		}
		s.mu.Unlock()
		return
	case TransferDone:
		s.mu.Lock()
		if ch := s.done[e.Hash]; ch != nil {
			ch <- e
			delete(s.done, e.Hash)
		}
		s.mu.Unlock()
	case Acked:
		s.mu.Lock()
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
	}
	if s.cfg.OnEvent != nil {
		s.cfg.OnEvent(e)
	}
}

func (s *Service) async(fn func(ctx context.Context)) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ctx, cancel := context.WithTimeout(s.ctx, 2*time.Minute)
		defer cancel()
		fn(ctx)
	}()
}

// submit submits a transfer the core checked and waits for it.
func (s *Service) submit(ctx context.Context, e SubmitTransfer) Mined {
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(e.Transfer.Tx); err != nil {
		return Mined{Hash: e.Hash, Err: fmt.Errorf("%w: %v", ErrMalformed, err)}
	}
	r, err := s.cfg.Chain.submit(ctx, tx)
	switch {
	case err != nil && strings.Contains(err.Error(), "nonce too low"):
		return Mined{Hash: e.Hash, Err: fmt.Errorf("%w: nonce %d of %s is used", ErrReplayed, tx.Nonce(), e.From)}
	case err != nil:
		return Mined{Hash: e.Hash, Err: err}
	case r.Status != types.ReceiptStatusSuccessful:
		return Mined{Hash: e.Hash, Err: fmt.Errorf("%w: transfer %s reverted", ErrFailed, e.Hash)}
	}
	s.log.Info("pay: transfer received", "from", e.From, "amount", e.Transfer.Amount, "tx", e.Hash)
	return Mined{Hash: e.Hash, Receipt: &Receipt{TxHash: e.Hash, Block: r.BlockNumber.Uint64(), Status: uint8(r.Status)}}
}

// Send pays amount of token (zero: ether) to wallet `to` with a signed
// transfer the payee submits; it returns the receipt once mined, which
// it checks on chain. A refusal is a *PeerError.
func (s *Service) Send(ctx context.Context, to, token common.Address, amount *big.Int, memo string) (*Receipt, error) {
	if amount == nil || amount.Sign() <= 0 || amount.BitLen() > 256 {
		return nil, fmt.Errorf("%w: amount %v", ErrWrongAmount, amount)
	}
	if len(memo) > MaxMemo {
		return nil, fmt.Errorf("%w: memo of %d bytes over %d", ErrMalformed, len(memo), MaxMemo)
	}
	c := s.cfg.Chain
	c.txMu.Lock()
	defer c.txMu.Unlock()
	var tx *types.Transaction
	var err error
	if token == (common.Address{}) {
		tx, err = c.signTx(ctx, s.cfg.Wallet, &to, amount, nil)
	} else {
		tx, err = c.signTx(ctx, s.cfg.Wallet, &token, nil, tokenABI.PackTransfer(to, amount))
	}
	if err != nil {
		return nil, err
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		return nil, err
	}
	m := &Transfer{Token: token, Amount: amount, Memo: memo, Tx: raw,
		ValidBefore: uint64(s.cfg.Host.Time().Add(DefaultValidity).Unix())}
	wait := make(chan TransferDone, 1)
	s.mu.Lock()
	s.done[tx.Hash()] = wait
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.done, tx.Hash())
		s.mu.Unlock()
	}()
	if _, err := s.r.Do(ctx, SendTransfer{To: to, Hash: tx.Hash(), Transfer: m}); err != nil {
		return nil, err
	}
	var d TransferDone
	select {
	case d = <-wait:
	case <-ctx.Done():
		return nil, fmt.Errorf("pay: waiting for the receipt of %s: %w", tx.Hash(), ctx.Err())
	}
	if d.Err != nil {
		return nil, d.Err
	}
	onChain, err := c.Backend.TransactionReceipt(ctx, d.Receipt.TxHash)
	if err != nil {
		return nil, fmt.Errorf("pay: receipt of %s on chain: %w", d.Receipt.TxHash, err)
	}
	if onChain.Status != types.ReceiptStatusSuccessful {
		return nil, fmt.Errorf("%w: %s reverted", ErrFailed, d.Receipt.TxHash)
	}
	return &Receipt{TxHash: d.Receipt.TxHash, Block: onChain.BlockNumber.Uint64(), Status: uint8(onChain.Status)}, nil
}

// OpenChannel deposits into a new channel to payee on chain (one
// transaction for ether; approve first for a token) and announces it.
func (s *Service) OpenChannel(ctx context.Context, payee, token common.Address, deposit *big.Int) (common.Hash, error) {
	if deposit == nil || deposit.Sign() <= 0 {
		return common.Hash{}, fmt.Errorf("%w: deposit %v", ErrWrongAmount, deposit)
	}
	cl := &Client{Wallet: s.cfg.Wallet, Chain: s.cfg.Chain, Rand: s.cfg.Rand}
	ch, err := cl.OpenChannelTo(ctx, payee, token, deposit)
	if err != nil {
		return common.Hash{}, err
	}
	_, err = s.r.Do(ctx, AddChannel{ID: ch.ID, Channel: OnChain{Payer: s.cfg.Wallet.Address(), Payee: payee, Token: token, Deposit: deposit}})
	return ch.ID, err
}

// Pay pays amount of token to `to` on an open channel, against the
// budgets of `to` and of app; it returns once the voucher is stored and
// sent (WaitAcked waits for the payee's acknowledgement).
func (s *Service) Pay(ctx context.Context, to, token common.Address, amount *big.Int, app string) (Payment, error) {
	res, err := s.r.Do(ctx, Pay{To: to, Token: token, Amount: amount, App: app})
	if err != nil {
		return Payment{}, err
	}
	return res.(Payment), nil
}

// WaitAcked waits until the payee acknowledged cumulative on channel id.
func (s *Service) WaitAcked(ctx context.Context, id common.Hash, cumulative *big.Int) error {
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		snap, err := s.State(ctx)
		if err != nil {
			return err
		}
		for _, ch := range snap.Paying {
			if ch.ID != id {
				continue
			}
			if ch.State == "broken" {
				return fmt.Errorf("%w: the payee of %s misbehaved", ErrRefused, id)
			}
			if ch.Acked.Cmp(cumulative) >= 0 {
				return nil
			}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("pay: waiting for the payee to acknowledge %s: %w", cumulative, ctx.Err())
		}
	}
}

// Invoice asks `to` for amount of token; the payer's node waits for its
// user's consent. It returns the invoice's ID.
func (s *Service) Invoice(ctx context.Context, to, token common.Address, amount *big.Int, memo string, validFor time.Duration) ([16]byte, error) {
	var vb uint64
	if validFor > 0 {
		vb = uint64(s.cfg.Host.Time().Add(validFor).Unix())
	}
	res, err := s.r.Do(ctx, IssueInvoice{To: to, Token: token, Amount: amount, Memo: memo, ValidBefore: vb})
	if err != nil {
		return [16]byte{}, err
	}
	return res.([16]byte), nil
}

// Approve pays invoice id, asked of this node, on a channel to its payee.
func (s *Service) Approve(ctx context.Context, id [16]byte) (Payment, error) {
	res, err := s.r.Do(ctx, Approve{ID: id})
	if err != nil {
		return Payment{}, err
	}
	return res.(Payment), nil
}

// Refuse declines invoice id, telling its payee.
func (s *Service) Refuse(ctx context.Context, id [16]byte, reason string) error {
	_, err := s.r.Do(ctx, Refuse{ID: id, Reason: reason})
	return err
}

// SetBudget sets (Limit nil: removes) a spending budget.
func (s *Service) SetBudget(ctx context.Context, b Budget) error {
	_, err := s.r.Do(ctx, SetBudget{Budget: b})
	return err
}

// State returns channels, invoices and budgets.
func (s *Service) State(ctx context.Context) (Snapshot, error) {
	res, err := s.r.Do(ctx, Query{})
	if err != nil {
		return Snapshot{}, err
	}
	return res.(Snapshot), nil
}

// CloseChannel closes channel id, which this node pays through,
// cooperatively: the payee agrees to the newest voucher (CLOSE,
// CLOSE_OK) and the payer submits it; one transaction.
func (s *Service) CloseChannel(ctx context.Context, id common.Hash) (*types.Receipt, error) {
	wait := make(chan CloseAgreed, 1)
	s.mu.Lock()
	s.agreed[id] = wait
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.agreed, id)
		s.mu.Unlock()
	}()
	if _, err := s.r.Do(ctx, CloseChannel{ID: id}); err != nil {
		return nil, err
	}
	var a CloseAgreed
	select {
	case a = <-wait:
	case <-ctx.Done():
		return nil, fmt.Errorf("pay: waiting for the payee's close agreement: %w", ctx.Err())
	}
	c := s.cfg.Chain
	r, err := c.transact(ctx, s.cfg.Wallet, &c.Channels, nil, channelsABI.PackCooperativeClose(id, a.Cumulative, a.Sig[:]))
	if err != nil {
		return nil, fmt.Errorf("pay: cooperative close: %w", err)
	}
	_, err = s.r.Do(ctx, Settled{ID: id})
	return r, err
}
