//go:build !nochain

package daemon

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"strings"
	"testing"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestMailConsentKeys: the config keys mail.known-only and mail.deny
// reach bob's mail core. With mail.known-only, alice's first message
// bounces (consent); once bob allows her, the next is delivered. Bob's
// node restarted with mail.deny naming alice (a name, resolved on the
// chain) refuses her again, though he allowed her: the key wins.
func TestMailConsentKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	ctx := context.Background()
	emb, dir := testChain(t)
	start := func(cfg config.Config, key *ecdsa.PrivateKey) *Daemon {
		t.Helper()
		return startNode(t, emb, dir, cfg.Name, Options{Config: cfg, Key: key})
	}
	ak, _ := crypto.GenerateKey()
	bk, _ := crypto.GenerateKey()
	alice := start(config.Config{Name: "alice"}, ak)
	bob := start(config.Config{Name: "bob", MailKnownOnly: true}, bk)
	ca, cb := serve(t, alice), serve(t, bob)
	send := func(subject string) string {
		t.Helper()
		o, err := ca.MailSend(ctx, control.MailSendRequest{To: "bob@anynet", Subject: subject, Text: "hello bob"})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	ends := func(what, id, status, reason string) {
		t.Helper()
		until(t, what, func() error {
			l, err := ca.MailOutbox(ctx)
			if err != nil {
				return err
			}
			for _, o := range l {
				if o.ID == id && o.Status == status && strings.Contains(o.Reason, reason) {
					return nil
				}
			}
			return fmt.Errorf("alice's outbox %+v, want %s %s", l, id, status)
		})
	}
	ends("refused by mail.known-only", send("first"), "failed", "does not take mail")
	if l, err := cb.MailList(ctx, "Requests"); err != nil || len(l) != 0 {
		t.Fatalf("bob's Requests %+v %v: a refused message was filed", l, err)
	}
	if err := cb.MailAllow(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	ends("delivered once allowed", send("second"), "delivered", "")

	bob.Close()
	bob = start(config.Config{Name: "bob", MailKnownOnly: true, MailDeny: []string{"alice"}}, bk)
	ends("refused by mail.deny", send("third"), "failed", "does not take mail")
	cb = serve(t, bob)
	if l, err := cb.MailList(ctx, "INBOX"); err != nil || len(l) != 1 || l[0].Subject != "second" {
		t.Fatalf("bob's INBOX %+v %v", l, err)
	}
}
