package naming

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sync"
)

// DefaultFunding is what Embedded.Fund gives a wallet, and the balance to
// which the served chain's faucet tops a wallet up (Remote.Fund): 10
// ether, enough for thousands of registrations and DID writes on the
// embedded chain. Each call returns a new value the caller may modify.
func DefaultFunding() *big.Int { return new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18)) }

// ParseDeployment reads the Config a chain stored as its deployment.
func ParseDeployment(d json.RawMessage) (Config, error) {
	if len(d) == 0 {
		return Config{}, fmt.Errorf("%w: the chain has no deployment", ErrNoContract)
	}
	var cfg Config
	if err := json.Unmarshal(d, &cfg); err != nil {
		return Config{}, fmt.Errorf("naming: deployment %s: %w", d, err)
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("naming: deployment: %w", err)
	}
	return cfg, nil
}

// watcher runs Client.Watch until stopped.
type watcher struct {
	once   sync.Once
	cancel context.CancelFunc
	done   chan struct{}
}

func (w *watcher) start(c *Client) {
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel, w.done = cancel, make(chan struct{})
	go func() { // long-lived: polls the chain's events until stop
		defer close(w.done)
		if err := c.Watch(ctx); err != nil && !errors.Is(err, context.Canceled) {
			c.log.Warn("naming: watch stopped", "err", err)
		}
	}()
}

func (w *watcher) stop() {
	w.once.Do(func() {
		if w.cancel != nil {
			w.cancel()
			<-w.done
		}
	})
}
