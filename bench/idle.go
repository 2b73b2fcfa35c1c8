package main

import (
	"context"
	"fmt"
	"runtime"

	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
)

// memNow returns the memory statistics after two collections.
func memNow() runtime.MemStats {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m
}

// runIdleMemory starts cfg.nodes anynet nodes on one in-memory network,
// with no peers and no traffic, and reports the heap they hold per node.
func runIdleMemory(ctx context.Context, cfg *config) ([]Result, error) {
	mtu := uint32(cfg.netMTU())
	nw := mem.NewNetwork(memConfig(cfg))
	defer nw.Close()
	nodes := make([]*stack.Node, 0, cfg.nodes)
	defer func() {
		for _, n := range nodes {
			n.Close()
		}
	}()

	before, gBefore := memNow(), runtime.NumGoroutine()
	for range cfg.nodes {
		u, err := nw.Attach()
		if err != nil {
			return nil, fmt.Errorf("attach: %w", err)
		}
		n := &stack.Node{Underlay: u, MTU: mtu}
		if err := n.Up(ctx); err != nil {
			u.Close()
			return nil, fmt.Errorf("node %d up: %w", len(nodes), err)
		}
		nodes = append(nodes, n)
	}
	after, gAfter := memNow(), runtime.NumGoroutine()
	runtime.KeepAlive(nodes)
	n := float64(len(nodes))
	perNode := func(a, b uint64) float64 { return (float64(a) - float64(b)) / n / 1024 }
	return []Result{{
		Kind:  "memory",
		Name:  "idle-node heap",
		Value: perNode(after.HeapAlloc, before.HeapAlloc),
		Unit:  "KiB/node",
		Note:  fmt.Sprintf("%d nodes over mem, heap %d → %d bytes", len(nodes), before.HeapAlloc, after.HeapAlloc),
	}, {
		Kind:  "memory",
		Name:  "idle-node stacks",
		Value: perNode(after.StackInuse, before.StackInuse),
		Unit:  "KiB/node",
		Note:  fmt.Sprintf("goroutine stacks; %.1f goroutines/node", float64(gAfter-gBefore)/n),
	}}, nil
}
