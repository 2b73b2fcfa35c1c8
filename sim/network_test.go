package sim

import (
	"testing"
	"time"
)

func TestHopQueue(t *testing.T) {
	// 8 Mbit/s: a 1000-byte frame takes 1 ms; the queue holds 2000 bytes.
	c := LinkClass{Latency: Duration(5 * time.Millisecond), Bandwidth: 8e6, MTU: 1500, Queue: 2000}
	h := &hop{class: &c, lat: int64(c.Latency)}
	nw := &network{}
	rng := newRand(1, "test", 0)
	ms := int64(time.Millisecond)
	var got []int64
	for range 4 { // all at t=0: 1, 2, 3 ms on the wire, the 4th waits 3 ms > 2000 bytes
		at, reason := nw.cross(h, 1000, 0, rng)
		if reason != "" {
			got = append(got, -1)
			continue
		}
		got = append(got, at)
	}
	want := []int64{6 * ms, 7 * ms, 8 * ms, -1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("arrivals %v, want %v", got, want)
		}
	}
	if _, reason := nw.cross(h, 1501, 10*ms, rng); reason != "mtu" {
		t.Errorf("oversized frame: %q, want mtu", reason)
	}
	h.down = true
	if _, reason := nw.cross(h, 100, 10*ms, rng); reason != "link-down" {
		t.Errorf("down link: %q, want link-down", reason)
	}
}

func TestPathsAndPartition(t *testing.T) {
	topo := Topology{Generator: "tree", Segments: 7, Fanout: 2}
	sc := &Scenario{Nodes: 14, Topology: topo}
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	nw, err := newNetwork(&sc.Topology, 14, newRand(1, "topology", engineSource))
	if err != nil {
		t.Fatal(err)
	}
	// Nodes 3 and 5 live on segments 3 and 5: 3-1-0-2-5 is four core
	// hops, plus both access links; 3 and 4 are siblings under 1.
	hops, reason := nw.pathFor(3, 5)
	if reason != "" || len(hops) != 6 {
		t.Fatalf("path 3→5: %d hops, %q; want 6", len(hops), reason)
	}
	if hops, _ := nw.pathFor(3, 4); len(hops) != 4 {
		t.Fatalf("path 3→4: %d hops, want 4", len(hops))
	}
	if hops, _ := nw.pathFor(3, 10); len(hops) != 2 {
		t.Fatalf("same segment: %d hops, want 2 (access up and down)", len(hops))
	}
	nw.setEdge(0, true) // 0-1: the tree falls apart
	if _, reason := nw.pathFor(3, 5); reason != "no-route" {
		t.Fatalf("after link down: %q, want no-route", reason)
	}
	nw.setEdge(0, false)
	nw.group = []int8{0, 0, 0, 1, 0, 0, 0}
	if _, reason := nw.pathFor(3, 5); reason != "partition" {
		t.Fatalf("across a partition: %q", reason)
	}
}
