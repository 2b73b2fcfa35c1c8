package sim

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// Summary writes the human summary of a run; its last line is
// "trace-hash: <hex>".
func (r *Result) Summary(w io.Writer) {
	st := r.Stats
	fmt.Fprintf(w, "scenario:       %s (seed %d, %d nodes)\n", r.Scenario, r.Seed, r.Nodes)
	fmt.Fprintf(w, "virtual time:   %s, %d events\n", r.Virtual, r.Events)
	fmt.Fprintf(w, "frames:         %d sent, %d delivered (ratio %.4f)\n", st.FramesSent, st.FramesDelivered, st.DeliveryRatio())
	fmt.Fprintf(w, "latency:        p50 %s  p90 %s  p99 %s  max %s\n", st.Percentile(50), st.Percentile(90), st.Percentile(99), st.Percentile(100))
	fmt.Fprintf(w, "drops:          %s\n", dropsLine(st.Drops))
	fmt.Fprintf(w, "transfers:      %d/%d complete, %d attempts, %d stalls, %d bytes verified\n", st.TransfersDone, st.Transfers, st.TransferAttempts, st.TransferStalls, st.BytesVerified)
	if len(st.TransferTimes) > 0 {
		fmt.Fprintf(w, "transfer time:  p50 %s  p99 %s\n", percentile(st.TransferTimes, 50), percentile(st.TransferTimes, 99))
	}
	if st.HealFlows > 0 {
		fmt.Fprintf(w, "heal:           %s\n", healLine(st))
	}
	if st.Registered > 0 {
		fmt.Fprintf(w, "names:          %d registered; %d lookups: %d resolved, %d not found, %d failed\n", st.Registered, st.Lookups, st.Resolved, st.NotFound, st.LookupFailures)
		if len(st.LookupTimes) > 0 {
			fmt.Fprintf(w, "lookup time:    p50 %s  p99 %s\n", percentile(st.LookupTimes, 50), percentile(st.LookupTimes, 99))
		}
	}
	if st.IMMessages > 0 {
		fmt.Fprintf(w, "im messages:    %d/%d accepted delivered (%d after their sender crashed), %d refused (sender down), %d duplicates suppressed, %d connections, %d downs\n",
			st.IMDelivered, st.IMAccepted, st.IMAfterCrash, st.IMRefused, st.IMDuplicates, st.ServiceConns, st.ServiceDowns)
		fmt.Fprintf(w, "im mailboxes:   %d deposited, %d items fetched\n", st.IMDeposited, st.IMFromMailbox)
		if st.IMBlocked+st.IMRead+st.IMDownloads > 0 {
			fmt.Fprintf(w, "im consent:     %d refused as blocked, %d read receipts, %d group messages shown, %d files downloaded\n", st.IMBlocked, st.IMRead, st.IMGroupShown, st.IMDownloads)
		}
		if len(st.IMLatency) > 0 {
			fmt.Fprintf(w, "im delivery:    p50 %s  p90 %s  p99 %s  max %s\n", percentile(st.IMLatency, 50), percentile(st.IMLatency, 90), percentile(st.IMLatency, 99), percentile(st.IMLatency, 100))
		}
	}
	if st.RelayFlows > 0 {
		fmt.Fprintf(w, "relay:          %d flows through %d edges (%d cheating); %d epochs settled; %d cheater-epochs detected\n",
			st.RelayFlows, st.RelayEdges, st.RelayCheaters, st.RelayEpochs, st.RelayDetected)
		fmt.Fprintf(w, "relay probes:   honest edges answered %d of %d; worst edge-epoch %d of %d\n",
			st.RelayAnswered, st.RelayProbes, st.RelayWorst[0], st.RelayWorst[1])
		if len(st.RelayProbeRTT) > 0 {
			fmt.Fprintf(w, "relay probe rtt: p50 %s  p90 %s  p99 %s  max %s\n", percentile(st.RelayProbeRTT, 50), percentile(st.RelayProbeRTT, 90), percentile(st.RelayProbeRTT, 99), percentile(st.RelayProbeRTT, 100))
		}
		if st.RelayLinkEdges > 0 {
			fmt.Fprintf(w, "relay links:    %d router edges (%d cheating), %d link receipts; honest routers credited %d of %d bytes forwarded and delivered (worst %.3f %%), %d forwarded in all\n",
				st.RelayLinkEdges, st.RelayLinkCheaters, st.RelayLinkReceipts, st.RelayLinkCredited, st.RelayLinkTruth, float64(st.RelayLinkWorstPPM)/1e4, st.RelayLinkForwarded)
		}
	}
	if len(st.Routers) > 0 {
		fmt.Fprintf(w, "routing:        %d routers forwarded %d frames; dropped %d no-route, %d hop-limit; %d frames from hosts not to their router\n",
			len(st.Routers), st.RoutedForwarded, st.RoutedNoRoute, st.RoutedHopLimit, st.HostDirect)
		for _, r := range st.Routers {
			fmt.Fprintf(w, "  router %-6d  segment %d: forwarded %d, no-route %d, hop-limit %d, unreachable sent %d\n", r.Node, r.Segment, r.Forwarded, r.NoRoute, r.HopLimit, r.Unreach)
		}
	}
	if st.Joins+st.Leaves > 0 {
		fmt.Fprintf(w, "churn:          %d joined, %d left; abandoned %d transfers, %d im messages\n", st.Joins, st.Leaves, st.TransfersAbandoned, st.IMAbandoned)
	}
	fmt.Fprintf(w, "crashes:        %d\n", st.Crashes)
	fmt.Fprintf(w, "trace-hash: %s\n", r.TraceHash)
}

// healLine says how soon after the last heal the flows in flight then
// moved data again.
func healLine(st *Stats) string {
	moved := len(st.HealMoved)
	if moved == 0 {
		return fmt.Sprintf("%d flows in flight, none moved again", st.HealFlows)
	}
	s := fmt.Sprintf("%d flows in flight; moving again after p50 %s  p99 %s", st.HealFlows, percentile(st.HealMoved, 50), percentile(st.HealMoved, 99))
	if moved < st.HealFlows {
		return s + fmt.Sprintf("; %d never moved again", st.HealFlows-moved)
	}
	return s + fmt.Sprintf("; all moving after %s", percentile(st.HealMoved, 100))
}

func dropsLine(d map[string]uint64) string {
	if len(d) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", k, d[k])
	}
	return b.String()
}

// WriteReport writes the report of r into dir: summary.txt, latency.svg
// (CDF of one-way frame latency), throughput.svg (delivered bytes over
// virtual time) and index.html showing them with the tables.
func (r *Result) WriteReport(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sim: report: %w", err)
	}
	var sum strings.Builder
	r.Summary(&sum)
	st := r.Stats
	files := map[string]string{
		"summary.txt":    sum.String(),
		"latency.svg":    latencyCDF(st.Latency),
		"throughput.svg": throughputSVG(st.Throughput, st.BinWidth),
	}
	var page strings.Builder
	if err := indexTmpl.Execute(&page, map[string]any{"R": r, "Summary": sum.String(), "Drops": sortedDrops(st.Drops), "Links": st.Links}); err != nil {
		return fmt.Errorf("sim: report: %w", err)
	}
	files["index.html"] = page.String()
	for _, name := range []string{"summary.txt", "latency.svg", "throughput.svg", "index.html"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(files[name]), 0o644); err != nil {
			return fmt.Errorf("sim: report: %w", err)
		}
	}
	return nil
}

type dropRow struct {
	Reason string
	Count  uint64
}

func sortedDrops(d map[string]uint64) []dropRow {
	var rows []dropRow
	for k, v := range d {
		rows = append(rows, dropRow{k, v})
	}
	slices.SortFunc(rows, func(a, b dropRow) int { return strings.Compare(a.Reason, b.Reason) })
	return rows
}

const (
	plotW, plotH = 640, 360
	padL, padB   = 70, 40
	padT, padR   = 20, 20
)

// plot draws a polyline of (x, y) in [0,1]² with axis labels.
func plot(title, xlabel, ylabel string, xs, ys []float64, xmax, ymax string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`, plotW, plotH)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/><text x="%d" y="14" font-weight="bold">%s</text>`, padL, template.HTMLEscapeString(title))
	w, h := float64(plotW-padL-padR), float64(plotH-padT-padB)
	fmt.Fprintf(&b, `<path d="M%d %d V%d H%d" stroke="black" fill="none"/>`, padL, padT, plotH-padB, plotW-padR)
	fmt.Fprintf(&b, `<text x="%d" y="%d">0</text><text x="%d" y="%d" text-anchor="end">%s</text>`, padL, plotH-padB+15, plotW-padR, plotH-padB+15, xmax)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`, padL+int(w/2), plotH-8, template.HTMLEscapeString(xlabel))
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text><text x="%d" y="%d" text-anchor="end">0</text>`, padL-5, padT+10, ymax, padL-5, plotH-padB)
	fmt.Fprintf(&b, `<text x="14" y="%d" transform="rotate(-90 14 %d)" text-anchor="middle">%s</text>`, padT+int(h/2), padT+int(h/2), template.HTMLEscapeString(ylabel))
	b.WriteString(`<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="`)
	for i := range xs {
		fmt.Fprintf(&b, "%.1f,%.1f ", float64(padL)+xs[i]*w, float64(plotH-padB)-ys[i]*h)
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}

func latencyCDF(lat []time.Duration) string {
	s := slices.Clone(lat)
	slices.Sort(s)
	if len(s) == 0 {
		return plot("One-way frame latency (CDF)", "latency", "fraction of frames", nil, nil, "-", "1")
	}
	hi := float64(s[len(s)-1])
	const points = 400
	var xs, ys []float64
	for i := 0; i <= points; i++ {
		j := min(len(s)-1, i*(len(s)-1)/points)
		xs = append(xs, float64(s[j])/max(hi, 1))
		ys = append(ys, float64(j+1)/float64(len(s)))
	}
	return plot("One-way frame latency (CDF)", "latency", "fraction of frames", xs, ys, time.Duration(hi).String(), "1")
}

func throughputSVG(bins []uint64, width time.Duration) string {
	top := uint64(1)
	for _, v := range bins {
		top = max(top, v)
	}
	var xs, ys []float64
	for i, v := range bins {
		xs = append(xs, float64(i)/float64(max(len(bins)-1, 1)))
		ys = append(ys, float64(v)/float64(top))
	}
	rate := float64(top) * 8 / width.Seconds()
	return plot("Delivered throughput over virtual time", "virtual time", "bit/s", xs, ys,
		(width * time.Duration(len(bins)-1)).String(), fmt.Sprintf("%.3g", rate))
}

var indexTmpl = template.Must(template.New("index").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>anynet sim: {{.R.Scenario}}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{padding:.2em .8em;text-align:right}th:first-child,td:first-child{text-align:left}</style>
</head><body>
<h1>anynet sim: {{.R.Scenario}}</h1>
<pre>{{.Summary}}</pre>
<h2>Latency</h2><img src="latency.svg" alt="latency CDF">
<h2>Throughput</h2><img src="throughput.svg" alt="throughput">
<h2>Drops by reason</h2>
<table><tr><th>reason</th><th>frames</th></tr>{{range .Drops}}<tr><td>{{.Reason}}</td><td>{{.Count}}</td></tr>{{end}}</table>
<h2>Link utilization</h2>
<table><tr><th>link</th><th>bytes</th><th>utilization</th></tr>{{range .Links}}<tr><td>{{.Name}}</td><td>{{.Bytes}}</td><td>{{printf "%.4f%%" .Percent}}</td></tr>{{end}}</table>
{{with .R.Stats.Routers}}<h2>Overlay routers</h2>
<table><tr><th>router</th><th>segment</th><th>forwarded</th><th>no-route</th><th>hop-limit</th><th>unreachable sent</th></tr>{{range .}}<tr><td>node {{.Node}}</td><td>{{.Segment}}</td><td>{{.Forwarded}}</td><td>{{.NoRoute}}</td><td>{{.HopLimit}}</td><td>{{.Unreach}}</td></tr>{{end}}</table>{{end}}
</body></html>
`))

// jsonSummary is the machine-readable summary (WriteJSON).
type jsonSummary struct {
	Scenario  string            `json:"scenario"`
	Seed      uint64            `json:"seed"`
	Nodes     int               `json:"nodes"`
	VirtualNS int64             `json:"virtual_ns"`
	Events    uint64            `json:"events"`
	TraceHash string            `json:"trace_hash"`
	OK        bool              `json:"ok"`
	Violation string            `json:"violation,omitempty"`
	Crashes   int               `json:"crashes"`
	Drops     map[string]uint64 `json:"drops"`
	Transfers struct {
		Total     int `json:"total"`
		Done      int `json:"done"`
		Abandoned int `json:"abandoned"`
	} `json:"transfers"`
	IM struct {
		Messages     int   `json:"messages"`
		Accepted     int   `json:"accepted"`
		Refused      int   `json:"refused"`
		Delivered    int   `json:"delivered"`
		Stored       int   `json:"stored"`
		Abandoned    int   `json:"abandoned"`
		AfterCrash   int   `json:"after_crash"`
		Deposited    int   `json:"deposited"`
		LatencyP50NS int64 `json:"latency_p50_ns"`
		LatencyP99NS int64 `json:"latency_p99_ns"`
	} `json:"im"`
}

// WriteJSON writes a one-line JSON summary of the run for CI systems:
// the trace hash, whether it held (runErr, the error Run returned, is
// reported as the violation) and the main counters.
func (r *Result) WriteJSON(w io.Writer, runErr error) error {
	st := r.Stats
	j := jsonSummary{Scenario: r.Scenario, Seed: r.Seed, Nodes: r.Nodes, VirtualNS: int64(r.Virtual), Events: r.Events,
		TraceHash: r.TraceHash, OK: runErr == nil, Crashes: st.Crashes, Drops: st.Drops}
	if runErr != nil {
		j.Violation = runErr.Error()
	}
	j.Transfers.Total, j.Transfers.Done, j.Transfers.Abandoned = st.Transfers, st.TransfersDone, st.TransfersAbandoned
	j.IM.Messages, j.IM.Accepted, j.IM.Refused, j.IM.Delivered = st.IMMessages, st.IMAccepted, st.IMRefused, st.IMDelivered
	j.IM.Stored, j.IM.Abandoned, j.IM.AfterCrash, j.IM.Deposited = st.IMStored, st.IMAbandoned, st.IMAfterCrash, st.IMDeposited
	if len(st.IMLatency) > 0 {
		j.IM.LatencyP50NS, j.IM.LatencyP99NS = int64(percentile(st.IMLatency, 50)), int64(percentile(st.IMLatency, 99))
	}
	return json.NewEncoder(w).Encode(j)
}
