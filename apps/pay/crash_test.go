//go:build !nochain

package pay

import (
	"bufio"
	"context"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// fixedPeer says every connection comes from one wallet (the crash
// child has no anynet stack; the handshake is tested elsewhere).
type fixedPeer common.Address

func (f fixedPeer) PeerOf(net.Conn) (common.Address, error) { return common.Address(f), nil }

const crashEnv = "PAY_CRASH_CHILD"

// TestMain runs the crash child when asked.
func TestMain(m *testing.M) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashChild(dir)
		return
	}
	os.Exit(m.Run())
}

// crashChild serves vouchers on loopback with a DiskStore in dir until it
// is killed. The channel is already in the store; the payer is in
// dir/payer.
func crashChild(dir string) {
	payer, _ := os.ReadFile(filepath.Join(dir, "payer"))
	store, err := OpenDiskStore(filepath.Join(dir, "store"))
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	chain := &Chain{ChainID: big.NewInt(1337), domain: NewDomain(big.NewInt(1337), common.Address{0xcc})}
	key, _ := crypto.GenerateKey()
	p := &Payee{Wallet: NewKeyWallet(key), Chain: chain, Peers: fixedPeer(common.HexToAddress(string(payer))), Store: store}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println(l.Addr())
	for {
		c, err := l.Accept()
		if err != nil {
			os.Exit(1)
		}
		go p.ServeConn(context.Background(), c)
	}
}

// TestKill9KeepsAckedVouchers: a payee process is killed with SIGKILL
// while vouchers stream in; the store it leaves holds a voucher at least
// as new as the last one it acknowledged, with a valid signature.
func TestKill9KeepsAckedVouchers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	key, _ := crypto.GenerateKey()
	payer := NewKeyWallet(key)
	id := common.Hash{0xab}
	domain := NewDomain(big.NewInt(1337), common.Address{0xcc})
	store, err := OpenDiskStore(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.PutChannel(ChannelState{ID: id, Payer: payer.Address(), Deposit: big.NewInt(1e18), Cumulative: new(big.Int)}); err != nil {
		t.Fatal(err)
	}
	store.Close()
	os.WriteFile(filepath.Join(dir, "payer"), []byte(payer.Address().Hex()), 0o600)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.HasPrefix(line, "error") {
		t.Fatalf("child: %q %v", line, err)
	}
	conn, err := net.Dial("tcp", strings.TrimSpace(line))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	// Stream vouchers; a reader records the highest ACK; kill the child
	// after some ACKs have come back, while vouchers are still in flight.
	acked := make(chan *big.Int, 1<<16)
	go func() {
		br := bufio.NewReader(conn)
		for {
			m, err := ReadMessage(br)
			if err != nil {
				close(acked)
				return
			}
			if a, ok := m.(*Ack); ok {
				acked <- a.Cumulative
			}
		}
	}()
	go func() {
		bw := bufio.NewWriter(conn)
		for i := int64(1); i <= 1_000_000; i++ {
			cum := big.NewInt(i)
			sig, _ := domain.SignVoucher(payer, id, cum)
			if WriteMessage(bw, &Voucher{Channel: id, Cumulative: cum, Amount: big.NewInt(1), Sig: sig}) != nil {
				return
			}
			if i%16 == 0 && bw.Flush() != nil {
				return
			}
		}
	}()
	best := new(big.Int)
	acks := 0
	timeout := time.After(time.Minute)
	for acks < 50 {
		select {
		case a, ok := <-acked:
			if !ok {
				t.Fatal("connection ended before the kill")
			}
			best, acks = a, acks+1
		case <-timeout:
			t.Fatal("no acks")
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	for a := range acked { // acks that were on the wire before the kill
		best = a
	}

	store, err = OpenDiskStore(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	list, err := store.Channels()
	if err != nil || len(list) != 1 {
		t.Fatalf("stored channels %v, %v", list, err)
	}
	st := list[0]
	if st.Cumulative.Cmp(best) < 0 {
		t.Fatalf("store holds %s, the payee acknowledged %s", st.Cumulative, best)
	}
	if who, err := domain.VoucherSigner(id, st.Cumulative, st.Sig); err != nil || who != payer.Address() {
		t.Fatalf("stored voucher signed by %s, %v", who, err)
	}
	t.Logf("acknowledged %s, stored %s after kill -9", best, st.Cumulative)
}

// TestPayeeRestart: bob's payee stops (its store closed) after
// acknowledging vouchers; a new payee on the reopened store redeems the
// channel with the newest of them.
func TestPayeeRestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	store, err := OpenDiskStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, store)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	conn := w.dial(t)
	chain := w.payer.Chain
	ch, err := w.payer.OpenChannel(ctx, conn, common.Address{}, big.NewInt(1e15))
	if err != nil {
		t.Fatal(err)
	}
	for range 250 {
		if err := ch.Pay(ctx, big.NewInt(1e9)); err != nil {
			t.Fatal(err)
		}
	}
	if err := ch.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	ch.Detach()
	conn.Close()
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}

	store2, err := OpenDiskStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store2.Close()
	p2 := &Payee{Wallet: w.payee.Wallet, Chain: NewChain(chain.Backend, chain.ChainID, chain.Channels), Peers: w.bob, Store: store2}
	st, ok := p2.Channel(ch.ID)
	if !ok || st.Cumulative.Cmp(ch.Acked()) != 0 {
		t.Fatalf("after restart the payee holds %+v, acknowledged %s", st, ch.Acked())
	}
	if _, err := p2.Redeem(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	if oc, _ := chain.Channel(ctx, ch.ID); !oc.Settled || oc.Claimed.Cmp(big.NewInt(250e9)) != 0 {
		t.Fatalf("on chain: %+v", oc)
	}
}
