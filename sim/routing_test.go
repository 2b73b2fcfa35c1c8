package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/link/locator"
)

// hasPrefix reports whether router n's table holds a route for p.
func hasPrefix(n *node, p locator.Prefix) bool {
	for _, r := range n.st.Routes() {
		if r.Prefix == p {
			return true
		}
	}
	return false
}

// TestRoutedTree runs routed-tree.yaml: 100 nodes, a router in each of 7
// segments. Every transfer and message completes through the routers,
// which forwarded frames, and no host sent a frame to anyone but its own
// router. The crashed router's routes are withdrawn by every other
// router while it is down (8 s from 10 s, hold 3 s), and are back after
// it restarted.
func TestRoutedTree(t *testing.T) {
	var victim *node
	var sawWithdrawn, sawBack bool
	_, res := runFile(t, "scenarios/routed-tree.yaml", Options{}, func(s *Sim, p Progress) {
		routers := s.nodes[:s.rt.segs]
		switch {
		case p.Virtual >= 16*time.Second && p.Virtual < 17*time.Second && !sawWithdrawn:
			for _, r := range routers {
				if r.down {
					victim = r
				}
			}
			if victim == nil {
				t.Errorf("no router down at %s", p.Virtual)
				return
			}
			for _, r := range routers {
				if r != victim && hasPrefix(r, s.rt.prefix[victim.id]) {
					t.Errorf("at %s router %d still routes to crashed router %d's segment", p.Virtual, r.id, victim.id)
				}
			}
			sawWithdrawn = true
		case p.Virtual >= 40*time.Second && !sawBack && victim != nil:
			for _, r := range routers {
				for seg := range s.rt.segs {
					if !hasPrefix(r, s.rt.prefix[seg]) {
						t.Errorf("at %s router %d has no route to segment %d", p.Virtual, r.id, seg)
					}
				}
			}
			sawBack = true
		}
	})
	st := res.Stats
	if !sawWithdrawn || !sawBack {
		t.Fatalf("the observer did not run: withdrawn %v, back %v", sawWithdrawn, sawBack)
	}
	if st.Crashes != 1 || len(st.Routers) != 7 {
		t.Fatalf("crashes %d, routers %d", st.Crashes, len(st.Routers))
	}
	if st.TransfersDone != st.Transfers || st.Transfers != 60 || st.IMDelivered != st.IMAccepted || st.IMAccepted == 0 {
		t.Fatalf("transfers %d/%d, im %d/%d", st.TransfersDone, st.Transfers, st.IMDelivered, st.IMAccepted)
	}
	if st.HostDirect != 0 {
		t.Errorf("hosts sent %d frames to other nodes than their router", st.HostDirect)
	}
	for _, r := range st.Routers {
		if r.Forwarded == 0 {
			t.Errorf("router %d forwarded nothing", r.Node)
		}
	}
	if st.RoutedNoRoute == 0 {
		t.Errorf("no frame was dropped for want of a route: the crash withdrew nothing")
	}
}

// TestRoutedDeterminism runs the routed tree (with its router crash)
// and the churn scenario twice with their seeds, then with another: the
// trace hashes must match, then differ.
func TestRoutedDeterminism(t *testing.T) {
	for _, path := range []string{"scenarios/routed-tree.yaml", "scenarios/churn-joins.yaml"} {
		_, a := runFile(t, path, Options{}, nil)
		_, b := runFile(t, path, Options{}, nil)
		if a.TraceHash != b.TraceHash || a.Events != b.Events {
			t.Fatalf("%s: same seed, different runs: %s (%d events) vs %s (%d events)", path, a.TraceHash, a.Events, b.TraceHash, b.Events)
		}
		_, c := runFile(t, path, Options{Seed: a.Seed + 1}, nil)
		if c.TraceHash == a.TraceHash {
			t.Fatalf("%s: seeds %d and %d gave the same trace %s", path, a.Seed, c.Seed, a.TraceHash)
		}
	}
}

// TestRoutedScenarioErrors: routing needs a router per segment and two
// hosts.
func TestRoutedScenarioErrors(t *testing.T) {
	_, err := ParseScenario([]byte("nodes: 5\ntopology: {generator: star, segments: 4}\nrouting: {enabled: true}\n"))
	if err == nil {
		t.Fatal("5 nodes on 4 routed segments accepted")
	}
	sc, err := ParseScenario([]byte("nodes: 6\ntopology: {generator: star, segments: 4}\nrouting: {enabled: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Routing.Advert != Duration(time.Second) || sc.Routing.Hold != Duration(3*time.Second) {
		t.Fatalf("defaults: advert %s hold %s", sc.Routing.Advert, sc.Routing.Hold)
	}
}

// namedRouted: lookups by name on a routed network. The hosts publish
// their locators, so every lookup makes a routed peer; a few hosts
// join late (registered with the rest before the run).
const namedRouted = `
name: names-routed
seed: 9
nodes: 60
duration: 60s
topology: {generator: star, segments: 5}
tcp: {buffer: 16KiB}
routing: {enabled: true}
naming: {batch: 30, rtt: 20ms}
workload:
  - {kind: join, nodes: 5, start: 2s, spread: 5s}
  - {kind: resolve, transfers: 60, bytes: 200, start: 3s, spread: 10s, missing: 0.1}
expect: {all_complete: true}
`

// TestNamesRouted: names resolve to locators, transfers complete through
// the routers only.
func TestNamesRouted(t *testing.T) {
	res, err := runScenario(t, namedRouted, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var sum strings.Builder
	res.Summary(&sum)
	t.Logf("%s", sum.String())
	st := res.Stats
	if st.Registered != 60 || st.Joins != 5 || st.Resolved == 0 || st.TransfersDone != st.Transfers {
		t.Fatalf("registered %d, joins %d, resolved %d, transfers %d/%d", st.Registered, st.Joins, st.Resolved, st.TransfersDone, st.Transfers)
	}
	if st.HostDirect != 0 || st.RoutedForwarded == 0 {
		t.Fatalf("hosts sent %d frames past their router; routers forwarded %d", st.HostDirect, st.RoutedForwarded)
	}
}

// TestRoutedPunch: with routing.punch the routers pair the hosts that
// talk through them and the hosts move to direct paths, so hosts do send
// to other nodes than their router; everything still completes.
func TestRoutedPunch(t *testing.T) {
	sc, err := LoadScenario("scenarios/routed-tree.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc.Routing.Punch = true
	sc.Faults = nil
	_, res := runSim(t, sc, Options{}, nil)
	st := res.Stats
	if st.HostDirect == 0 || st.TransfersDone != st.Transfers || st.IMDelivered != st.IMAccepted {
		t.Fatalf("direct frames %d, transfers %d/%d, im %d/%d", st.HostDirect, st.TransfersDone, st.Transfers, st.IMDelivered, st.IMAccepted)
	}
}

// TestRouterLinks: in a routed run the routers hang off their segments
// by links of class "router" (the scenario's, else 10 Gbps), the hosts
// by "access"; without routing every node's link is "access".
func TestRouterLinks(t *testing.T) {
	for _, tc := range []struct {
		yaml   string
		router Bandwidth // of nodes 0–3, when routed
	}{
		{"nodes: 10\ntopology: {generator: star, segments: 4}\nrouting: {enabled: true}\n", 10e9},
		{"nodes: 10\ntopology: {generator: star, segments: 4, classes: {router: {bandwidth: 2Gbps, mtu: 1500, queue: 1MiB}}}\nrouting: {enabled: true}\n", 2e9},
		{"nodes: 10\ntopology: {generator: star, segments: 4}\n", 0},
	} {
		sc, err := ParseScenario([]byte(tc.yaml))
		if err != nil {
			t.Fatal(err)
		}
		s, err := New(t.Context(), sc, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range sc.Nodes {
			want, name := Bandwidth(100e6), "access"
			if i < 4 && sc.Routing.Enabled {
				want, name = tc.router, "router"
			}
			up, down := s.net.up[i], s.net.downl[i]
			if up.class.Bandwidth != want || down.class.Bandwidth != want || up.name != name || down.name != name {
				t.Errorf("%q: node %d links up %s %v down %s %v, want %s %v", tc.yaml, i, up.name, up.class.Bandwidth, down.name, down.class.Bandwidth, name, want)
			}
		}
		s.Close()
	}
}
