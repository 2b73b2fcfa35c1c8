//go:build !nochain

package daemon

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/crypto"
)

// launch starts a daemon on the test's embedded chain emb with its data
// in dir/name, listening on loopback, and closes it when the test ends.
// o.Config's other keys are kept; a nil o.Key is a fresh wallet. It
// does not wait for the node's entry on chain (startNode does).
func launch(t *testing.T, emb *naming.Embedded, dir, name string, o Options) (*Daemon, error) {
	t.Helper()
	if o.Key == nil {
		o.Key, _ = crypto.GenerateKey()
	}
	o.Embedded = emb
	o.Config.Dir = filepath.Join(dir, name)
	o.Config.Listen, o.Config.Chain = "127.0.0.1:0", "embedded"
	if err := os.MkdirAll(o.Config.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	d, err := Start(context.Background(), o)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { d.Close() })
	return d, nil
}

// startNode launches a daemon (failing the test if it does not start)
// and waits until its entry and name are on chain.
func startNode(t *testing.T, emb *naming.Embedded, dir, name string, o Options) *Daemon {
	t.Helper()
	d, err := launch(t, emb, dir, name, o)
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	waitReady(t, d)
	return d
}

// waitReady waits (a minute at most) until d's entry and name are on chain.
func waitReady(t *testing.T, d *Daemon) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		ok, last := d.Ready()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not on chain: %v", filepath.Base(d.cfg.Dir), last)
		}
	}
}
