package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
)

// defaultNetMTU is anynet's netstack MTU, which the raw gVisor pair uses
// too unless -mtu says otherwise.
const defaultNetMTU = link.DefaultMTU

// memConfig sizes the in-memory network for the netstack MTU: mem's default
// frame size (that of link/udp) unless -mtu asks for more.
func memConfig(cfg *config) mem.Config {
	need := cfg.netMTU() + link.MaxFrameHeader + link.TransportOverhead
	return mem.Config{MTU: max(mem.DefaultMTU, need)}
}

// anynetPair is two anynet nodes that know each other as static peers.
type anynetPair struct {
	server, client *stack.Node
	network        *mem.Network // nil over UDP
}

// newAnynetPair starts two nodes on UDP loopback (underlay "udp") or on
// one in-memory network ("mem").
func newAnynetPair(ctx context.Context, cfg *config, underlay string) (*anynetPair, error) {
	p := &anynetPair{}
	mtu := uint32(cfg.netMTU())
	mk := func() (*stack.Node, error) {
		n := &stack.Node{MTU: mtu}
		switch underlay {
		case "udp":
			n.ListenAddr = "127.0.0.1:0"
		case "mem":
			u, err := p.network.Attach()
			if err != nil {
				return nil, err
			}
			n.Underlay = u
		}
		return n, n.Up(ctx)
	}
	if underlay == "mem" {
		p.network = mem.NewNetwork(memConfig(cfg))
	}
	var err error
	if p.server, err = mk(); err != nil {
		p.Close()
		return nil, fmt.Errorf("server node: %w", err)
	}
	if p.client, err = mk(); err != nil {
		p.Close()
		return nil, fmt.Errorf("client node: %w", err)
	}
	if err := errors.Join(
		p.client.AddPeer(ctx, p.server.Self()),
		p.server.AddPeer(ctx, p.client.Self()),
	); err != nil {
		p.Close()
		return nil, fmt.Errorf("add peers: %w", err)
	}
	return p, nil
}

func (p *anynetPair) Close() {
	for _, n := range []*stack.Node{p.client, p.server} {
		if n != nil {
			n.Close()
		}
	}
	if p.network != nil {
		p.network.Close()
	}
}

// listenDial listens on the server node and returns a dialer from the
// client node to it, by wallet.
func (p *anynetPair) listenDial() (net.Listener, dialFunc, error) {
	ln, err := p.server.Listen("tcp", ":"+strconv.Itoa(benchPort))
	if err != nil {
		return nil, nil, fmt.Errorf("listen: %w", err)
	}
	addr := p.server.Addr().Hex() + ":" + strconv.Itoa(benchPort)
	dial := func(ctx context.Context) (net.Conn, error) {
		return p.client.Dial(ctx, "tcp", addr)
	}
	return ln, dial, nil
}

// anynetFigure runs measure over a connection between two fresh anynet
// nodes on underlay.
func anynetFigure(ctx context.Context, cfg *config, underlay string,
	measure func(context.Context, *config, string, net.Listener, dialFunc) ([]Result, error)) ([]Result, error) {
	p, err := newAnynetPair(ctx, cfg, underlay)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	ln, dial, err := p.listenDial()
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	res, err := measure(ctx, cfg, "anynet-"+underlay, ln, dial)
	if cfg.verbose {
		fmt.Fprintf(cfg.log, "bench: anynet-%s client link %+v\n", underlay, p.client.LinkStats())
		fmt.Fprintf(cfg.log, "bench: anynet-%s server link %+v\n", underlay, p.server.LinkStats())
	}
	return res, err
}

// runAnynetUDP measures two anynet nodes over UDP loopback.
func runAnynetUDP(ctx context.Context, cfg *config) ([]Result, error) {
	return anynetFigure(ctx, cfg, "udp", throughput)
}

// runAnynetMem measures two anynet nodes over the in-memory underlay.
func runAnynetMem(ctx context.Context, cfg *config) ([]Result, error) {
	return anynetFigure(ctx, cfg, "mem", throughput)
}
