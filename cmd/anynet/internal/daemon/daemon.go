package daemon

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/big"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/anynet/anynet/apps/im"
	"github.com/anynet/anynet/apps/mail"
	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Options configure a Daemon.
type Options struct {
	// Config is the resolved configuration (Dir, Listen, Chain …).
	Config config.Config
	// Passphrase unlocks the wallet in Config.Dir/keystore.
	Passphrase string
	// Decrypt, if set, opens the key file (naming.Keystore.Decrypt): `anynet
	// up` passes one that runs scrypt in a child process (package keyproc).
	// Nil decrypts here and returns the 256 MB of scratch to the OS at once.
	Decrypt func(keyJSON []byte, passphrase string) (*ecdsa.PrivateKey, error)
	// Key, if set, is the wallet's key and the keystore is not read (the
	// demo's members).
	Key *ecdsa.PrivateKey
	// Embedded, if set, is a chain shared in this process (the demo):
	// none is opened, and Config.Chain and ServeChain are ignored.
	// A *naming.Embedded is one.
	Embedded EmbeddedChain
	// Control serves the control API on Config.Dir/control.sock.
	Control bool
	// Routers, if not nil, are the routers to attach to (or, with
	// Config.RoutePrefix, the neighbor routers), fully known, instead of
	// Config.Routers read from their DID documents (routing.go).
	Routers []Router
	// Logger receives the node's logs; nil discards.
	Logger *slog.Logger
	// DropLogEvery is how often a summary of dropped frames is logged
	// (one line, only when some were dropped). Zero means one minute.
	DropLogEvery time.Duration
	// Timers tunes the node's sessions (stack.Node.Timers); zero fields
	// take the defaults. Tests lower the handshake load threshold.
	Timers transport.Timers
}

// Daemon is one running node and what runs beside it.
type Daemon struct {
	cfg     config.Config
	log     *slog.Logger
	key     *ecdsa.PrivateKey
	wallet  common.Address
	started time.Time

	emb     EmbeddedChain // the chain this daemon opened, or shares
	ownsEmb bool
	remote  *naming.Remote
	names   *naming.Client
	chainID *big.Int

	// noFaucet: the remote chain has no anynet faucet (set and read by
	// publishLoop only).
	noFaucet bool

	node *stack.Node
	echo net.PacketConn
	chat *im.Service
	pay  *payState // nil: payments are off (pay.go)
	vpn  *vpnState // vpn.go

	// exitCharge is a priced exit's tally (vpn.go), fed by payEvent
	// from the payment service's goroutine.
	exitCharge atomic.Pointer[pay.Tally]

	mail *mail.Service
	gw   mailGateways
	mq   *mqNode // mq.go
	// relay is the relay-incentives service; nil: off (relay.go).
	relay *relayState
	// content is the content service, web proxy and live site
	// (content.go).
	content *contentNode
	// stream is the live stream service and its ingest (stream.go).
	stream *streamNode
	ctl    *control.Server
	// events is the journal GET /v1/events serves (events.go).
	events *control.Journal

	cancel context.CancelFunc
	wg     sync.WaitGroup

	// mu guards the fields below.
	mu          sync.Mutex
	peers       map[common.Address]*control.Peer
	named       map[common.Address]bool // peers whose reverse name was looked up
	wasAttached bool                    // a host's attachment, as last journaled
	published   bool
	publishErr  error
	name        string         // the name claimed on chain
	announced   *PassAnnounced // what a router did with its pass (routerpass.go)
}

// Start brings the node and its services up; see the package doc for the
// steps. On error nothing is left running.
func Start(ctx context.Context, o Options) (_ *Daemon, err error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := o.Config
	d := &Daemon{cfg: cfg, log: log, started: time.Now(), peers: map[common.Address]*control.Peer{}, named: map[common.Address]bool{}, events: control.NewJournal(0)}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	if fi, err := os.Stat(cfg.Dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%w: %s does not exist (create it with `anynet --dir %s init`)", ErrNoDataDir, cfg.Dir, cfg.Dir)
	}
	d.key = o.Key
	if d.key == nil {
		if d.key, err = Unlock(cfg, o.Passphrase, o.Decrypt); err != nil {
			return nil, err
		}
		if o.Decrypt == nil {
			// Opening a standard scrypt key file takes 256 MB of scratch
			// (N=2^18, r=8), garbage from here on: collect it and return
			// it to the OS now, not minutes later when the heap goal,
			// doubled by it, is next reached or the periodic GC and
			// scavenger run.
			debug.FreeOSMemory()
		}
	}
	d.wallet = crypto.PubkeyToAddress(d.key.PublicKey)

	// Fail on a taken UDP port before opening the chain.
	if pc, err := net.ListenPacket("udp", cfg.Listen); err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("%w: UDP %s is taken by another process (pick another with --listen, e.g. --listen :0)", ErrInUse, cfg.Listen)
		}
		return nil, fmt.Errorf("daemon: listen %s: %w (fix --listen)", cfg.Listen, err)
	} else {
		pc.Close()
	}
	if err := d.openChain(ctx, o); err != nil {
		return nil, err
	}
	peers, err := staticPeers(cfg)
	if err != nil {
		return nil, err
	}
	nodeKey, err := stack.LoadNodeKey(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}
	routing, err := d.routing(ctx, o, nodeKey)
	if err != nil {
		return nil, err
	}
	d.node = &stack.Node{
		Wallet:     transport.NewKeySigner(d.key),
		DataDir:    cfg.Dir,
		NodeKey:    &nodeKey,
		ListenAddr: cfg.Listen,
		Peers:      peers,
		Names:      d.names,
		ChainID:    d.chainID.Uint64(),
		Routing:    routing,
		Timers:     o.Timers,
		Logger:     log,
		// An Edge admits wallets that never published (a WatchDog's
		// per-epoch probe wallets among them: apps/relay).
		AdmitUnpublished: slices.Contains(cfg.RelayRoles, "edge"),
	}
	if o.Key == nil {
		var berr error
		d.node.Binding, berr = storedBinding(cfg.Dir, d.wallet, d.chainID.Uint64())
		if berr != nil {
			log.Warn("binding file not used: signing a new binding with the wallet", "err", berr)
		}
	}
	if cfg.PublishAddr != "" {
		d.node.PublishAddr = netip.MustParseAddrPort(cfg.PublishAddr)
	}
	for _, p := range peers {
		d.seen(p.Wallet, "static", p.Addr.String(), nil)
	}
	for _, r := range routing.Routers {
		d.seen(common.Address(r.Wallet), "router", r.Addr.String(), nil)
	}
	if err := d.node.Up(ctx); err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("%w: UDP %s is taken by another process (pick another with --listen, e.g. --listen :0)", ErrInUse, cfg.Listen)
		}
		return nil, fmt.Errorf("daemon: start node: %w", err)
	}
	if d.echo, err = d.node.ListenPacket("udp", fmt.Sprintf(":%d", EchoPort)); err != nil {
		return nil, fmt.Errorf("daemon: echo responder: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		serveEcho(d.echo)
	}()
	if d.chat, err = im.Open(ctx, im.Config{
		Node:    d.node,
		Dir:     filepath.Join(cfg.Dir, "im"),
		Mailbox: cfg.Mailbox,
		Logger:  log.With("svc", "im"),
	}); err != nil {
		return nil, fmt.Errorf("daemon: chat service: %w", err)
	}
	if err := d.startPay(ctx, log.With("svc", "pay")); err != nil {
		log.Warn("payments off", "err", err)
	}
	if err := d.startVPN(ctx); err != nil {
		return nil, err
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.watchChat(runCtx)
	}()
	if err := d.startMail(ctx); err != nil {
		return nil, err
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.watchMail(runCtx)
	}()
	if err := d.startMQ(ctx); err != nil {
		return nil, err
	}
	if err := d.startStream(ctx); err != nil {
		return nil, err
	}
	if err := d.startContent(ctx); err != nil {
		return nil, err
	}
	if err := d.startRelay(ctx); err != nil {
		log.Warn("relay service off", "err", err)
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.watchPeers(runCtx) // events.go
	}()
	if o.Control {
		if d.ctl, err = control.Listen(cfg.Dir, d, log); err != nil {
			return nil, err
		}
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.publishLoop(runCtx)
	}()
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.passLoop(runCtx)
	}()
	every := o.DropLogEvery
	if every <= 0 {
		every = dropSummaryEvery
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.dropLoop(runCtx, every) // drops.go
	}()
	d.service("node", "up", d.node.Self().Addr.String())
	log.Info("node up", "wallet", d.wallet.Hex(), "underlay", d.node.Self().Addr.String(), "chain", d.chainDesc())
	return d, nil
}

// openChain opens the embedded chain, connects to a remote one, or takes
// the shared one.
func (d *Daemon) openChain(ctx context.Context, o Options) error {
	cfg := d.cfg
	switch {
	case o.Embedded != nil:
		d.emb = o.Embedded
	case cfg.Chain == "embedded":
		emb, err := openEmbedded(ctx, cfg, d.log.With("svc", "chain")) // embedded.go, nochain.go
		if err != nil {
			return err
		}
		d.emb, d.ownsEmb = emb, true
	default:
		ncfg := cfg.Contracts.Naming()
		ncfg.Logger = d.log.With("svc", "naming")
		r, err := naming.Connect(ctx, cfg.Chain, ncfg)
		switch {
		case errors.Is(err, naming.ErrChainUnavailable):
			return fmt.Errorf("daemon: chain %s: %w (is the node serving it running?)", cfg.Chain, err)
		case errors.Is(err, naming.ErrNotFound) && !cfg.Contracts.Set():
			return fmt.Errorf("daemon: chain %s: %w (the chain answers but holds no anynet deployment: name the contracts with --registry and --did-registry, or --contracts mainnet)", cfg.Chain, err)
		case err != nil:
			return fmt.Errorf("daemon: chain %s: %w", cfg.Chain, err)
		}
		if err := r.Client.CheckContracts(ctx); err != nil {
			r.Close()
			return fmt.Errorf("daemon: chain %s: %w", cfg.Chain, err)
		}
		d.remote = r
		d.names = r.Client
	}
	if d.emb != nil {
		d.names = d.emb.Names()
		if err := d.emb.Fund(ctx, d.wallet); err != nil {
			return fmt.Errorf("daemon: fund wallet: %w", err)
		}
	}
	id, err := d.names.ChainID(ctx)
	if err != nil {
		return fmt.Errorf("daemon: chain id: %w", err)
	}
	d.chainID = id
	return nil
}

func (d *Daemon) chainDesc() string {
	if d.emb != nil {
		if u := d.emb.RPCURL(); u != "" {
			return "embedded, served at " + u
		}
		return "embedded"
	}
	return d.cfg.Chain
}

// Wallet returns the node's wallet.
func (d *Daemon) Wallet() common.Address { return d.wallet }

// Close stops everything Start started, in reverse order.
func (d *Daemon) Close() error {
	if d.cancel != nil {
		d.cancel()
	}
	if d.ctl != nil {
		d.ctl.Close()
	}
	if d.chat != nil {
		d.chat.Close()
	}
	d.stopVPN()
	d.closeMail()
	d.mq.close()
	d.closeContent()
	d.closeRelay()
	d.closeStream()
	if d.echo != nil {
		d.echo.Close()
	}
	d.wg.Wait()
	d.closePay()
	if d.node != nil {
		d.node.Close()
	}
	if d.remote != nil {
		d.remote.Close()
	}
	if d.emb != nil && d.ownsEmb {
		d.emb.Close()
	}
	return nil
}

func staticPeers(cfg config.Config) ([]stack.Peer, error) {
	var out []stack.Peer
	for _, s := range cfg.Peers {
		w, ap, err := config.ParsePeer(s)
		if err != nil {
			return nil, err
		}
		out = append(out, stack.Peer{Wallet: common.HexToAddress(w), Addr: ap})
	}
	return out, nil
}

// isNotExist reports a missing file.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
