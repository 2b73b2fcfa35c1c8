package daemon

import (
	"context"
	"time"

	"github.com/anynet/anynet/naming"
)

// republish is how often a published node writes its entry again; the
// attributes last naming.DefaultValidity and Publish skips what is still
// valid for more than half of it.
const republish = 24 * time.Hour

// publishLoop publishes the node and claims its name, retrying with
// backoff while that fails and republishing every day once it works.
func (d *Daemon) publishLoop(ctx context.Context) {
	backoff := time.Second
	for {
		err := d.publishOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		d.mu.Lock()
		d.publishErr = err
		if err == nil {
			d.published = true
		}
		d.mu.Unlock()
		wait := republish
		if err != nil {
			args := []any{"err", err, "in", backoff}
			if d.remote != nil {
				args = append(args, "hint", "a wallet on a remote chain needs ether: `anynet --dir <serving node's dir> chain fund "+d.wallet.Hex()+"`")
			}
			d.log.Warn("publish to the DID document failed; retrying", args...)
			wait = backoff
			backoff = min(2*backoff, 30*time.Second)
		} else {
			backoff = time.Second
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

func (d *Daemon) publishOnce(ctx context.Context) error {
	auth := naming.Transactor(d.key, d.chainID)
	auth.Context = ctx
	if err := d.node.Publish(ctx, auth); err != nil {
		return err
	}
	if err := d.chat.Publish(ctx, d.names, auth, d.cfg.MailAt); err != nil {
		return err
	}
	d.log.Info("published node key, binding, underlay endpoint and chat key", "wallet", d.wallet.Hex(), "mail-at", d.cfg.MailAt)
	if d.cfg.Name == "" {
		return nil
	}
	name, err := d.names.ClaimName(ctx, auth, d.cfg.Name)
	if err != nil {
		return err
	}
	d.mu.Lock()
	first := d.name != name
	d.name = name
	d.mu.Unlock()
	if first {
		d.log.Info("name registered", "name", name, "wallet", d.wallet.Hex())
	}
	return nil
}

// Ready reports whether the node's entry and name are on chain, and the
// last error if not.
func (d *Daemon) Ready() (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.published && (d.cfg.Name == "" || d.name != ""), d.publishErr
}
