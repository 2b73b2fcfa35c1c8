//go:build !nochain

package stack_test

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"math/big"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestHelperMovingPeer is bob in TestRestartedPeerOnNewPort when run as
// a child process: it joins the chain at ANYNET_TEST_RPC with the wallet
// and node key it is given, listens on a fresh UDP port, publishes it,
// echoes TCP port 9 and prints READY.
func TestHelperMovingPeer(t *testing.T) {
	if os.Getenv(helperEnv) != "moving" {
		t.Skip("runs only as a child of TestRestartedPeerOnNewPort")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	remote, err := naming.Connect(ctx, os.Getenv("ANYNET_TEST_RPC"), naming.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer remote.Close()
	key, err := crypto.HexToECDSA(os.Getenv("ANYNET_TEST_WALLET"))
	if err != nil {
		t.Fatal(err)
	}
	var priv [32]byte
	hex.Decode(priv[:], []byte(os.Getenv("ANYNET_TEST_NODEKEY")))
	nk, err := transport.NodeKeyFromPrivate(priv)
	if err != nil {
		t.Fatal(err)
	}
	n := &stack.Node{ListenAddr: "127.0.0.1:0", Wallet: transport.NewKeySigner(key), NodeKey: &nk, Names: remote.Client}
	id, err := remote.Client.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Publish(ctx, naming.Transactor(key, id)); err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	l, err := n.Listen("tcp", ":9")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(c, c) }()
		}
	}()
	fmt.Printf("READY %s\n", n.Self().Addr)
	<-ctx.Done()
}

// TestRestartedPeerOnNewPort: bob, a separate process, is killed with
// SIGKILL and restarted on a new UDP port, where it publishes itself
// again. alice, which still holds bob's old endpoint (as a link peer and
// in its naming cache), dials bob again, by wallet and by name, with no
// manual step: the dial reads bob's DID document again and follows it.
func TestRestartedPeerOnNewPort(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and a child process twice")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	emb, err := naming.OpenEmbedded(ctx, naming.EmbeddedConfig{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	chainID := big.NewInt(int64(emb.Chain.ChainID()))
	aKey, _ := crypto.GenerateKey()
	bKey, _ := crypto.GenerateKey()
	bNode, err := transport.GenerateNodeKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := emb.Fund(ctx, crypto.PubkeyToAddress(aKey.PublicKey)); err != nil {
		t.Fatal(err)
	}
	if err := emb.Fund(ctx, crypto.PubkeyToAddress(bKey.PublicKey)); err != nil {
		t.Fatal(err)
	}
	if _, err := emb.Client.ClaimName(ctx, naming.Transactor(bKey, chainID), "bob"); err != nil {
		t.Fatal(err)
	}
	a := &stack.Node{ListenAddr: "127.0.0.1:0", Wallet: transport.NewKeySigner(aKey), Names: emb.Client}
	if err := a.Publish(ctx, naming.Transactor(aKey, chainID)); err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	start := func() (*exec.Cmd, netip.AddrPort) {
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperMovingPeer$", "-test.v")
		cmd.Env = append(os.Environ(), helperEnv+"=moving",
			"ANYNET_TEST_RPC="+emb.Chain.RPCURL(),
			"ANYNET_TEST_WALLET="+hex.EncodeToString(crypto.FromECDSA(bKey)),
			"ANYNET_TEST_NODEKEY="+hex.EncodeToString(bNode.Private[:]))
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "READY" {
				go io.Copy(io.Discard, out)
				return cmd, netip.MustParseAddrPort(f[1])
			}
		}
		t.Fatalf("bob exited before READY: %v", sc.Err())
		return nil, netip.AddrPort{}
	}
	bob := crypto.PubkeyToAddress(bKey.PublicKey).Hex()

	b1, addr1 := start()
	echoOnce(t, ctx, a, "bob:9", []byte("before"))
	if err := b1.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	b1.Wait()
	_, addr2 := start()
	if addr2 == addr1 {
		t.Fatalf("bob came back on the same port %s: the test shows nothing", addr1)
	}
	// Generous bounded waits, not timing assertions: the dead-peer timer
	// and the one-minute retries this replaces took much longer.
	for _, host := range []string{bob, "bob"} {
		dctx, dcancel := context.WithTimeout(ctx, 10*time.Second)
		echoOnce(t, dctx, a, host+":9", []byte("after the restart, by "+host))
		dcancel()
	}
}
