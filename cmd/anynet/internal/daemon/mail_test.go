//go:build !nochain

package daemon

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestMailAPI: alice mails bob by name through the control API with an
// attachment; bob finds it in Requests, reads it, allows alice, and her
// next mail lands in his INBOX; alice's outbox says delivered, and the
// event stream carried both ends. Then Python's smtplib and imaplib (a
// client nobody here wrote), on the gateways the config keys mail.smtp
// and mail.imap opened, send and read a message the same way, over
// STARTTLS (mail.tls-only: no password in the clear) trusting each
// node's own gateway certificate.
func TestMailAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	ctx := context.Background()
	emb, dir := testChain(t)
	start := func(cfg config.Config, key *ecdsa.PrivateKey) *Daemon {
		t.Helper()
		cfg.MailSMTP, cfg.MailIMAP = "127.0.0.1:0", "127.0.0.1:0"
		cfg.MailTLSOnly = true
		return startNode(t, emb, dir, cfg.Name, Options{Config: cfg, Key: key})
	}
	ak, _ := crypto.GenerateKey()
	bk, _ := crypto.GenerateKey()
	// Alice's node is also bob's mailbox (mail-at), on terms her DID
	// entry publishes.
	alice := start(config.Config{Name: "alice", Mailbox: true, MailQuota: 64 << 20, MailRetention: 48 * time.Hour, MailDelayNotice: 30 * time.Minute}, ak)
	bob := start(config.Config{Name: "bob", MailAt: "alice"}, bk)
	ca, cb := serve(t, alice), serve(t, bob)
	if s, err := ca.MailStatus(ctx); err != nil || s.Mailbox == nil || *s.Mailbox != (control.MailTerms{Quota: 64 << 20, Retention: 48 * time.Hour}) || s.DelayNotice != 30*time.Minute {
		t.Fatalf("alice's mail status %+v %v", s, err)
	}
	until(t, "bob's mailbox terms", func() error {
		s, err := cb.MailStatus(ctx)
		if err != nil || s.MailAt != alice.wallet.Hex()+"@anynet" || s.MailAtTerms == nil || s.MailAtTerms.Quota != 64<<20 || s.Mailbox != nil || s.DelayNotice != 4*time.Hour {
			return fmt.Errorf("bob's mail status %+v %v", s, err)
		}
		return nil
	})

	att := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(att, []byte(strings.Repeat("attached ", 1000)), 0o600)
	if _, err := ca.MailSend(ctx, control.MailSendRequest{To: "bob@anynet", Subject: "hi", Text: "hello bob", Attach: []string{"relative"}}); err == nil {
		t.Errorf("a relative attachment path was taken")
	}
	if _, err := ca.MailSend(ctx, control.MailSendRequest{To: "nobody@anynet", Text: "x"}); err == nil {
		t.Errorf("mail to an unknown name was taken")
	}
	o, err := ca.MailSend(ctx, control.MailSendRequest{To: "bob@anynet", Subject: "hi", Text: "hello bob", Attach: []string{att}})
	if err != nil {
		t.Fatal(err)
	}
	until(t, "delivered", func() error {
		l, err := ca.MailOutbox(ctx)
		if err != nil || len(l) != 1 || l[0].Status != "delivered" || l[0].ID != o.ID {
			return fmt.Errorf("outbox %+v %v", l, err)
		}
		return nil
	})
	l, err := cb.MailList(ctx, "Requests")
	if err != nil || len(l) != 1 || l[0].Subject != "hi" || l[0].Sender != alice.wallet.Hex()+"@anynet" {
		t.Fatalf("bob's requests %+v %v", l, err)
	}
	m, err := cb.MailRead(ctx, "Requests", l[0].UID)
	if err != nil || strings.TrimSpace(m.Body) != "hello bob" || len(m.Attachments) != 1 || m.Attachments[0] != "notes.txt" {
		t.Fatalf("read %+v %v", m, err)
	}
	if _, err := cb.MailRead(ctx, "Nowhere", 1); err == nil {
		t.Errorf("a folder that does not exist was read")
	}
	if err := cb.MailAllow(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := ca.MailSend(ctx, control.MailSendRequest{To: "bob", Subject: "again", Text: "now in your inbox"}); err != nil {
		t.Fatal(err)
	}
	until(t, "inbox", func() error {
		l, err := cb.MailList(ctx, "INBOX")
		if err != nil || len(l) != 1 || l[0].Subject != "again" {
			return fmt.Errorf("inbox %+v %v", l, err)
		}
		return nil
	})
	if l, err := ca.MailList(ctx, "Sent"); err != nil || len(l) != 2 || l[1].Subject != "again" {
		t.Errorf("alice's Sent %+v %v", l, err)
	}
	until(t, "bob's mail events", func() error {
		evs, _, _ := bob.Events(ctx, 0)
		got := 0
		for _, e := range evs {
			if e.Kind == control.EventMail && e.Mail != nil {
				got++
			}
		}
		if got != 2 {
			return fmt.Errorf("bob's event stream has %d mail events, want 2", got)
		}
		return nil
	})

	// Python's smtplib and imaplib on the gateways.
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is missing")
		}
		t.Skip("python3 is not installed: the gateways are not tried with smtplib and imaplib")
	}
	ga, _ := ca.MailGateways(ctx)
	gb, _ := cb.MailGateways(ctx)
	if ga.SMTP == "" || gb.IMAP == "" || !ga.TLSOnly || ga.Certificate == "" || len(ga.Fingerprint) != 64 {
		t.Fatalf("gateways %+v %+v", ga, gb)
	}
	script := `
import sys, smtplib, imaplib, time, ssl
from email.message import EmailMessage
smtp, imap, pa, pb, ca, cb = sys.argv[1:7]
msg = EmailMessage()
msg["From"] = "alice@anynet"; msg["To"] = "bob@anynet"; msg["Subject"] = "from python"
msg.set_content("sent by smtplib")
msg.add_attachment(bytes(range(256)) * 400, maintype="application", subtype="octet-stream", filename="blob.bin")
h, p = smtp.rsplit(":", 1)
with smtplib.SMTP(h, int(p)) as s:
    try:
        s.login("anynet", pa)
        print("a password in the clear was taken"); sys.exit(1)
    except smtplib.SMTPException:
        pass
    s.starttls(context=ssl.create_default_context(cafile=ca))
    s.login("anynet", pa)
    s.send_message(msg)
    try:
        s.sendmail("alice@anynet", ["carol@example.com"], "Subject: x\r\n\r\nx")
        print("foreign domain accepted"); sys.exit(1)
    except smtplib.SMTPRecipientsRefused as e:
        code = list(e.recipients.values())[0][0]
        if code != 550: print("code", code); sys.exit(1)
h, p = imap.rsplit(":", 1)
m = imaplib.IMAP4(h, int(p))
m.starttls(ssl_context=ssl.create_default_context(cafile=cb))
m.login("anynet", pb)
for _ in range(600):
    m.select("INBOX")
    typ, data = m.search(None, 'SUBJECT "from python"')
    if data[0]: break
    time.sleep(0.1)
else:
    print("not in INBOX"); sys.exit(1)
typ, data = m.fetch(data[0].split()[-1], "(RFC822)")
import email, email.policy
e = email.message_from_bytes(data[0][1], policy=email.policy.default)
parts = [p for p in e.iter_attachments()]
assert parts and parts[0].get_filename() == "blob.bin" and parts[0].get_payload(decode=True) == bytes(range(256)) * 400, "attachment"
m.logout()
print("ok")
`
	out, err := exec.Command(py, "-c", script, ga.SMTP, gb.IMAP, ga.Password, gb.Password, ga.Certificate, gb.Certificate).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("python: %v\n%s", err, out)
	}
}
