package stack

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/transport"
)

// Revocation of live sessions. A handshake checks the peer's node key
// on chain (checkOnChain), and so does every rekey, about every two
// minutes. To cut a revoked key sooner, a node with Names checks the
// node keys of its live sessions again every KeyCheckInterval — an
// answer from the client's cache, which the client's Watch clears when
// the peer's DID document changes — and resets the sessions of keys that
// are no longer valid (transport.Sessions.Reset): their packets stop
// opening at once, and the handshake that follows is refused. An
// unreachable chain cuts nothing: only a definite answer does.

// DefaultKeyCheckInterval is Node.KeyCheckInterval's default.
const DefaultKeyCheckInterval = 10 * time.Second

// chainChecker is the goroutine that checks on chain, every
// KeyCheckInterval, the node keys of live sessions (this file) and where
// routers that went down are now (routers_moved.go).
type chainChecker struct {
	names       *naming.Client
	unpublished bool // Node.AdmitUnpublished
	sessions    *transport.Sessions
	ep          *link.Endpoint
	log         *slog.Logger
	ctx         context.Context // ends at stop
	cancel      context.CancelFunc
	wg          sync.WaitGroup
}

// startChainChecker starts the checks for n, or returns nil when n has no
// Names or does not run its own timers (manual: the simulator ticks it).
func startChainChecker(n *Node, sessions *transport.Sessions, ep *link.Endpoint, manual bool, log *slog.Logger) *chainChecker {
	every := n.KeyCheckInterval
	if every == 0 {
		every = DefaultKeyCheckInterval
	}
	if n.Names == nil || every < 0 || manual {
		return nil
	}
	k := &chainChecker{names: n.Names, unpublished: n.AdmitUnpublished, sessions: sessions, ep: ep, log: log}
	k.ctx, k.cancel = context.WithCancel(context.Background())
	k.wg.Add(1)
	go k.loop(every)
	return k
}

func (k *chainChecker) loop(every time.Duration) {
	defer k.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-k.ctx.Done():
			return
		case <-t.C:
			k.checkAll()
			k.findMovedRouters()
		}
	}
}

// checkAll resets the sessions of every established peer whose node key
// the chain no longer lists as valid. It stops at the first answer that
// is not definite (the chain unreachable): the next round tries again.
func (k *chainChecker) checkAll() {
	for _, p := range k.sessions.Peers() {
		key, ok := p.NodeKey()
		if !ok || !p.Established() {
			continue
		}
		err := checkOnChain(k.ctx, k.names, transport.Binding{Wallet: p.Wallet(), NodeKey: key}, k.unpublished)
		switch {
		case errors.Is(err, ErrKeyNotValid):
			k.sessions.Reset(p)
			k.log.Info("session cut: node key no longer valid", "wallet", p.Wallet(), "err", err)
		case err != nil:
			k.log.Debug("key check", "wallet", p.Wallet(), "err", err)
			return
		}
	}
}

// stop ends the checks; nil-safe and idempotent within close.
func (k *chainChecker) stop() {
	if k == nil {
		return
	}
	k.cancel()
	k.wg.Wait()
}
