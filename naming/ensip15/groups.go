package ensip15

import (
	"math/bits"
	"slices"
)

// groupSet is a set of script groups by index (the tables have fewer
// than 192; decode checks).
type groupSet [3]uint64

const maxGroups = 3 * 64

func (s groupSet) has(g int) bool { return s[g/64]&(1<<(g%64)) != 0 }

func (s *groupSet) add(g int) { s[g/64] |= 1 << (g % 64) }

func (s groupSet) and(o groupSet) groupSet { return groupSet{s[0] & o[0], s[1] & o[1], s[2] & o[2]} }

func (s groupSet) empty() bool { return s == groupSet{} }

func (s groupSet) count() int {
	return bits.OnesCount64(s[0]) + bits.OnesCount64(s[1]) + bits.OnesCount64(s[2])
}

// first is the lowest group index in s (groups are in priority order).
func (s groupSet) first() int {
	for i, w := range s {
		if w != 0 {
			return i*64 + bits.TrailingZeros64(w)
		}
	}
	return -1
}

// segment is a run of code points that belong to the same groups.
type segment struct {
	lo, hi rune
	set    groupSet
}

// buildSegments sweeps every group's ranges into runs of code points with
// one set of groups each, so that the groups of a code point are one
// binary search away.
func buildSegments(groups []group) []segment {
	type event struct {
		at    rune
		group int
		delta int
	}
	var events []event
	for g := range groups {
		for _, set := range []rangeSet{groups[g].primary, groups[g].secondary} {
			for _, r := range set {
				events = append(events, event{r.lo, g, 1}, event{r.hi + 1, g, -1})
			}
		}
	}
	slices.SortFunc(events, func(a, b event) int { return int(a.at - b.at) })
	counts := make([]int, len(groups))
	var segs []segment
	for i := 0; i < len(events); {
		at := events[i].at
		for ; i < len(events) && events[i].at == at; i++ {
			counts[events[i].group] += events[i].delta
		}
		var set groupSet
		for g, n := range counts {
			if n > 0 {
				set.add(g)
			}
		}
		if n := len(segs); n > 0 && segs[n-1].hi == -1 {
			segs[n-1].hi = at - 1
		}
		if !set.empty() && i < len(events) {
			segs = append(segs, segment{lo: at, hi: -1, set: set})
		}
	}
	return segs
}

// groupsOf returns the groups holding cp (empty: none).
func (t *tables) groupsOf(cp rune) groupSet {
	i, found := slices.BinarySearchFunc(t.segments, cp, func(s segment, cp rune) int {
		switch {
		case s.hi < cp:
			return -1
		case s.lo > cp:
			return 1
		}
		return 0
	})
	if !found {
		return groupSet{}
	}
	return t.segments[i].set
}
