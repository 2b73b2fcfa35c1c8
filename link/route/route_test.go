package route

import (
	"bytes"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/anynet/anynet/link/locator"
)

func pfx(t testing.TB, s string) locator.Prefix {
	t.Helper()
	p, err := locator.ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func loc(t testing.TB, s string) locator.Locator {
	t.Helper()
	l, err := locator.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func id(b byte) ID { return ID{0: b} }

func TestTableLongestPrefix(t *testing.T) {
	var tb Table
	tb.Set(Route{Prefix: pfx(t, "0/0"), NextHop: id(1)})
	tb.Set(Route{Prefix: pfx(t, "2a/64"), NextHop: id(2)})
	tb.Set(Route{Prefix: pfx(t, "2a.1/128"), NextHop: id(3)})
	tests := []struct {
		dst  string
		want ID
	}{
		{"2a.1.5.0", id(3)},
		{"2a.2.5.0", id(2)},
		{"2b.1.5.0", id(1)},
	}
	for _, tt := range tests {
		r, ok := tb.Lookup(loc(t, tt.dst))
		if !ok || r.NextHop != tt.want {
			t.Errorf("Lookup(%s) = %v %v, want next hop %x", tt.dst, r.NextHop[0], ok, tt.want[0])
		}
	}
	tb.Delete(pfx(t, "2a.1/128"))
	tb.Delete(pfx(t, "0/0"))
	if r, _ := tb.Lookup(loc(t, "2a.1.5.0")); r.NextHop != id(2) {
		t.Error("after delete, /64 should match")
	}
	if _, ok := tb.Lookup(loc(t, "2b.1.5.0")); ok {
		t.Error("no default route left, yet a match")
	}
	if tb.Len() != 1 {
		t.Errorf("Len = %d", tb.Len())
	}
}

// net is a set of speakers wired by links, exchanging adverts in rounds
// until nothing changes.
type net struct {
	t        *testing.T
	speakers map[ID]*Speaker
	links    map[[2]ID]uint32
}

func newNet(t *testing.T, n int) *net {
	nw := &net{t: t, speakers: map[ID]*Speaker{}, links: map[[2]ID]uint32{}}
	for i := 1; i <= n; i++ {
		nw.speakers[id(byte(i))] = NewSpeaker(id(byte(i)))
	}
	return nw
}

func (nw *net) link(a, b byte, cost uint32) {
	nw.links[[2]ID{id(a), id(b)}] = cost
	nw.links[[2]ID{id(b), id(a)}] = cost
	nw.speakers[id(a)].SetNeighbor(id(b), cost)
	nw.speakers[id(b)].SetNeighbor(id(a), cost)
}

func (nw *net) cut(a, b byte) {
	delete(nw.links, [2]ID{id(a), id(b)})
	delete(nw.links, [2]ID{id(b), id(a)})
	nw.speakers[id(a)].NeighborDown(id(b))
	nw.speakers[id(b)].NeighborDown(id(a))
}

func (nw *net) kill(a byte) {
	for l := range nw.links {
		if l[0] == id(a) || l[1] == id(a) {
			nw.cut(l[0][0], l[1][0])
		}
	}
	delete(nw.speakers, id(a))
}

// converge exchanges full tables, through the wire format, until no
// table changes; it fails the test if that takes more than limit rounds.
func (nw *net) converge(limit int) int {
	nw.t.Helper()
	for round := 1; round <= limit; round++ {
		changed := false
		msgs := map[ID][][]byte{}
		for sid, s := range nw.speakers {
			// Small messages, so that larger tables travel in parts.
			parts, err := Split(s.Adverts(), uint16(round), 400)
			if err != nil {
				nw.t.Fatal(err)
			}
			for _, m := range parts {
				b, err := Encode(nil, m)
				if err != nil {
					nw.t.Fatal(err)
				}
				msgs[sid] = append(msgs[sid], b)
			}
		}
		for l := range nw.links {
			var asm Assembler
			for _, b := range msgs[l[0]] {
				m, err := Decode(b)
				if err != nil {
					nw.t.Fatal(err)
				}
				if adverts, ok := asm.Add(m); ok && nw.speakers[l[1]].Receive(l[0], adverts) {
					changed = true
				}
			}
		}
		if !changed {
			return round
		}
	}
	nw.t.Fatalf("no convergence in %d rounds", limit)
	return 0
}

func (nw *net) path(from byte, dst locator.Locator) []byte {
	var hops []byte
	cur := id(from)
	for range MaxPath {
		hops = append(hops, cur[0])
		r, ok := nw.speakers[cur].Lookup(dst)
		if !ok {
			return nil
		}
		if r.NextHop == cur {
			return hops
		}
		cur = r.NextHop
	}
	nw.t.Fatalf("loop: %v", hops)
	return nil
}

func TestConvergeAndWithdraw(t *testing.T) {
	// 1 — 2 — 3 — 4, and 1 — 5 — 4 at a higher cost.
	nw := newNet(t, 5)
	nw.link(1, 2, 1)
	nw.link(2, 3, 1)
	nw.link(3, 4, 1)
	nw.link(1, 5, 5)
	nw.link(5, 4, 5)
	dst := loc(t, "2a.4.1.0")
	nw.speakers[id(4)].Originate(pfx(t, "2a.4/128"))
	nw.converge(10)
	if got := nw.path(1, dst); !slices.Equal(got, []byte{1, 2, 3, 4}) {
		t.Fatalf("path %v, want 1 2 3 4", got)
	}
	// Killing router 3 moves traffic to the other path.
	nw.kill(3)
	nw.converge(10)
	if got := nw.path(1, dst); !slices.Equal(got, []byte{1, 5, 4}) {
		t.Fatalf("after router 3 died: path %v, want 1 5 4", got)
	}
	// Cutting the last path withdraws the route everywhere, in a bounded
	// number of rounds (no count-to-infinity).
	nw.cut(5, 4)
	nw.converge(10)
	for _, r := range []byte{1, 2, 5} {
		if _, ok := nw.speakers[id(r)].Lookup(dst); ok {
			t.Errorf("router %d still has a route to a cut-off prefix", r)
		}
	}
}

func TestRingNoLoops(t *testing.T) {
	nw := newNet(t, 6)
	for i := byte(1); i <= 6; i++ {
		nw.link(i, i%6+1, 1)
	}
	nw.speakers[id(1)].Originate(pfx(t, "1/64"))
	nw.converge(10)
	if got := nw.path(4, loc(t, "1.0.0.0")); len(got) != 4 {
		t.Fatalf("path from the far side %v, want 3 hops", got)
	}
	nw.speakers[id(1)].Withdraw(pfx(t, "1/64"))
	nw.converge(10)
	for sid, s := range nw.speakers {
		if len(s.Routes()) != 0 {
			t.Errorf("router %d kept %v after withdrawal", sid[0], s.Routes())
		}
	}
}

func TestSpeakerIgnoresBadAdverts(t *testing.T) {
	s := NewSpeaker(id(1))
	s.SetNeighbor(id(2), 1)
	p := pfx(t, "2a/64")
	tests := []struct {
		name string
		from ID
		a    Advert
	}{
		{"not a neighbor", id(3), Advert{Prefix: p, Path: []ID{id(3)}}},
		{"path does not end at sender", id(2), Advert{Prefix: p, Path: []ID{id(3)}}},
		{"path through self", id(2), Advert{Prefix: p, Path: []ID{id(1), id(2)}}},
		{"empty path", id(2), Advert{Prefix: p}},
	}
	for _, tt := range tests {
		if s.Receive(tt.from, []Advert{tt.a}) || len(s.Routes()) != 0 {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	if !s.Receive(id(2), []Advert{{Prefix: p, Metric: ^uint32(0), Path: []ID{id(2)}}}) {
		t.Fatal("a good advert changed nothing")
	}
	if r, _ := s.Lookup(loc(t, "2a.0.0.0")); r.Metric != ^uint32(0) {
		t.Errorf("metric %d did not saturate", r.Metric)
	}
}

func TestWireVector(t *testing.T) {
	var router ID
	for i := range router {
		router[i] = 1
	}
	m := Message{Gen: 7, Part: 0, Parts: 1, Adverts: []Advert{{Prefix: pfx(t, "2a/64"), Metric: 1, Path: []ID{router}}}}
	b, err := Encode(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	want := "02" + "0007" + "00" + "01" + "0001" + "40" + "000000000000002a" + strings.Repeat("00", 24) + "00000001" + "01" + strings.Repeat("01", 32)
	if got := hex.EncodeToString(b); got != want {
		t.Fatalf("encoding\n got %s\nwant %s", got, want)
	}
	back, err := Decode(b)
	if err != nil || back.Gen != 7 || back.Parts != 1 || len(back.Adverts) != 1 || back.Adverts[0].Prefix != pfx(t, "2a/64") || back.Adverts[0].Path[0] != router {
		t.Fatalf("decode: %v %+v", err, back)
	}
}

// TestSplitAssemble: a table too large for one message travels in
// parts that fit, arriving in any order; a part of a newer generation
// starts over; a route that fits no message is an error.
func TestSplitAssemble(t *testing.T) {
	var table []Advert
	for i := range 40 {
		table = append(table, Advert{Prefix: locator.MustPrefix(locator.New(0x2a, uint64(i), [12]byte{}, 0), 128), Metric: uint32(i), Path: []ID{id(byte(i)), id(9)}})
	}
	const max = 1200
	parts, err := Split(table, 3, max)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) < 2 {
		t.Fatalf("%d routes in %d part(s) of %d bytes", len(table), len(parts), max)
	}
	var wire []Message
	for _, m := range parts {
		b, err := Encode(nil, m)
		if err != nil || len(b) > max {
			t.Fatalf("part %d: %d bytes, %v", m.Part, len(b), err)
		}
		back, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		wire = append(wire, back)
	}
	var asm Assembler
	// A stale part of an older generation, then the parts backwards.
	old := wire[0]
	old.Gen = 2
	if _, ok := asm.Add(old); ok {
		t.Fatal("one part of several completed a table")
	}
	for i := len(wire) - 1; i >= 0; i-- {
		got, ok := asm.Add(wire[i])
		if ok != (i == 0) {
			t.Fatalf("part %d: complete = %v", i, ok)
		}
		if ok && !slices.EqualFunc(got, table, func(a, b Advert) bool {
			return a.Prefix == b.Prefix && a.Metric == b.Metric && slices.Equal(a.Path, b.Path)
		}) {
			t.Fatalf("reassembled %d routes, not the table of %d", len(got), len(table))
		}
	}
	if empty, _ := Split(nil, 1, max); len(empty) != 1 || empty[0].Parts != 1 || len(empty[0].Adverts) != 0 {
		t.Errorf("empty table split into %+v", empty)
	}
	if _, err := Split(table[:1], 1, 60); err == nil {
		t.Error("a route larger than a message was split")
	}
}

func TestDecodeErrors(t *testing.T) {
	good, _ := Encode(nil, Message{Parts: 1, Adverts: []Advert{{Prefix: pfx(t, "2a/64"), Metric: 1, Path: []ID{id(9)}}}})
	const h = headerLen
	tests := map[string][]byte{
		"empty":           nil,
		"version":         append([]byte{1}, good[1:]...),
		"no parts":        func() []byte { b := slices.Clone(good); b[4] = 0; return b }(),
		"part past count": func() []byte { b := slices.Clone(good); b[3] = 1; return b }(),
		"truncated":       good[:len(good)-1],
		"trailing":        append(slices.Clone(good), 0),
		"count too large": func() []byte { b := slices.Clone(good); b[5], b[6] = 0xff, 0xff; return b }(),
		"bits past len":   func() []byte { b := slices.Clone(good); b[h] = 8; return b }(),
		"empty path":      func() []byte { b := slices.Clone(good); b[h+1+32+4] = 0; return b }(),
	}
	for name, b := range tests {
		if _, err := Decode(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	good, _ := Encode(nil, Message{Gen: 1, Parts: 1, Adverts: []Advert{{Prefix: locator.MustPrefix(locator.New(0x2a, 0, [12]byte{}, 0), 64), Metric: 1, Path: []ID{id(9)}}}})
	f.Add(good)
	f.Add([]byte{2, 0, 0, 0, 1, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			return
		}
		again, err := Encode(nil, m)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("decode/encode not an identity: %v", err)
		}
	})
}
