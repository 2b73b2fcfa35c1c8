package relay

import (
	"cmp"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/internal/runner"
	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/naming"
)

// ServiceConfig configures a Service. Zero values mean the documented
// defaults.
type ServiceConfig struct {
	// Host is the node; required.
	Host service.Host
	// Wallet is the node's wallet: it signs receipts and probe results,
	// and commits (Guardian) or claims (Edge) on chain; required.
	Wallet pay.Wallet
	// Roles beyond endpoint (every node is one).
	Roles Roles
	// Store holds the core's state and a Guardian's published evidence;
	// required (a service.Pebble on a node). The service does not close it.
	Store service.Store
	// Contract is the RelayCredits deployment Guardians commit on and
	// Edges claim from; nil leaves the service off chain (a Guardian then
	// publishes without committing, and Claim is ErrNoContract).
	Contract *Contract

	// Epoch, Grace, Guardians, Params, ReceiptEvery, Edges, ProbePartner,
	// ProbesPerEpoch, ProbeTimeout: as in CoreConfig. Params are the rules
	// a Guardian scores by and publishes, and what an Edge's Status
	// estimates its pending credit with; zero means DefaultParams with no
	// WatchDogs.
	Epoch          time.Duration
	Grace          time.Duration
	Guardians      []common.Address
	Params         Params
	ReceiptEvery   uint64
	Edges          []common.Address
	ProbePartner   common.Address
	ProbesPerEpoch int
	ProbeTimeout   time.Duration

	// Refresh, when set, reads the contract and the fee anew (the
	// daemon: from the first Guardian's DID entry) at the start of every
	// epoch and whenever Service.Refresh is called; what it returns
	// replaces Contract and Params.FeeBps (refresh.go). Nil keeps them.
	Refresh func(ctx context.Context) (Refreshed, error)
	// CommitRetry is how long a Guardian waits before it tries a failed
	// commit again, doubling each time up to CommitRetryMax; zero means
	// 2 s and 5 min.
	CommitRetry, CommitRetryMax time.Duration

	// LinkMeter is the node's link-layer meter of what it exchanged
	// through its routers (a *stack.Node: RoutedTraffic), sampled every
	// MeterEvery (zero: a second) into link receipts for the routers
	// (linkmeter.go); nil signs none.
	LinkMeter  LinkMeter
	MeterEvery time.Duration

	// ProbeNode, for a WatchDog, sends its probes from a fresh wallet
	// each epoch (probewallets.go): shortly before an epoch starts, the
	// service draws a new key, asks ProbeNode for a node of that wallet
	// (one that never wrote to the chain: a stack.Node with its own node
	// key and underlay, not published), runs the probe identity's core
	// on it for the epoch (CoreConfig.ProbeFor) and closes it after.
	// Results are signed by Wallet as always, and the epoch's probe
	// wallets are named, signed, with the results handed in after the
	// epoch. Edges must admit wallets that never published
	// (stack.Node.AdmitUnpublished). Nil probes from Wallet itself.
	ProbeNode func(ctx context.Context, key *ecdsa.PrivateKey) (ProbeNode, error)

	// probeFor and probeEpoch configure the service of a probe identity
	// (CoreConfig.ProbeFor, ProbeEpoch).
	probeFor   pay.Wallet
	probeEpoch uint64

	// Port is the overlay port of the core; zero means RelayPort. A
	// Guardian serves its evidence on EvidencePort.
	Port uint16
	// OnEvent sees the core's events (Delivered, Probed, Settled) and the
	// service's (Committed), from the runner's goroutine or the service's
	// own: it must not block. Nil drops them.
	OnEvent func(any)
	// Rand draws flow ids and probe times; nil means crypto/rand.
	Rand io.Reader
	// Logger receives logs; nil discards.
	Logger *slog.Logger
}

// Committed: a Guardian's commitment of Epoch is on chain (Tx), or
// could not be put there (Err; it tries again after a backoff, and at
// the next start).
type Committed struct {
	Epoch uint64
	Root  common.Hash
	Total *big.Int
	Tx    common.Hash
	Err   error
}

// Service is the relay service of a node: the Core driven by the shared
// runner (apps/internal/runner) on RelayPort, a Guardian's published
// evidence served on EvidencePort and committed on chain, an Edge's
// claims.
type Service struct {
	cfg  ServiceConfig
	obs  *observer
	r    *runner.Runner
	ln   net.Listener // evidence, Guardians only
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup
	log  *slog.Logger
	// routerLocs: the published locators of routers peers name
	// (linkpath.go), the sampling goroutine's own.
	routerLocs map[common.Address]*routerLocs

	mu       sync.Mutex // guards the fields below
	scores   map[uint64]EdgeScore
	commits  map[uint64]Committed
	contract *Contract // cfg.Contract, then what Refresh read (refresh.go)
	feeBps   uint64    // cfg.Params.FeeBps, then what Refresh read
}

// EdgeScore is this Edge's score in an epoch, recomputed from the
// evidence its Guardian published, and what became of its claim.
type EdgeScore struct {
	Epoch uint64
	Score
	Guardian common.Address
	Match    bool        // the recomputed root is the one on chain
	Claimed  common.Hash // the claim's transaction, zero before
}

// StartService starts the relay service.
func StartService(cfg ServiceConfig) (*Service, error) {
	if cfg.Host == nil || cfg.Wallet == nil || cfg.Store == nil {
		return nil, errors.New("relay: Host, Wallet and Store are required")
	}
	if cfg.Port == 0 {
		cfg.Port = RelayPort
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Epoch == 0 {
		cfg.Epoch = time.Hour
	}
	if cfg.Params.PricePerGiB == nil {
		cfg.Params = DefaultParams(cfg.Params.WatchDogs...)
	}
	offChainGuardian := cfg.Roles&RoleGuardian != 0 && cfg.Contract == nil && cfg.Params.BytesPerEther != 0
	if offChainGuardian {
		// No RelayCredits: no stake to read, and nothing is paid.
		cfg.Params.BytesPerEther = 0
	}
	s := &Service{cfg: cfg, log: cfg.Logger, scores: map[uint64]EdgeScore{}, commits: map[uint64]Committed{},
		contract: cfg.Contract, feeBps: cfg.Params.FeeBps}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if offChainGuardian {
		s.log.Warn("relay: a Guardian off chain scores without stake (BytesPerEther 0): wallets are bounded per Edge only")
	}
	s.ctx, s.stop = context.WithCancel(context.Background())
	edges, perEpoch := cfg.Edges, cfg.ProbesPerEpoch
	probing := cfg.ProbeNode != nil && cfg.Roles&RoleWatchDog != 0 && cfg.probeFor == nil
	if probing { // the probe identities probe (probenode.go)
		edges, perEpoch = nil, 0
	}
	core := NewCore(CoreConfig{Wallet: cfg.Wallet, Roles: cfg.Roles, Epoch: cfg.Epoch, Grace: cfg.Grace,
		Guardians: cfg.Guardians, Params: cfg.Params, ReceiptEvery: cfg.ReceiptEvery, Edges: edges,
		ProbePartner: cfg.ProbePartner, ProbesPerEpoch: perEpoch, ProbeTimeout: cfg.ProbeTimeout,
		ProbeFor: cfg.probeFor, ProbeEpoch: cfg.probeEpoch, Store: cfg.Store, Rand: cfg.Rand})
	s.obs = &observer{core: core, self: cfg.Wallet.Address(), roles: cfg.Roles, epoch: cfg.Epoch, params: cfg.Params, store: cfg.Store}
	if cfg.Roles&RoleGuardian != 0 {
		ln, err := cfg.Host.Listen("tcp", fmt.Sprintf(":%d", EvidencePort))
		if err != nil {
			s.stop()
			return nil, fmt.Errorf("relay: listen on %d: %w", EvidencePort, err)
		}
		s.ln = ln
		s.wg.Add(1)
		go s.serveEvidence(ln)
	}
	// A batch of receipts is 9 + 138 bytes a receipt: up to maxBatchItems.
	r, err := runner.Start(runner.Config{Host: cfg.Host, Core: s.obs, Store: cfg.Store, Port: cfg.Port,
		MaxFrame: batchHeader + maxBatchItems*ReceiptSize, OnEvent: s.event, Logger: s.log})
	if err != nil {
		s.stop()
		if s.ln != nil {
			s.ln.Close()
		}
		s.wg.Wait()
		return nil, fmt.Errorf("relay: %w", err)
	}
	s.r = r
	if cfg.Roles&RoleGuardian != 0 {
		s.commitStored()
	}
	if cfg.LinkMeter != nil {
		s.wg.Add(1)
		go s.sampleLinks()
	}
	if cfg.Refresh != nil {
		s.wg.Add(1)
		go s.refreshLoop()
	}
	if probing {
		s.wg.Add(1)
		go s.probeLoop()
	}
	return s, nil
}

// LinkMeter is what a node's link layer counted through its routers.
type LinkMeter interface {
	RoutedTraffic() []link.RoutedTraffic
}

// sampleLinks is the long-lived goroutine that hands the link meter to
// the core at once, then every MeterEvery. The core vouches only for
// what the meter counted after its first sample (linkmeter.go), so that
// sample is taken when the service starts and handed over even when it
// is empty: were it the first one with traffic, what came before it
// would be lost to this end. Once the core has one, empty samples are
// skipped.
func (s *Service) sampleLinks() {
	defer s.wg.Done()
	every := s.cfg.MeterEvery
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for sampled := false; ; {
		lc := CountsOf(s.cfg.LinkMeter.RoutedTraffic())
		lc.RouterLocators = s.routerLocators()
		if len(lc.Counts) > 0 || !sampled {
			res, err := s.r.Do(s.ctx, lc)
			switch {
			case err != nil:
				if s.ctx.Err() == nil {
					s.log.Debug("relay: link meter", "err", err)
				}
			default:
				sampled = true
				if ll, ok := res.(LinkLookup); ok {
					s.lookupRouters(s.ctx, ll.Routers) // linkpath.go
				}
			}
		}
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close stops the service; it returns when its goroutines have ended.
func (s *Service) Close() error {
	s.stop()
	if s.ln != nil {
		s.ln.Close()
	}
	err := s.r.Close()
	s.wg.Wait()
	return err
}

// Addr is the service's wallet.
func (s *Service) Addr() common.Address { return s.cfg.Wallet.Address() }

// event is the runner's OnEvent: a settled epoch is committed on chain
// (its evidence is already stored), the rest goes to the user.
func (s *Service) event(e any) {
	if w, ok := e.(WantStakes); ok {
		s.wg.Add(1)
		go s.snapshot(w)
		return
	}
	if st, ok := e.(Settled); ok {
		epoch := st.Evidence.Epoch
		s.log.Info("relay: epoch settled", "epoch", epoch, "edges", len(st.Scores.Edges),
			"receipts", len(st.Evidence.Receipts), "probes", len(st.Evidence.Probes), "root", st.Commitment.Root, "total", st.Commitment.Total)
		s.commitRetried(epoch)
	}
	s.emit(e)
}

func (s *Service) emit(e any) {
	if s.cfg.OnEvent != nil {
		s.cfg.OnEvent(e)
	}
}

// commitStored commits, in the background, the published epochs whose
// commit transaction is not stored (the node stopped in between).
func (s *Service) commitStored() {
	var todo []uint64
	_ = s.cfg.Store.Scan([]byte("P"), func(k, _ []byte) bool {
		e := binary.BigEndian.Uint64(k[1:])
		if _, err := s.cfg.Store.Get(committedKey(e)); err != nil {
			todo = append(todo, e)
		}
		return true
	})
	for _, e := range todo {
		s.commitRetried(e)
	}
}

// commit posts the commitment of a published epoch, unless nothing was
// earned or one is on chain already; it returns the attempt's error.
func (s *Service) commit(ctx context.Context, epoch uint64) error {
	c := Committed{Epoch: epoch}
	contract := s.contractNow()
	defer func() {
		s.mu.Lock()
		s.commits[epoch] = c
		s.mu.Unlock()
		if c.Err != nil {
			s.log.Warn("relay: commitment not on chain", "epoch", epoch, "err", c.Err)
		}
		s.emit(c)
	}()
	pub, err := s.Published(epoch)
	if err != nil {
		c.Err = err
		return c.Err
	}
	v, err := Recompute(ctx, pub, contract)
	c.Root, c.Total = v.Commitment.Root, v.Commitment.Total
	switch {
	case contract == nil:
		c.Err = ErrNoContract
		return c.Err
	case err != nil:
		c.Err = err
		return c.Err
	case v.Match:
		return nil // on chain already (or nothing to commit)
	case v.OnChain != (common.Hash{}):
		c.Err = fmt.Errorf("%w: epoch %d holds %s, this Guardian's is %s", ErrMismatch, epoch, v.OnChain, v.Commitment.Root)
		return c.Err
	}
	rc, err := contract.Post(ctx, s.cfg.Wallet, v.Commitment)
	if err != nil {
		c.Err = err
		return c.Err
	}
	c.Tx = rc.TxHash
	if err := s.cfg.Store.Apply([]service.Write{{Key: committedKey(epoch), Value: rc.TxHash[:]}}); err != nil {
		c.Err = fmt.Errorf("relay: store commit of epoch %d: %w", epoch, err)
	}
	s.log.Info("relay: commitment on chain", "epoch", epoch, "root", c.Root, "total", c.Total, "tx", c.Tx)
	return c.Err
}

// Published returns the evidence this Guardian published for epoch.
func (s *Service) Published(epoch uint64) (*Published, error) {
	b, err := s.cfg.Store.Get(publishedKey(epoch))
	if errors.Is(err, service.ErrNotFound) {
		return nil, fmt.Errorf("%w: epoch %d not settled here", ErrNotPublished, epoch)
	}
	if err != nil {
		return nil, fmt.Errorf("relay: published epoch %d: %w", epoch, err)
	}
	var p Published
	if err := p.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	return &p, nil
}

// Send starts a flow of n bytes to `to` through the Edge via (with echo,
// `to` sends it back); it returns the flow's id.
func (s *Service) Send(ctx context.Context, via, to common.Address, n int, echo bool) (uint64, error) {
	res, err := s.r.Do(ctx, Send{Via: via, To: to, Bytes: n, Echo: echo})
	if err != nil {
		return 0, err
	}
	return res.(uint64), nil
}

// Score fetches epoch's published evidence (this node's own, for a
// Guardian, else from the configured Guardians, or from `from` if not
// zero), recomputes every score and compares the root with the chain.
func (s *Service) Score(ctx context.Context, epoch uint64, from common.Address) (Verification, error) {
	var pub *Published
	var err error
	switch {
	case from != (common.Address{}):
		pub, err = Fetch(ctx, s.cfg.Host, from, epoch)
	case s.cfg.Roles&RoleGuardian != 0:
		pub, err = s.Published(epoch)
	default:
		pub, err = fetchAny(ctx, s.cfg.Host, s.cfg.Guardians, epoch)
	}
	if err != nil {
		return Verification{}, err
	}
	v, err := Recompute(ctx, pub, s.contractNow())
	if err != nil {
		return v, err
	}
	if sc, ok := v.Scores.Of(s.Addr()); ok {
		s.mu.Lock()
		es := s.scores[epoch]
		es.Epoch, es.Score, es.Guardian, es.Match = epoch, sc, pub.Guardian, v.Match
		s.scores[epoch] = es
		s.mu.Unlock()
	}
	return v, nil
}

// ClaimResult is an Edge's settled claim.
type ClaimResult struct {
	Epoch  uint64
	Amount *big.Int
	Tx     common.Hash
	Score  Score
}

// Claim settles this Edge's credit of epoch: it recomputes the epoch
// from the published evidence, checks the root is the one on chain, and
// claims with its own proof.
func (s *Service) Claim(ctx context.Context, epoch uint64) (ClaimResult, error) {
	contract := s.contractNow()
	if contract == nil {
		return ClaimResult{}, ErrNoContract
	}
	v, err := s.Score(ctx, epoch, common.Address{})
	if err != nil {
		return ClaimResult{}, err
	}
	if !v.Match {
		return ClaimResult{}, fmt.Errorf("%w: epoch %d: recomputed %s, on chain %s", ErrMismatch, epoch, v.Commitment.Root, v.OnChain)
	}
	sc, _ := v.Scores.Of(s.Addr())
	cl, ok := v.Commitment.ClaimOf(s.Addr())
	if !ok {
		why := sc.Why
		if why == "" {
			why = "no receipts"
		}
		return ClaimResult{Score: sc}, fmt.Errorf("%w: epoch %d (%s: %s)", ErrNoCredit, epoch, cmp.Or(string(sc.Status), "not scored"), why)
	}
	rc, err := contract.Claim(ctx, s.cfg.Wallet, epoch, cl)
	if err != nil {
		return ClaimResult{Score: sc}, err
	}
	s.mu.Lock()
	es := s.scores[epoch]
	es.Claimed = rc.TxHash
	s.scores[epoch] = es
	s.mu.Unlock()
	return ClaimResult{Epoch: epoch, Amount: cl.Amount, Tx: rc.TxHash, Score: sc}, nil
}

// Withdraw pays this wallet everything it claimed; it returns the amount.
func (s *Service) Withdraw(ctx context.Context) (*big.Int, error) {
	contract := s.contractNow()
	if contract == nil {
		return nil, ErrNoContract
	}
	bal, err := contract.Balance(ctx, s.Addr())
	if err != nil {
		return nil, err
	}
	if err := contract.Withdraw(ctx, s.cfg.Wallet); err != nil {
		return nil, err
	}
	return bal, nil
}

// NodeStatus is what the node shows of its relay roles.
type NodeStatus struct {
	Wallet      common.Address
	Roles       Roles
	Epoch       uint64 // the current one
	EpochLength time.Duration
	EpochEnds   time.Time
	Params      Params
	Contract    common.Address // zero: off chain
	Guardians   []common.Address
	// Edge: epochs not settled, with the credit they would earn and the
	// fee, and the scores recomputed from published evidence.
	Pending []Pending
	Scores  []EdgeScore
	// Balance is what this wallet claimed and has not withdrawn (nil off
	// chain).
	Balance *big.Int
	// Stake is this wallet's stake (nil off chain) and Ceiling what it
	// backs an epoch; Pending is capped at Ceiling when the rules consult
	// stake (endpoints' own stake, unknown before settlement, may back
	// more).
	Stake   *big.Int
	Ceiling uint64
	// WatchDog: its probes of recent epochs.
	Probes []ProbeTally
	// Guardian: its settled epochs and their commit transactions.
	Settled []SettledEpoch
	Commits []Committed
}

// Status reports the roles' state; the balance is read from the chain.
func (s *Service) Status(ctx context.Context) (NodeStatus, error) {
	res, err := s.r.Do(ctx, statusQuery{})
	if err != nil {
		return NodeStatus{}, err
	}
	snap := res.(snapshot)
	now := s.cfg.Host.Time()
	cur := uint64(now.UnixNano() / int64(s.cfg.Epoch))
	st := NodeStatus{Wallet: s.Addr(), Roles: s.cfg.Roles, Epoch: cur, EpochLength: s.cfg.Epoch,
		EpochEnds: time.Unix(0, int64(cur+1)*int64(s.cfg.Epoch)), Params: s.params(),
		Guardians: s.cfg.Guardians, Probes: snap.probes, Settled: snap.settled}
	s.mu.Lock()
	for _, p := range snap.pending {
		if _, scored := s.scores[p.Epoch]; !scored {
			st.Pending = append(st.Pending, p)
		}
	}
	for _, e := range sortedKeys(s.scores) {
		st.Scores = append(st.Scores, s.scores[e])
	}
	for _, e := range sortedKeys(s.commits) {
		st.Commits = append(st.Commits, s.commits[e])
	}
	s.mu.Unlock()
	if c := s.contractNow(); c != nil {
		st.Contract = c.Address
		bal, err := c.Balance(ctx, s.Addr())
		if err != nil {
			return st, err
		}
		st.Balance = bal
		info, err := c.StakeInfo(ctx, s.Addr())
		if err != nil {
			return st, err
		}
		st.Stake = info.Staked
		if st.Params.BytesPerEther > 0 {
			st.Ceiling = stakeBytes(info.Staked, st.Params.BytesPerEther)
			for i, p := range st.Pending {
				st.Pending[i] = capPending(p, st.Ceiling, st.Params)
			}
		}
	}
	return st, nil
}

// Epoch returns the epoch t falls in.
func (s *Service) Epoch(t time.Time) uint64 { return uint64(t.UnixNano() / int64(s.cfg.Epoch)) }

// Publish writes the entries of the service's roles into the wallet's
// DID document (auth must be the wallet); nothing without a contract
// or roles.
func (s *Service) Publish(ctx context.Context, names *naming.Client, auth *bind.TransactOpts) error {
	c := s.contractNow()
	if c == nil || s.cfg.Roles == 0 {
		return nil
	}
	_, err := Publish(ctx, names, auth, s.Addr(), s.cfg.Roles, c.Chain.ChainID, c.Address, s.params().FeeBps)
	return err
}
