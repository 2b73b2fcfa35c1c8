package sim_test

import (
	"context"
	"fmt"

	"github.com/anynet/anynet/sim"
)

// Two nodes on one segment; one sends the other 100 KiB over TCP. The
// trace hash (res.TraceHash) is the same on every run with this seed.
func Example() {
	sc, err := sim.ParseScenario([]byte(`
name: example
seed: 42
nodes: 2
duration: 10s
workload:
  - {kind: tcp, transfers: 1, bytes: 100KiB}
expect: {all_complete: true}
`))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	s, err := sim.New(ctx, sc, sim.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	res, err := s.Run(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d/%d transfers, %d bytes verified, drops %v\n",
		res.Stats.TransfersDone, res.Stats.Transfers, res.Stats.BytesVerified, res.Stats.Drops)
	// Output: 1/1 transfers, 102400 bytes verified, drops map[]
}
