package mail

import (
	"bytes"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// slowLink is the rate of TestCoreLargeSlowPath's links: a part
// (ChunkSize) takes 6.4 s, over three times the AckTimeout.
const slowLink = 40 << 10

// TestCoreLargeSlowPath: on links that move a part slower than
// AckTimeout, a large message still arrives — directly, and through a
// mailbox both ways — because each path's wait doubles after a timeout
// that caught a part on its way (core_patience.go). Before, every
// attempt hung up with the first part under way and sent it again:
// the message was never delivered, held nor bounced (as in the
// simulator under 10 % loss). Then, once the links are fast again, the
// waits shrink back with the quick answers.
func TestCoreLargeSlowPath(t *testing.T) {
	n := newFakeNet(t)
	cfg := CoreConfig{AckTimeout: 2 * time.Second, RetryBase: time.Second, RetryMax: 2 * time.Second, FetchInterval: 5 * time.Second}
	a := n.add(1, cfg)
	b := n.add(2, cfg)
	box := cfg
	box.Mailbox = true
	c := n.add(3, box)
	n.boxOf[b.w] = c.w
	fast := false
	n.rate = func(from, to common.Address) int {
		if fast {
			return 0
		}
		return slowLink
	}

	// Directly, to b online.
	data := bigMsg(3*ChunkSize + 5)
	r, err := n.do(a, SubmitCmd{To: b.w, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	id := r.(Outgoing).ID
	n.advance(3 * time.Minute)
	if o, _ := a.core.outgoing(id); o.Status != Delivered {
		t.Fatalf("directly over a slow link: %v (%s); a's wait for b is %d doublings", o.Status, o.Reason, a.core.peers[b.w].slow)
	}
	ms, _ := Messages(b.st, Requests)
	if len(ms) != 1 {
		t.Fatalf("b has %d messages", len(ms))
	}
	if got, _ := Body(b.st, Requests, ms[0].UID); !bytes.HasSuffix(got, data) {
		t.Fatalf("b's copy differs")
	}

	// Through the mailbox, with b away: the deposit in parts, then
	// b's fetch pulling them.
	b.up = false
	n.drop = func(from, to common.Address, f []byte) bool {
		return from == a.w && to == b.w && (f[0] == typeMailX || f[0] == typePart) // this part is about the mailbox
	}
	data2 := bigMsg(2*ChunkSize + 9)
	r, err = n.do(a, SubmitCmd{To: b.w, Data: data2})
	if err != nil {
		t.Fatal(err)
	}
	id2 := r.(Outgoing).ID
	n.advance(3 * time.Minute)
	if o, _ := a.core.outgoing(id2); o.Status != Held {
		t.Fatalf("deposited over a slow link: %v (%s)", o.Status, o.Reason)
	}
	n.boot(b)
	n.advance(3 * time.Minute)
	if o, _ := a.core.outgoing(id2); o.Status != Delivered {
		t.Fatalf("fetched over a slow link: %v (%s); b's wait for its mailbox is %d doublings", o.Status, o.Reason, b.core.fetch.slow)
	}
	if ms, _ := Messages(b.st, Requests); len(ms) != 2 {
		t.Fatalf("b has %d messages", len(ms))
	}

	// Fast again: quick answers to bulky frames bring the wait back.
	fast, n.drop = true, nil
	for i := range 4 {
		if _, err := n.do(a, SubmitCmd{To: b.w, Data: bigMsg(ChunkSize + i)}); err != nil {
			t.Fatal(err)
		}
		n.advance(time.Second)
	}
	if s := a.core.peers[b.w].slow; s != 0 {
		t.Errorf("after quick answers a's wait for b still doubles %d times", s)
	}
}
