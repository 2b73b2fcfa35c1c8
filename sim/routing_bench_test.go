package sim

import (
	"context"
	"testing"
	"time"
)

// BenchmarkRoutedTree runs scenarios/routed-tree.yaml without its fault,
// routed and then as the same scenario without routers (the baseline,
// measured in the same run), and reports the wall time of each, their
// ratio, and the frames each sent:
// go test ./sim -run '^$' -bench RoutedTree -benchtime 1x.
func BenchmarkRoutedTree(b *testing.B) {
	run := func(routed bool) (time.Duration, *Result) {
		sc, err := LoadScenario("scenarios/routed-tree.yaml")
		if err != nil {
			b.Fatal(err)
		}
		sc.Faults = nil
		sc.Routing.Enabled = routed
		start := time.Now()
		s, err := New(context.Background(), sc, Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		res, err := s.Run(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start), res
	}
	for b.Loop() {
		base, bres := run(false)
		routed, rres := run(true)
		b.ReportMetric(base.Seconds(), "direct-wall-s")
		b.ReportMetric(routed.Seconds(), "routed-wall-s")
		b.ReportMetric(routed.Seconds()/base.Seconds(), "routed/direct-wall")
		b.ReportMetric(float64(rres.Stats.FramesSent)/float64(bres.Stats.FramesSent), "routed/direct-frames")
		b.ReportMetric(rres.Virtual.Seconds(), "virtual-s")
	}
}
