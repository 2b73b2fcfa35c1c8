package ensip15

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
)

// rangeSet is a sorted list of inclusive code point ranges.
type rangeSet []cpRange

type cpRange struct{ lo, hi rune }

func (s rangeSet) has(cp rune) bool {
	_, found := slices.BinarySearchFunc(s, cp, func(r cpRange, cp rune) int {
		switch {
		case r.hi < cp:
			return -1
		case r.lo > cp:
			return 1
		}
		return 0
	})
	return found
}

// group is an ENSIP-15 script group: a label's characters must all belong
// to one group.
type group struct {
	name       string
	restricted bool
	checkNSM   bool // apply the non-spacing mark rules
	primary    rangeSet
	secondary  rangeSet
}

func (g *group) has(cp rune) bool { return g.primary.has(cp) || g.secondary.has(cp) }

// emojiNode is a node of the emoji trie; FE0F is optional at every place
// it appears in a sequence. seq is the fully qualified sequence that ends
// here, if any.
type emojiNode struct {
	next map[rune]*emojiNode
	seq  []rune
}

// tables is what the normalizer reads; built once from tableData and
// never written after.
type tables struct {
	valid, ignored, cm, nsm, fenced, exclusions rangeSet
	mapped                                      map[rune][]rune
	nsmMax                                      int
	groups                                      []group
	segments                                    []segment // the groups of each code point
	allGroups                                   groupSet
	complements                                 [][]int       // groups a confusable is not confusable within
	whole                                       map[rune]int  // 0: unique to one group; k: complements[k-1]
	emoji                                       *emojiNode    // trie root
	emojiList                                   [][]rune      // fully qualified sequences
	rank                                        map[rune]byte // canonical combining class, as a rank
	decomp                                      map[rune][]rune
	recomp                                      map[[2]rune]rune
}

// load decodes tableData once.
var load = sync.OnceValue(func() *tables {
	t, err := decode(tableData)
	if err != nil {
		panic(fmt.Sprintf("ensip15: generated tables are corrupt: %v", err))
	}
	return t
})

type reader struct {
	b   []byte
	err error
}

func (r *reader) uv() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > 1<<31 {
		r.err = fmt.Errorf("bad varint at %d bytes from the end", len(r.b))
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *reader) set() rangeSet {
	n := r.uv()
	s := make(rangeSet, 0, n)
	prev := 0
	for range n {
		lo := prev + r.uv()
		hi := lo + r.uv()
		s = append(s, cpRange{rune(lo), rune(hi)})
		prev = hi + 1
	}
	return s
}

func (r *reader) list() []rune {
	n := r.uv()
	out := make([]rune, n)
	for i := range out {
		out[i] = rune(r.uv())
	}
	return out
}

// cpMap reads a count of entries keyed by ascending code point gaps.
func cpMap[V any](r *reader, value func() V) map[rune]V {
	n := r.uv()
	m := make(map[rune]V, n)
	prev := 0
	for range n {
		prev += r.uv()
		m[rune(prev)] = value()
	}
	return m
}

func decode(data string) (*tables, error) {
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, err
	}
	r := &reader{b: raw}
	t := &tables{}
	t.valid = r.set()
	t.ignored = r.set()
	t.mapped = cpMap(r, r.list)
	t.cm = r.set()
	t.nsm = r.set()
	t.fenced = r.set()
	t.nsmMax = r.uv()
	t.groups = make([]group, r.uv())
	for i := range t.groups {
		name := make([]byte, r.uv())
		for j := range name {
			name[j] = byte(r.uv())
		}
		g := &t.groups[i]
		g.name = string(name)
		g.restricted = r.uv() == 1
		g.checkNSM = r.uv() == 1
		g.primary = r.set()
		g.secondary = r.set()
	}
	if len(t.groups) > maxGroups {
		return nil, fmt.Errorf("%d groups, at most %d supported", len(t.groups), maxGroups)
	}
	t.segments = buildSegments(t.groups)
	for g := range t.groups {
		t.allGroups.add(g)
	}
	t.complements = make([][]int, r.uv())
	for i := range t.complements {
		for _, g := range r.list() {
			t.complements[i] = append(t.complements[i], int(g))
		}
	}
	t.whole = cpMap(r, r.uv)
	t.emojiList = make([][]rune, r.uv())
	t.emoji = &emojiNode{}
	for i := range t.emojiList {
		t.emojiList[i] = r.list()
		t.emoji.add(t.emojiList[i])
	}
	t.rank = cpMap(r, func() byte { return byte(r.uv()) })
	t.exclusions = r.set()
	t.decomp = cpMap(r, r.list)
	if r.err != nil {
		return nil, r.err
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%d bytes left over", len(r.b))
	}
	t.recomp = make(map[[2]rune]rune)
	for cp, d := range t.decomp {
		if len(d) == 2 && !t.exclusions.has(cp) {
			t.recomp[[2]rune{d[0], d[1]}] = cp
		}
	}
	return t, nil
}

// add inserts a fully qualified sequence; every FE0F in it may be left
// out of the input (the reference's trie, the same paths).
func (root *emojiNode) add(seq []rune) {
	nodes := []*emojiNode{root}
	for _, cp := range seq {
		next := make([]*emojiNode, len(nodes))
		for i, n := range nodes {
			if n.next == nil {
				n.next = make(map[rune]*emojiNode)
			}
			c := n.next[cp]
			if c == nil {
				c = &emojiNode{}
				n.next[cp] = c
			}
			next[i] = c
		}
		if cp == fe0f {
			nodes = append(nodes, next...)
		} else {
			nodes = next
		}
	}
	for _, n := range nodes {
		n.seq = seq
	}
}
