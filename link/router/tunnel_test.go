package router

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
)

// tunnelAnswers is a TunnelFinder whose answer the test changes, and
// which counts the lookups.
type tunnelAnswers struct {
	mu    sync.Mutex
	tun   Tunnel
	err   error
	asked int
}

func (a *tunnelAnswers) FindTunnel(context.Context, locator.Locator) (Tunnel, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked++
	return a.tun, a.err
}

func (a *tunnelAnswers) set(tun Tunnel, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tun, a.err = tun, err
}

func (a *tunnelAnswers) lookups() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.asked
}

// TestTunnelRefresh: a tunnel in use is asked for again once it is older
// than Config.TunnelRefresh, while frames keep going to the address it
// has. A new address replaces the old one, a failure to ask keeps it,
// and an answer that the segment has no router drops it.
func TestTunnelRefresh(t *testing.T) {
	const refresh = time.Second
	segB := locator.MustPrefix(locator.Locator{0: 0x2b, 15: 1}, 128)
	routerA, routerB := netip.MustParseAddrPort("192.0.2.1:7000"), netip.MustParseAddrPort("192.0.2.2:7000")
	answers := &tunnelAnswers{tun: Tunnel{Prefix: segB, Router: routerA}}
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	u := &sinkUnderlay{}
	tr := newTestRouterOn(t, u, func(c *link.Config) { c.Now = clock.now }, Config{Tunnels: answers, TunnelRefresh: refresh})
	e := tr.ep
	dst, src := link.Locator{0: 0x2b, 15: 1, 20: 7}, link.Locator{0: 0x2a, 15: 1, 20: 9}
	from := netip.MustParseAddrPort("127.0.0.1:3")
	// send forwards one transport frame for dst and waits until the
	// router has sent it somewhere; it returns where.
	send := func() netip.AddrPort {
		t.Helper()
		u.mu.Lock()
		before := len(u.sent)
		u.mu.Unlock()
		f := link.AppendHeader(nil, &link.Header{Type: link.FrameTransport, HopLimit: 8, Dst: &dst, Src: &src})
		tr.in.deliver(append(f, 4, 0, 0, 0), from)
		for range 500 {
			u.mu.Lock()
			if len(u.sent) > before {
				to := u.to[before]
				u.mu.Unlock()
				return to
			}
			u.mu.Unlock()
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatal("the router sent nothing for the frame")
		return netip.AddrPort{}
	}
	// tunnels waits until the router's tunnels are want.
	tunnels := func(want ...Tunnel) {
		t.Helper()
		for range 500 {
			if got := tr.r.Tunnels(); slices.Equal(got, want) {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("tunnels %v, want %v", tr.r.Tunnels(), want)
	}

	if to := send(); to != routerA {
		t.Fatalf("first frame went to %s, want %s", to, routerA)
	}
	answers.set(Tunnel{Prefix: segB, Router: routerB}, nil)
	clock.advance(refresh / 2)
	if to := send(); to != routerA || answers.lookups() != 1 {
		t.Fatalf("a young tunnel: frame to %s after %d lookups, want %s after 1", to, answers.lookups(), routerA)
	}

	// Old enough: the frame still goes to A while the refresh runs,
	// and the next ones go to B.
	clock.advance(refresh)
	if to := send(); to != routerA {
		t.Fatalf("frame during the refresh went to %s, want %s", to, routerA)
	}
	tunnels(Tunnel{Prefix: segB, Router: routerB})
	if to := send(); to != routerB {
		t.Fatalf("frame after the refresh went to %s, want %s", to, routerB)
	}

	// The chain is unreachable: the tunnel stays.
	answers.set(Tunnel{}, errors.New("chain unreachable"))
	clock.advance(2 * refresh)
	n := answers.lookups()
	send()
	for answers.lookups() == n {
		time.Sleep(10 * time.Millisecond)
	}
	if to := send(); to != routerB {
		t.Fatalf("after a failed refresh the frame went to %s, want %s", to, routerB)
	}
	tunnels(Tunnel{Prefix: segB, Router: routerB})

	// The segment has no router any more: the tunnel goes, and frames
	// for it are answered unreachable rather than sent to B.
	// The failed refresh above may still be finishing (its lookup was
	// counted before it returned), and one in flight starts no other:
	// frames keep coming until one starts the refresh that drops it.
	answers.set(Tunnel{}, ErrNoTunnel)
	clock.advance(tunnelNegativeTTL + refresh)
	for i := 0; i < 500 && len(tr.r.Tunnels()) > 0; i++ {
		send()
		time.Sleep(10 * time.Millisecond)
	}
	tunnels()
	if to := send(); to == routerB {
		t.Fatalf("a frame went to %s after its segment lost its router", to)
	}
	if st := e.Stats(); st.DroppedNoRoute == 0 {
		t.Errorf("no frame counted as no-route: %+v", st)
	}
}
