//go:build !nochain

package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/progressbar"
	"github.com/anynet/anynet/sim"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// newSim is "anynet sim": the deterministic simulator.
func newSim() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run simulated anynet networks: many real nodes, virtual time, same seed same run",
	}
	cmd.AddCommand(newSimRun())
	return cmd
}

func newSimRun() *cobra.Command {
	var (
		seed    uint64
		nodes   int
		out     string
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "run FILE",
		Short: "Run a scenario file and report on it",
		Long: `run builds every node of the scenario FILE (a YAML file; examples are in
sim/scenarios) as a full anynet node on a simulated network, runs it in
virtual time and prints a summary whose last line is the trace hash: the
same scenario and seed always give the same hash.

With --out, a report is written to that directory: summary.txt,
latency.svg, throughput.svg and index.html. A violated invariant ends the
run with an error naming the seed that reproduces it.

With --json, the summary is one line of JSON on stdout (trace_hash, ok,
violation, counters) for CI systems; the exit status is still non-zero
on a violation.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := sim.LoadScenario(args[0])
			if err != nil {
				return err
			}
			bar := newSimProgress(cmd.ErrOrStderr())
			s, err := sim.New(cmd.Context(), sc, sim.Options{Seed: seed, Nodes: nodes, Progress: bar.update})
			if err != nil {
				return err
			}
			defer s.Close()
			res, runErr := s.Run(cmd.Context())
			bar.done()
			if res != nil && jsonOut {
				if err := res.WriteJSON(cmd.OutOrStdout(), runErr); err != nil {
					return err
				}
			} else if res != nil {
				res.Summary(cmd.OutOrStdout())
				if out != "" {
					if err := res.WriteReport(out); err != nil {
						return err
					}
					fmt.Fprintf(cmd.ErrOrStderr(), "report: %s/index.html\n", out)
				}
			}
			return runErr
		},
	}
	cmd.Flags().Uint64Var(&seed, "seed", 0, "seed (default: the scenario's)")
	cmd.Flags().IntVar(&nodes, "nodes", 0, "node count (default: the scenario's)")
	cmd.Flags().StringVar(&out, "out", "", "directory to write the report to")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the summary as one line of JSON")
	return cmd
}

// simProgress shows virtual time and events/s: a bar redrawn in place
// on a terminal, a line every few seconds otherwise.
type simProgress struct {
	w       io.Writer
	tty     bool
	start   time.Time
	last    time.Time
	lastEvs uint64
	rate    float64
}

func newSimProgress(w io.Writer) *simProgress {
	p := &simProgress{w: w, start: time.Now()}
	p.last = p.start
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

func (p *simProgress) update(pr sim.Progress) {
	now := time.Now()
	every := 5 * time.Second
	if p.tty {
		every = 100 * time.Millisecond
	}
	if now.Sub(p.last) < every {
		return
	}
	p.rate = float64(pr.Events-p.lastEvs) / now.Sub(p.last).Seconds()
	p.last, p.lastEvs = now, pr.Events
	frac := float64(pr.Virtual) / float64(max(pr.Duration, 1))
	line := fmt.Sprintf("virtual %s / %s  %.0f events/s  wall %s", pr.Virtual.Truncate(time.Millisecond), pr.Duration, p.rate, now.Sub(p.start).Truncate(time.Second))
	if p.tty {
		fmt.Fprintf(p.w, "\r%s %s\x1b[K", progressbar.Bar(frac, 30), line)
	} else {
		fmt.Fprintf(p.w, "%3.0f%% %s\n", 100*frac, line)
	}
}

func (p *simProgress) done() {
	if p.tty {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
