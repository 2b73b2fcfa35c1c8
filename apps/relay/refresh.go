package relay

import (
	"context"
	"errors"
	"time"
)

// Settings that change while a node runs: the RelayCredits contract and
// the fee (ServiceConfig.Refresh, read at every epoch's start), and the
// commits a Guardian could not put on chain, tried again with a
// doubling backoff (ServiceConfig.CommitRetry) until they land, the
// chain holds another root for the epoch (ErrMismatch), or the service
// closes; what is left at a close is tried at the next start.

// Refreshed is what ServiceConfig.Refresh read. A nil Contract keeps the
// one the service has; the fee applies when HasFee.
type Refreshed struct {
	Contract *Contract
	FeeBps   uint64
	HasFee   bool
}

// setFee is the runner command that changes the fee the core scores
// with and the observer estimates and publishes with.
type setFee struct{ bps uint64 }

func (s *Service) contractNow() *Contract {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.contract
}

// params are the rules in force: cfg.Params with the current fee.
func (s *Service) params() Params {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.cfg.Params
	p.FeeBps = s.feeBps
	return p
}

// Refresh reads the contract and the fee with ServiceConfig.Refresh now
// (the daemon calls it when the Guardian's DID document changed); it
// returns what is in force after.
func (s *Service) Refresh(ctx context.Context) (Refreshed, error) {
	if s.cfg.Refresh == nil {
		return Refreshed{Contract: s.contractNow(), FeeBps: s.params().FeeBps, HasFee: true}, nil
	}
	r, err := s.cfg.Refresh(ctx)
	if err != nil {
		return Refreshed{Contract: s.contractNow(), FeeBps: s.params().FeeBps, HasFee: true}, err
	}
	s.mu.Lock()
	contractChanged := r.Contract != nil && (s.contract == nil || s.contract.Address != r.Contract.Address)
	if contractChanged {
		s.contract = r.Contract
	}
	feeChanged := r.HasFee && r.FeeBps != s.feeBps
	if feeChanged {
		s.feeBps = r.FeeBps
	}
	now := Refreshed{Contract: s.contract, FeeBps: s.feeBps, HasFee: true}
	s.mu.Unlock()
	if contractChanged {
		s.log.Info("relay: contract", "address", r.Contract.Address)
	}
	if feeChanged {
		if _, err := s.r.Do(ctx, setFee{r.FeeBps}); err != nil {
			return now, err
		}
		s.log.Info("relay: fee", "bps", r.FeeBps)
	}
	return now, nil
}

// refreshLoop is the long-lived goroutine that calls Refresh at the
// start of every epoch.
func (s *Service) refreshLoop() {
	defer s.wg.Done()
	for {
		now := s.cfg.Host.Time()
		next := time.Unix(0, (now.UnixNano()/int64(s.cfg.Epoch)+1)*int64(s.cfg.Epoch))
		t := time.NewTimer(next.Sub(now))
		select {
		case <-s.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(s.ctx, time.Minute)
		if _, err := s.Refresh(ctx); err != nil && s.ctx.Err() == nil {
			s.log.Warn("relay: refresh", "err", err)
		}
		cancel()
	}
}

// commitRetried commits epoch in the background, and tries again after
// CommitRetry, doubling up to CommitRetryMax, while it fails for a
// reason that may pass (not ErrMismatch, not ErrNotPublished).
func (s *Service) commitRetried(epoch uint64) {
	wait, most := s.cfg.CommitRetry, s.cfg.CommitRetryMax
	if wait <= 0 {
		wait = 2 * time.Second
	}
	if most <= 0 {
		most = 5 * time.Minute
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			ctx, cancel := context.WithTimeout(s.ctx, 2*time.Minute)
			err := s.commit(ctx, epoch)
			cancel()
			if err == nil || errors.Is(err, ErrMismatch) || errors.Is(err, ErrNotPublished) || s.ctx.Err() != nil {
				return
			}
			t := time.NewTimer(wait)
			select {
			case <-s.ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			wait = min(2*wait, most)
		}
	}()
}
