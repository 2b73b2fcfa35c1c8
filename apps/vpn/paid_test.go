//go:build !nochain

package vpn

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// paidWorld is an embedded chain with the payment contracts and two
// nodes running payment services: alice (client) and bob (an exit
// that charges 1 wei per KiB, with 192 KiB of credit, and advertises
// that rate in its DID document).
type paidWorld struct {
	alice, bob       *stack.Node
	aliceKey, bobKey *ecdsa.PrivateKey
	alicePay         *pay.Service
	tally            *pay.Tally
	exit             *Exit
	web              string // "127.0.0.1:port", serving /big (4 MiB)
}

const bigBody = 4 << 20

func newPaidWorld(t *testing.T, ctx context.Context) *paidWorld {
	t.Helper()
	ch := apptest.NewChain(t)
	mk, _ := crypto.GenerateKey()
	minter := pay.NewKeyWallet(mk)
	if err := ch.Emb.Fund(ctx, minter.Address()); err != nil {
		t.Fatal(err)
	}
	dep, err := pay.Deploy(ctx, ch.Emb.Chain.Client(), ch.ChainID, minter, 3600, false)
	if err != nil {
		t.Fatal(err)
	}
	rate := Rate{Price: big.NewInt(1), Unit: 1024, Credit: 192}
	w := &paidWorld{tally: rate.Tally()}
	w.alice, w.aliceKey = ch.Node(t, ctx)
	w.bob, w.bobKey = ch.Node(t, ctx)
	ad := Advert{Region: "lab", Rate: rate, Policy: loopbackPolicy().Summary()}
	if err := ad.Publish(ctx, ch.Emb.Client, naming.Transactor(w.bobKey, ch.ChainID)); err != nil {
		t.Fatal(err)
	}
	start := func(h *stack.Node, k *ecdsa.PrivateKey, ev func(any)) *pay.Service {
		s, err := pay.StartService(pay.ServiceConfig{Host: h, Wallet: pay.NewKeyWallet(k),
			Chain: pay.NewChain(ch.Emb.Chain.Client(), ch.ChainID, dep.Channels), Store: &service.Memory{}, OnEvent: ev})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	w.alicePay = start(w.alice, w.aliceKey, nil)
	start(w.bob, w.bobKey, func(e any) {
		if r, ok := e.(pay.Received); ok {
			w.tally.Received(r)
		}
	})
	w.exit, err = StartExit(ExitConfig{Host: w.bob, Policy: loopbackPolicy(), OwnNetworks: []netip.Prefix{},
		Signer: pay.NewKeyWallet(w.bobKey), Charge: w.tally, PayWait: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.exit.Close() })

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("x", bigBody)
	srv := &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { io.WriteString(rw, body) })}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	w.web = ln.Addr().String()
	return w
}

// get fetches /big through c and returns the bytes read and the error.
func (w *paidWorld) get(t *testing.T, ctx context.Context, c *Client) (net.Conn, int64, error) {
	conn, err := c.Dial(ctx, "tcp", w.web)
	if err != nil {
		return nil, 0, err
	}
	io.WriteString(conn, "GET /big HTTP/1.0\r\n\r\n")
	n, err := io.Copy(io.Discard, conn)
	conn.Close()
	return conn, n, err
}

// TestPaidExit: a client reads the exit's rate from its DID document,
// refuses it when it is over its maximum (ErrPrice: SOCKS5 reply 2,
// HTTP 402, the exit never sees a session), and otherwise pays the
// exit through a payment channel while the traffic flows (a voucher
// per half the advertised credit, both directions counted),
// gets the exit's signed usage record of the session and checks it
// against its own counters and its own signed record of the session
// (Client.Record: both agree, each verifies against its end's wallet
// only, an altered one fails); the exit holds exactly what was paid. A
// client that does not pay is cut off after its credit and then
// refused with ErrUnpaid (SOCKS5 reply 2, HTTP 402) until the debt is
// paid; a client whose "vpn" budget runs out stops with the budget's
// error.
func TestPaidExit(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys contracts on an embedded chain")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	w := newPaidWorld(t, ctx)
	bob, alice := w.bob.Addr(), w.alice.Addr()
	id, err := w.alicePay.OpenChannel(ctx, bob, common.Address{}, big.NewInt(1_000_000))
	if err != nil {
		t.Fatal(err)
	}

	// An exit over the client's maximum is not used: 1 wei per KiB is
	// more than 1000 wei per MiB, and anything is more than nothing.
	for _, max := range []Rate{{Price: big.NewInt(1000), Unit: 1 << 20}, {}} {
		cheap := &Client{Host: w.alice, Exits: []string{bob.Hex()}, Pay: &Payment{Payer: w.alicePay, Max: max}}
		if _, _, err := w.get(t, ctx, cheap); !errors.Is(err, ErrPrice) || !strings.Contains(err.Error(), "1 wei/KiB, credit 192 KiB") {
			t.Fatalf("max %s: %v", max, err)
		}
		addr, _ := startProxy(t, cheap)
		if out, code := curl(t, "--socks5-hostname", addr, "http://"+w.web+"/big"); code == 0 || !strings.Contains(out, "(2)") {
			t.Errorf("curl through SOCKS5 over the maximum: exit %d, %q; want reply 2 (not allowed)", code, out)
		}
		if out, _ := curl(t, "-o", "/dev/null", "-w", "%{http_code}", "-x", "http://"+addr, "http://"+w.web+"/big"); out != "402" {
			t.Errorf("curl through the HTTP proxy over the maximum: %q; want 402", out)
		}
	}
	if st := w.exit.Stats(); st.Sessions != 0 || st.Refused != 0 {
		t.Fatalf("the exit saw %+v from clients that would not pay its price", st)
	}

	// Paid traffic, at the advertised rate.
	c := &Client{Host: w.alice, Exits: []string{bob.Hex()}, Signer: pay.NewKeyWallet(w.aliceKey),
		Pay: &Payment{Payer: w.alicePay, Max: Rate{Price: big.NewInt(2000), Unit: 1 << 20}}}
	conn, n, err := w.get(t, ctx, c)
	if err != nil || n < bigBody {
		t.Fatalf("paid download: %d bytes, %v", n, err)
	}
	st := c.Stats()
	// The finished session is a throughput sample for "auto".
	if tp := c.Throughput(bob.Hex()); tp <= 0 {
		t.Fatalf("no throughput observed through the exit after %d bytes", n)
	}
	units, paid := c.Paid(bob)
	if want := (st.Up + st.Down) / 1024; units != want || paid.Cmp(big.NewInt(int64(want))) != 0 {
		t.Fatalf("paid %s for %d units; used %d+%d bytes", paid, units, st.Up, st.Down)
	}
	if err := w.alicePay.WaitAcked(ctx, id, paid); err != nil {
		t.Fatal(err)
	}
	if owed := w.tally.Owed(alice); owed.Sign() > 0 {
		t.Fatalf("alice owes %s after paying %s", owed, paid)
	}

	// The exit's signed record matches the client's counters.
	exitW, session, ok := SessionOf(conn)
	if !ok || exitW != bob {
		t.Fatalf("SessionOf: %s %x %v", exitW, session, ok)
	}
	rec, err := c.Usage(ctx, bob.Hex(), session)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Up != st.Up || rec.Down != st.Down || rec.Client != alice {
		t.Fatalf("record %d up %d down for %s; client counted %d, %d", rec.Up, rec.Down, rec.Client, st.Up, st.Down)
	}
	altered := rec
	altered.Down /= 2
	if err := altered.Verify(bob); !errors.Is(err, ErrForged) {
		t.Fatalf("an altered record verified: %v", err)
	}
	// The client's own signed record of the session agrees with the
	// exit's, verifies against the client's wallet only, and an altered
	// one fails.
	mine, err := c.Record(bob, session)
	if err != nil {
		t.Fatal(err)
	}
	if err := mine.Verify(alice); err != nil {
		t.Fatalf("the client's record: %v", err)
	}
	if !mine.Agrees(rec.Usage) || mine.Up != st.Up || mine.Down != st.Down {
		t.Fatalf("records disagree: client %+v, exit %+v", mine.Usage, rec.Usage)
	}
	if err := mine.Verify(bob); !errors.Is(err, ErrForged) {
		t.Fatalf("the client's record verified as the exit's: %v", err)
	}
	if err := rec.Verify(alice); !errors.Is(err, ErrForged) {
		t.Fatalf("the exit's record verified as the client's: %v", err)
	}
	alteredMine := mine
	alteredMine.Up++
	if err := alteredMine.Verify(alice); !errors.Is(err, ErrForged) || alteredMine.Agrees(rec.Usage) {
		t.Fatalf("an altered client record verified: %v", err)
	}
	if _, err := c.Record(bob, [16]byte{1}); !errors.Is(err, ErrNoRecord) {
		t.Fatalf("client record of an unknown session: %v", err)
	}
	if _, err := c.Usage(ctx, bob.Hex(), [16]byte{1}); !errors.Is(err, ErrNoRecord) {
		t.Fatalf("usage of an unknown session: %v", err)
	}

	// Unpaid traffic: cut after the credit, then refused.
	free := &Client{Host: w.alice, Exits: []string{bob.Hex()}}
	_, n, _ = w.get(t, ctx, free)
	// It gets at most its credit and the chunk that crossed it (with
	// the reads before it that did not fill the small buffer).
	if n >= bigBody || n > int64(w.tally.Credit*w.tally.Unit+bigBuf+smallBuf) {
		t.Fatalf("an unpaid client read %d bytes", n)
	}
	_, _, err = w.get(t, ctx, free)
	var ref *RefusedError
	if !errors.As(err, &ref) || !errors.Is(err, ErrUnpaid) || !strings.Contains(ref.Msg, "owes") {
		t.Fatalf("unpaid session: %v", err)
	}
	addr, _ := startProxy(t, free)
	pu, _ := url.Parse("http://" + addr)
	hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
	resp, err := hc.Get(fmt.Sprintf("http://%s/big", w.web))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusPaymentRequired || !strings.Contains(resp.Header.Get("X-Anynet-Error"), "not paid") {
		t.Fatalf("HTTP proxy: %s, %q", resp.Status, resp.Header.Get("X-Anynet-Error"))
	}

	// Paying the debt opens the exit again.
	owed := w.tally.Owed(alice)
	if _, err := w.alicePay.Pay(ctx, bob, common.Address{}, owed, "vpn"); err != nil {
		t.Fatal(err)
	}
	if _, n, err := w.get(t, ctx, c); err != nil || n < bigBody {
		t.Fatalf("after paying the debt: %d bytes, %v", n, err)
	}

	// A budget that runs out stops the paying client with its reason.
	if err := w.alicePay.SetBudget(ctx, pay.Budget{App: "vpn", Limit: big.NewInt(10)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.get(t, ctx, c); !errors.Is(err, pay.ErrOverBudget) {
		t.Fatalf("over the budget: %v", err)
	}
}
