//go:build !nochain

package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/smtp"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/client"
)

// benchPair is alice and bob on real nodes (gVisor, Noise, the embedded
// chain), with gateways, bob allowing alice.
func benchPair(b *testing.B) (w *world, alice, bob *member) {
	w = newWorld(b)
	alice = w.member(b, "alice", "", CoreConfig{RateLimit: -1})
	bob = w.member(b, "bob", "", CoreConfig{RateLimit: -1})
	w.start(b, alice)
	w.start(b, bob)
	ctx := context.Background()
	if _, err := bob.svc.Do(ctx, AllowCmd{Peer: alice.wallet}); err != nil {
		b.Fatal(err)
	}
	// A first message opens the path and reads the documents.
	o, err := alice.svc.Send(ctx, "bob@anynet", []byte("Subject: warm-up\r\n\r\nx\r\n"))
	if err != nil {
		b.Fatal(err)
	}
	waitStatus(b, alice, o.ID, Delivered)
	return w, alice, bob
}

// BenchmarkOnlineDelivery: the time from the SMTP 250 at alice's
// gateway (net/smtp) to the message visible over IMAP at bob's (an
// IDLE client sees EXISTS). Reports the median (p50-ms) and p90; the
// baseline of the same run is BenchmarkOverlayRoundTrip.
func BenchmarkOnlineDelivery(b *testing.B) {
	_, alice, bob := benchPair(b)
	c, err := client.Dial(bob.imap.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Logout()
	if err := c.Login("anynet", bob.pass); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Select(Inbox, true); err != nil {
		b.Fatal(err)
	}
	updates := make(chan client.Update, 64)
	c.Updates = updates
	stop := make(chan struct{})
	idled := make(chan error, 1)
	go func() { idled <- c.Idle(stop, nil) }()
	host := "127.0.0.1"
	auth := smtp.PlainAuth("", "anynet", alice.pass, host)
	pemb, _ := alice.svc.CertPEM()
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pemb)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		msg := fmt.Appendf(nil, "From: alice@anynet\r\nTo: bob@anynet\r\nSubject: bench %d\r\n\r\n%s\r\n", i, bytes.Repeat([]byte("x"), 1000))
		if err := sendMailTLS(alice.smtp.Addr().String(), roots, auth, "bob@anynet", msg); err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		for seen := false; !seen; {
			select {
			case u := <-updates:
				_, seen = u.(*client.MailboxUpdate)
			case <-time.After(time.Minute):
				b.Fatalf("message %d not seen over IMAP", i)
			}
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	close(stop)
	<-idled
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*9/10].Microseconds())/1000, "p90-ms")
}

// BenchmarkThroughput10KB: 10 KB messages from alice to bob through the
// Go API, submitted back to back; each op is one message, and msgs/s is
// what arrives at bob's store.
func BenchmarkThroughput10KB(b *testing.B) {
	_, alice, bob := benchPair(b)
	events, cancel := bob.svc.Subscribe()
	defer cancel()
	body := append([]byte("Subject: ten\r\n\r\n"), bytes.Repeat([]byte("0123456789"), 1000)...)
	ctx := context.Background()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	start := time.Now()
	go func() {
		for range b.N {
			if _, err := alice.svc.SendTo(ctx, bob.wallet, body); err != nil {
				b.Error(err)
				return
			}
		}
	}()
	for got := 0; got < b.N; {
		select {
		case e := <-events:
			if e.Kind == EventNew {
				got++
			}
		case <-time.After(time.Minute):
			b.Fatalf("%d of %d messages arrived", got, b.N)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

// BenchmarkOverlayRoundTrip is the baseline of the same run: a 1 KB
// write and its echo over a plain overlay TCP connection between the
// two nodes.
func BenchmarkOverlayRoundTrip(b *testing.B) {
	_, alice, bob := benchPair(b)
	ln, err := bob.node.Listen("tcp", ":7")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.Copy(c, c)
	}()
	ctx, cancelDial := context.WithTimeout(context.Background(), time.Minute)
	defer cancelDial()
	c, err := alice.node.Dial(ctx, "tcp", bob.wallet.Hex()+":7")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 1000)
	b.ResetTimer()
	for range b.N {
		if _, err := c.Write(buf); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// sendMailTLS is net/smtp.SendMail trusting roots for STARTTLS (which
// SendMail starts on its own when the server offers it).
func sendMailTLS(addr string, roots *x509.CertPool, auth smtp.Auth, to string, msg []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.StartTLS(&tls.Config{RootCAs: roots, ServerName: "127.0.0.1"}); err != nil {
		return err
	}
	if err := c.Auth(auth); err != nil {
		return err
	}
	if err := c.Mail("alice@anynet"); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
