package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ethereum/go-ethereum/common"
)

// networkState is what the Network view shows: the last status, peers
// and routes, and the throughput history derived from the counters.
type networkState struct {
	status  Status
	have    bool // a status has arrived
	prev    Counters
	samples int // statuses received
	in, out ring
	rateIn  float64 // bytes/s over the last refresh period
	rateOut float64
	peers   []Peer
	routes  []Route
	scroll  int
}

// setStatus records s; rates assume samples one refresh period apart, so
// the sparkline does not depend on when exactly a reply arrived.
func (n *networkState) setStatus(s Status, period time.Duration) {
	if n.have {
		sec := period.Seconds()
		if sec <= 0 { // no periodic refresh: count per sample
			sec = 1
		}
		n.rateIn = float64(delta(s.Counters.BytesIn, n.prev.BytesIn)) / sec
		n.rateOut = float64(delta(s.Counters.BytesOut, n.prev.BytesOut)) / sec
		n.in.push(n.rateIn)
		n.out.push(n.rateOut)
	}
	n.status, n.prev, n.have = s, s.Counters, true
	n.samples++
}

// delta is cur-prev, or 0 if the counter went backwards (node restarted).
func delta(cur, prev uint64) uint64 {
	if cur < prev {
		return 0
	}
	return cur - prev
}

func (m *model) updateNetwork(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Up):
		if m.net.scroll > 0 {
			m.net.scroll--
		}
	case key.Matches(msg, m.keys.Down):
		m.net.scroll++
	}
	return nil
}

// viewNetwork draws the identity, traffic, peers and routes. On a short
// terminal the identity and traffic sections shrink (name, wallet and
// underlay; one traffic line) and the blank lines between sections go,
// before anything is scrolled away, so the peers and routes stay in view.
func (m *model) viewNetwork(w, h int) string {
	var l []string
	for _, lay := range []struct{ fullID, fullTraffic, gaps bool }{
		{true, true, true}, {false, true, true}, {false, false, true}, {false, false, false},
	} {
		l = m.networkLines(w, lay.fullID, lay.fullTraffic, lay.gaps)
		if len(l) <= h {
			break
		}
	}
	n := &m.net
	st := m.st
	// Scroll, but never past the last screenful; say when more is below.
	n.scroll = min(n.scroll, max(len(l)-h, 0))
	l = l[n.scroll:]
	if len(l) > h && h > 0 {
		l = append(l[:h-1], st.dim.Render("  ↓ more"))
	}
	return strings.Join(l, "\n")
}

func (m *model) networkLines(w int, fullID, fullTraffic, gaps bool) []string {
	n := &m.net
	st := m.st
	var l []string
	add := func(s string) { l = append(l, s) }
	gap := func() {
		if gaps {
			add("")
		}
	}
	field := func(name, val string) { add("  " + st.label.Render(fmt.Sprintf("%-9s", name)) + " " + val) }

	add(st.heading.Render("Identity"))
	if !n.have {
		add(st.dim.Render("  loading…"))
	} else {
		s := n.status
		field("name", or(s.Name, "(no name)"))
		field("wallet", s.Wallet.Hex())
		if fullID {
			field("node key", or(s.NodeKey, "-"))
		}
		field("underlay", or(s.Underlay, "-"))
		if fullID {
			field("locators", or(strings.Join(s.Locators, ", "), "-"))
			field("chain", or(s.Chain, "-"))
			if !s.Started.IsZero() {
				field("up", m.now().Sub(s.Started).Round(time.Second).String())
			}
		}
	}

	gap()
	if !n.have {
		add(st.heading.Render("Traffic"))
	} else if !fullTraffic {
		c := n.status.Counters
		add(st.heading.Render("Traffic") + st.dim.Render(fmt.Sprintf("  in %s/s  out %s/s  drops %d", bytesStr(n.rateIn), bytesStr(n.rateOut), c.Drops)))
	} else {
		c := n.status.Counters
		add(st.heading.Render("Traffic") + st.dim.Render(fmt.Sprintf("  handshakes %d  drops %d", c.Handshakes, c.Drops)))
		line := func(dir string, rate float64, total, frames uint64, hist []float64) {
			s := fmt.Sprintf("  %-3s %10s/s %9s %7d fr  ", dir, bytesStr(rate), bytesStr(float64(total)), frames)
			add(s + st.spark.Render(sparkline(hist, max(w-len([]rune(s)), 0))))
		}
		line("in", n.rateIn, c.BytesIn, c.FramesIn, n.in.vals)
		line("out", n.rateOut, c.BytesOut, c.FramesOut, n.out.vals)
	}

	gap()
	add(st.heading.Render(fmt.Sprintf("Peers (%d)", len(n.peers))))
	if len(n.peers) == 0 {
		add(st.dim.Render("  none yet"))
	} else {
		rows := [][]string{{"NAME", "WALLET", "PATH", "SEEN", "RTT", "MSGS", "IN/OUT", "ENDPOINT"}}
		for _, p := range n.peers {
			rtt := "-"
			if p.RTT > 0 {
				rtt = p.RTT.Round(time.Microsecond * 100).String()
			}
			path := or(p.Path, "-")
			if p.Source == "router" {
				path += " (router)"
			}
			io := "-"
			if p.BytesIn+p.BytesOut > 0 {
				io = bytesStr(float64(p.BytesIn)) + "/" + bytesStr(float64(p.BytesOut))
			}
			rows = append(rows, []string{or(p.Name, "-"), shortAddr(p.Wallet), path,
				m.ago(p.Seen), rtt, fmt.Sprint(p.Messages), io, or(p.Endpoint, "-")})
		}
		// Narrow terminals lose the endpoint first, then RTT, messages,
		// the wallet and the bytes; name, path and last activity stay.
		for i, r := range fitTable(rows, w-2, 7, 4, 5, 1, 6) {
			if i == 0 {
				r = st.label.Render(r)
			}
			add("  " + r)
		}
	}

	gap()
	add(st.heading.Render(fmt.Sprintf("Routes (%d)", len(n.routes))))
	if len(n.routes) == 0 {
		add(st.dim.Render("  no routes (peers are reached directly)"))
	} else {
		rows := [][]string{{"DESTINATION", "VIA", "METRIC", "NEXT HOP"}}
		for _, r := range n.routes {
			rows = append(rows, []string{short(r.Destination), or(r.Via, "-"), fmt.Sprint(r.Metric), or(short(r.NextHop), "-")})
		}
		for i, r := range fitTable(rows, w-2, 3, 2) {
			if i == 0 {
				r = st.label.Render(r)
			}
			add("  " + r)
		}
	}

	return l
}

// fitTable is table without the columns of drop (in that order) that
// make it wider than w.
func fitTable(rows [][]string, w int, drop ...int) []string {
	gone := map[int]bool{}
	for {
		out := table(without(rows, gone))
		if len(drop) == 0 || widest(out) <= w {
			return out
		}
		gone[drop[0]] = true
		drop = drop[1:]
	}
}

func without(rows [][]string, gone map[int]bool) [][]string {
	out := make([][]string, len(rows))
	for j, r := range rows {
		for i, c := range r {
			if !gone[i] {
				out[j] = append(out[j], c)
			}
		}
	}
	return out
}

func widest(lines []string) int {
	w := 0
	for _, l := range lines {
		w = max(w, len([]rune(l)))
	}
	return w
}

// short abbreviates a 0x wallet (whole or after a space) as shortAddr
// does; other text is returned as is.
func short(s string) string {
	for i := 0; i+42 <= len(s); i++ {
		if (i == 0 || s[i-1] == ' ' || s[i-1] == '(') && common.IsHexAddress(s[i:i+42]) && s[i:i+2] == "0x" {
			return s[:i] + shortAddr(common.HexToAddress(s[i:i+42])) + s[i+42:]
		}
	}
	return s
}

// table pads columns to their widest cell.
func table(rows [][]string) []string {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	out := make([]string, len(rows))
	for j, r := range rows {
		var b strings.Builder
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", widths[i]-len([]rune(c))+2))
		}
		out[j] = b.String()
	}
	return out
}

func (m *model) ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := m.now().Sub(t)
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	default:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
}

func bytesStr(v float64) string {
	units := []string{"B", "KB", "MB", "GB", "TB"}
	i := 0
	for v >= 1000 && i < len(units)-1 {
		v /= 1000
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f %s", v, units[i])
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

// shortAddr abbreviates a wallet as 0x1234…abcd.
func shortAddr(a common.Address) string {
	h := a.Hex()
	return h[:6] + "…" + h[len(h)-4:]
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
