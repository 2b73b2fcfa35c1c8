package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/crypto"
)

// hsChainID is the chain the handshake figures' bindings name.
const hsChainID = 1337

// newSessions returns the sessions of a fresh node: new wallet, new node
// key, a binding valid for a day. cacheSize is Config.BindingCache.
func newSessions(cacheSize int) (*transport.Sessions, transport.Binding, error) {
	wk, err := crypto.GenerateKey()
	if err != nil {
		return nil, transport.Binding{}, err
	}
	key, err := transport.GenerateNodeKey(rand.Reader)
	if err != nil {
		return nil, transport.Binding{}, err
	}
	b, err := transport.SignBinding(transport.NewKeySigner(wk), key.Public, hsChainID, time.Now().Add(24*time.Hour))
	if err != nil {
		return nil, transport.Binding{}, err
	}
	s, err := transport.New(transport.Config{
		Key:          key,
		Binding:      b,
		BindingCache: cacheSize,
		// The figure measures the handshake, not the flood defence: keep
		// the responder out of cookie mode.
		Timers: transport.Timers{LoadThreshold: 1 << 62},
	})
	return s, b, err
}

// handshakeRate runs complete IK handshakes between two nodes for d and
// returns handshakes per second. One handshake is initiation, response
// and completion, both ends' work, on one goroutine.
func handshakeRate(ctx context.Context, d time.Duration, cacheSize int) (float64, int, error) {
	a, ba, err := newSessions(cacheSize)
	if err != nil {
		return 0, 0, err
	}
	b, bb, err := newSessions(cacheSize)
	if err != nil {
		return 0, 0, err
	}
	pb := a.Peer(bb.Wallet, &bb.NodeKey)
	b.Peer(ba.Wallet, &ba.NodeKey)
	srcA, srcB := []byte("127.0.0.1:1001"), []byte("127.0.0.1:1002")

	one := func() error {
		init, err := a.Initiate(pb)
		if err != nil {
			return fmt.Errorf("initiate: %w", err)
		}
		res, err := b.Receive(nil, init, srcA)
		if err != nil {
			return fmt.Errorf("responder: %w", err)
		}
		if res.Kind != transport.KindHandshake || len(res.Replies) != 1 {
			return fmt.Errorf("responder: got kind %d with %d replies, want one handshake reply", res.Kind, len(res.Replies))
		}
		res, err = a.Receive(nil, res.Replies[0], srcB)
		if err != nil {
			return fmt.Errorf("initiator: %w", err)
		}
		if !res.Established {
			return fmt.Errorf("initiator: handshake did not establish a session")
		}
		return nil
	}
	if err := one(); err != nil { // warm up (and fill the cache)
		return 0, 0, err
	}
	n := 0
	start := time.Now()
	for time.Since(start) < d && ctx.Err() == nil {
		if err := one(); err != nil {
			return 0, n, err
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), n, ctx.Err()
}

// runHandshakes measures transport-level IK handshakes per second with full
// binding verification (cache off: every handshake runs ecrecover on both
// ends) and with the verified binding cached. cfg.hsWorkers pairs of nodes
// handshake in parallel; the figure is their sum.
func runHandshakes(ctx context.Context, cfg *config) ([]Result, error) {
	var out []Result
	for _, c := range []struct {
		name  string
		cache int
	}{
		{"anynet-verify", -1},
		{"anynet-cached", 0},
	} {
		type done struct {
			rate float64
			n    int
			err  error
		}
		ch := make(chan done, cfg.hsWorkers)
		for range cfg.hsWorkers {
			go func() {
				rate, n, err := handshakeRate(ctx, cfg.hsDuration, c.cache)
				ch <- done{rate, n, err}
			}()
		}
		var sum float64
		var total int
		var errs []error
		for range cfg.hsWorkers {
			d := <-ch
			sum, total, errs = sum+d.rate, total+d.n, append(errs, d.err)
		}
		if err := errors.Join(errs...); err != nil {
			return out, fmt.Errorf("%s: %w", c.name, err)
		}
		out = append(out, Result{
			Kind:  "handshakes",
			Name:  c.name,
			Value: sum,
			Unit:  "/s",
			Note: fmt.Sprintf("%d IK handshakes in %v by %d node pairs in parallel, both ends' work counted",
				total, cfg.hsDuration, cfg.hsWorkers),
		})
	}
	return out, nil
}
