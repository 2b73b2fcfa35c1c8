//go:build !nochain

package mail

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-imap"
	imapclient "github.com/emersion/go-imap/client"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// gatewayTLS is a client's TLS configuration trusting m's gateway
// certificate and nothing else.
func gatewayTLS(t *testing.T, m *member) *tls.Config {
	t.Helper()
	pemb, err := m.svc.CertPEM()
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemb) {
		t.Fatal("the gateway certificate does not parse")
	}
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

// tlsListeners serves m's gateways with TLS from the first byte too.
func tlsListeners(t *testing.T, m *member) (smtps, imaps string) {
	t.Helper()
	a, _ := net.Listen("tcp", "127.0.0.1:0")
	b, _ := net.Listen("tcp", "127.0.0.1:0")
	t.Cleanup(func() { a.Close(); b.Close() })
	go m.svc.ServeSMTPTLS(a)
	go m.svc.ServeIMAPTLS(b)
	return a.Addr().String(), b.Addr().String()
}

// TestGatewayTLS: with RequireTLS the gateways take no password in the
// clear; a standard client (go-smtp's, go-imap's) that trusts the
// node's own certificate (made in its data directory, key 0600, the
// same after a restart) submits over STARTTLS, reads over STARTTLS,
// and does both over the TLS-from-the-start ports, addressing bob as
// 0x…@anynet and as bob.anynet@anynet; a client that
// trusts another certificate does not get through.
func TestGatewayTLS(t *testing.T) {
	w := newWorld(t)
	alice := w.member(t, "alice", "", CoreConfig{})
	bob := w.member(t, "bob", "", CoreConfig{})
	alice.requireTLS, bob.requireTLS = true, true
	w.start(t, alice)
	w.start(t, bob)

	fi, err := os.Stat(filepath.Join(alice.dir, keyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("gateway key file: %v %v", fi, err)
	}
	if _, err := os.Stat(alice.svc.CertFile()); err != nil {
		t.Fatalf("gateway certificate file: %v", err)
	}
	aTLS, bTLS := gatewayTLS(t, alice), gatewayTLS(t, bob)

	// SMTP: no AUTH in the clear, then STARTTLS and AUTH.
	c, err := smtp.Dial(alice.smtp.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(sasl.NewPlainClient("", "anynet", alice.pass)); err == nil {
		t.Fatal("SMTP AUTH was taken in the clear")
	}
	c.Close()
	if c, err = smtp.DialStartTLS(alice.smtp.Addr().String(), bTLS); err == nil {
		err = c.Auth(sasl.NewPlainClient("", "anynet", alice.pass)) // the handshake runs at the first write
		c.Close()
		if err == nil {
			t.Fatal("STARTTLS passed with another node's certificate trusted")
		}
	}
	send := func(c *smtp.Client, subject, rcpt string) {
		t.Helper()
		defer c.Close()
		if err := c.Auth(sasl.NewPlainClient("", "anynet", alice.pass)); err != nil {
			t.Fatalf("AUTH over TLS: %v", err)
		}
		msg := fmt.Sprintf("From: alice@anynet\r\nTo: bob@anynet\r\nSubject: %s\r\n\r\nsent over TLS\r\n", subject)
		if err := c.SendMail("alice@anynet", []string{rcpt}, strings.NewReader(msg)); err != nil {
			t.Fatalf("send over TLS: %v", err)
		}
		if _, ok := c.TLSConnectionState(); !ok {
			t.Fatal("the SMTP session was not TLS")
		}
		waitStatus(t, alice, lastOutgoing(t, alice).ID, Delivered)
	}
	c, err = smtp.DialStartTLS(alice.smtp.Addr().String(), aTLS)
	if err != nil {
		t.Fatalf("STARTTLS: %v", err)
	}
	send(c, "starttls", WalletAddress(bob.wallet)) // both address forms: 0x…@anynet
	smtps, _ := tlsListeners(t, alice)
	c, err = smtp.DialTLS(smtps, aTLS)
	if err != nil {
		t.Fatalf("SMTP over TLS: %v", err)
	}
	send(c, "implicit", "bob.anynet@anynet") // and a name (here with its TLD)

	// IMAP: LOGIN refused in the clear, then STARTTLS.
	ic, err := imapclient.Dial(bob.imap.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := ic.Login("anynet", bob.pass); err == nil {
		t.Fatal("IMAP LOGIN was taken in the clear")
	}
	ic.Logout()
	subjects := func(ic *imapclient.Client) []string {
		t.Helper()
		defer ic.Logout()
		if err := ic.Login("anynet", bob.pass); err != nil {
			t.Fatalf("LOGIN over TLS: %v", err)
		}
		if !ic.IsTLS() {
			t.Fatal("the IMAP session was not TLS")
		}
		mb, err := ic.Select(Requests, true)
		if err != nil {
			t.Fatal(err)
		}
		seq := new(imap.SeqSet)
		seq.AddRange(1, mb.Messages)
		ch := make(chan *imap.Message, 8)
		if err := ic.Fetch(seq, []imap.FetchItem{imap.FetchEnvelope}, ch); err != nil {
			t.Fatal(err)
		}
		var out []string
		for m := range ch {
			out = append(out, m.Envelope.Subject)
		}
		return out
	}
	ic, err = imapclient.Dial(bob.imap.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := ic.StartTLS(bTLS); err != nil {
		t.Fatalf("IMAP STARTTLS: %v", err)
	}
	if got := subjects(ic); strings.Join(got, ",") != "starttls,implicit" {
		t.Fatalf("bob's Requests over STARTTLS: %q", got)
	}
	_, imaps := tlsListeners(t, bob)
	if ic, err = imapclient.DialTLS(imaps, bTLS); err != nil {
		t.Fatalf("IMAP over TLS: %v", err)
	}
	if got := subjects(ic); len(got) != 2 {
		t.Fatalf("bob's Requests over TLS: %q", got)
	}

	// The certificate stays across a restart.
	before, _ := bob.svc.CertPEM()
	bob.stop()
	w.start(t, bob)
	if after, _ := bob.svc.CertPEM(); !bytes.Equal(before, after) {
		t.Fatal("the gateway certificate changed across a restart")
	}
}

// TestCurlTLS: curl (OpenSSL, a client nobody here wrote) submits with
// --ssl-reqd over STARTTLS and over smtps://, trusting the node's
// certificate file, and reads the message back over imap:// with
// STARTTLS and imaps://; without the certificate it refuses the
// gateway.
func TestCurlTLS(t *testing.T) {
	bin := needTool(t, "curl")
	w := newWorld(t)
	alice := w.member(t, "alice", "", CoreConfig{})
	bob := w.member(t, "bob", "", CoreConfig{})
	alice.requireTLS, bob.requireTLS = true, true
	w.start(t, alice)
	w.start(t, bob)
	smtps, _ := tlsListeners(t, alice)
	_, imaps := tlsListeners(t, bob)

	path, payload := attachmentMail(t, "over-tls", 1000)
	if out, err := exec.Command(bin, "-sS", "--max-time", "60", "--ssl-reqd", "smtp://"+alice.smtp.Addr().String(),
		"--user", "anynet:"+alice.pass, "--mail-from", "alice@anynet", "--mail-rcpt", "bob@anynet", "--upload-file", path).CombinedOutput(); err == nil {
		t.Fatalf("curl took a certificate it was not given:\n%s", out)
	}
	curl(t, bin, "--ssl-reqd", "--cacert", alice.svc.CertFile(), "smtp://"+alice.smtp.Addr().String(),
		"--user", "anynet:"+alice.pass, "--mail-from", "alice@anynet", "--mail-rcpt", "bob@anynet", "--upload-file", path)
	waitStatus(t, alice, lastOutgoing(t, alice).ID, Delivered)
	path2, _ := attachmentMail(t, "over-smtps", 1000)
	curl(t, bin, "--cacert", alice.svc.CertFile(), "smtps://"+smtps,
		"--user", "anynet:"+alice.pass, "--mail-from", "alice@anynet", "--mail-rcpt", "bob@anynet", "--upload-file", path2)
	waitStatus(t, alice, lastOutgoing(t, alice).ID, Delivered)

	got := curl(t, bin, "--ssl-reqd", "--cacert", bob.svc.CertFile(), fmt.Sprintf("imap://%s/Requests;UID=1", bob.imap.Addr()), "--user", "anynet:"+bob.pass)
	if !strings.Contains(got, "Subject: over-tls") || !strings.Contains(got, base64Lines(payload)[:60]) {
		t.Fatalf("imap with STARTTLS fetched:\n%.400s", got)
	}
	got = curl(t, bin, "--cacert", bob.svc.CertFile(), fmt.Sprintf("imaps://%s/Requests;UID=2", imaps), "--user", "anynet:"+bob.pass)
	if !strings.Contains(got, "Subject: over-smtps") {
		t.Fatalf("imaps fetched:\n%.400s", got)
	}
	// Without TLS curl's LOGIN is refused.
	if out, err := exec.Command(bin, "-sS", "--max-time", "60", fmt.Sprintf("imap://%s/Requests;UID=1", bob.imap.Addr()), "--user", "anynet:"+bob.pass).CombinedOutput(); err == nil {
		t.Fatalf("a login in the clear was taken:\n%s", out)
	}
}
