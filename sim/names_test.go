package sim

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
)

// namedHundred: every node looks a random other node up by name on the
// chain and sends it a message; a tenth of the lookups ask for names
// nobody registered; ten bulk transfers find their destination by name
// too; five nodes crash and come back (their links forget the peers they
// looked up, so they look them up again).
const namedHundred = `
name: names
seed: 4
nodes: 100
duration: 40s
topology: {generator: transit-stub, segments: 12, transit: 3}
tcp: {buffer: 16KiB}
naming: {batch: 30, rtt: 20ms}
workload:
  - {kind: resolve, per_node: true, bytes: 200, start: 10ms, spread: 5s, missing: 0.1}
  - {kind: tcp, transfers: 10, bytes: 16KiB, start: 1s, spread: 2s}
faults:
  - {kind: crash, at: 2s, for: 3s, count: 5}
expect: {all_complete: true}
`

// TestNamesResolveAndConnect runs namedHundred twice with one seed: names
// registered through the real contracts resolve, the nodes connect and
// deliver, unregistered names are not found, and both runs give the same
// trace hash.
func TestNamesResolveAndConnect(t *testing.T) {
	a, err := runScenario(t, namedHundred, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var sum strings.Builder
	a.Summary(&sum)
	t.Logf("run 1 (registration %s wall):\n%s", a.NamingSetup, sum.String())
	st := a.Stats
	if st.Registered != 100 {
		t.Errorf("registered %d names, want 100", st.Registered)
	}
	if st.NotFound == 0 || st.NotFound > 30 {
		t.Errorf("%d lookups of unregistered names came back not found, want about 10", st.NotFound)
	}
	if st.Transfers+st.NotFound != 110 {
		t.Errorf("%d transfers and %d missing lookups, want 110 in all", st.Transfers, st.NotFound)
	}
	if st.TransfersDone != st.Transfers {
		t.Errorf("%d of %d transfers done", st.TransfersDone, st.Transfers)
	}
	// Every transfer resolved at least once; the crashed sources again.
	if st.Resolved < st.Transfers || st.Resolved+st.NotFound+st.LookupFailures != st.Lookups {
		t.Errorf("lookups %d: resolved %d, not found %d, failed %d (transfers %d)", st.Lookups, st.Resolved, st.NotFound, st.LookupFailures, st.Transfers)
	}
	if p := percentile(st.LookupTimes, 50); p <= 0 {
		t.Errorf("median lookup took %s of virtual time, want the chain's round trips", p)
	}
	b, err := runScenario(t, namedHundred, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.TraceHash != b.TraceHash || a.Events != b.Events || a.Stats.Lookups != b.Stats.Lookups {
		t.Fatalf("same seed, different runs: %s (%d events, %d lookups) vs %s (%d events, %d lookups)",
			a.TraceHash, a.Events, a.Stats.Lookups, b.TraceHash, b.Events, b.Stats.Lookups)
	}
}

// TestNamesRevokedKeyRefused: node 1 revokes its node key on the chain
// before the run. Node 0's lookup of n1.anynet then finds no valid key
// (a failure, asked again every second), and node 1's handshake with
// node 0 is refused: node 0 checks node 1's binding against its DID
// document. Neither message arrives.
func TestNamesRevokedKeyRefused(t *testing.T) {
	sc, err := ParseScenario([]byte(`
name: revoked
seed: 9
nodes: 2
duration: 10s
workload:
  - {kind: resolve, per_node: true, start: 100ms}
`))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := New(ctx, sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	key, err := walletKey(s.seed, 1)
	if err != nil {
		t.Fatal(err)
	}
	s.names.chain.autoCommit = true
	err = s.names.client.RevokeNodeKey(ctx, bind.NewKeyedTransactor(key, big.NewInt(simChainID)), [32]byte(s.nodes[1].key.Public))
	s.names.chain.autoCommit = false
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st := res.Stats
	refused := s.nodes[0].in.Sessions.Stats().DroppedRefused
	t.Logf("lookups %d: resolved %d, failed %d; transfers %d/%d; node 0 refused %d", st.Lookups, st.Resolved, st.LookupFailures, st.TransfersDone, st.Transfers, refused)
	if st.Resolved != 1 || st.LookupFailures < 5 {
		t.Errorf("resolved %d (want 1: n0), failed %d (want n1 asked again and again)", st.Resolved, st.LookupFailures)
	}
	if st.TransfersDone != 0 || refused == 0 {
		t.Errorf("%d messages arrived, node 0 refused %d handshakes: the revoked key was accepted", st.TransfersDone, refused)
	}
}
