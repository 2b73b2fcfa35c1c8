//go:build !nochain

package mail

import (
	"context"
	"crypto/ecdsa"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// world is an embedded chain and an in-memory underlay; its members are
// real nodes (gVisor, Noise) that publish themselves and claim names.
type world struct{ *apptest.Chain }

func newWorld(t testing.TB) *world { return &world{apptest.NewChain(t)} }

// member is one wallet: its key and data directory survive a restart.
type member struct {
	name   string
	key    *ecdsa.PrivateKey
	wallet common.Address
	dir    string
	mailAt string
	core   CoreConfig
	// requireTLS: the gateways take a password only over TLS.
	requireTLS bool

	node *stack.Node
	svc  *Service
	smtp net.Listener
	imap net.Listener
	pass string
}

func (w *world) member(t testing.TB, name, mailAt string, core CoreConfig) *member {
	t.Helper()
	key, _ := crypto.GenerateKey()
	m := &member{name: name, key: key, wallet: crypto.PubkeyToAddress(key.PublicKey), dir: t.TempDir(), mailAt: mailAt, core: core}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := w.Emb.Fund(ctx, m.wallet); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Emb.Client.ClaimName(ctx, naming.Transactor(key, w.ChainID), name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.stop() })
	return m
}

// start brings m's node, mail service and gateways up and publishes
// them.
func (w *world) start(t testing.TB, m *member) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	u, err := w.Net.Attach()
	if err != nil {
		t.Fatal(err)
	}
	m.node = &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(m.key), Names: w.Emb.Client}
	auth := naming.Transactor(m.key, w.ChainID)
	if err := m.node.Publish(ctx, auth); err != nil {
		t.Fatal(err)
	}
	cc := m.core
	if cc.AckTimeout == 0 {
		cc.AckTimeout = 2 * time.Second
	}
	if cc.RetryBase == 0 {
		cc.RetryBase, cc.RetryMax = 200*time.Millisecond, time.Second
	}
	if cc.FetchInterval == 0 {
		cc.FetchInterval = -1
	}
	m.svc, err = Open(ctx, Config{Host: m.node, Dir: m.dir, Core: cc, DialTimeout: 3 * time.Second, RequireTLS: m.requireTLS})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.svc.Publish(ctx, w.Emb.Client, auth, m.mailAt); err != nil {
		t.Fatal(err)
	}
	if m.pass, err = m.svc.Password(); err != nil {
		t.Fatal(err)
	}
	m.smtp, _ = net.Listen("tcp", "127.0.0.1:0")
	m.imap, _ = net.Listen("tcp", "127.0.0.1:0")
	go m.svc.ServeSMTP(m.smtp)
	go m.svc.ServeIMAP(m.imap)
}

func (m *member) stop() {
	if m.smtp != nil {
		m.smtp.Close()
		m.imap.Close()
		m.smtp, m.imap = nil, nil
	}
	if m.svc != nil {
		m.svc.Close()
		m.svc = nil
	}
	if m.node != nil {
		m.node.Close()
		m.node = nil
	}
}

// waitStatus waits (a bound, not a timing assertion) until the sender's
// message id has status s.
func waitStatus(t testing.TB, m *member, id MessageID, s Status) Outgoing {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		o, err := m.svc.Status(id)
		if err == nil && o.Status == s {
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: message %s is %v (%v), want %v", m.name, id, o.Status, err, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// lastOutgoing is the newest message m submitted.
func lastOutgoing(t testing.TB, m *member) Outgoing {
	t.Helper()
	os, err := m.svc.Outgoing()
	if err != nil || len(os) == 0 {
		t.Fatalf("%s submitted nothing: %v", m.name, err)
	}
	return os[len(os)-1]
}

// needTool finds a client program, skipping without it (failing on CI).
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing (.ci/run installs it)", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

// attachmentMail is a multipart message with a base64 attachment of n
// bytes, written to a file.
func attachmentMail(t testing.TB, subject string, n int) (path string, payload []byte) {
	payload = make([]byte, n)
	for i := range payload {
		payload[i] = byte(i * 7)
	}
	enc := base64Lines(payload)
	msg := fmt.Sprintf("From: alice <alice@anynet>\r\nTo: bob <bob@anynet>\r\nSubject: %s\r\nMessage-ID: <%s@anynet>\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee the attachment\r\n"+
		"--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s--b1--\r\n",
		subject, subject, enc)
	path = filepath.Join(t.TempDir(), "mail.eml")
	os.WriteFile(path, []byte(msg), 0o600)
	return path, payload
}

// base64Lines is b in base64, 76 characters a line, CRLF-ended (RFC 2045).
func base64Lines(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > 76 {
		out.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	out.WriteString(s + "\r\n")
	return out.String()
}

// waitReason waits (a bound) until the sender's message id waits for a
// reason containing sub.
func waitReason(t testing.TB, m *member, id MessageID, sub string) Outgoing {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		o, err := m.svc.Status(id)
		if err == nil && strings.Contains(o.Reason, sub) {
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: message %s waits for %q (%v), want %q", m.name, id, o.Reason, err, sub)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
