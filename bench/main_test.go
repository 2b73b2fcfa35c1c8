package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "256MiB", want: 256 << 20},
		{in: "1GiB", want: 1 << 30},
		{in: "16M", want: 16 << 20},
		{in: "64KB", want: 64 << 10},
		{in: "4096", want: 4096},
		{in: "1.5MiB", want: 3 << 19},
		{in: "", bad: true},
		{in: "MiB", bad: true},
		{in: "-1MiB", bad: true},
		{in: "12XB", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseSize(tc.in)
			if tc.bad {
				if err == nil {
					t.Fatalf("parseSize(%q) = %d, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("parseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i))
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50}, {0.99, 99}, {1, 100}, {0, 1}} {
		if got := percentile(s, tc.q); got != tc.want {
			t.Errorf("percentile(1..100, %v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("percentile(nil) = %v, want 0", got)
	}
}

func TestRatios(t *testing.T) {
	rs := ratios([]Result{
		{Kind: "throughput", Name: "anynet-udp", Value: 3, PerCPU: 1},
		{Kind: "throughput", Name: "wireguard-go", Value: 2, PerCPU: 2},
		{Kind: "throughput", Name: "anynet-mem", Value: 1},
	})
	if len(rs) != 6 {
		t.Fatalf("got %d ratios, want 6", len(rs))
	}
	if got, want := rs[0].line(), "ratio udp anynet/wireguard-go = 1.50"; got != want {
		t.Errorf("udp ratio line = %q, want %q", got, want)
	}
	if got, want := rs[1].line(), "ratio mem anynet/raw-gvisor = n/a"; got != want {
		t.Errorf("mem ratio line = %q, want %q", got, want)
	}
	if got, want := rs[2].line(), "ratio udp anynet/raw-gvisor-64k = n/a"; got != want {
		t.Errorf("64k ratio line = %q, want %q", got, want)
	}
	if got, want := rs[3].line(), "ratio udp anynet/wireguard-go per CPU = 0.50"; got != want {
		t.Errorf("udp CPU ratio line = %q, want %q", got, want)
	}
	if got, want := rs[5].line(), "ratio udp anynet/raw-gvisor-64k per CPU = n/a"; got != want {
		t.Errorf("64k CPU ratio line = %q, want %q", got, want)
	}
}

func TestSelectFigures(t *testing.T) {
	fs, err := selectFigures("rtt, kernel-tcp")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].name != "kernel-tcp" || fs[1].name != "rtt" {
		t.Fatalf("selectFigures = %v, want kernel-tcp then rtt", fs)
	}
	if _, err := selectFigures("nope"); err == nil {
		t.Fatal("selectFigures(nope) succeeded, want an error")
	}
}

// TestFiguresSmoke runs the figures that need no network beyond loopback
// on a tiny workload and checks each reports a positive value.
func TestFiguresSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	cfg := &config{bytes: 1 << 20, rttSamples: 20, nodes: 5, hsDuration: 50 * time.Millisecond, hsWorkers: 2, wgMTU: 1420}
	for _, f := range figures() {
		t.Run(f.name, func(t *testing.T) {
			opt := goleak.IgnoreCurrent()
			if f.name == "wireguard-go" {
				// conn.StdNetBind listens on every interface, not only
				// loopback; the command runs it, tests do not.
				t.Skip("wireguard-go binds the wildcard address")
			}
			if f.name == "daemon-idle" {
				t.Skip("daemon-idle runs anynet binaries built beforehand (-daemon-bins)")
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := f.run(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) == 0 {
				t.Fatal("no results")
			}
			goleak.VerifyNone(t, opt)
			for _, r := range res {
				if r.Value <= 0 && r.Kind != "memory" {
					t.Errorf("%s: value %v, want > 0", r.line(), r.Value)
				}
				if r.Kind == "rtt" && r.P99 < r.Value {
					t.Errorf("%s: p99 below p50", r.line())
				}
				if !strings.HasPrefix(r.line(), r.Kind+" ") {
					t.Errorf("line %q does not start with its kind", r.line())
				}
			}
		})
	}
}

// TestRunReport checks the report's shape: one line per figure, then the
// two ratio lines, or one JSON document with -json.
func TestRunReport(t *testing.T) {
	var out bytes.Buffer
	args := []string{"-quick", "-bytes", "1MiB", "-rtt-samples", "20", "-only", "kernel-tcp,rtt"}
	if err := run(args, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	want := []*regexp.Regexp{
		// The CPU figure is left out when the process's CPU time did
		// not move measurably over a 1 MiB transfer.
		regexp.MustCompile(`^throughput kernel-tcp = \d+\.\d\d Gbit/s( \(\d+\.\d\d Gbit per CPU-second\))?$`),
		regexp.MustCompile(`^rtt kernel-tcp p50 = \d+ µs p99 = \d+ µs$`),
		regexp.MustCompile(`^rtt anynet-udp p50 = \d+ µs p99 = \d+ µs$`),
		regexp.MustCompile(`^rtt anynet-mem p50 = \d+ µs p99 = \d+ µs$`),
		regexp.MustCompile(`^ratio udp anynet/wireguard-go = n/a$`),
		regexp.MustCompile(`^ratio mem anynet/raw-gvisor = n/a$`),
		regexp.MustCompile(`^ratio udp anynet/raw-gvisor-64k = n/a$`),
		regexp.MustCompile(`^ratio udp anynet/wireguard-go per CPU = n/a$`),
		regexp.MustCompile(`^ratio mem anynet/raw-gvisor per CPU = n/a$`),
		regexp.MustCompile(`^ratio udp anynet/raw-gvisor-64k per CPU = n/a$`),
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out.String())
	}
	for i, re := range want {
		if !re.MatchString(lines[i]) {
			t.Errorf("line %d = %q, want match for %s", i, lines[i], re)
		}
	}

	out.Reset()
	if err := run(append(args, "-json"), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("-json output does not parse: %v\n%s", err, out.String())
	}
	if len(rep.Results) != 4 || len(rep.Ratios) != 6 || rep.Results[0].Figure != "kernel-tcp" {
		t.Errorf("-json report = %+v, want 4 results from kernel-tcp and rtt and 6 ratios", rep)
	}

	if err := run([]string{"-only", "nope"}, io.Discard, io.Discard); err == nil {
		t.Error("run -only nope succeeded, want an error")
	}
}
