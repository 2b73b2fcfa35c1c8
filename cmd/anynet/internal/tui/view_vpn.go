package tui

import (
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// vpnPage draws the VPN view: the node's exit (its advert, whether it
// is on chain, sessions, refusals, bytes), its proxy (the port, the
// exits in the order tried with the one in use marked, failovers,
// bytes), then the exits advertised on chain, one selectable row each.
func (m *model) vpnPage(s *vpnSnap, w int) snapPage {
	st := m.st
	traffic := func(sessions uint64, extra string, up, down uint64) string {
		return fmt.Sprintf("  %d sessions%s · ↑ %s · ↓ %s", sessions, extra, bytesStr(float64(up)), bytesStr(float64(down)))
	}
	lines := []string{st.heading.Render("Exit")}
	if e := s.v.Exit; e == nil {
		lines = append(lines, st.dim.Render("  off (anynet up --exit)"))
	} else {
		pub := st.dim.Render("on chain")
		if !e.Published {
			pub = st.failed.Render("not on chain: " + or(e.PublishError, "not yet published"))
		}
		lines = append(lines, "  "+e.Advert, "  "+pub, traffic(e.Sessions, fmt.Sprintf(" · %d refused", e.Refused), e.Up, e.Down))
	}
	lines = append(lines, "", st.heading.Render("Proxy"))
	if p := s.v.Proxy; p == nil {
		lines = append(lines, st.dim.Render("  off (anynet up --proxy 127.0.0.1:1080)"))
	} else {
		lines = append(lines, "  SOCKS5 and HTTP on "+p.Addr)
		var exits []string
		for _, e := range p.Exits {
			name := shortExit(e)
			if e == p.InUse {
				name = st.selected.Render(name + " (in use)")
			}
			exits = append(exits, name)
		}
		lines = append(lines, "  via "+or(strings.Join(exits, " → "), "no exits"),
			traffic(p.Sessions, fmt.Sprintf(" · %d failovers", p.Failovers), p.Up, p.Down))
	}
	lines = append(lines, "", st.heading.Render(fmt.Sprintf("Exits on chain (%d)", len(s.exits))))
	if len(s.exits) == 0 {
		lines = append(lines, st.dim.Render("  none advertised"))
	}
	rows := [][]string{}
	for _, e := range s.exits {
		rows = append(rows, []string{shortExit(e.Wallet), or(e.Region, "-"), or(e.Price, "-"), e.Policy})
	}
	return snapPage{head: lines, rows: fitTable(rows, w-2, 3)}
}

// shortExit abbreviates a 0x wallet; names stay as they are.
func shortExit(e string) string {
	if common.IsHexAddress(e) && len(e) == 42 {
		return shortAddr(common.HexToAddress(e))
	}
	return e
}
