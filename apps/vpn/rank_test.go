package vpn

import (
	"math"
	"slices"
	"testing"
	"time"
)

// TestRankExits: the "auto" order from probed RTTs and observed
// throughputs — the time to fetch RankBytes (RTT + RankBytes at the
// throughput), unmeasured exits assumed as fast as the fastest
// measured, failed probes last, ties in the given order.
func TestRankExits(t *testing.T) {
	const mib = 1 << 20
	ms := time.Millisecond
	for _, tt := range []struct {
		name string
		in   []ExitMeasure
		want []string
	}{
		{"rtt alone when nothing is measured",
			[]ExitMeasure{{Exit: "a", RTT: 30 * ms}, {Exit: "b", RTT: 10 * ms}, {Exit: "c", RTT: 20 * ms}},
			[]string{"b", "c", "a"}},
		{"throughput outweighs a longer rtt", // a: 0.01+1 s, b: 0.1+0.1 s
			[]ExitMeasure{{Exit: "a", RTT: 10 * ms, Throughput: 1 * mib}, {Exit: "b", RTT: 100 * ms, Throughput: 10 * mib}},
			[]string{"b", "a"}},
		{"rtt outweighs a small throughput gain", // a: 0.01+0.1 s, b: 0.2+0.05 s
			[]ExitMeasure{{Exit: "b", RTT: 200 * ms, Throughput: 20 * mib}, {Exit: "a", RTT: 10 * ms, Throughput: 10 * mib}},
			[]string{"a", "b"}},
		{"unmeasured assumed as fast as the fastest", // a: 1.05, b: 0.02+0.1, c: 0.1+0.1
			[]ExitMeasure{{Exit: "a", RTT: 50 * ms, Throughput: 1 * mib}, {Exit: "b", RTT: 20 * ms}, {Exit: "c", RTT: 100 * ms, Throughput: 10 * mib}},
			[]string{"b", "c", "a"}},
		{"failed last, in their order",
			[]ExitMeasure{{Exit: "a", Failed: true}, {Exit: "b", RTT: 50 * ms}, {Exit: "c", Failed: true, Throughput: 100 * mib}, {Exit: "d", RTT: 40 * ms}},
			[]string{"d", "b", "a", "c"}},
		{"a failed exit's throughput sets no assumption", // b: 0.01+1, c: 0.02+1
			[]ExitMeasure{{Exit: "a", Failed: true, Throughput: 100 * mib}, {Exit: "c", RTT: 20 * ms}, {Exit: "b", RTT: 10 * ms, Throughput: 1 * mib}},
			[]string{"b", "c", "a"}},
		{"ties keep the given order",
			[]ExitMeasure{{Exit: "x", RTT: 10 * ms, Throughput: mib}, {Exit: "y", RTT: 10 * ms, Throughput: mib}},
			[]string{"x", "y"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.in)
			out := RankExits(in)
			var got []string
			for _, m := range out {
				got = append(got, m.Exit)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("order %v, want %v", got, tt.want)
			}
			if !slices.Equal(in, tt.in) {
				t.Errorf("RankExits modified its input: %v", in)
			}
		})
	}
}

// TestThroughputEWMA: finished sessions fold into an exit's throughput
// with ThroughputWeight; sessions under MinSampleBytes or without a
// span do not count.
func TestThroughputEWMA(t *testing.T) {
	c := &Client{}
	c.observe("x", MinSampleBytes-1, time.Second)
	c.observe("x", 1<<20, 0)
	if got := c.Throughput("x"); got != 0 {
		t.Fatalf("throughput from samples that do not count: %v", got)
	}
	c.observe("x", 1<<20, time.Second)
	if got := c.Throughput("x"); got != 1<<20 {
		t.Fatalf("first sample: %v", got)
	}
	c.observe("x", 4<<20, 2*time.Second)
	want := ThroughputWeight*(2<<20) + (1-ThroughputWeight)*(1<<20)
	if got := c.Throughput("x"); math.Abs(got-want) > 1e-6 {
		t.Fatalf("after a second sample: %v, want %v", got, want)
	}
	if c.Throughput("y") != 0 {
		t.Fatal("an exit never used has a throughput")
	}
}
