//go:build !nochain

package demo

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/daemon"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/crypto"
)

// Config says how big a demo to run.
type Config struct {
	Nodes  int           // 2 to 26; zero means 4
	Rounds int           // rounds of pings and chats; zero means until ctx ends
	Every  time.Duration // pause between rounds
	// Dir keeps the chain and the members' keys and stores; empty means a
	// temporary directory removed at the end.
	Dir string
	Out io.Writer // where the demo narrates
	// UI, if set, is run with alice's data directory, where her control
	// socket answers, once the network is up, instead of the narrated
	// rounds (the TUI, a client of that socket).
	UI func(ctx context.Context, aliceDir string) error
	// Logger receives the members' logs; nil discards.
	Logger *slog.Logger
}

var names = strings.Fields("alice bob carol dave erin frank grace heidi ivan judy ken leo mallory niaj olivia peggy quentin rupert sybil trent uma victor walter xena yves zoe")

// The demo's routers: their names (not claimed on chain; the
// narration's) and the subnets of their segments, where their members
// take locators. The routers are not neighbors: each segment's network
// pass on chain names its router's endpoint, and a router tunnels frames
// for the other segment straight to the router the pass names.
var routers = []struct{ name, subnet string }{{"r1", "2a.1/128"}, {"r2", "2b.1/128"}}

// readyTimeout bounds the wait for every member to be on chain.
const readyTimeout = 2 * time.Minute

// Run starts the network, runs the rounds (or the UI) and stops when they
// are done or ctx ends.
func Run(ctx context.Context, cfg Config) (err error) {
	if cfg.Nodes == 0 {
		cfg.Nodes = 4
	}
	if cfg.Nodes < 2 || cfg.Nodes > len(names) {
		return fmt.Errorf("demo: --nodes %d: want 2 to %d", cfg.Nodes, len(names))
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	dir := cfg.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "anynet-demo"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	out := cfg.Out
	fmt.Fprintf(out, "chain    embedded, in %s\n", filepath.Join(dir, "chain"))
	emb, err := naming.OpenEmbedded(ctx, naming.EmbeddedConfig{DataDir: dir, Logger: cfg.Logger})
	if err != nil {
		return fmt.Errorf("demo: chain: %w", err)
	}
	defer emb.Close()

	start := func(name string, c config.Config, o daemon.Options) (*daemon.Daemon, error) {
		c.Dir = filepath.Join(dir, name)
		c.Listen, c.Chain = "127.0.0.1:0", "embedded"
		c.LogLevel, c.LogFormat, c.Scrypt = "info", "text", "light"
		if err := os.MkdirAll(c.Dir, 0o700); err != nil {
			return nil, err
		}
		key, err := memberKey(c.Dir)
		if err != nil {
			return nil, err
		}
		if o.Logger = cfg.Logger; o.Logger != nil {
			o.Logger = o.Logger.With("node", name)
		}
		o.Config, o.Key, o.Embedded = c, key, emb
		d, err := daemon.Start(ctx, o)
		if err != nil {
			return nil, fmt.Errorf("demo: start %s: %w", name, err)
		}
		return d, nil
	}
	rds := make([]*daemon.Daemon, len(routers))
	infos := make([]daemon.Router, len(routers))
	defer func() {
		for _, r := range rds {
			if r != nil {
				r.Close()
			}
		}
	}()
	for i, r := range routers {
		if rds[i], err = start(r.name, config.Config{RoutePrefix: r.subnet}, daemon.Options{}); err != nil {
			return err
		}
		infos[i], _ = rds[i].RouterInfo()
		key, err := memberKey(filepath.Join(dir, r.name))
		if err != nil {
			return err
		}
		if err := holdPass(ctx, emb, key, infos[i]); err != nil {
			return err
		}
		fmt.Fprintf(out, "%-8s wallet %s  udp %s  router of %s (its pass on chain names this endpoint)\n", r.name, rds[i].Wallet().Hex(), infos[i].Addr, infos[i].Subnet)
	}

	members := make([]*daemon.Daemon, cfg.Nodes)
	defer func() {
		for i := len(members) - 1; i >= 0; i-- {
			if members[i] != nil {
				members[i].Close()
			}
		}
	}()
	for i := range members {
		name, seg := names[i], i%len(routers)
		members[i], err = start(name, config.Config{Name: name}, daemon.Options{
			Control: i == 0, // `anynet --dir DIR/alice status` works during the demo
			Routers: []daemon.Router{infos[seg]},
		})
		if err != nil {
			return err
		}
		st, err := members[i].Status(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%-8s wallet %s  udp %s  attached to %s\n", name, st.Wallet, st.Underlay, routers[seg].name)
	}
	var readyNames []string
	for _, r := range routers {
		readyNames = append(readyNames, r.name)
	}
	if err := waitReady(ctx, append(rds, members...), append(readyNames, names...)); err != nil {
		return err
	}
	fmt.Fprintf(out, "on chain every member published its node key, endpoint and locator and claimed its name; no static peers\n")
	for i, m := range members[1:] {
		go bot(ctx, names[i+1], m)
	}
	if cfg.UI != nil {
		return cfg.UI(ctx, filepath.Join(dir, names[0]))
	}
	return rounds(ctx, cfg, rds, members)
}

// holdPass makes the router r's wallet (key) hold the network pass of its
// subnet, minted by the chain's deployer as local chains allow, and
// publishes r's endpoint in it. A demo kept in --dir finds its passes
// again and only updates the endpoint.
func holdPass(ctx context.Context, emb *naming.Embedded, key *ecdsa.PrivateKey, r daemon.Router) error {
	c := emb.Client
	var id *big.Int
	pass, err := c.PassFor(ctx, r.Subnet.Addr())
	switch {
	case err == nil && pass.Owner == r.Wallet && int(pass.Len) == r.Subnet.Bits():
		id = pass.ID
	case err == nil || errors.Is(err, naming.ErrNotFound):
		if id, err = c.MintPass(ctx, emb.Chain.DeployerAuth(), r.Wallet, r.Subnet.Addr(), uint8(r.Subnet.Bits())); err != nil {
			return fmt.Errorf("demo: pass for %s: %w", r.Subnet, err)
		}
	default:
		return fmt.Errorf("demo: pass for %s: %w", r.Subnet, err)
	}
	auth := naming.Transactor(key, new(big.Int).SetUint64(emb.Chain.ChainID()))
	if err := c.SetRouters(ctx, auth, id, []string{r.Addr.String()}); err != nil {
		return fmt.Errorf("demo: routers of %s: %w", r.Subnet, err)
	}
	return nil
}

// memberKey loads DIR/wallet.key, creating it on the first run, so a demo
// kept in --dir finds its names still owned by the same wallets.
func memberKey(dir string) (*ecdsa.PrivateKey, error) {
	path := filepath.Join(dir, "wallet.key")
	if b, err := os.ReadFile(path); err == nil {
		return crypto.HexToECDSA(strings.TrimSpace(string(b)))
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	if err := config.WriteAtomic(path, []byte(hex.EncodeToString(crypto.FromECDSA(key))+"\n"), 0o600, false); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return key, nil
}

func waitReady(ctx context.Context, members []*daemon.Daemon, names []string) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	for i, m := range members {
		for {
			ok, last := m.Ready()
			if r, err := m.Routes(ctx); ok && err == nil && (r.Role != "host" || r.Attached) {
				break
			}
			if ok {
				last = fmt.Errorf("not attached to its router yet")
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("demo: %s is not ready yet (last error: %v)", names[i], last)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return nil
}

// bot answers every chat message m receives, allowing its sender.
func bot(ctx context.Context, name string, m *daemon.Daemon) {
	for ev := range watch(ctx, m) {
		if ev.Kind != control.EventMessage && ev.Kind != control.EventRequest {
			continue
		}
		msg := ev.Message
		if msg == nil || msg.From == m.Wallet().Hex() || msg.Group != "" {
			continue // our own message
		}
		if ev.Kind == control.EventRequest {
			m.ChatConsent(ctx, msg.From, control.ConsentAllow)
		}
		from := msg.From[:10]
		if r, err := m.Resolve(ctx, msg.From); err == nil && r.Name != "" {
			from = r.Name
		}
		m.ChatSend(ctx, msg.From, fmt.Sprintf("%s here: got %q from %s", name, msg.Text, from))
	}
}

// watch follows m's events from now on, as GET /v1/events does.
func watch(ctx context.Context, m *daemon.Daemon) <-chan control.Event {
	out := make(chan control.Event, 16)
	go func() {
		defer close(out)
		_, after, _ := m.Events(ctx, ^uint64(0))
		for {
			evs, _, more := m.Events(ctx, after)
			for _, e := range evs {
				after = e.Seq
				select {
				case out <- e:
				case <-ctx.Done():
					return
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-more:
			}
		}
	}()
	return out
}

// rounds: alice pings every member by name and chats with its bot, and
// says which path that took: through a router when its forwarded frames
// grew meanwhile, through both when the member is in the other segment.
func rounds(ctx context.Context, cfg Config, rds []*daemon.Daemon, members []*daemon.Daemon) error {
	alice := members[0]
	replies := watch(ctx, alice)
	for round := 1; cfg.Rounds == 0 || round <= cfg.Rounds; round++ {
		for i := range members[1:] {
			name := names[i+1]
			before := forwarded(rds)
			p, err := alice.Ping(ctx, name, 1)
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				return fmt.Errorf("demo: ping %s: %w", name, err)
			}
			rtt := "lost"
			if len(p.RTTs) > 0 {
				rtt = p.RTTs[0].String()
			}
			text := fmt.Sprintf("hello %s, round %d", name, round)
			sent, err := alice.ChatSend(ctx, name, text)
			if err != nil {
				return fmt.Errorf("demo: chat %s: %w", name, err)
			}
			reply, err := awaitReply(ctx, replies, sent.To)
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				return fmt.Errorf("demo: %s's bot: %w", name, err)
			}
			seg := (i + 1) % len(routers)
			via := path(before, forwarded(rds), 0, seg)
			if ap, ok := directPath(ctx, alice, sent.To); ok && seg == 0 {
				via = fmt.Sprintf("direct to %s (a hole punched through %s)", ap, routers[0].name)
			} else if ok {
				via = fmt.Sprintf("direct to %s (a hole punched across %s → %s)", ap, routers[0].name, routers[seg].name)
			}
			fmt.Fprintf(cfg.Out, "alice → %-13s ping %-10s chat %q [%s] ← %q  %s\n", name+".anynet", rtt, text, sent.Status, reply, via)
		}
		if cfg.Rounds != 0 && round == cfg.Rounds {
			break
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(cfg.Every):
		}
	}
	s := alice.LinkStats()
	fmt.Fprintf(cfg.Out, "alice's link: %d frames sent, %d received, %d handshakes, %d dropped\n",
		s.FramesSent, s.FramesReceived, s.HandshakesStarted, s.DroppedOpen+s.DroppedReplay+s.DroppedMalformed+s.DroppedNoPeer)
	for i, n := range forwarded(rds) {
		fmt.Fprintf(cfg.Out, "router %s: %d frames forwarded\n", routers[i].name, n)
	}
	return nil
}

// forwarded returns each router's forwarded-frame count.
func forwarded(rds []*daemon.Daemon) []uint64 {
	out := make([]uint64, len(rds))
	for i, r := range rds {
		out[i] = r.LinkStats().FramesForwarded
	}
	return out
}

// path says how an exchange between members of segments from and to
// went, from the routers' forwarded counts before and after it: through
// their routers if each grew ("via router r1 (N frames forwarded)", or
// across the segments "via r1 → r2, a tunnel (N frames forwarded)"),
// else "direct".
func path(before, after []uint64, from, to int) string {
	n := after[from] - before[from]
	if to == from {
		if n == 0 {
			return "direct"
		}
		return fmt.Sprintf("via router %s (%d frames forwarded)", routers[from].name, n)
	}
	m := after[to] - before[to]
	if n == 0 || m == 0 {
		return "direct"
	}
	return fmt.Sprintf("via %s → %s, a tunnel (%d frames forwarded)", routers[from].name, routers[to].name, n+m)
}

// replyTimeout bounds the wait for a bot's answer.
const replyTimeout = 30 * time.Second

// directPath says whether alice reaches wallet over a direct path, and
// at which endpoint (GET /v1/routes).
func directPath(ctx context.Context, alice *daemon.Daemon, wallet string) (string, bool) {
	r, err := alice.Routes(ctx)
	if err != nil {
		return "", false
	}
	for _, d := range r.Direct {
		if d.Wallet == wallet {
			return d.Addr, true
		}
	}
	return "", false
}

func awaitReply(ctx context.Context, events <-chan control.Event, from string) (string, error) {
	t := time.NewTimer(replyTimeout)
	defer t.Stop()
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return "", errors.New("event stream closed")
			}
			if (ev.Kind == control.EventMessage || ev.Kind == control.EventRequest) && ev.Message != nil && ev.Message.From == from {
				return ev.Message.Text, nil
			}
		case <-t.C:
			return "", fmt.Errorf("no answer within %s", replyTimeout)
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}
