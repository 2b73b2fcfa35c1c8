package main

import (
	"encoding/json"
	"fmt"
	"math/big"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/tuiadapter"
)

// TestPayVerbs drives payments through the CLI against two nodes started
// with `anynet up` on the embedded chain (alice serves it; bob joins by
// URL): a transfer by name in ether and in the test token, each raising
// bob's balance by exactly the amount with the receipt naming the
// transaction; a channel with vouchers; an invoice bob asks, which
// alice's node lists with bob's name and verified wallet and pays only
// on approve; a refused invoice; a budget that refuses what exceeds it;
// the cooperative close paying bob exactly what the vouchers said.
func TestPayVerbs(t *testing.T) {
	cleanEnv(t)
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	root := sockDir(t)
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	initNode(t, a, "alice")
	initNode(t, b, "bob")
	t.Setenv("ANYNET_PASSPHRASE", "test passphrase")
	must := func(args ...string) string {
		t.Helper()
		out, err := run(t, args...)
		if err != nil {
			t.Fatalf("anynet %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	decode := func(v any, args ...string) {
		t.Helper()
		if err := json.Unmarshal([]byte(must(append(args, "--json")...)), v); err != nil {
			t.Fatalf("anynet %s --json: %v", strings.Join(args, " "), err)
		}
	}
	upInProcess(t, a, "--serve-chain", "127.0.0.1:0")
	var chain control.ChainInfo
	decode(&chain, "--dir", a, "chain", "info")
	upInProcess(t, b, "--chain", chain.URL)
	var bs control.Status
	eventually(t, "bob published", func() error {
		decode(&bs, "--dir", b, "status")
		if bs.Published == "" {
			return fmt.Errorf("not yet: %s", bs.PublishError)
		}
		return nil
	})
	wallet := func(dir string) control.PayWallet {
		var w control.PayWallet
		decode(&w, "--dir", dir, "wallet")
		return w
	}
	gained := func(before, after string, want int64) {
		t.Helper()
		x, _ := new(big.Int).SetString(before, 10)
		y, _ := new(big.Int).SetString(after, 10)
		if d := new(big.Int).Sub(y, x); d.Cmp(big.NewInt(want)) != 0 {
			t.Errorf("bob gained %s, want %d", d, want)
		}
	}

	// Transfers by name: ether, then the test token.
	w0 := wallet(b)
	out := must("--dir", a, "pay", "bob", "12345", "--memo", "coffee")
	if !strings.Contains(out, "paid 12345 wei to bob.anynet ("+bs.Wallet+"): transaction 0x") {
		t.Errorf("pay: %q", out)
	}
	w1 := wallet(b)
	gained(w0.Ether, w1.Ether, 12345)
	var r control.PayReceipt
	decode(&r, "--dir", a, "pay", "bob", "7", "--token", "test")
	if r.Tx == "" || r.Block == 0 || r.Token != w1.Token {
		t.Errorf("token receipt %+v", r)
	}
	gained(w1.TokenBalance, wallet(b).TokenBalance, 7)

	// A wallet whose DID document names no payment contract gets no deposit.
	if _, err := run(t, "--dir", a, "channel", "open", "0x000000000000000000000000000000000000dEaD", "1000"); err == nil || !strings.Contains(err.Error(), "publishes no AnynetPay entry") {
		t.Errorf("channel to a wallet without the entry: %v", err)
	}
	// A channel and three vouchers.
	out = must("--dir", a, "channel", "open", "bob", "1000000")
	id := strings.Fields(out)[1]
	for range 3 {
		must("--dir", a, "channel", "pay", "bob", "100")
	}
	var chans []control.PayChannel
	decode(&chans, "--dir", b, "channel", "status")
	if len(chans) != 1 || chans[0].ID != id || chans[0].Role != control.RolePayee || chans[0].Paid != "300" || chans[0].Name != "alice.anynet" {
		t.Errorf("bob's channels: %+v", chans)
	}

	// An invoice waits for alice's consent, naming who asks.
	out = must("--dir", b, "invoice", "ask", "alice", "500", "--memo", "lunch")
	inv := strings.TrimSuffix(strings.Fields(out)[1], ":")
	var list []control.PayInvoice
	eventually(t, "alice sees the invoice", func() error {
		decode(&list, "--dir", a, "invoice", "list")
		if len(list) != 1 {
			return fmt.Errorf("invoices %+v", list)
		}
		return nil
	})
	if got := list[0]; got.ID != inv || got.Direction != control.InvoiceIn || got.Peer != bs.Wallet || got.Name != "bob.anynet" || got.State != control.InvoiceAsked || got.Memo != "lunch" {
		t.Errorf("alice's invoice: %+v", got)
	}
	if out := must("--dir", a, "invoice", "list"); !lineHas(out, inv, "in", "bob.anynet ("+bs.Wallet+")", "500 wei", "lunch", "asked") {
		t.Errorf("invoice list:\n%s", out)
	}
	// The TUI's Wallet view (through its adapter) shows it too.
	tw, err := tuiadapter.New(a).Wallet(t.Context())
	if err != nil || len(tw.Waiting) != 1 || tw.Waiting[0].FromName != "bob.anynet" || tw.Waiting[0].From.Hex() != bs.Wallet || len(tw.Channels) != 1 {
		t.Errorf("TUI wallet: %+v, %v", tw, err)
	}
	decode(&chans, "--dir", b, "channel", "status")
	if chans[0].Paid != "300" {
		t.Fatalf("paid before consent: %+v", chans[0])
	}
	if out := must("--dir", a, "invoice", "approve", inv); !strings.Contains(out, "paid 500 wei to bob.anynet") {
		t.Errorf("approve: %q", out)
	}
	eventually(t, "bob sees the invoice paid", func() error {
		decode(&list, "--dir", b, "invoice", "list")
		if len(list) != 1 || list[0].State != control.InvoicePaid {
			return fmt.Errorf("invoices %+v", list)
		}
		return nil
	})
	if _, err := run(t, "--dir", a, "invoice", "approve", inv); err == nil || !strings.Contains(err.Error(), "is paid") {
		t.Errorf("approving twice: %v", err)
	}
	// A refused invoice.
	out = must("--dir", b, "invoice", "ask", "alice", "9")
	inv2 := strings.TrimSuffix(strings.Fields(out)[1], ":")
	eventually(t, "alice sees the second invoice", func() error {
		decode(&list, "--dir", a, "invoice", "list")
		if len(list) != 2 {
			return fmt.Errorf("invoices %+v", list)
		}
		return nil
	})
	must("--dir", a, "invoice", "refuse", inv2, "--reason", "not mine")
	eventually(t, "bob sees the invoice declined", func() error {
		decode(&list, "--dir", b, "invoice", "list")
		for _, i := range list {
			if i.ID == inv2 && i.State == control.InvoiceDeclined && i.Reason == "not mine" {
				return nil
			}
		}
		return fmt.Errorf("invoices %+v", list)
	})

	// A budget for the CLI's payments.
	must("--dir", a, "budget", "set", "--app", "cli", "350")
	if _, err := run(t, "--dir", a, "channel", "pay", "bob", "351"); err == nil || !strings.Contains(err.Error(), "over budget") {
		t.Errorf("over the budget: %v", err)
	}
	must("--dir", a, "channel", "pay", "bob", "50")
	if out := must("--dir", a, "budget", "list"); !lineHas(out, "app cli", "350", "50") {
		t.Errorf("budget list:\n%s", out)
	}

	// Close: bob gets exactly the vouchers' total.
	before := wallet(b).Ether
	if out := must("--dir", a, "channel", "close", id); !strings.Contains(out, "settled: 850 wei paid to bob.anynet") {
		t.Errorf("close: %q", out)
	}
	gained(before, wallet(b).Ether, 850)
}
