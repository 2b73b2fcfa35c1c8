package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"
)

// config is what the flags set; every figure reads it.
type config struct {
	bytes      int64         // bytes per throughput figure
	runs       int           // transfers per throughput figure; the median counts
	rttSamples int           // round trips per rtt figure
	nodes      int           // nodes for idle-memory
	hsDuration time.Duration // how long each handshake figure runs
	hsWorkers  int           // node pairs handshaking in parallel
	timeout    time.Duration // limit on one figure
	mtu        int           // netstack MTU of anynet and the raw gVisor pair (0: anynet's default)
	wgMTU      int           // MTU of the wireguard-go tunnel
	daemonBins string        // daemon-idle: NAME=PATH,… of anynet binaries, baseline first
	idleSettle time.Duration // daemon-idle: wait before the CPU window
	idleWindow time.Duration // daemon-idle: CPU window
	idlePages  string        // daemon-idle: how each binary's copy is written: large, small or none
	verbose    bool
	log        io.Writer // progress notes (stderr)
}

// netMTU is the netstack MTU of anynet and the raw gVisor pair.
func (c *config) netMTU() int {
	if c.mtu > 0 {
		return c.mtu
	}
	return defaultNetMTU
}

// figure is one named, separately runnable measurement.
type figure struct {
	name string
	run  func(ctx context.Context, cfg *config) ([]Result, error)
}

// figures lists every figure in the order a full run measures them.
func figures() []figure {
	return []figure{
		{"kernel-tcp", runKernelTCP},
		{"wireguard-go", runWireGuard},
		{"anynet-udp", runAnynetUDP},
		{"raw-gvisor", runRawGVisor},
		{"raw-gvisor-64k", runRawGVisor64k},
		{"anynet-mem", runAnynetMem},
		{"handshakes", runHandshakes},
		{"rtt", runRTT},
		{"idle-memory", runIdleMemory},
		{"daemon-idle", runDaemonIdle},
	}
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		size       = fs.String("bytes", "256MiB", "bytes per throughput figure (suffixes KiB, MiB, GiB)")
		quick      = fs.Bool("quick", false, "smoke test: 16MiB, 300 round trips, 100 nodes, 1s of handshakes")
		only       = fs.String("only", "", "comma-separated figures to run: "+strings.Join(figureNames(), ","))
		jsonOut    = fs.Bool("json", false, "print one JSON document instead of lines")
		cpuprofile = fs.String("cpuprofile", "", "write a CPU profile of the run to `file`")
		memprofile = fs.String("memprofile", "", "write a heap profile at the end of the run to `file`")
		verbose    = fs.Bool("v", false, "log progress to stderr")
		cfg        = config{log: io.Discard}
	)
	fs.IntVar(&cfg.runs, "runs", 1, "transfers per throughput figure over one connection; the median is reported")
	fs.IntVar(&cfg.rttSamples, "rtt-samples", 5000, "round trips per rtt figure")
	fs.IntVar(&cfg.nodes, "nodes", 1000, "nodes for idle-memory")
	fs.DurationVar(&cfg.hsDuration, "hs-duration", 3*time.Second, "duration of each handshake figure")
	fs.IntVar(&cfg.hsWorkers, "hs-workers", runtime.GOMAXPROCS(0), "node pairs handshaking in parallel")
	fs.DurationVar(&cfg.timeout, "timeout", 5*time.Minute, "limit on one figure")
	fs.IntVar(&cfg.mtu, "mtu", 0, "netstack MTU of anynet and the raw gVisor pair (0: anynet's default, 1280)")
	fs.IntVar(&cfg.wgMTU, "wg-mtu", 1420, "MTU of the wireguard-go tunnel (1420: wireguard-go's default)")
	fs.StringVar(&cfg.daemonBins, "daemon-bins", "", "daemon-idle: anynet binaries to compare, NAME=PATH,… baseline first")
	fs.DurationVar(&cfg.idleSettle, "idle-settle", 10*time.Second, "daemon-idle: time from start before the CPU window")
	fs.DurationVar(&cfg.idleWindow, "idle-window", 60*time.Second, "daemon-idle: CPU window of each idle daemon")
	fs.StringVar(&cfg.idlePages, "idle-pages", "large", "daemon-idle: run a fresh copy of each binary written in one write (large: the page cache holds it in large folios, as after a link) or in 4 KiB writes (small), or the binary as found (none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	n, err := parseSize(*size)
	if err != nil {
		return err
	}
	cfg.bytes = n
	if *quick {
		if !flagSet(fs, "bytes") {
			cfg.bytes = 16 << 20
		}
		if !flagSet(fs, "rtt-samples") {
			cfg.rttSamples = 300
		}
		if !flagSet(fs, "nodes") {
			cfg.nodes = 100
		}
		if !flagSet(fs, "hs-duration") {
			cfg.hsDuration = time.Second
		}
	}
	if *verbose {
		cfg.verbose, cfg.log = true, stderr
	}
	selected, err := selectFigures(*only)
	if err != nil {
		return err
	}

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	rep := &Report{Env: map[string]string{
		"go":         runtime.Version(),
		"goos":       runtime.GOOS + "/" + runtime.GOARCH,
		"gomaxprocs": strconv.Itoa(runtime.GOMAXPROCS(0)),
		"numcpu":     strconv.Itoa(runtime.NumCPU()),
		"bytes":      strconv.FormatInt(cfg.bytes, 10),
	}}
	for _, f := range selected {
		fmt.Fprintf(cfg.log, "bench: running %s\n", f.name)
		ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
		res, err := f.run(ctx, &cfg)
		cancel()
		for i := range res {
			res[i].Figure = f.name
		}
		rep.Results = append(rep.Results, res...)
		if !*jsonOut {
			for _, r := range res {
				fmt.Fprintln(stdout, r.line())
			}
		}
		if err != nil {
			if rep.Errors == nil {
				rep.Errors = map[string]string{}
			}
			rep.Errors[f.name] = err.Error()
			fmt.Fprintf(stderr, "bench: %s: %v\n", f.name, err)
		}
	}
	rep.Ratios = ratios(rep.Results)

	if *memprofile != "" {
		if err := writeHeapProfile(*memprofile); err != nil {
			return err
		}
	}
	if *jsonOut {
		if err := rep.writeJSON(stdout); err != nil {
			return err
		}
	} else {
		for _, r := range rep.Ratios {
			fmt.Fprintln(stdout, r.line())
		}
	}
	if len(rep.Errors) > 0 {
		return fmt.Errorf("%d figure(s) failed", len(rep.Errors))
	}
	return nil
}

func figureNames() []string {
	var names []string
	for _, f := range figures() {
		names = append(names, f.name)
	}
	return names
}

// selectFigures returns the figures named in only (all when empty), in run
// order.
func selectFigures(only string) ([]figure, error) {
	all := figures()
	if only == "" {
		return all, nil
	}
	want := strings.Split(only, ",")
	for _, w := range want {
		if !slices.Contains(figureNames(), strings.TrimSpace(w)) {
			return nil, fmt.Errorf("unknown figure %q (have %s)", w, strings.Join(figureNames(), ", "))
		}
	}
	var out []figure
	for _, f := range all {
		if slices.ContainsFunc(want, func(w string) bool { return strings.TrimSpace(w) == f.name }) {
			out = append(out, f)
		}
	}
	return out, nil
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// parseSize parses "256MiB", "1GiB", "65536" (binary suffixes; K, M, G
// and KB, MB, GB mean the same).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, suf := range []struct {
		s []string
		m int64
	}{
		{[]string{"GiB", "GB", "G"}, 1 << 30},
		{[]string{"MiB", "MB", "M"}, 1 << 20},
		{[]string{"KiB", "KB", "K"}, 1 << 10},
		{[]string{"B"}, 1},
	} {
		if i := slices.IndexFunc(suf.s, func(x string) bool { return strings.HasSuffix(t, x) }); i >= 0 {
			t, mult = strings.TrimSuffix(t, suf.s[i]), suf.m
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || v <= 0 {
		return 0, errors.Join(fmt.Errorf("bad size %q", s), err)
	}
	return int64(v * float64(mult)), nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC()
	return pprof.Lookup("heap").WriteTo(f, 0)
}
