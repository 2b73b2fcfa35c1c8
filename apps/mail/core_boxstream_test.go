package mail

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// TestCoreLargeThroughMailbox: a large message to an offline recipient
// goes to its mailbox in parts (DEPOSITX, DPART, GOT) and comes out in
// parts (ITEMX, PULL, IPART): no frame carries more than one part. The
// deposit is cut off after two parts and the mailbox restarts: the next
// attempt sends only the parts it lacks. The fetch is cut off after
// three parts and the recipient restarts: the next fetch pulls only the
// rest (the direct path is cut throughout). The message is Delivered once, byte for byte, and the mailbox
// and the recipient keep no parts, progress or records after.
func TestCoreLargeThroughMailbox(t *testing.T) {
	n := newFakeNet(t)
	a := n.add(1, CoreConfig{RetryMax: time.Second, AckTimeout: 2 * time.Second})
	c := n.add(3, CoreConfig{Mailbox: true})
	b := n.add(2, CoreConfig{RetryMax: time.Second, FetchInterval: 5 * time.Second})
	n.boxOf[b.w] = c.w
	b.up = false

	sent := map[[2]uint32]int{} // (type, index) → frames that got through
	var biggest int
	cutDeposit, cutFetch := true, false
	n.drop = func(from, to common.Address, f []byte) bool {
		biggest = max(biggest, len(f))
		switch {
		case from == a.w && to == b.w && (f[0] == typeMailX || f[0] == typePart):
			return true // the direct path is cut throughout: this is about the mailbox
		case f[0] == typeDPart:
			i := binary.BigEndian.Uint32(f[17:])
			if cutDeposit && i >= 2 {
				return true
			}
			sent[[2]uint32{uint32(typeDPart), i}]++
		case f[0] == typeIPart:
			i := binary.BigEndian.Uint32(f[9:])
			if cutFetch && i >= 3 {
				return true
			}
			sent[[2]uint32{uint32(typeIPart), i}]++
		case f[0] == typeDeposit || f[0] == typeItem:
			t.Errorf("a large message went whole (frame 0x%02x of %d bytes)", f[0], len(f))
		}
		return false
	}
	data := bigMsg(6*ChunkSize + 777)
	r, err := n.do(a, SubmitCmd{To: b.w, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	id := r.(Outgoing).ID
	parts := r.(Outgoing).Parts
	n.advance(10 * time.Second)
	if o, _ := a.core.outgoing(id); o.Status != Queued {
		t.Fatalf("with the deposit cut off: %+v", o)
	}
	if sent[[2]uint32{uint32(typeDPart), 0}] != 1 || sent[[2]uint32{uint32(typeDPart), 1}] != 1 {
		t.Fatalf("parts deposited before the cut: %v", sent)
	}
	n.boot(c) // the mailbox restarts with two parts kept
	cutDeposit = false
	n.advance(time.Minute)
	if o, _ := a.core.outgoing(id); o.Status != Held {
		t.Fatalf("after the deposit went on: %+v", o)
	}
	for i := range parts {
		if k := sent[[2]uint32{uint32(typeDPart), uint32(i)}]; k != 1 {
			t.Errorf("part %d deposited %d times", i, k)
		}
	}
	if in, _ := n.do(c, InfoCmd{}); len(in.(Info).Held) != 1 || in.(Info).Held[0].Bytes != int64(len(data)) {
		t.Fatalf("the mailbox holds %+v", in.(Info).Held)
	}

	// The recipient comes up; its fetch is cut off after three parts.
	cutFetch = true
	n.boot(b)
	n.advance(3 * time.Second)
	if o, _ := a.core.outgoing(id); o.Status != Held {
		t.Fatalf("with the fetch cut off: %+v", o)
	}
	b.up = false
	n.boot(b) // and the recipient restarts
	cutFetch = false
	n.advance(time.Minute)
	if o, _ := a.core.outgoing(id); o.Status != Delivered {
		t.Fatalf("after the fetch went on: %+v", o)
	}
	for i := range parts {
		if k := sent[[2]uint32{uint32(typeIPart), uint32(i)}]; k != 1 {
			t.Errorf("part %d fetched %d times", i, k)
		}
	}
	ms, _ := Messages(b.st, Requests)
	if len(ms) != 1 {
		t.Fatalf("b has %d messages", len(ms))
	}
	got, err := Body(b.st, Requests, ms[0].UID)
	if err != nil || !bytes.HasSuffix(got, data) || len(got) != len(receivedHead(a.w))+len(data) {
		t.Fatalf("b's copy: %d bytes (%v), sent %d", len(got), err, len(data))
	}
	if biggest > ChunkSize+frameSlack {
		t.Errorf("a frame of %d bytes: more than one part", biggest)
	}
	n.advance(10 * time.Second) // the DROP
	noBlobs(t, "the mailbox", c.st)
	for _, p := range []string{"x", "Z", "q"} {
		k := 0
		c.st.Scan([]byte(p), func(_, _ []byte) bool { k++; return true })
		if k != 0 {
			t.Errorf("the mailbox keeps %d %q keys", k, p)
		}
	}
	if in, _ := n.do(c, InfoCmd{}); len(in.(Info).Held) != 0 {
		t.Errorf("the mailbox still holds %+v", in.(Info).Held)
	}
	ms, _ = Messages(b.st, Requests)
	if len(ms) != 1 {
		t.Fatalf("b has %d messages after the drop", len(ms))
	}
}
