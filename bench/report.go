package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"
)

// Result is one measured figure.
type Result struct {
	Figure string  `json:"figure"` // the -only name that produced it
	Kind   string  `json:"kind"`   // throughput, rtt, handshakes, memory
	Name   string  `json:"name"`   // kernel-tcp, anynet-udp, …
	Value  float64 `json:"value"`  // the headline number, in Unit
	Unit   string  `json:"unit"`
	// P99 is the 99th percentile for rtt figures (P50 is Value).
	P99 float64 `json:"p99,omitempty"`
	// PerCPU is, for throughput figures, Gbit moved per second of the
	// process's CPU time (all threads, user and system; the kernel's
	// softirq work on loopback is not all in it): the median over runs.
	// Zero where CPU time cannot be read.
	PerCPU float64 `json:"gbit_per_cpu_second,omitempty"`
	// Note adds context: bytes moved, samples, nodes.
	Note string `json:"note,omitempty"`
}

// Ratio is a tracked comparison between two throughput figures.
type Ratio struct {
	Name   string   `json:"name"` // "udp anynet/wireguard-go"
	Value  *float64 `json:"value"`
	Target float64  `json:"target"`
}

// Report is everything one run measured.
type Report struct {
	Results []Result          `json:"results"`
	Ratios  []Ratio           `json:"ratios"`
	Errors  map[string]string `json:"errors,omitempty"`
	Env     map[string]string `json:"env"`
}

// line formats r the way the text report prints it.
func (r Result) line() string {
	switch r.Kind {
	case "rtt":
		return fmt.Sprintf("rtt %s p50 = %s p99 = %s", r.Name, fmtMicros(r.Value), fmtMicros(r.P99))
	case "throughput":
		if r.PerCPU > 0 {
			return fmt.Sprintf("throughput %s = %.2f %s (%.2f Gbit per CPU-second)", r.Name, r.Value, r.Unit, r.PerCPU)
		}
		return fmt.Sprintf("throughput %s = %.2f %s", r.Name, r.Value, r.Unit)
	default:
		return fmt.Sprintf("%s %s = %s %s", r.Kind, r.Name, fmtNum(r.Value), r.Unit)
	}
}

func fmtMicros(us float64) string {
	return fmt.Sprintf("%.0f µs", us)
}

func fmtNum(v float64) string {
	if v >= 100 || v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// ratios computes the tracked ratios from the throughput results: by
// wall clock, then the same by CPU time ("per CPU", Result.PerCPU), which
// a loaded machine disturbs far less.
func ratios(results []Result) []Ratio {
	tput, perCPU := map[string]float64{}, map[string]float64{}
	for _, r := range results {
		if r.Kind == "throughput" {
			tput[r.Name] = r.Value
			perCPU[r.Name] = r.PerCPU
		}
	}
	def := []struct {
		name, num, den string
		target         float64
	}{
		{"udp anynet/wireguard-go", "anynet-udp", "wireguard-go", 2},
		{"mem anynet/raw-gvisor", "anynet-mem", "raw-gvisor", 0.5},
		{"udp anynet/raw-gvisor-64k", "anynet-udp", "raw-gvisor-64k", 0.6},
	}
	ratio := func(m map[string]float64, num, den string) *float64 {
		n, ok1 := m[num]
		d, ok2 := m[den]
		if !ok1 || !ok2 || n <= 0 || d <= 0 {
			return nil
		}
		v := n / d
		return &v
	}
	var out []Ratio
	for _, d := range def {
		out = append(out, Ratio{Name: d.name, Target: d.target, Value: ratio(tput, d.num, d.den)})
	}
	for _, d := range def {
		out = append(out, Ratio{Name: d.name + " per CPU", Target: d.target, Value: ratio(perCPU, d.num, d.den)})
	}
	return out
}

func (rep *Report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// gbits converts n bytes in d to Gbit/s.
func gbits(n int64, d time.Duration) float64 {
	return float64(n) * 8 / d.Seconds() / 1e9
}

// line formats r the way the text report prints it.
func (r Ratio) line() string {
	if r.Value == nil {
		return fmt.Sprintf("ratio %s = n/a", r.Name)
	}
	return fmt.Sprintf("ratio %s = %.2f", r.Name, *r.Value)
}
