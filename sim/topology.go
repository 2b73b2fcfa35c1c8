package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// edgeSpec is one link between two segments, as a generator makes it.
type edgeSpec struct {
	a, b    int
	class   string
	latency time.Duration
}

// generate builds the segment graph of t and says on which segments
// hosts live. Placement and geometry draw from rng only.
func generate(t *Topology, rng *rand.Rand) (edges []edgeSpec, hostSegs []int, err error) {
	n := t.Segments
	core := time.Duration(t.Classes["core"].Latency)
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	switch t.Generator {
	case "star":
		for i := 1; i < n; i++ {
			edges = append(edges, edgeSpec{0, i, "core", core})
		}
		return edges, all, nil
	case "tree":
		f := t.Fanout
		if f <= 0 {
			f = 4
		}
		for i := 1; i < n; i++ {
			edges = append(edges, edgeSpec{(i - 1) / f, i, "core", core})
		}
		return edges, all, nil
	case "geometric":
		return geometric(t, rng, core), all, nil
	case "explicit":
		for _, l := range t.Links {
			lat := time.Duration(l.Latency)
			if lat == 0 {
				lat = time.Duration(t.Classes[l.Class].Latency)
			}
			edges = append(edges, edgeSpec{l.A, l.B, l.Class, lat})
		}
		return edges, all, nil
	case "transit-stub":
		tr := t.Transit
		if tr <= 0 {
			tr = 4
		}
		if tr >= n {
			return nil, nil, fmt.Errorf("%w: transit-stub needs more segments (%d) than transit (%d)", ErrScenario, n, tr)
		}
		transit := time.Duration(t.Classes["transit"].Latency)
		for i := 0; i < tr; i++ {
			for j := i + 1; j < tr; j++ {
				edges = append(edges, edgeSpec{i, j, "transit", transit})
			}
		}
		for i := tr; i < n; i++ {
			edges = append(edges, edgeSpec{(i - tr) % tr, i, "core", core})
		}
		return edges, all[tr:], nil
	}
	return nil, nil, fmt.Errorf("%w: unknown generator %q", ErrScenario, t.Generator)
}

// geometric places segments in the unit square, joins those closer than
// the radius (latency proportional to distance), then joins any
// component left over to its nearest segment in the first one.
func geometric(t *Topology, rng *rand.Rand, core time.Duration) []edgeSpec {
	n := t.Segments
	r := t.Radius
	if r <= 0 {
		r = 0.25
	}
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		xs[i], ys[i] = rng.Float64(), rng.Float64()
	}
	dist := func(i, j int) float64 { return math.Hypot(xs[i]-xs[j], ys[i]-ys[j]) }
	lat := func(d float64) time.Duration { return time.Duration(float64(core) * max(0.1, d/r)) }
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	var edges []edgeSpec
	for i := range n {
		for j := i + 1; j < n; j++ {
			if d := dist(i, j); d < r {
				edges = append(edges, edgeSpec{i, j, "core", lat(d)})
				parent[find(i)] = find(j)
			}
		}
	}
	for i := 1; i < n; i++ {
		if find(i) == find(0) {
			continue
		}
		best, bd := -1, math.Inf(1)
		for j := range n {
			if find(j) == find(0) && dist(i, j) < bd {
				best, bd = j, dist(i, j)
			}
		}
		edges = append(edges, edgeSpec{best, i, "core", lat(bd)})
		parent[find(i)] = find(0)
	}
	return edges
}
