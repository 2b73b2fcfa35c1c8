package sim

import (
	"bufio"
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkScenario10k runs sim/scenarios/transit-stub-10k.yaml
// (SIM_NODES overrides the node count, SIM_SCENARIO the file) and
// reports wall time, virtual time, events per second, peak heap and
// bytes per node, and with naming the wall time of deployment and
// registration. It is a benchmark, not a test:
// go test -run '^$' -bench Scenario10k -benchtime 1x.
func BenchmarkScenario10k(b *testing.B) {
	file := "scenarios/transit-stub-10k.yaml"
	if f := os.Getenv("SIM_SCENARIO"); f != "" {
		file = f // e.g. a baseline without naming
	}
	sc, err := LoadScenario(file)
	if err != nil {
		b.Fatal(err)
	}
	opt := Options{}
	if v := os.Getenv("SIM_NODES"); v != "" {
		opt.Nodes, _ = strconv.Atoi(v)
	}
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		peak := uint64(0)
		start := time.Now()
		s, err := New(context.Background(), sc, opt)
		if err != nil {
			b.Fatal(err)
		}
		built := time.Since(start)
		opt.Progress = func(Progress) {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse+m.StackInuse)
		}
		s.opt.Progress = opt.Progress
		res, err := s.Run(context.Background())
		wall := time.Since(start)
		s.Close()
		if err != nil {
			b.Error(err)
		}
		b.Logf("drops %v, attempts %d, stalls %d, frames %d", res.Stats.Drops, res.Stats.TransferAttempts, res.Stats.TransferStalls, res.Stats.FramesSent)
		if st := res.Stats; st.Registered > 0 {
			b.Logf("names %d registered in %s; lookups %d: %d resolved, %d not found, %d failed; lookup time p50 %s p99 %s; transfer time p50 %s p99 %s",
				st.Registered, res.NamingSetup, st.Lookups, st.Resolved, st.NotFound, st.LookupFailures,
				percentile(st.LookupTimes, 50), percentile(st.LookupTimes, 99), percentile(st.TransferTimes, 50), percentile(st.TransferTimes, 99))
		}
		nodes := float64(res.Nodes)
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(built.Seconds(), "build-s")
		b.ReportMetric(res.Virtual.Seconds(), "virtual-s")
		b.ReportMetric(float64(res.Events)/wall.Seconds(), "events/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap+stack-MiB")
		if rss := peakRSS(); rss > 0 {
			b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
		}
		b.ReportMetric(float64(peak-min(peak, before.HeapInuse+before.StackInuse))/nodes, "bytes/node")
		b.ReportMetric(float64(res.Stats.TransfersDone), "transfers")
		if res.Stats.Registered > 0 {
			b.ReportMetric(res.NamingSetup.Seconds(), "register-s")
			b.ReportMetric(float64(res.Stats.Resolved), "resolved")
		}
		b.Logf("%d nodes: trace-hash %s, %d events, transfers %d/%d", res.Nodes, res.TraceHash, res.Events, res.Stats.TransfersDone, res.Stats.Transfers)
	}
}

// peakRSS is the process's high-water resident set (VmHWM), 0 if unknown.
func peakRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
