package tui

import (
	"context"
	"slices"
	"testing"

	"strings"

	"github.com/charmbracelet/x/ansi"
)

// The fake's wallet: one channel to bob, one invoice from carol waiting.
var _ WalletBackend = (*fakeBackend)(nil)

func (f *fakeBackend) Wallet(context.Context) (Wallet, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["Wallet"]++
	if err := f.fail["Wallet"]; err != nil {
		return Wallet{}, err
	}
	w := Wallet{Address: aliceW, Ether: "99999999999987655", Token: "0x00000000000000000000000000000000000000aa", TokenBalance: "1000",
		Channels: []WalletChannel{{ID: "0x01", Payer: true, Peer: bobW, PeerName: "bob", Deposit: "1000000", Paid: "300", State: "open"}}}
	if !slices.Contains(f.consents, "approve 0123456789abcdef0123456789abcdef") && !slices.Contains(f.consents, "refuse 0123456789abcdef0123456789abcdef") {
		w.Waiting = []WalletInvoice{{ID: "0123456789abcdef0123456789abcdef", From: carolW, FromName: "carol.anynet", Amount: "500", Memo: "lunch"}}
	}
	return w, nil
}

func (f *fakeBackend) ApproveInvoice(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.consents = append(f.consents, "approve "+id)
	return nil
}

func (f *fakeBackend) RefuseInvoice(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.consents = append(f.consents, "refuse "+id)
	return nil
}

// TestWalletApprove: the Wallet view shows who asks (name and wallet)
// and for what; a approves the selected invoice through the backend.
func TestWalletApprove(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 100, 24)
	start(m)
	drive(m, keys("5"))
	if m.current != viewWallet {
		t.Fatalf("view %s", m.current)
	}
	frame := m.View()
	for _, want := range []string{"carol.anynet", carolW.Hex(), "asks 500 wei: lunch", "→ bob 300/1000000", "Invoices waiting for you (1)"} {
		if !containsPlain(frame, want) {
			t.Errorf("wallet view lacks %q:\n%s", want, frame)
		}
	}
	drive(m, keys("a"))
	f.mu.Lock()
	got := slices.Clone(f.consents)
	f.mu.Unlock()
	if !slices.Equal(got, []string{"approve 0123456789abcdef0123456789abcdef"}) {
		t.Fatalf("consents %v", got)
	}
	if containsPlain(m.View(), "carol.anynet") {
		t.Errorf("the approved invoice is still shown:\n%s", m.View())
	}
}

func containsPlain(frame, s string) bool { return strings.Contains(ansi.Strip(frame), s) }
