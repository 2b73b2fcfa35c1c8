package relay

import (
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/service"
)

// ProbeNode is a node of a WatchDog's probe wallet of one epoch
// (ServiceConfig.ProbeNode): a host the service closes after the epoch.
type ProbeNode interface {
	service.Host
	Close() error
}

// probeLead is how long before its epoch a probe identity starts, at
// most (a tenth of the epoch when that is less).
const probeLead = 2 * time.Second

// prober is a probe identity: its node and the service on it.
type prober struct {
	node  ProbeNode
	svc   *Service
	until time.Time // when it closes
}

func (p *prober) close() {
	p.svc.Close()
	p.node.Close()
}

// probeLoop is the long-lived goroutine of a WatchDog with ProbeNode: it
// starts each epoch's probe identity shortly before the epoch and closes
// it once its last probe has timed out.
func (s *Service) probeLoop() {
	defer s.wg.Done()
	running := map[uint64]*prober{}
	defer func() {
		for _, p := range running {
			p.close()
		}
	}()
	lead := min(probeLead, s.cfg.Epoch/10)
	timeout := s.cfg.ProbeTimeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	start := func(e uint64) time.Time { return time.Unix(0, int64(e)*int64(s.cfg.Epoch)) }
	for {
		now := s.cfg.Host.Time()
		cur := s.Epoch(now)
		next := start(cur + 1).Add(-lead)
		for _, e := range []uint64{cur, cur + 1} {
			if running[e] != nil || now.Before(start(e).Add(-lead)) {
				continue
			}
			p, err := s.startProber(e)
			if err != nil {
				s.log.Warn("relay: probe wallet not started", "epoch", e, "err", err)
				next = now.Add(time.Second)
				continue
			}
			p.until = start(e + 1).Add(timeout + time.Second)
			running[e] = p
			s.log.Info("relay: probing from a fresh wallet", "epoch", e, "wallet", p.svc.Addr())
		}
		for e, p := range running {
			if !now.Before(p.until) {
				p.close()
				delete(running, e)
			} else if p.until.Before(next) {
				next = p.until
			}
		}
		select {
		case <-s.ctx.Done():
			return
		case <-time.After(max(next.Sub(now), 10*time.Millisecond)):
		}
	}
}

// startProber draws epoch e's probe wallet, asks for its node and runs
// its probe core there; its results come back to this core (Record).
func (s *Service) startProber(e uint64) (*prober, error) {
	key, err := crypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	node, err := s.cfg.ProbeNode(s.ctx, key)
	if err != nil {
		return nil, err
	}
	c := s.cfg
	svc, err := StartService(ServiceConfig{Host: node, Wallet: pay.NewKeyWallet(key), Roles: RoleWatchDog,
		Store: &service.Memory{}, Epoch: c.Epoch, Grace: c.Grace, Params: c.Params, ReceiptEvery: c.ReceiptEvery,
		Edges: c.Edges, ProbePartner: c.ProbePartner, ProbesPerEpoch: c.ProbesPerEpoch, ProbeTimeout: c.ProbeTimeout,
		Port: c.Port, Logger: s.log.With("probe-epoch", e), probeFor: c.Wallet, probeEpoch: e,
		OnEvent: func(ev any) {
			p, ok := ev.(Probed)
			if !ok {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				if _, err := s.r.Do(s.ctx, Record(p)); err != nil && s.ctx.Err() == nil {
					s.log.Warn("relay: probe result not recorded", "epoch", p.Probe.Epoch, "err", err)
				}
			}()
		}})
	if err != nil {
		node.Close()
		return nil, err
	}
	return &prober{node: node, svc: svc}, nil
}
