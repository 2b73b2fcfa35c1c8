package daemon

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/anynet/anynet/apps/content"
	"github.com/anynet/anynet/apps/mq"
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
		prevErr, was := d.publishErr, d.published
		d.publishErr = err
		if err == nil {
			d.published = true
		}
		d.mu.Unlock()
		switch {
		case err == nil && !was:
			d.service("naming", "published", "did:ethr:"+d.wallet.Hex())
		case err != nil && (prevErr == nil || prevErr.Error() != err.Error()):
			d.service("naming", "publish-failed", err.Error())
		}
		wait := republish
		if err != nil {
			args := []any{"err", err, "in", backoff}
			if errors.Is(err, naming.ErrNoFaucet) {
				args = append(args, "hint", "this chain has no anynet faucet: send the wallet ether on it, or, for a chain another anynet process serves, `anynet --dir <serving node's dir> chain fund "+d.wallet.Hex()+"`")
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
	if err := d.ensureFunds(ctx); err != nil {
		return err
	}
	auth := naming.Transactor(d.key, d.chainID)
	auth.Context = ctx
	if err := d.node.Publish(ctx, auth); err != nil {
		return err
	}
	if err := d.chat.Publish(ctx, d.names, auth, d.cfg.MailAt); err != nil {
		return err
	}
	if d.pay != nil {
		if err := d.pay.svc.Publish(ctx, d.names, auth); err != nil {
			return err
		}
	}
	if err := d.publishExit(ctx, auth); err != nil { // vpn.go
		return err
	}
	if err := d.mail.Publish(ctx, d.names, auth, d.cfg.MailAt); err != nil {
		return err
	}
	if _, err := mq.Publish(ctx, d.names, auth, d.wallet); err != nil {
		return err
	}
	if _, err := content.Publish(ctx, d.names, auth, d.wallet); err != nil {
		return err
	}
	if d.relay != nil {
		if err := d.relay.svc.Publish(ctx, d.names, auth); err != nil {
			return err
		}
	}
	d.log.Info("published node key, binding, underlay endpoint, chat and mail keys, queues and content entries", "wallet", d.wallet.Hex(), "mail-at", d.cfg.MailAt)
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
		d.service("naming", "name", name)
		d.log.Info("name registered", "name", name, "wallet", d.wallet.Hex())
	}
	return nil
}

// ensureFunds tops the wallet up from the faucet of a remote chain served
// by another anynet process (naming.Remote.Fund) when it holds less than
// half of naming.DefaultFunding. Only an empty wallet makes a failure
// fatal to publishing; a chain without a faucet (naming.ErrNoFaucet, which
// publishLoop explains) is not asked again.
func (d *Daemon) ensureFunds(ctx context.Context) error {
	if d.remote == nil {
		return nil
	}
	bal, err := d.remote.RPC.BalanceAt(ctx, d.wallet, nil)
	if err != nil {
		return fmt.Errorf("daemon: balance of %s: %w", d.wallet.Hex(), err)
	}
	if bal.Cmp(new(big.Int).Rsh(naming.DefaultFunding(), 1)) >= 0 {
		return nil
	}
	ferr := error(naming.ErrNoFaucet)
	if !d.noFaucet {
		ferr = d.remote.Fund(ctx, d.wallet)
	}
	switch {
	case ferr == nil:
		d.log.Info("wallet funded by the chain's faucet", "wallet", d.wallet.Hex(), "chain", d.cfg.Chain)
		return nil
	case errors.Is(ferr, naming.ErrNoFaucet):
		if !d.noFaucet {
			d.noFaucet = true
			d.log.Debug("the chain has no anynet faucet", "chain", d.cfg.Chain, "err", ferr)
		}
	case bal.Sign() > 0:
		d.log.Warn("the chain's faucet did not top the wallet up; going on with what it holds", "wallet", d.wallet.Hex(), "err", ferr)
	}
	if bal.Sign() > 0 {
		return nil
	}
	return fmt.Errorf("daemon: wallet %s holds no ether on %s: %w", d.wallet.Hex(), d.cfg.Chain, ferr)
}

// Ready reports whether the node's entry and name are on chain, and the
// last error if not.
func (d *Daemon) Ready() (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.published && (d.cfg.Name == "" || d.name != ""), d.publishErr
}
