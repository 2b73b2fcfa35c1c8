//go:build !nochain

package daemon

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/crypto"
)

// lockedBuffer is a log sink safe for the daemon's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// forger makes initiations to wallet with a valid mac1 (anyone can: it
// derives from the public wallet) from a throwaway identity.
func forger(t *testing.T, wallet [20]byte, chainID uint64) func() []byte {
	t.Helper()
	wk, _ := crypto.GenerateKey()
	nk, err := transport.GenerateNodeKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b, err := transport.SignBinding(transport.NewKeySigner(wk), nk.Public, chainID, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	s, err := transport.New(transport.Config{Key: nk, Binding: b, ChainID: chainID})
	if err != nil {
		t.Fatal(err)
	}
	p := s.Peer(wallet, nil)
	return func() []byte {
		msg, err := s.Initiate(p)
		if err != nil {
			t.Fatal(err)
		}
		return append(link.AppendHeader(nil, &link.Header{Type: link.FrameTransport}), msg...)
	}
}

// TestDropsByReason sends a node garbage and forged initiations over UDP
// and checks that status names the drops by reason, the handshake load
// state and the cookies, and that the log sums them up in one line.
func TestDropsByReason(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and a node")
	}
	emb, dir := testChain(t)
	key, _ := crypto.GenerateKey()
	mdir := filepath.Join(dir, "target")
	os.MkdirAll(mdir, 0o700)
	var logs lockedBuffer
	d, err := Start(context.Background(), Options{
		Config:       config.Config{Dir: mdir, Listen: "127.0.0.1:0", Chain: "embedded"},
		Key:          key,
		Embedded:     emb,
		Logger:       slog.New(slog.NewTextHandler(&logs, nil)),
		DropLogEvery: 100 * time.Millisecond,
		Timers:       transport.Timers{LoadThreshold: 20},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	conn, err := net.Dial("udp", d.node.Self().Addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	send := func(b []byte) {
		if _, err := conn.Write(b); err != nil {
			t.Fatal(err)
		}
	}

	frame := func(msg []byte) []byte {
		return append(link.AppendHeader(nil, &link.Header{Type: link.FrameTransport}), msg...)
	}
	data := make([]byte, 48)
	data[0], data[4] = 4, 0x5a // data for an index nobody holds
	badMAC := make([]byte, 242)
	badMAC[0] = 5 // an XX initiation of the right size, mac1 garbage
	forge := forger(t, d.wallet, d.chainID.Uint64())
	const n = 20
	for range n {
		send([]byte("not a frame at all"))
		send(frame(data))
		send(frame(badMAC))
	}
	s := waitStatus(t, d, func(drops map[string]uint64, _ uint64) bool {
		return drops["malformed"] >= n && drops["unknownIndex"] >= n && drops["mac1"] >= n
	})
	var sum uint64
	for _, v := range s.Drops {
		sum += v
	}
	if sum != s.Link.Dropped {
		t.Errorf("drops by reason sum to %d, link.dropped is %d: %v", sum, s.Link.Dropped, s.Drops)
	}
	if s.Handshake == nil || s.Handshake.Threshold == 0 || s.Handshake.UnderLoad {
		t.Fatalf("handshake %+v: want a threshold and no load", s.Handshake)
	}

	// A flood of forged initiations with valid mac1 past the threshold
	// (20 a second here, 1,000 by default) draws cookies. Each round is
	// one burst; the rounds are bounded, not timed.
	threshold := s.Handshake.Threshold
	burst := make([][]byte, 0, 3*threshold/2)
	for range cap(burst) {
		burst = append(burst, forge())
	}
	for round := 0; ; round++ {
		for _, b := range burst {
			send(b)
		}
		s = waitStatus(t, d, func(_ map[string]uint64, processed uint64) bool { return processed > 0 })
		time.Sleep(10 * time.Millisecond) // let the burst drain (not an assertion)
		if s.Handshake.CookiesSent > 0 {
			break
		}
		if round == 20 {
			t.Fatalf("no cookie after %d bursts of %d initiations: %+v", round+1, len(burst), s.Handshake)
		}
	}

	// The summary: one line per interval, not one per packet.
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(logs.String(), "handshake load") || !strings.Contains(logs.String(), "dropped frames") {
		if time.Now().After(deadline) {
			t.Fatalf("no summary lines in the log:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	lines := strings.Count(logs.String(), "dropped frames")
	if lines > 1+int(time.Since(d.started)/(100*time.Millisecond)) {
		t.Fatalf("%d summary lines: more than one per interval", lines)
	}
	if !strings.Contains(logs.String(), "mac1=") || !strings.Contains(logs.String(), "malformed=") {
		t.Fatalf("summary without reasons:\n%s", logs.String())
	}
	if n := strings.Count(logs.String(), `msg="node up"`); n != 1 {
		t.Errorf(`"node up" logged %d times, want once`, n)
	}
}

// waitStatus polls Status until ok holds, for at most a minute.
func waitStatus(t *testing.T, d *Daemon, ok func(drops map[string]uint64, processed uint64) bool) control.Status {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		s, err := d.Status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if s.Drops != nil && s.Handshake != nil && ok(s.Drops, s.Handshake.Processed) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("status never got there: drops %v, handshake %+v", s.Drops, s.Handshake)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
