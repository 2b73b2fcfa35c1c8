package route

import (
	"slices"

	"github.com/anynet/anynet/link/locator"
)

// ID names a router: its X25519 node public key.
type ID [32]byte

// Route is one way to a prefix.
type Route struct {
	Prefix  locator.Prefix
	NextHop ID // the neighbor to send to; the router itself for its own prefixes
	Metric  uint32
	// Path lists the routers from the origin to NextHop.
	Path []ID
}

// Table maps prefixes to routes with longest-prefix match. The zero
// value is an empty table. It is not safe for concurrent use.
type Table struct {
	byLen map[int]map[locator.Locator]Route
	lens  []int // prefix lengths present, longest first
}

// Set adds or replaces the route for r.Prefix.
func (t *Table) Set(r Route) {
	if t.byLen == nil {
		t.byLen = make(map[int]map[locator.Locator]Route)
	}
	n := r.Prefix.Bits()
	m := t.byLen[n]
	if m == nil {
		m = make(map[locator.Locator]Route)
		t.byLen[n] = m
		i, _ := slices.BinarySearchFunc(t.lens, n, func(a, b int) int { return b - a })
		t.lens = slices.Insert(t.lens, i, n)
	}
	m[r.Prefix.Addr()] = r
}

// Delete removes the route for p, if any.
func (t *Table) Delete(p locator.Prefix) {
	m := t.byLen[p.Bits()]
	if m == nil {
		return
	}
	delete(m, p.Addr())
	if len(m) == 0 {
		delete(t.byLen, p.Bits())
		t.lens = slices.DeleteFunc(t.lens, func(n int) bool { return n == p.Bits() })
	}
}

// Get returns the route for exactly p.
func (t *Table) Get(p locator.Prefix) (Route, bool) {
	r, ok := t.byLen[p.Bits()][p.Addr()]
	return r, ok
}

// Lookup returns the route of the longest prefix containing l.
func (t *Table) Lookup(l locator.Locator) (Route, bool) {
	for _, n := range t.lens {
		p := locator.MustPrefix(l, n)
		if r, ok := t.byLen[n][p.Addr()]; ok {
			return r, true
		}
	}
	return Route{}, false
}

// Routes returns every route, longest prefix first, then by locator, so
// the order is the same on every run.
func (t *Table) Routes() []Route {
	var out []Route
	for _, n := range t.lens {
		start := len(out)
		for _, r := range t.byLen[n] {
			out = append(out, r)
		}
		slices.SortFunc(out[start:], func(a, b Route) int {
			pa, pb := a.Prefix.Addr(), b.Prefix.Addr()
			return slices.Compare(pa[:], pb[:])
		})
	}
	return out
}

// Len returns how many routes the table holds.
func (t *Table) Len() int {
	n := 0
	for _, m := range t.byLen {
		n += len(m)
	}
	return n
}
