package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/apps/vpn"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

var _ control.VPNBackend = (*Daemon)(nil)

// vpnState is the node's exit and proxy (config keys exit…, proxy…).
type vpnState struct {
	exit   *vpn.Exit
	store  service.Store
	advert vpn.Advert
	client *vpn.Client
	proxy  *vpn.Proxy
	addr   string
	done   chan struct{} // closed when the proxy's Serve returned

	mu        sync.Mutex // guards published and pubErr
	published bool
	pubErr    error
}

// startVPN starts the exit role and the proxy the configuration asks
// for.
func (d *Daemon) startVPN(ctx context.Context) error {
	cfg := d.cfg
	d.vpn = &vpnState{}
	if cfg.Exit {
		p := vpn.Policy{}
		for _, s := range cfg.ExitAllow {
			p.Allow = append(p.Allow, netip.MustParsePrefix(s)) // Validate checked it
		}
		if cfg.ExitPorts != "" {
			ports, err := vpn.ParsePorts(cfg.ExitPorts)
			if err != nil {
				return fmt.Errorf("daemon: exit ports: %w", err)
			}
			p.Ports = ports
		}
		for _, w := range cfg.ExitWallets {
			if common.IsHexAddress(w) {
				p.Wallets = append(p.Wallets, common.HexToAddress(w))
				continue
			}
			a, err := d.node.Lookup(ctx, w)
			if err != nil {
				return fmt.Errorf("daemon: exit-wallets %s: %w", w, err)
			}
			p.Wallets = append(p.Wallets, a)
		}
		if cfg.ExitBytes != "" {
			size, window, _ := strings.Cut(cfg.ExitBytes, "/") // Validate checked it
			n, err := vpn.ParseSize(size)
			if err != nil {
				return fmt.Errorf("daemon: exit-bytes: %w", err)
			}
			p.Limits.Bytes = int64(n)
			p.Limits.Window, _ = time.ParseDuration(window)
		}
		p.Limits.SessionsPerSecond, p.Limits.Burst = cfg.ExitRate, cfg.ExitRateBurst
		st, err := service.OpenPebble(filepath.Join(cfg.Dir, "vpn"))
		if err != nil {
			return fmt.Errorf("daemon: exit store: %w", err)
		}
		d.vpn.store = st
		rate, err := exitRate(cfg.ExitPrice, cfg.ExitCredit)
		if err != nil {
			return err
		}
		ec := vpn.ExitConfig{Host: d.node, Policy: p, Store: st, Signer: pay.NewKeyWallet(d.key), Logger: d.log.With("svc", "vpn")}
		if !rate.Free() {
			if d.pay == nil {
				return fmt.Errorf("%w: exit-price %s: a priced exit is paid on payment channels, and payments are off on this node (see the log)", control.ErrUnsupported, cfg.ExitPrice)
			}
			t := rate.Tally()
			d.exitCharge.Store(t)
			ec.Charge = t
		}
		if d.vpn.exit, err = vpn.StartExit(ec); err != nil {
			return fmt.Errorf("daemon: exit: %w", err)
		}
		d.vpn.advert = vpn.Advert{Region: cfg.ExitRegion, Rate: rate, Policy: p.Summary()}
		d.service("vpn", "exit", d.vpn.advert.String())
	}
	if cfg.Proxy != "" {
		if d.vpn.store == nil {
			st, err := service.OpenPebble(filepath.Join(cfg.Dir, "vpn"))
			if err != nil {
				return fmt.Errorf("daemon: proxy store: %w", err)
			}
			d.vpn.store = st
		}
		// The proxy signs its own record of every session, next to the
		// exit's records in the same store (other keys).
		c := &vpn.Client{Host: d.node, Exits: cfg.ProxyExits, Signer: pay.NewKeyWallet(d.key), Records: d.vpn.store, Logger: d.log.With("svc", "vpn")}
		for _, r := range cfg.ProxyRules {
			domain, exit, _ := strings.Cut(r, "=") // Validate checked it
			c.Rules = append(c.Rules, vpn.Rule{Domain: domain, Exit: exit})
		}
		var most vpn.Rate // what the proxy pays at most; free: nothing
		if cfg.ProxyMaxPrice != "" {
			if d.pay == nil {
				return fmt.Errorf("%w: proxy-max-price %s: the proxy pays on payment channels, and payments are off on this node (see the log)", control.ErrUnsupported, cfg.ProxyMaxPrice)
			}
			var err error
			if most, err = vpn.ParsePrice(cfg.ProxyMaxPrice); err != nil {
				return fmt.Errorf("daemon: proxy-max-price: %w", err)
			}
			c.Pay = &vpn.Payment{Payer: d.pay.svc, Max: most}
		}
		if len(cfg.ProxyExits) == 1 && cfg.ProxyExits[0] == "auto" {
			found, err := vpn.Find(ctx, d.names)
			if err != nil {
				return fmt.Errorf("daemon: proxy: find exits: %w", err)
			}
			c.Exits = nil
			for _, f := range found {
				switch {
				case f.Wallet == d.wallet:
				case f.Advert.Rate.Exceeds(most):
					d.log.Info("proxy: exit left out: its price is over proxy-max-price", "exit", f.Wallet, "price", f.Advert.Rate, "max", cfg.ProxyMaxPrice)
				default:
					c.Exits = append(c.Exits, f.Wallet.Hex())
				}
			}
			c.Rank(ctx)
		}
		ln, err := net.Listen("tcp", cfg.Proxy)
		if err != nil {
			return fmt.Errorf("daemon: proxy on %s: %w", cfg.Proxy, err)
		}
		d.vpn.client, d.vpn.proxy, d.vpn.addr = c, &vpn.Proxy{Client: c, Logger: d.log.With("svc", "vpn")}, ln.Addr().String()
		d.vpn.done = make(chan struct{})
		go func() {
			defer close(d.vpn.done)
			d.vpn.proxy.Serve(ln)
		}()
		if len(cfg.ProxyExits) == 1 && cfg.ProxyExits[0] == "auto" {
			go d.rerank(c)
		}
		d.service("vpn", "proxy", d.vpn.addr)
		d.log.Info("SOCKS5 and HTTP proxy up", "addr", d.vpn.addr, "exits", c.Exits)
	}
	return nil
}

// rerankEvery is how often an "auto" proxy ranks its exits again, by
// their round trip and the throughput its sessions observed.
const rerankEvery = 5 * time.Minute

// rerank ranks c's exits every rerankEvery until the proxy stops.
func (d *Daemon) rerank(c *vpn.Client) {
	t := time.NewTicker(rerankEvery)
	defer t.Stop()
	for {
		select {
		case <-d.vpn.done:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			go func() { // the proxy stopping ends the probes
				select {
				case <-d.vpn.done:
					cancel()
				case <-ctx.Done():
				}
			}()
			ms := c.Rank(ctx)
			cancel()
			d.log.Debug("proxy: exits ranked", "exits", ms)
		}
	}
}

// publishExit writes the exit's advert into the DID document.
func (d *Daemon) publishExit(ctx context.Context, auth *bind.TransactOpts) error {
	if d.vpn == nil || d.vpn.exit == nil {
		return nil
	}
	err := d.vpn.advert.Publish(ctx, d.names, auth)
	d.vpn.mu.Lock()
	d.vpn.published, d.vpn.pubErr = err == nil, err
	d.vpn.mu.Unlock()
	return err
}

// stopVPN stops the proxy and the exit.
func (d *Daemon) stopVPN() {
	if d.vpn == nil {
		return
	}
	if d.vpn.proxy != nil {
		d.vpn.proxy.Close()
		<-d.vpn.done
	}
	if d.vpn.exit != nil {
		d.vpn.exit.Close()
	}
	if d.vpn.store != nil {
		d.vpn.store.Close()
	}
}

// VPNStatus implements control.VPNBackend.
func (d *Daemon) VPNStatus(context.Context) (control.VPNStatus, error) {
	var s control.VPNStatus
	if d.vpn == nil {
		return s, nil
	}
	if e := d.vpn.exit; e != nil {
		st := e.Stats()
		d.vpn.mu.Lock()
		s.Exit = &control.VPNExitStatus{Advert: d.vpn.advert.String(), Published: d.vpn.published,
			Sessions: st.Sessions, Refused: st.Refused, Up: st.Up, Down: st.Down}
		if d.vpn.pubErr != nil {
			s.Exit.PublishError = d.vpn.pubErr.Error()
		}
		d.vpn.mu.Unlock()
	}
	if c := d.vpn.client; c != nil {
		st := c.Stats()
		s.Proxy = &control.VPNProxyStatus{Addr: d.vpn.addr, Exits: c.ExitList(), InUse: st.Exit,
			Sessions: st.Sessions, Failovers: st.Failovers, Up: st.Up, Down: st.Down}
	}
	return s, nil
}

// VPNExits implements control.VPNBackend.
func (d *Daemon) VPNExits(ctx context.Context) ([]control.VPNExit, error) {
	if d.names == nil {
		return nil, errors.New("daemon: no chain")
	}
	found, err := vpn.Find(ctx, d.names)
	if err != nil {
		return nil, err
	}
	out := []control.VPNExit{}
	for _, f := range found {
		out = append(out, control.VPNExit{Wallet: f.Wallet.Hex(), Region: f.Advert.Region, Price: f.Advert.Rate.String(), Policy: f.Advert.Policy})
	}
	return out, nil
}

// exitRate is the rate of exit-price and exit-credit: credit rounded
// up to whole units, 1 MiB by default, at least two units (so a client
// paying every half of it pays at least a unit at a time).
func exitRate(price, credit string) (vpn.Rate, error) {
	r, err := vpn.ParsePrice(price)
	if err != nil || r.Free() {
		return r, err
	}
	c := uint64(1 << 20)
	if credit != "" {
		if c, err = vpn.ParseSize(credit); err != nil {
			return r, fmt.Errorf("daemon: exit-credit: %w", err)
		}
	}
	r.Credit = max((c+r.Unit-1)/r.Unit, 2)
	return r, nil
}
