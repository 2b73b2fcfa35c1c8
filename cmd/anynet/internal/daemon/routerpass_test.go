//go:build !nochain

package daemon

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"log/slog"
	"math/big"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/internal/testwait"
	"github.com/anynet/anynet/link/locator"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// syncBuffer is a log sink the daemons' goroutines write concurrently.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRouterPass: two router daemons (route-prefix) in two segments. r2's
// wallet holds the pass for exactly its prefix before it starts and
// writes its endpoint there by itself; r1 holds none, logs that other
// segments cannot find it, and runs on; once given its pass, it names its
// endpoint there as `anynet pass routers` does (PassRouters). alice
// (attached to r1) then pings bob (attached to r2) by name: neither
// router has a route to the other's segment, so each tunnels to the
// endpoint the other's pass names.
func TestRouterPass(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and four nodes")
	}
	ctx := context.Background()
	emb, dir := testChain(t)
	logs := map[string]*syncBuffer{}
	start := func(name string, key *ecdsa.PrivateKey, c config.Config) *Daemon {
		t.Helper()
		logs[name] = &syncBuffer{}
		d, err := launch(t, emb, dir, name, Options{Config: c, Key: key, Logger: slog.New(slog.NewTextHandler(logs[name], nil))})
		if err != nil {
			t.Fatalf("start %s: %v", name, err)
		}
		return d
	}
	announced := func(d *Daemon) PassAnnounced {
		var a PassAnnounced
		testwait.Within(t, time.Minute, "the router's pass announcement", func() bool {
			var ok bool
			a, ok = d.Announced()
			return ok
		})
		return a
	}
	mint := func(to common.Address, s string) *big.Int {
		t.Helper()
		p, err := locator.ParsePrefix(s)
		if err != nil {
			t.Fatal(err)
		}
		id, err := emb.Client.MintPass(ctx, emb.Chain.DeployerAuth(), to, p.Addr(), uint8(p.Bits()))
		if err != nil {
			t.Fatal(err)
		}
		return id
	}

	// r2's wallet gets the pass of 2b.1/128 (minted by the chain's
	// deployer) before r2 starts.
	r2key, _ := crypto.GenerateKey()
	id2 := mint(crypto.PubkeyToAddress(r2key.PublicKey), "2b.1/128")

	r1 := start("r1", nil, config.Config{RoutePrefix: "2a.1/128"})
	if a := announced(r1); a.Pass != "" {
		t.Errorf("r1 holds no pass but announced %+v", a)
	}
	if rr, _ := r1.Routes(ctx); !strings.Contains(rr.Pass, "holds no network pass") {
		t.Errorf("r1's routes say of its pass: %q", rr.Pass)
	}
	if l := logs["r1"].String(); !strings.Contains(l, "routers of other segments cannot find this one") || !strings.Contains(l, "anynet pass mint 2a.1/128") {
		t.Errorf("r1's log does not say it cannot be found:\n%s", l)
	}

	r2 := start("r2", r2key, config.Config{RoutePrefix: "2b.1/128"})
	info2, _ := r2.RouterInfo()
	a := announced(r2)
	if a.Pass != id2.String() || !a.Wrote || a.Endpoint != info2.Addr.String() {
		t.Fatalf("r2 announced %+v, want pass %s with endpoint %s", a, id2, info2.Addr)
	}
	pass, err := emb.Client.Pass(ctx, id2)
	if err != nil || !slices.Equal(pass.Routers, []string{info2.Addr.String()}) {
		t.Fatalf("pass %s routers = %v, %v; want [%s]", id2, pass.Routers, err, info2.Addr)
	}
	if !strings.Contains(logs["r2"].String(), "published this router's endpoint in its network pass") {
		t.Errorf("r2's log:\n%s", logs["r2"])
	}

	// A write the contract refuses (r1 does not hold r2's pass), sent
	// without the daemon's checks, maps to ErrRefused with its reason.
	if _, err := r1.names.Subdivide(ctx, r1.auth(ctx), id2, locator.MustPrefix(info2.Subnet.Addr(), 200).Addr(), 200); !errors.Is(passErr(err), control.ErrRefused) || !strings.Contains(passErr(err).Error(), "does not hold the pass") {
		t.Errorf("revert of a subdivide by a stranger maps to %v", passErr(err))
	}

	// r1 gets its pass while running and names its endpoint by hand.
	info1, _ := r1.RouterInfo()
	id1 := mint(info1.Wallet, "2a.1/128")
	if v, err := r1.PassRouters(ctx, id1.String(), []string{info1.Addr.String()}); err != nil || !slices.Equal(v.Routers, []string{info1.Addr.String()}) {
		t.Fatalf("r1 PassRouters = %+v, %v", v, err)
	}

	alice := start("alice", nil, config.Config{Name: "alice", Routers: []string{info1.Wallet.Hex() + "@" + info1.Addr.String()}})
	bob := start("bob", nil, config.Config{Name: "bob", Routers: []string{info2.Wallet.Hex() + "@" + info2.Addr.String()}})
	for _, d := range []*Daemon{alice, bob} {
		testwait.Within(t, time.Minute, "publish", func() bool { ok, _ := d.Ready(); return ok })
		testwait.Within(t, time.Minute, "attachment", d.Attached)
	}
	p, err := alice.Ping(ctx, "bob", 2)
	if err != nil || len(p.RTTs) == 0 {
		t.Fatalf("alice pings bob across segments = %+v, %v", p, err)
	}
	for name, r := range map[string]*Daemon{"r1": r1, "r2": r2} {
		if n := r.LinkStats().FramesForwarded; n == 0 {
			t.Errorf("%s forwarded no frame: the ping did not cross the segments", name)
		}
	}
}
