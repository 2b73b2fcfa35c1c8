//go:build !nochain

package pay

import (
	"context"
	"errors"
	"io"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// TestMeter: bob serves bytes over an overlay connection and charges 3
// wei per KiB through a Tally; alice reads through MeterConn, paying a
// voucher per 16 KiB. After 1 MiB bob holds exactly 3,072 wei and alice
// owes nothing; a reader that does not pay is cut off after its credit.
func TestMeter(t *testing.T) {
	w := newWorld(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	tally := &Tally{Price: big.NewInt(3), Unit: 1024, Credit: 32}
	aev, bev := newEvents(), newEvents()
	alice := w.service(t, "alice", &service.Memory{}, aev)
	defer alice.Close()
	bob, err := StartService(ServiceConfig{Host: w.bob, Wallet: NewKeyWallet(w.bobKey),
		Chain: NewChain(w.Emb.Chain.Client(), w.ChainID, w.dep.Channels), Store: &service.Memory{}, Port: servicePort,
		OnEvent: func(e any) {
			if r, ok := e.(Received); ok {
				tally.Received(r)
			}
			bev.add(e)
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Close()
	bobW, aliceW := w.bob.Addr(), w.alice.Addr()

	// bob's content server: 1 MiB in 4 KiB writes, while paid.
	l, err := w.bob.Listen("tcp", ":9000")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				peer, _ := w.bob.PeerOf(c)
				chunk := make([]byte, 4096)
				for range 256 {
					if tally.Served(peer, uint64(len(chunk))) != nil {
						wait, cancel := context.WithTimeout(ctx, time.Second)
						err := tally.Await(wait, peer)
						cancel()
						if err != nil {
							return // unpaid: cut off
						}
					}
					if _, err := c.Write(chunk); err != nil {
						return
					}
				}
			}()
		}
	}()
	dial := func() net.Conn {
		c, err := w.alice.Dial(ctx, "tcp", "bob.anynet:9000")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	id, err := alice.OpenChannel(ctx, bobW, common.Address{}, big.NewInt(1_000_000))
	if err != nil {
		t.Fatal(err)
	}
	m := &Meter{Payer: alice, To: bobW, Price: big.NewInt(3), Unit: 1024, Every: 16, App: "content"}
	c := MeterConn(ctx, dial(), m)
	n, err := io.Copy(io.Discard, c)
	c.Close()
	if err != nil || n != 1<<20 {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	units, paid := m.Paid()
	if units != 1024 || paid.Cmp(big.NewInt(3072)) != 0 {
		t.Fatalf("paid %s for %d units", paid, units)
	}
	if err := alice.WaitAcked(ctx, id, paid); err != nil {
		t.Fatal(err)
	}
	if owed := tally.Owed(aliceW); owed.Sign() != 0 {
		t.Fatalf("alice owes %s", owed)
	}

	// Reading without paying: cut off after the credit (32 KiB) and a chunk.
	n, _ = io.Copy(io.Discard, dial())
	if n == 1<<20 || n > 40<<10 {
		t.Fatalf("an unpaid reader got %d bytes", n)
	}
	if err := tally.Served(aliceW, 1); !errors.Is(err, ErrUnpaid) {
		t.Fatalf("tally after the unpaid read: %v", err)
	}
}
