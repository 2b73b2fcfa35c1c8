package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// TestMailKill9: nothing accepted is lost or duplicated when a node is
// killed with SIGKILL. Three `anynet up` processes: alice (serving the
// chain, SMTP gateway), bob (mail-at carol) and carol (a mailbox).
//
//  1. alice submits messages over SMTP (net/smtp) while bob is killed
//     with SIGKILL mid-stream and started again on the same directory.
//
//  2. bob is away; alice's next messages go into custody at carol, who
//     is killed with SIGKILL holding them (and while more arrive), and
//     started again; bob comes back and fetches.
//
//  3. dave (a second sender with an SMTP gateway) is killed with
//     SIGKILL right after the 250s of messages still queued (bob is
//     away), and started again.
//
// Every message that got its 250 ends Delivered in its sender's outbox
// and exactly once in bob's Requests.
func TestMailKill9(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary and runs three nodes")
	}
	bin := binary(t)
	root := sockDir(t)
	dirs := map[string]string{}
	c := newCLI(t, bin, root)
	for _, n := range []string{"alice", "bob", "carol", "dave"} {
		dirs[n] = filepath.Join(root, n)
		c.must("--dir", dirs[n], "init", "--scrypt", "light", "--name", n)
	}
	c.start("alice", "--dir", dirs["alice"], "up", "--headless", "--listen", "127.0.0.1:0", "--serve-chain", "127.0.0.1:0", "--mail-smtp", "127.0.0.1:0")
	chain := c.chain(dirs["alice"])
	up := func(name string, args ...string) *exec.Cmd {
		cmd := c.start(name, append([]string{"--dir", dirs[name], "up", "--headless", "--listen", "127.0.0.1:0", "--chain", chain.URL}, args...)...)
		eventually(t, name+" on chain", func() error {
			var s control.Status
			if err := c.json(&s, "--dir", dirs[name], "status"); err != nil {
				return err
			}
			var r control.Resolved
			return c.json(&r, "--dir", dirs["alice"], "resolve", name)
		})
		return cmd
	}
	kill := func(cmd *exec.Cmd) {
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	carol := up("carol", "--mailbox")
	bob := up("bob", "--mail-at", "carol")
	var g control.MailGateways
	if err := c.json(&g, "--dir", dirs["alice"], "mail", "gateways"); err != nil || g.SMTP == "" {
		t.Fatalf("alice's gateways %+v %v", g, err)
	}
	// Bob's node publishes its mail key a moment after it is up.
	eventually(t, "a first message delivered", func() error {
		submit(t, g, 0)
		return outboxAll(c, dirs["alice"], 1, "delivered")
	})

	sent := 1
	for i := 1; i <= 20; i++ {
		if i == 8 {
			kill(bob) // mid-stream: some messages are in flight
		}
		if i == 14 {
			bob = up("bob", "--mail-at", "carol")
		}
		submit(t, g, i)
		sent++
	}
	eventually(t, "every message delivered after bob's SIGKILL", func() error { return outboxAll(c, dirs["alice"], sent, "delivered") })

	kill(bob)
	for i := 21; i <= 30; i++ {
		submit(t, g, i)
		sent++
		if i == 25 {
			eventually(t, "custody at carol", func() error { return outboxHas(c, dirs["alice"], "held") })
			kill(carol) // holding messages, while more arrive
			carol = up("carol", "--mailbox")
		}
	}
	eventually(t, "every message held at carol", func() error { return outboxAll(c, dirs["alice"], sent, "held", "delivered") })
	kill(carol)
	carol = up("carol", "--mailbox")
	bob = up("bob", "--mail-at", "carol")
	eventually(t, "every message delivered after carol's SIGKILL", func() error { return outboxAll(c, dirs["alice"], sent, "delivered") })

	var l []control.MailMessage
	if err := c.json(&l, "--dir", dirs["bob"], "mail", "list", "--folder", "Requests"); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, m := range l {
		seen[m.Subject]++
	}
	for i := range sent {
		if n := seen[fmt.Sprintf("m%d", i)]; n != 1 {
			t.Errorf("message m%d is in bob's Requests %d times", i, n)
		}
	}
	if len(l) != len(seen) || len(l) < sent {
		t.Errorf("bob holds %d messages, %d distinct subjects, %d sent", len(l), len(seen), sent)
	}

	// 3. The sender killed right after its 250s.
	dave := up("dave", "--mail-smtp", "127.0.0.1:0")
	var gd control.MailGateways
	if err := c.json(&gd, "--dir", dirs["dave"], "mail", "gateways"); err != nil || gd.SMTP == "" {
		t.Fatalf("dave's gateways %+v %v", gd, err)
	}
	kill(bob)
	const dn = 5
	for i := range dn {
		submitAs(t, gd, "d", i)
	}
	kill(dave) // with the messages accepted and not delivered
	if err := outboxHas(c, dirs["dave"], "delivered"); err == nil {
		t.Log("a message of dave's was delivered before the kill (bob's node was not down yet)")
	}
	dave = up("dave", "--mail-smtp", "127.0.0.1:0")
	bob = up("bob", "--mail-at", "carol")
	eventually(t, "every message of dave's delivered after his SIGKILL", func() error { return outboxAll(c, dirs["dave"], dn, "delivered") })
	l = nil
	if err := c.json(&l, "--dir", dirs["bob"], "mail", "list", "--folder", "Requests"); err != nil {
		t.Fatal(err)
	}
	seen = map[string]int{}
	for _, m := range l {
		seen[m.Subject]++
	}
	for i := range dn {
		if n := seen[fmt.Sprintf("d%d", i)]; n != 1 {
			t.Errorf("message d%d (dave's) is in bob's Requests %d times", i, n)
		}
	}
}

// submit sends message i through the SMTP gateway and fails the test
// unless the gateway answers 250.
func submit(t *testing.T, g control.MailGateways, i int) { t.Helper(); submitAs(t, g, "m", i) }

// submitAs sends message i with subject prefix+i through the SMTP
// gateway and fails the test unless the gateway answers 250.
func submitAs(t *testing.T, g control.MailGateways, prefix string, i int) {
	t.Helper()
	msg := fmt.Sprintf("From: x@anynet\r\nTo: bob@anynet\r\nSubject: %s%d\r\nMessage-ID: <%s%d@test>\r\n\r\nmessage %d\r\n", prefix, i, prefix, i, i)
	host, _, _ := strings.Cut(g.SMTP, ":")
	pemb, err := os.ReadFile(g.Certificate)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pemb)
	err = func() error { // SendMail, trusting the gateway's certificate for its STARTTLS
		c, err := smtp.Dial(g.SMTP)
		if err != nil {
			return err
		}
		defer c.Close()
		if err := c.StartTLS(&tls.Config{RootCAs: roots, ServerName: host}); err != nil {
			return err
		}
		if err := c.Auth(smtp.PlainAuth("", g.User, g.Password, host)); err != nil {
			return err
		}
		if err := c.Mail("x@anynet"); err != nil {
			return err
		}
		if err := c.Rcpt("bob@anynet"); err != nil {
			return err
		}
		w, err := c.Data()
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, msg); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		return c.Quit()
	}()
	if err != nil {
		t.Fatalf("submit %s%d: %v", prefix, i, err)
	}
}

func outboxAll(c cli, dir string, n int, statuses ...string) error {
	var l []control.MailOutgoing
	if err := c.json(&l, "--dir", dir, "mail", "outbox"); err != nil {
		return err
	}
	if len(l) < n {
		return fmt.Errorf("%d messages in the outbox, want %d", len(l), n)
	}
	for _, o := range l {
		ok := false
		for _, s := range statuses {
			ok = ok || o.Status == s
		}
		if !ok {
			return fmt.Errorf("message %s is %s, want %v", o.ID, o.Status, statuses)
		}
	}
	return nil
}

func outboxHas(c cli, dir, status string) error {
	var l []control.MailOutgoing
	if err := c.json(&l, "--dir", dir, "mail", "outbox"); err != nil {
		return err
	}
	for _, o := range l {
		if o.Status == status {
			return nil
		}
	}
	return fmt.Errorf("no message is %s", status)
}
