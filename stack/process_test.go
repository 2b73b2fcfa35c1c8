//go:build !nochain

package stack_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
)

const helperEnv = "ANYNET_STACK_HELPER"

// TestHelperProcess is the receiving node of TestTransferBetweenProcesses
// when run as a child process; otherwise it does nothing.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "receiver" {
		t.Skip("runs only as a child of TestTransferBetweenProcesses")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	n := &stack.Node{ListenAddr: "127.0.0.1:0"}
	if err := n.Up(ctx); err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	l, err := n.Listen("tcp", ":9")
	if err != nil {
		t.Fatal(err)
	}
	self := n.Self()
	fmt.Printf("PEER %s %x %s\n", self.Wallet.Hex(), self.NodeKey[:], self.Addr)
	go func() { <-ctx.Done(); l.Close() }()
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	nbytes, err := io.Copy(h, c)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "%d %x\n", nbytes, h.Sum(nil))
	c.(interface{ CloseWrite() error }).CloseWrite()
	io.Copy(io.Discard, c) // until the sender closes
	c.Close()
}

// TestTransferBetweenProcesses moves 100 MiB between two nodes in
// separate OS processes over UDP on loopback and compares checksums.
func TestTransferBetweenProcesses(t *testing.T) {
	const size = 100 << 20
	ctx := testCtx(t)
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.v")
	cmd.Env = append(os.Environ(), helperEnv+"=receiver")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	peer := readPeerLine(t, bufio.NewScanner(out))
	go io.Copy(io.Discard, out)

	n := &stack.Node{ListenAddr: "127.0.0.1:0", Peers: []stack.Peer{peer}}
	if err := n.Up(ctx); err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	c, err := n.Dial(ctx, "tcp", peer.Wallet.Hex()+":9")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	h := sha256.New()
	src := io.TeeReader(io.LimitReader(rand.NewChaCha8([32]byte{1}), size), h)
	if _, err := io.Copy(c, src); err != nil {
		t.Fatal(err)
	}
	c.(interface{ CloseWrite() error }).CloseWrite()
	reply, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("read checksum: %v", err)
	}
	want := fmt.Sprintf("%d %x\n", size, h.Sum(nil))
	if reply != want {
		t.Fatalf("receiver got %q, sent %q", reply, want)
	}
	if w, err := n.PeerOf(c); err != nil || w != peer.Wallet {
		t.Fatalf("PeerOf = %s, %v", w, err)
	}
}

// TestRandomBytesLeaveNodeServing sends garbage datagrams to a node's UDP
// port and checks that it still serves.
func TestRandomBytesLeaveNodeServing(t *testing.T) {
	ctx := testCtx(t)
	a := &stack.Node{ListenAddr: "127.0.0.1:0"}
	b := &stack.Node{ListenAddr: "127.0.0.1:0"}
	for _, n := range []*stack.Node{a, b} {
		if err := n.Up(ctx); err != nil {
			t.Fatal(err)
		}
		defer n.Close()
	}
	a.AddPeer(ctx, b.Self())
	l, err := b.Listen("tcp", ":7")
	if err != nil {
		t.Fatal(err)
	}
	serveEcho(t, l)
	echoOnce(t, ctx, a, b.Addr().Hex()+":7", []byte("before"))

	raw, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(b.Self().Addr))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 2000)
	for i := range 2000 {
		n := r.IntN(len(buf))
		for j := range buf[:n] {
			buf[j] = byte(r.Uint32())
		}
		if i%4 == 0 && n > 0 { // some look like frames of the right version
			buf[0] = 0x10
		}
		raw.Write(buf[:n])
	}
	echoOnce(t, ctx, a, b.Addr().Hex()+":7", []byte("after"))
	if s := b.LinkStats(); s.DroppedMalformed+s.DroppedOpen == 0 {
		t.Fatalf("garbage not counted: %+v", s)
	}
}

func readPeerLine(t *testing.T, sc *bufio.Scanner) stack.Peer {
	t.Helper()
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 || f[0] != "PEER" {
			continue
		}
		var key transport.PublicKey
		kb, err := hex.DecodeString(f[2])
		if err != nil || len(kb) != len(key) {
			t.Fatalf("bad node key in %q", sc.Text())
		}
		copy(key[:], kb)
		addr, err := netip.ParseAddrPort(f[3])
		if err != nil {
			t.Fatal(err)
		}
		return stack.Peer{Wallet: common.HexToAddress(f[1]), NodeKey: &key, Addr: addr}
	}
	t.Fatalf("child printed no PEER line: %v", sc.Err())
	return stack.Peer{}
}
