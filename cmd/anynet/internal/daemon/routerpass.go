package daemon

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/naming"
)

// A router is found from other segments through the network pass of its
// prefix: a router with no route to a locator tunnels the frame to the
// first endpoint the deepest pass holding it publishes (stack/tunnel.go).
// So a router (route-prefix P) whose wallet holds the pass for exactly P
// writes its published underlay endpoint (publish-addr, else the
// listener's, as in its DID document) as that pass's only router, once
// on start; one that does not hold it says in its log that tunnels from
// other segments cannot find it, and runs on.

// PassAnnounced is what announcePass did, for tests and the log.
type PassAnnounced struct {
	Pass     string // pass ID; empty when the wallet holds none for the prefix
	Endpoint string // the endpoint the pass names
	Wrote    bool   // a transaction was sent (else it named it already)
}

// passLoop announces this router in its pass, retrying with backoff
// while the chain fails (an unfunded wallet, the chain not reachable).
func (d *Daemon) passLoop(ctx context.Context) {
	rt := d.node.Routing
	if rt.Role != link.RoleRouter || len(rt.Prefixes) == 0 {
		return
	}
	backoff := time.Second
	for {
		err := d.announcePass(ctx, rt.Prefixes[0])
		if err == nil || ctx.Err() != nil {
			return
		}
		d.log.Warn("publishing this router's endpoint in its network pass failed; retrying", "prefix", rt.Prefixes[0].String(), "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Minute)
	}
}

// announcePass writes this router's endpoint into the pass for exactly
// pfx if the wallet holds it, and logs what it did. A missing pass, or
// one held by another wallet, is logged, not an error.
func (d *Daemon) announcePass(ctx context.Context, pfx locator.Prefix) error {
	endpoint := d.node.PublishAddr
	if !endpoint.IsValid() {
		endpoint = d.node.Self().Addr
	}
	ep := endpoint.String()
	cannot := "routers of other segments cannot find this one to tunnel to it"
	p, err := d.passReader().at(ctx, pfx)
	switch {
	case errors.Is(err, naming.ErrNotFound), errors.Is(err, naming.ErrNoContract):
		d.log.Info("no network pass on chain for this router's prefix: "+cannot,
			"prefix", pfx.String(), "hint", fmt.Sprintf("get one: `anynet pass mint %s --to %s` on the node embedding a local chain, or a subdivided or transferred pass; then restart or `anynet pass routers ID %s`", pfx, d.wallet.Hex(), ep))
		d.setAnnounced(PassAnnounced{})
		return nil
	case err != nil:
		return err
	case int(p.Len) != pfx.Bits():
		d.log.Info("no network pass for exactly this router's prefix, only a wider one: "+cannot+" unless that pass names it",
			"prefix", pfx.String(), "wider", passName(p), "holder", p.Owner.Hex())
		d.setAnnounced(PassAnnounced{})
		return nil
	case p.Owner != d.wallet:
		d.log.Info("the network pass of this router's prefix is held by another wallet: "+cannot+" unless its holder names this endpoint",
			"pass", passName(p), "holder", p.Owner.Hex(), "wallet", d.wallet.Hex(), "endpoint", ep)
		d.setAnnounced(PassAnnounced{})
		return nil
	}
	if slices.Equal(p.Routers, []string{ep}) {
		d.log.Info("network pass already names this router's endpoint", "pass", passName(p), "endpoint", ep)
		d.setAnnounced(PassAnnounced{Pass: p.ID.String(), Endpoint: ep})
		return nil
	}
	auth, err := d.txAuth(ctx)
	if err != nil {
		return err
	}
	if err := d.names.SetRouters(ctx, auth, p.ID, []string{ep}); err != nil {
		return fmt.Errorf("daemon: routers of %s: %w", passName(p), err)
	}
	d.log.Info("published this router's endpoint in its network pass: other segments tunnel to it", "pass", passName(p), "endpoint", ep, "replaced", p.Routers)
	d.setAnnounced(PassAnnounced{Pass: p.ID.String(), Endpoint: ep, Wrote: true})
	return nil
}

// passNote is Routes' word on a router's pass: empty for a host, or
// before the router looked its pass up.
func (d *Daemon) passNote() string {
	a, ok := d.Announced()
	switch {
	case !ok:
		return ""
	case a.Pass == "":
		return "this router holds no network pass for its prefix: routers of other segments cannot find it (see the log)"
	}
	return fmt.Sprintf("network pass %s names this router's endpoint %s: routers of other segments tunnel to it", a.Pass, a.Endpoint)
}

func (d *Daemon) setAnnounced(a PassAnnounced) {
	d.mu.Lock()
	d.announced = &a
	d.mu.Unlock()
}

// Announced returns what the router did with its network pass on start,
// and false until it is done (or for a node that is not a router).
func (d *Daemon) Announced() (PassAnnounced, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.announced == nil {
		return PassAnnounced{}, false
	}
	return *d.announced, true
}
