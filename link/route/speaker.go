package route

import (
	"bytes"
	"slices"

	"github.com/anynet/anynet/link/locator"
)

// MaxPath is the longest path a route may have; longer ones are dropped,
// as frames are by their hop limit.
const MaxPath = 32

// Advert is one route as a neighbor tells it: the prefix, the metric to
// it from the neighbor, and the path, the neighbor last.
type Advert struct {
	Prefix locator.Prefix
	Metric uint32
	Path   []ID
}

// Speaker runs the path-vector protocol for one router. It is not safe
// for concurrent use; the link layer serializes calls.
type Speaker struct {
	self      ID
	own       map[locator.Prefix]bool
	neighbors map[ID]*neighbor
	table     Table
}

type neighbor struct {
	cost    uint32
	adverts []Advert // the neighbor's last full table
}

// NewSpeaker returns a speaker for the router self.
func NewSpeaker(self ID) *Speaker {
	return &Speaker{self: self, own: make(map[locator.Prefix]bool), neighbors: make(map[ID]*neighbor)}
}

// Originate makes the router advertise p as its own (metric 0). It
// reports whether the table changed.
func (s *Speaker) Originate(p locator.Prefix) bool {
	s.own[p] = true
	return s.recompute()
}

// Withdraw stops originating p.
func (s *Speaker) Withdraw(p locator.Prefix) bool {
	delete(s.own, p)
	return s.recompute()
}

// SetNeighbor adds a neighbor or changes the cost of the link to it
// (cost 0 counts as 1).
func (s *Speaker) SetNeighbor(id ID, cost uint32) bool {
	cost = max(cost, 1)
	if n, ok := s.neighbors[id]; ok {
		n.cost = cost
	} else {
		s.neighbors[id] = &neighbor{cost: cost}
	}
	return s.recompute()
}

// NeighborDown forgets a neighbor and every route through it.
func (s *Speaker) NeighborDown(id ID) bool {
	if _, ok := s.neighbors[id]; !ok {
		return false
	}
	delete(s.neighbors, id)
	return s.recompute()
}

// Receive takes a neighbor's full table, replacing what it said before.
// Adverts from a router that is not a neighbor are ignored. It reports
// whether this router's table changed (and so its adverts must go out).
func (s *Speaker) Receive(from ID, adverts []Advert) bool {
	n, ok := s.neighbors[from]
	if !ok {
		return false
	}
	n.adverts = adverts
	return s.recompute()
}

// Lookup returns where a frame for l goes next.
func (s *Speaker) Lookup(l locator.Locator) (Route, bool) { return s.table.Lookup(l) }

// Routes returns the table, in a stable order.
func (s *Speaker) Routes() []Route { return s.table.Routes() }

// Adverts returns what this router tells its neighbors: every route it
// has, with itself appended to the path.
func (s *Speaker) Adverts() []Advert {
	routes := s.table.Routes()
	out := make([]Advert, 0, len(routes))
	for _, r := range routes {
		if len(r.Path) >= MaxPath {
			continue
		}
		path := append(slices.Clip(r.Path), s.self)
		out = append(out, Advert{Prefix: r.Prefix, Metric: r.Metric, Path: path})
	}
	return out
}

// recompute rebuilds the table from the own prefixes and the neighbors'
// adverts and reports whether it changed.
func (s *Speaker) recompute() bool {
	var next Table
	for p := range s.own {
		next.Set(Route{Prefix: p, NextHop: s.self})
	}
	for id, n := range s.neighbors {
		for _, a := range n.adverts {
			if s.own[a.Prefix] || !s.usable(id, a) {
				continue
			}
			cand := Route{Prefix: a.Prefix, NextHop: id, Metric: sat(a.Metric, n.cost), Path: a.Path}
			if cur, ok := next.Get(a.Prefix); !ok || better(cand, cur) {
				next.Set(cand)
			}
		}
	}
	changed := !sameTable(&s.table, &next)
	s.table = next
	return changed
}

// usable reports whether an advert from neighbor id can be a route: a
// loop-free path that ends at the neighbor.
func (s *Speaker) usable(id ID, a Advert) bool {
	if len(a.Path) == 0 || len(a.Path) > MaxPath || a.Path[len(a.Path)-1] != id {
		return false
	}
	return !slices.Contains(a.Path, s.self)
}

// better orders routes to one prefix: metric, path length, next hop.
func better(a, b Route) bool {
	if a.Metric != b.Metric {
		return a.Metric < b.Metric
	}
	if len(a.Path) != len(b.Path) {
		return len(a.Path) < len(b.Path)
	}
	return bytes.Compare(a.NextHop[:], b.NextHop[:]) < 0
}

func sameTable(a, b *Table) bool {
	ra, rb := a.Routes(), b.Routes()
	return slices.EqualFunc(ra, rb, func(x, y Route) bool {
		return x.Prefix == y.Prefix && x.NextHop == y.NextHop && x.Metric == y.Metric && slices.Equal(x.Path, y.Path)
	})
}

// sat adds without wrapping.
func sat(a, b uint32) uint32 {
	if a+b < a {
		return ^uint32(0)
	}
	return a + b
}
