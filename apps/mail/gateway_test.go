//go:build !nochain

package mail

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// curl runs curl with args and returns its output.
func curl(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, append([]string{"-sS", "--max-time", "60"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("curl %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestCurlOnlineAndOffline: curl (a client nobody here wrote) submits a
// message with an attachment to alice's SMTP gateway for bob@anynet;
// the message crosses real nodes (gVisor, Noise, names and DID
// documents on the embedded chain) and curl reads it from bob's IMAP
// gateway, byte for byte. Then bob is offline: the next message is Held
// at carol, bob's mailbox node (mail-at), is not Delivered while he is
// away, and is Delivered once he comes up and fetches it.
func TestCurlOnlineAndOffline(t *testing.T) {
	t.Parallel()
	bin := needTool(t, "curl")
	w := newWorld(t)
	carol := w.member(t, "carol", "", CoreConfig{Mailbox: true})
	bob := w.member(t, "bob", "carol", CoreConfig{})
	alice := w.member(t, "alice", "", CoreConfig{})
	w.start(t, carol)
	w.start(t, bob)
	w.start(t, alice)

	submit := func(subject string) ([]byte, Outgoing) {
		path, payload := attachmentMail(t, subject, 300<<10)
		curl(t, bin, "smtp://"+alice.smtp.Addr().String(), "--user", "anynet:"+alice.pass,
			"--mail-from", "alice@anynet", "--mail-rcpt", "bob@anynet", "--upload-file", path)
		return payload, lastOutgoing(t, alice)
	}
	fetch := func(uid int) string {
		return curl(t, bin, fmt.Sprintf("imap://%s/Requests;UID=%d", bob.imap.Addr(), uid), "--user", "anynet:"+bob.pass)
	}
	check := func(got string, subject string, payload []byte) {
		t.Helper()
		if !strings.Contains(got, "Subject: "+subject) {
			t.Fatalf("IMAP fetch lacks the subject %q:\n%.400s", subject, got)
		}
		i := strings.Index(got, "Content-Transfer-Encoding: base64\r\n\r\n")
		j := strings.LastIndex(got, "--b1--")
		if i < 0 || j < i {
			t.Fatalf("no attachment in:\n%.400s", got)
		}
		data, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(got[i+len("Content-Transfer-Encoding: base64\r\n\r\n") : j]))
		if err != nil || !bytes.Equal(data, payload) {
			t.Fatalf("attachment: %d bytes (%v), want the %d sent", len(data), err, len(payload))
		}
	}

	payload, o := submit("online")
	waitStatus(t, alice, o.ID, Delivered)
	check(fetch(1), "online", payload)
	list := curl(t, bin, "imap://"+bob.imap.Addr().String()+"/", "--user", "anynet:"+bob.pass)
	for _, f := range Folders() {
		if !strings.Contains(list, f) {
			t.Errorf("LIST lacks %s:\n%s", f, list)
		}
	}

	bob.stop()
	payload, o = submit("offline")
	waitStatus(t, alice, o.ID, Held)
	time.Sleep(500 * time.Millisecond) // not a bound: a chance for a wrong Delivered to show
	if s, _ := alice.svc.Status(o.ID); s.Status != Held {
		t.Fatalf("while bob is offline the message is %v, want held", s.Status)
	}
	w.start(t, bob)
	waitStatus(t, alice, o.ID, Delivered)
	check(fetch(2), "offline", payload)
	if ms, _ := bob.svc.Messages(Requests); len(ms) != 2 {
		t.Fatalf("bob has %d messages, want 2", len(ms))
	}
}

// pyMail is the Python side of TestPythonOnlineAndOffline: "send HOST
// PORT PASS CAFILE SUBJECT" submits a message with a 300 KB attachment
// over STARTTLS with smtplib; "read HOST PORT PASS CAFILE SUBJECT"
// finds it in Requests with imaplib over STARTTLS and checks the
// attachment.
const pyMail = `
import sys, smtplib, imaplib, ssl, email, email.policy
from email.message import EmailMessage
mode, host, port, pw, ca, subject = sys.argv[1:7]
ctx = ssl.create_default_context(cafile=ca)
blob = bytes((i * 7) % 256 for i in range(300 * 1024))
if mode == "send":
    msg = EmailMessage()
    msg["From"] = "alice@anynet"; msg["To"] = "bob@anynet"; msg["Subject"] = subject
    msg.set_content("see the attachment")
    msg.add_attachment(blob, maintype="application", subtype="octet-stream", filename="blob.bin")
    with smtplib.SMTP(host, int(port)) as s:
        s.starttls(context=ctx)
        s.login("anynet", pw)
        s.send_message(msg)
else:
    m = imaplib.IMAP4(host, int(port))
    m.starttls(ssl_context=ctx)
    m.login("anynet", pw)
    m.select("Requests", readonly=True)
    typ, data = m.search(None, 'SUBJECT "%s"' % subject)
    nums = data[0].split()
    assert len(nums) == 1, "found %r" % nums
    typ, data = m.fetch(nums[0], "(RFC822)")
    e = email.message_from_bytes(data[0][1], policy=email.policy.default)
    parts = list(e.iter_attachments())
    assert parts and parts[0].get_filename() == "blob.bin" and parts[0].get_payload(decode=True) == blob, "attachment"
    m.logout()
print("ok")
`

// TestPythonOnlineAndOffline: Python's smtplib and imaplib (clients
// nobody here wrote), over STARTTLS with passwords refused in the
// clear, send a message with an attachment from alice's gateway to
// bob@anynet and read it at bob's, while bob is online; then while bob
// is offline, the message is Held at carol (his mailbox node), is not
// Delivered while he is away, and is Delivered and readable once he
// comes up.
func TestPythonOnlineAndOffline(t *testing.T) {
	py := needTool(t, "python3")
	w := newWorld(t)
	carol := w.member(t, "carol", "", CoreConfig{Mailbox: true})
	bob := w.member(t, "bob", "carol", CoreConfig{})
	alice := w.member(t, "alice", "", CoreConfig{})
	bob.requireTLS, alice.requireTLS = true, true
	w.start(t, carol)
	w.start(t, bob)
	w.start(t, alice)
	run := func(mode string, m *member, ln net.Listener, subject string) {
		t.Helper()
		host, port, _ := net.SplitHostPort(ln.Addr().String())
		out, err := exec.Command(py, "-c", pyMail, mode, host, port, m.pass, m.svc.CertFile(), subject).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "ok" {
			t.Fatalf("python %s %s: %v\n%s", mode, subject, err, out)
		}
	}
	run("send", alice, alice.smtp, "online")
	waitStatus(t, alice, lastOutgoing(t, alice).ID, Delivered)
	run("read", bob, bob.imap, "online")

	bob.stop()
	run("send", alice, alice.smtp, "offline")
	o := waitStatus(t, alice, lastOutgoing(t, alice).ID, Held)
	if o.HeldBy != carol.wallet {
		t.Fatalf("held by %s, want carol", o.HeldBy)
	}
	time.Sleep(500 * time.Millisecond) // not a bound: a chance for a wrong Delivered to show
	if s, _ := alice.svc.Status(o.ID); s.Status != Held {
		t.Fatalf("while bob is offline the message is %v, want held", s.Status)
	}
	w.start(t, bob)
	waitStatus(t, alice, o.ID, Delivered)
	run("read", bob, bob.imap, "offline")
}

// TestSMTPCodes: the submission gateway's refusals carry clear SMTP
// codes, and nothing it refuses is queued: MAIL before AUTH 530, a
// foreign domain 550 5.1.2, a name the chain does not know 550 5.1.1,
// a message over the size cap 552.
func TestSMTPCodes(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	alice := w.member(t, "alice", "", CoreConfig{MaxSize: 1 << 20})
	bob := w.member(t, "bob", "", CoreConfig{})
	w.start(t, alice)
	w.start(t, bob)
	code := func(err error) int {
		var e *textproto.Error
		if errors.As(err, &e) {
			return e.Code
		}
		t.Fatalf("not an SMTP error: %v", err)
		return 0
	}
	c, err := smtp.Dial(alice.smtp.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("alice@anynet"); code(err) != 530 {
		t.Errorf("MAIL before AUTH: %v, want 530", err)
	}
	if err := c.Auth(smtp.PlainAuth("", "anynet", alice.pass, "127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("alice@anynet"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("carol@example.com"); code(err) != 550 || !strings.Contains(err.Error(), "5.1.2") {
		t.Errorf("a foreign domain: %v, want 550 5.1.2", err)
	}
	if err := c.Rcpt("nobody-by-this-name@anynet"); code(err) != 550 || !strings.Contains(err.Error(), "5.1.1") {
		t.Errorf("an unknown name: %v, want 550 5.1.1", err)
	}
	if err := c.Rcpt("bob@anynet"); err != nil {
		t.Fatal(err)
	}
	dw, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	dw.Write([]byte("Subject: big\r\n\r\n"))
	dw.Write(bytes.Repeat([]byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n"), 20000))
	if err := dw.Close(); code(err) != 552 {
		t.Errorf("a message over the cap: %v, want 552", err)
	}
	if os, _ := alice.svc.Outgoing(); len(os) != 0 {
		t.Errorf("refused mail was queued: %+v", os)
	}
}
