package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/crypto/curve25519"
	"golang.zx2c4.com/wireguard/conn"
	"golang.zx2c4.com/wireguard/device"
	"golang.zx2c4.com/wireguard/tun/netstack"
)

// Tunnel addresses of the two wireguard-go peers (IPv6 inside, as anynet).
var (
	wgAddrA = netip.MustParseAddr("fd77::a")
	wgAddrB = netip.MustParseAddr("fd77::b")
)

// wgPeer is one wireguard-go device on a gVisor netstack TUN.
type wgPeer struct {
	dev  *device.Device
	tnet *netstack.Net
	priv [32]byte
	pub  [32]byte
	port int
}

func newWGPeer(addr netip.Addr, mtu int, verbose bool) (*wgPeer, error) {
	p := &wgPeer{}
	if _, err := rand.Read(p.priv[:]); err != nil {
		return nil, err
	}
	p.priv[0] &= 248
	p.priv[31] = p.priv[31]&127 | 64
	pub, err := curve25519.X25519(p.priv[:], curve25519.Basepoint)
	if err != nil {
		return nil, err
	}
	copy(p.pub[:], pub)

	tun, tnet, err := netstack.CreateNetTUN([]netip.Addr{addr}, nil, mtu)
	if err != nil {
		return nil, fmt.Errorf("create tun: %w", err)
	}
	level := device.LogLevelSilent
	if verbose {
		level = device.LogLevelError
	}
	p.tnet = tnet
	p.dev = device.NewDevice(tun, conn.NewDefaultBind(), device.NewLogger(level, "wg: "))
	if err := p.dev.IpcSet("private_key=" + hex.EncodeToString(p.priv[:]) + "\nlisten_port=0\n"); err != nil {
		p.dev.Close()
		return nil, fmt.Errorf("set key: %w", err)
	}
	if err := p.dev.Up(); err != nil {
		p.dev.Close()
		return nil, fmt.Errorf("up: %w", err)
	}
	get, err := p.dev.IpcGet()
	if err != nil {
		p.dev.Close()
		return nil, err
	}
	for _, l := range strings.Split(get, "\n") {
		if v, ok := strings.CutPrefix(l, "listen_port="); ok {
			p.port, _ = strconv.Atoi(v)
		}
	}
	if p.port == 0 {
		p.dev.Close()
		return nil, fmt.Errorf("no listen port in %q", get)
	}
	return p, nil
}

// addPeer makes other reachable from p at its loopback port.
func (p *wgPeer) addPeer(other *wgPeer, otherAddr netip.Addr) error {
	return p.dev.IpcSet(fmt.Sprintf("public_key=%s\nendpoint=127.0.0.1:%d\nallowed_ip=%s/128\n",
		hex.EncodeToString(other.pub[:]), other.port, otherAddr))
}

// wgPair is two wireguard-go peers over UDP loopback.
type wgPair struct{ a, b *wgPeer }

func newWGPair(cfg *config) (*wgPair, error) {
	a, err := newWGPeer(wgAddrA, cfg.wgMTU, cfg.verbose)
	if err != nil {
		return nil, err
	}
	b, err := newWGPeer(wgAddrB, cfg.wgMTU, cfg.verbose)
	if err != nil {
		a.dev.Close()
		return nil, err
	}
	p := &wgPair{a, b}
	if err := a.addPeer(b, wgAddrB); err != nil {
		p.Close()
		return nil, err
	}
	if err := b.addPeer(a, wgAddrA); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *wgPair) Close() {
	p.a.dev.Close()
	p.b.dev.Close()
}

// listenDial listens on b and returns a dialer from a.
func (p *wgPair) listenDial() (net.Listener, dialFunc, error) {
	ln, err := p.b.tnet.ListenTCPAddrPort(netip.AddrPortFrom(wgAddrB, benchPort))
	if err != nil {
		return nil, nil, fmt.Errorf("listen: %w", err)
	}
	dial := func(ctx context.Context) (net.Conn, error) {
		return p.a.tnet.DialContextTCPAddrPort(ctx, netip.AddrPortFrom(wgAddrB, benchPort))
	}
	return ln, dial, nil
}

// runWireGuard measures two wireguard-go netstack peers over UDP loopback.
func runWireGuard(ctx context.Context, cfg *config) ([]Result, error) {
	p, err := newWGPair(cfg)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	ln, dial, err := p.listenDial()
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	return throughput(ctx, cfg, "wireguard-go", ln, dial)
}
