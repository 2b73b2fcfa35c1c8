package transport

import (
	"testing"
)

// FuzzReceive feeds arbitrary bytes to a node that has peers, established
// IK and XX sessions and handshakes in flight: Receive must never panic,
// and must report every drop with an error.
func FuzzReceive(f *testing.F) {
	clock := newClock()
	a, b, c := newNode(f, clock, 1, nil), newNode(f, clock, 2, nil), newNode(f, clock, 3, nil)
	var seeds [][]byte
	record := func(from, to *testNode, msg []byte) {
		q := []flight{{from, to, msg}}
		for len(q) > 0 {
			fl := q[0]
			q = q[1:]
			seeds = append(seeds, fl.msg)
			res, err := fl.to.s.Receive(nil, fl.msg, fl.from.addr)
			if err != nil {
				f.Fatal(err)
			}
			for _, r := range res.Replies {
				q = append(q, flight{fl.to, fl.from, r})
			}
		}
	}
	// b: IK session with a (a initiated), XX session with c (c initiated),
	// its own pending initiation to a third node.
	pa := a.peerIK(b)
	msg, _ := a.s.Initiate(pa)
	record(a, b, msg)
	msg, _ = c.s.Initiate(c.peerXX(b))
	record(c, b, msg)
	d := newNode(f, clock, 4, nil)
	pending, _ := b.s.Initiate(b.peerIK(d))
	seeds = append(seeds, pending)
	for _, m := range []string{"", "x", "hello, fuzz"} {
		data, err := a.s.Seal(nil, pa, []byte(m))
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, data, a.s.StaleHint(data))
	}
	// A cookie reply and XX message 1 for b's own states.
	dres, _ := d.s.Receive(nil, pending, b.addr)
	seeds = append(seeds, dres.Replies...)
	for _, s := range seeds {
		f.Add(s, []byte{1, 2, 3})
	}
	f.Fuzz(func(t *testing.T, msg, src []byte) {
		res, err := b.s.Receive(nil, msg, src)
		if err == nil && res.Kind == 0 {
			t.Fatalf("no error and no kind for %x", msg)
		}
		b.s.Tick()
	})
}
