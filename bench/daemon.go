package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The daemon-idle figure starts real `anynet up --headless` processes,
// one binary after the other (-daemon-bins, e.g. main=/tmp/anynet-main,
// new=/tmp/anynet), each on a remote chain (served by `chain serve` of
// the first binary) and on its own embedded chain, with a keystore of
// the standard scrypt cost, and reports for each the peak RSS from start
// (the kernel's VmHWM), the RSS once settled, and the CPU it used while
// idle over -idle-window after -idle-settle. Targets (reported, not
// asserted): remote chain ≤ 64 MB at every moment and ≤ 0.3 % of a core;
// embedded chain ≤ 128 MB. The RSS is split into anonymous memory (heap,
// stacks: what the daemon itself holds) and file-backed pages (mostly
// the binary's text, rodata and pclntab): on Linux 6.18 with ext4 large
// folios a whole folio of the page cache is mapped at the first touch
// of any of its pages, so a freshly built binary is mapped nearly whole.
// Each binary therefore runs from a copy written as -idle-pages says
// (pageCopy), so that two binaries compare under the same page-cache
// layout. Idle CPU is given both from clock ticks and from schedstat
// (exact), with the timeslices per second: the wakes behind the CPU.

// clockTick is the kernel's USER_HZ, which /proc/PID/stat counts in.
const clockTick = 100

// runDaemonIdle measures idle daemons of each binary in cfg.daemonBins.
func runDaemonIdle(ctx context.Context, cfg *config) ([]Result, error) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		return nil, fmt.Errorf("daemon-idle needs /proc (Linux)")
	}
	if cfg.daemonBins == "" {
		if cfg.log != nil {
			fmt.Fprintln(cfg.log, "bench: daemon-idle skipped: give -daemon-bins NAME=PATH,… (baseline first)")
		}
		return nil, nil
	}
	bins, err := parseBins(cfg.daemonBins)
	if err != nil {
		return nil, err
	}
	root, err := os.MkdirTemp("", "anynet-daemon-idle")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(root)

	chainDir := filepath.Join(root, "chain")
	os.MkdirAll(chainDir, 0o700)
	serve := exec.CommandContext(ctx, bins[0].path, "--dir", chainDir, "chain", "serve", "127.0.0.1:0")
	out, err := serve.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := serve.Start(); err != nil {
		return nil, err
	}
	defer func() { serve.Process.Signal(syscall.SIGTERM); serve.Wait() }()
	url, err := chainURL(out)
	if err != nil {
		return nil, err
	}

	// Each binary runs from a copy written the same way, so two binaries
	// compare under the same page-cache layout (see pageCopy).
	run := make([]string, len(bins))
	for i, b := range bins {
		if run[i], err = pageCopy(b.path, filepath.Join(root, "bin-"+b.name), cfg.idlePages); err != nil {
			return nil, fmt.Errorf("daemon-idle: %w", err)
		}
	}

	var res []Result
	base := map[string]Result{}
	for _, mode := range []string{"remote", "embedded"} {
		for i, b := range bins {
			r, err := idleDaemon(ctx, cfg, run[i], filepath.Join(root, mode+"-"+b.name), mode, url)
			if errors.Is(err, errNoChainBuild) && mode == "embedded" {
				if cfg.log != nil {
					fmt.Fprintf(cfg.log, "bench: daemon-idle: %s, embedded chain skipped: a -tags nochain build has no embedded chain\n", b.name)
				}
				continue
			}
			if err != nil {
				return res, fmt.Errorf("%s %s: %w", b.name, mode, err)
			}
			for j := range r {
				r[j].Name = fmt.Sprintf("%s, %s chain, %s", r[j].Name, mode, b.name)
				key := fmt.Sprint(mode, j)
				if i == 0 {
					base[key] = r[j]
				} else if bv := base[key].Value; bv > 0 {
					r[j].Note += fmt.Sprintf("; %.2f× %s", r[j].Value/bv, bins[0].name)
				}
			}
			res = append(res, r...)
		}
	}
	return res, nil
}

// errNoChainBuild: the binary was built with -tags nochain, so it has
// no embedded chain (its `up` fails with naming.ErrNoEmbeddedChain,
// whose text noChainText matches).
var errNoChainBuild = errors.New("a -tags nochain build")

// noChainText is a part of naming.ErrNoEmbeddedChain's message.
const noChainText = "built with -tags nochain"

type namedBin struct{ name, path string }

func parseBins(s string) ([]namedBin, error) {
	if s == "" {
		return nil, errors.New("daemon-idle: give the binaries with -daemon-bins NAME=PATH,... (baseline first)")
	}
	var out []namedBin
	for _, f := range strings.Split(s, ",") {
		name, path, ok := strings.Cut(f, "=")
		if !ok {
			name, path = filepath.Base(f), f
		}
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("daemon-idle: %w", err)
		}
		out = append(out, namedBin{name, path})
	}
	return out, nil
}

// chainURL reads `chain serve`'s stdout until it names its URL.
func chainURL(out interface{ Read([]byte) (int, error) }) (string, error) {
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		for _, f := range strings.Fields(sc.Text()) {
			if strings.HasPrefix(f, "http://") {
				go func() {
					for sc.Scan() {
					}
				}()
				return f, nil
			}
		}
	}
	return "", fmt.Errorf("chain serve ended without a URL: %v", sc.Err())
}

// idleDaemon inits dir with bin, starts the node, samples it and stops it.
func idleDaemon(ctx context.Context, cfg *config, bin, dir, mode, url string) ([]Result, error) {
	env := append(os.Environ(), "ANYNET_PASSPHRASE=bench idle daemon")
	init := exec.CommandContext(ctx, bin, "--dir", dir, "init")
	init.Env = env
	if out, err := init.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("init: %w: %s", err, out)
	}
	args := []string{"--dir", dir, "up", "--headless", "--listen", "127.0.0.1:0"}
	if mode == "remote" {
		args = append(args, "--chain", url)
	}
	up := exec.CommandContext(ctx, bin, args...)
	up.Env = env
	var stderr tailBuffer // why it exited, if it did
	up.Stderr = &stderr
	if cfg.verbose && cfg.log != nil {
		up.Stderr = io.MultiWriter(cfg.log, &stderr)
	}
	if err := up.Start(); err != nil {
		return nil, err
	}
	defer func() { up.Process.Signal(syscall.SIGTERM); up.Wait() }()
	pid := up.Process.Pid

	var peak, settled, peakAnon, file int64 // KiB
	var cpu0, run0, slices0 int64
	start := time.Now()
	settle, end := start.Add(cfg.idleSettle), start.Add(cfg.idleSettle+cfg.idleWindow)
	for t := time.NewTicker(50 * time.Millisecond); time.Now().Before(end); <-t.C {
		if rss, err := procStatus(pid, "VmRSS"); err == nil {
			peak = max(peak, rss)
			if time.Now().After(settle) {
				settled = rss
			}
		} else {
			up.Wait()
			if strings.Contains(stderr.String(), noChainText) {
				return nil, errNoChainBuild
			}
			return nil, fmt.Errorf("node exited: %w: %s", err, stderr.String())
		}
		if anon, err := procStatus(pid, "RssAnon"); err == nil {
			peakAnon = max(peakAnon, anon)
		}
		if f, err := procStatus(pid, "RssFile"); err == nil {
			file = f
		}
		if cpu0 == 0 && time.Now().After(settle) {
			cpu0, _ = procCPU(pid)
			run0, slices0, _ = procSched(pid)
		}
	}
	cpu1, err := procCPU(pid)
	if err != nil {
		return nil, err
	}
	run1, slices1, err := procSched(pid)
	if err != nil {
		return nil, err
	}
	hwm, _ := procStatus(pid, "VmHWM")
	peak = max(peak, hwm)
	pct := float64(cpu1-cpu0) / clockTick / cfg.idleWindow.Seconds() * 100
	runPct := float64(run1-run0) / 1e9 / cfg.idleWindow.Seconds() * 100
	wakes := float64(slices1-slices0) / cfg.idleWindow.Seconds()
	return []Result{
		{Kind: "memory", Name: "daemon peak RSS", Value: float64(peak) / 1024, Unit: "MiB", Note: "VmHWM from start"},
		{Kind: "memory", Name: "daemon idle RSS", Value: float64(settled) / 1024, Unit: "MiB", Note: fmt.Sprintf("after %v", cfg.idleSettle+cfg.idleWindow)},
		{Kind: "memory", Name: "daemon peak anonymous RSS", Value: float64(peakAnon) / 1024, Unit: "MiB", Note: "RssAnon from start: the process's own memory"},
		{Kind: "memory", Name: "daemon file-backed RSS", Value: float64(file) / 1024, Unit: "MiB", Note: "RssFile at the end: the binary's mapped pages, shared and reclaimable"},
		{Kind: "cpu", Name: "daemon idle CPU", Value: pct, Unit: "% of a core", Note: fmt.Sprintf("utime+stime in clock ticks over %v after %v", cfg.idleWindow, cfg.idleSettle)},
		{Kind: "cpu", Name: "daemon idle CPU (schedstat)", Value: runPct, Unit: "% of a core", Note: fmt.Sprintf("time on a CPU in ns, all threads; %.1f timeslices/s", wakes)},
	}, nil
}

// tailBuffer keeps the last 4 KiB written to it; safe for the writer
// goroutine exec starts and a reader.
type tailBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if n := len(t.b); n > 4096 {
		t.b = append(t.b[:0], t.b[n-4096:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// procStatus reads a "Key: N kB" line of /proc/PID/status.
func procStatus(pid int, key string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			return strconv.ParseInt(strings.Fields(v)[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", key, pid)
}

// procCPU returns utime+stime of pid in clock ticks.
func procCPU(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // fields from 3 on
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	u, _ := strconv.ParseInt(f[11], 10, 64) // field 14
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return u + st, nil
}

// procSched returns the time pid's threads spent on a CPU (ns) and their
// timeslices, from /proc/PID/task/*/schedstat: exact, where the clock
// ticks of /proc/PID/stat sample a process that wakes briefly, and
// charge it a whole tick or nothing.
func procSched(pid int) (runNS, slices int64, err error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, 0, fmt.Errorf("no schedstat for %d: %v", pid, err)
	}
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // a thread that just ended
		}
		f := strings.Fields(string(b))
		if len(f) < 3 {
			return 0, 0, fmt.Errorf("short %s", t)
		}
		r, _ := strconv.ParseInt(f[0], 10, 64)
		n, _ := strconv.ParseInt(f[2], 10, 64)
		runNS, slices = runNS+r, slices+n
	}
	return runNS, slices, nil
}

// pageCopy writes a copy of the binary at src to dst and returns the path
// to run. How it is written sets how the page cache holds it, and so how
// much of it a process maps: Linux (6.18 here) maps a whole large folio of
// a file at the first touch of any of its pages, so the same binary shows
// about 20 MiB more file-backed RSS in large folios than in 4 KiB pages.
// "large" writes it in one write (large folios, as a freshly linked
// binary usually is), "small" in 4 KiB writes (single pages: only what the
// process touches, with the kernel's 64 KiB fault-around), "none" runs src
// as found.
func pageCopy(src, dst, mode string) (string, error) {
	chunk := 0
	switch mode {
	case "none":
		return src, nil
	case "large":
	case "small":
		chunk = 4096
	default:
		return "", fmt.Errorf("-idle-pages %q: want large, small or none", mode)
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return "", err
	}
	for rest := b; len(rest) > 0; {
		n := len(rest)
		if chunk > 0 {
			n = min(n, chunk)
		}
		if _, err := f.Write(rest[:n]); err != nil {
			f.Close()
			return "", err
		}
		rest = rest[n:]
	}
	return dst, f.Close()
}
