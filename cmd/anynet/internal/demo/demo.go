// Package demo runs a small anynet network in one process: the job of
// `anynet demo`.
package demo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
)

// Config says how big a demo to run.
type Config struct {
	Nodes  int           // 2 to 26; zero means 4
	Rounds int           // rounds of greetings; zero means until ctx ends
	Every  time.Duration // pause between rounds
	Out    io.Writer     // where the demo narrates
}

var names = strings.Fields("alice bob carol dave erin frank grace heidi ivan judy ken leo mallory niaj olivia peggy quentin rupert sybil trent uma victor walter xena yves zoe")

// botPort is where each node's chat bot listens.
const botPort = 7

// Run starts the network, greets every node from alice, and stops when
// the rounds are done or ctx ends.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Nodes == 0 {
		cfg.Nodes = 4
	}
	if cfg.Nodes < 2 || cfg.Nodes > len(names) {
		return fmt.Errorf("demo: --nodes %d: want 2 to %d", cfg.Nodes, len(names))
	}
	nw := mem.NewNetwork(mem.Config{MTU: link.MinUnderlayMTU})
	nodes := make([]*stack.Node, cfg.Nodes)
	defer func() {
		for _, n := range nodes {
			if n != nil {
				n.Close()
			}
		}
	}()
	for i := range nodes {
		u, err := nw.Attach()
		if err != nil {
			return err
		}
		nodes[i] = &stack.Node{Underlay: u}
		if err := nodes[i].Up(ctx); err != nil {
			return fmt.Errorf("demo: start %s: %w", names[i], err)
		}
		fmt.Fprintf(cfg.Out, "%-6s wallet %s  underlay %s\n", names[i], nodes[i].Addr().Hex(), nodes[i].Self().Addr)
	}
	// Everyone knows everyone (the naming issue replaces this with the chain).
	for _, a := range nodes {
		for _, b := range nodes {
			if a != b {
				if err := a.AddPeer(ctx, b.Self()); err != nil {
					return err
				}
			}
		}
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	for i, n := range nodes[1:] {
		l, err := n.Listen("tcp", fmt.Sprintf(":%d", botPort))
		if err != nil {
			return err
		}
		defer l.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			serveBot(names[i+1], n, l)
		}()
	}
	alice := nodes[0]
	for round := 1; cfg.Rounds == 0 || round <= cfg.Rounds; round++ {
		for i, n := range nodes[1:] {
			if err := greet(ctx, cfg.Out, alice, names[i+1], n.Addr().Hex(), round); err != nil {
				return err
			}
		}
		if cfg.Rounds != 0 && round == cfg.Rounds {
			break
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(cfg.Every):
		}
	}
	s := alice.LinkStats()
	fmt.Fprintf(cfg.Out, "alice's link: %d frames sent, %d received, %d handshakes, %d dropped\n",
		s.FramesSent, s.FramesReceived, s.HandshakesStarted, s.DroppedOpen+s.DroppedReplay+s.DroppedMalformed+s.DroppedNoPeer)
	return nil
}

func greet(ctx context.Context, out io.Writer, from *stack.Node, name, wallet string, round int) error {
	c, err := from.Dial(ctx, "tcp", fmt.Sprintf("%s:%d", wallet, botPort))
	if err != nil {
		return fmt.Errorf("demo: dial %s: %w", name, err)
	}
	defer c.Close()
	fmt.Fprintf(c, "hello %s, round %d\n", name, round)
	reply, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Errorf("demo: read from %s: %w", name, err)
	}
	who := c.RemoteAddr().(*stack.Addr).Wallet
	fmt.Fprintf(out, "alice → %-6s %q ← %s (verified %s)\n", name, fmt.Sprintf("hello %s, round %d", name, round), strings.TrimSpace(reply), who.Hex()[:10])
	return nil
}

// serveBot answers each line with a greeting naming the sender's wallet.
func serveBot(name string, n *stack.Node, l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			line, err := bufio.NewReader(c).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return
			}
			from, _ := n.PeerOf(c)
			fmt.Fprintf(c, "%s here: got %q from %s\n", name, strings.TrimSpace(line), from.Hex()[:10])
		}()
	}
}
