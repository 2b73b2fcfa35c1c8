package tui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// StreamsBackend is what the Streams view shows. It is optional: a
// Backend that does not implement it gets a Streams view that says so.
type StreamsBackend interface {
	// Streams lists the live streams this node publishes, relays or
	// plays.
	Streams(ctx context.Context) ([]Stream, error)
}

// Stream is one live stream (apps/stream) as this node sees it.
type Stream struct {
	Owner    string // the publisher's 0x wallet
	Name     string
	Role     string // "publisher", "relay" or "viewer"
	Upstream string // the node this one pulls from; "" at the publisher
	Access   string // "public", "3 wallets", "token 0x…"
	Children int    // nodes this one serves (viewers' nodes and relays)
	Relays   int    // at the publisher: the relays of its tree
	// Last is the newest entry held; with Parts > 1 it is part
	// (Last−1) mod Parts of media segment (Last−1) div Parts.
	Last      uint64
	Parts     int
	Recording bool
	Denied    int64 // viewers refused (at the publisher)
}

// streamsView is the Streams view (a snapshot view): a row per stream,
// the selected one's detail below.
var streamsView = snapshot("streams", "live streams are not available through this backend", "stream",
	func(b StreamsBackend, ctx context.Context, _ bool) ([]Stream, error) { return b.Streams(ctx) }, (*model).streamsPage)

// hexAddr is a 0x wallet or contract address in a text.
var hexAddr = regexp.MustCompile(`0x[0-9a-fA-F]{40}`)

// position is s's newest segment and part: "41.3" (LL-HLS) or "41".
func (s Stream) position() string {
	switch {
	case s.Last == 0:
		return "-"
	case s.Parts > 1:
		return fmt.Sprintf("%d.%d", (s.Last-1)/uint64(s.Parts), (s.Last-1)%uint64(s.Parts))
	}
	return fmt.Sprint(s.Last)
}

// streamsPage draws a row per stream (name, publisher, role, access,
// children, segment.part, recording) and the selected stream's detail:
// the URL players open, the upstream, the tree's relays, refusals.
func (m *model) streamsPage(l *[]Stream, w int) snapPage {
	st := m.st
	ss := *l
	p := snapPage{head: []string{st.heading.Render("Streams") + " " + st.dim.Render(fmt.Sprintf("%d published, relayed or played here", len(ss)))}}
	if len(ss) == 0 {
		p.head = append(p.head, "", st.dim.Render("none: anynet stream publish NAME, or anynet stream play HOST NAME"))
		return p
	}
	rows := [][]string{{"NAME", "PUBLISHER", "ROLE", "ACCESS", "CHILDREN", "SEG.PART", "REC"}}
	for _, s := range ss {
		rec := "-"
		if s.Recording {
			rec = "● rec"
		}
		rows = append(rows, []string{s.Name, shortWallet(s.Owner), s.Role, hexAddr.ReplaceAllStringFunc(s.Access, shortWallet), fmt.Sprint(s.Children), s.position(), rec})
	}
	t := fitTable(rows, w-2, 3, 6)
	p.head = append(p.head, "", st.dim.Render("  "+t[0]))
	p.rows = t[1:]
	p.detail = func(i int) []string {
		s := ss[i]
		d := []string{"", st.heading.Render(s.Name) + " " + st.dim.Render("by "+s.Owner),
			"  play: http://" + strings.ToLower(s.Owner) + ".anynet/live/" + s.Name + "/index.m3u8"}
		switch {
		case s.Role == "publisher":
			d = append(d, fmt.Sprintf("  publishing to %d nodes · %d relays in the tree · %d viewers refused", s.Children, s.Relays, s.Denied))
		case s.Upstream != "":
			d = append(d, fmt.Sprintf("  %s · from %s · serving %d nodes", s.Role, shortWallet(s.Upstream), s.Children))
		default:
			d = append(d, "  "+s.Role+" · joining")
		}
		parts := "whole segments"
		if s.Parts > 1 {
			parts = fmt.Sprintf("LL-HLS, %d parts a segment", s.Parts)
		}
		return append(d, "  access "+s.Access+" · "+parts+" · newest "+s.position())
	}
	return p
}
