package mail

import (
	"bytes"
	crand "crypto/rand"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/seal"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// lossyNet carries frames between the cores of one wallet's nodes with
// random delays (so out of order), loss and duplicates, and can cut
// nodes off and restart them; no sockets.
type lossyNet struct {
	t     *testing.T
	rnd   *rand.Rand
	now   time.Time
	nodes []*syncNode
	inbox []delivery
	loss  float64                             // probability a frame is lost
	dup   float64                             // probability a frame comes twice
	watch func(from common.Address, f []byte) // sees every frame sent, if set
}

type delivery struct {
	at   time.Time
	to   common.Address
	from common.Address
	f    []byte
}

type syncNode struct {
	addr common.Address // its NodePeer address
	inst netip.Addr
	st   *service.Memory
	core *Core
	up   bool
	due  time.Time
}

func instOf(i int) netip.Addr {
	var a [16]byte
	a[0], a[15] = 0xfc, byte(i+1)
	return netip.AddrFrom16(a)
}

var syncWallet = common.Address{19: 0xbb}

func newLossyNet(t *testing.T, seed uint64, n int) *lossyNet {
	ln := &lossyNet{t: t, rnd: rand.New(rand.NewPCG(seed, 7)), now: time.Unix(1_800_000_000, 0)}
	for i := range n {
		nd := &syncNode{inst: instOf(i), st: &service.Memory{}}
		nd.addr = NodePeer(nd.inst)
		ln.nodes = append(ln.nodes, nd)
	}
	for _, nd := range ln.nodes {
		ln.boot(nd)
	}
	return ln
}

func (ln *lossyNet) boot(nd *syncNode) {
	c, err := NewCore(CoreConfig{Self: syncWallet, Rand: crand.Reader, Store: nd.st, Node: nd.inst,
		AckTimeout: 2 * time.Second, RetryBase: 500 * time.Millisecond, RetryMax: 4 * time.Second, SyncInterval: 10 * time.Second,
		FetchInterval: -1, RateLimit: -1})
	if err != nil {
		ln.t.Fatal(err)
	}
	nd.core, nd.up, nd.due = c, true, time.Time{}
	ln.handle(nd, service.Input{Kind: service.Start})
	for _, o := range ln.nodes {
		if o != nd {
			ln.handle(nd, service.Input{Kind: service.Command, Cmd: AddNodeCmd{Node: o.inst}})
		}
	}
}

func (ln *lossyNet) handle(nd *syncNode, in service.Input) service.Effects {
	var out service.Effects
	nd.core.Handle(ln.now, in, &out)
	if err := nd.st.Apply(out.Writes); err != nil {
		ln.t.Fatal(err)
	}
	for _, s := range out.Send {
		if _, ok := nodeOf(s.To); !ok {
			continue // to a sender: receipts are not part of this test
		}
		if ln.watch != nil {
			ln.watch(nd.addr, s.Frame)
		}
		if ln.rnd.Float64() < ln.loss {
			continue
		}
		copies := 1
		if ln.rnd.Float64() < ln.dup {
			copies = 2
		}
		for range copies {
			d := time.Duration(ln.rnd.IntN(800)) * time.Millisecond
			ln.inbox = append(ln.inbox, delivery{at: ln.now.Add(d), to: s.To, from: nd.addr, f: bytes.Clone(s.Frame)})
		}
	}
	if !out.Deadline.IsZero() && (nd.due.IsZero() || out.Deadline.Before(nd.due)) {
		nd.due = out.Deadline
	}
	return out
}

func (ln *lossyNet) node(a common.Address) *syncNode {
	for _, nd := range ln.nodes {
		if nd.addr == a {
			return nd
		}
	}
	return nil
}

// step moves time on 50 ms: frames due arrive (to a node that is down
// they are lost), timers fire.
func (ln *lossyNet) step() {
	ln.now = ln.now.Add(50 * time.Millisecond)
	var keep []delivery
	var due []delivery
	for _, d := range ln.inbox {
		if ln.now.Before(d.at) {
			keep = append(keep, d)
		} else {
			due = append(due, d)
		}
	}
	ln.inbox = keep
	for _, d := range due {
		if to := ln.node(d.to); to != nil && to.up && ln.node(d.from).up {
			ln.handle(to, service.Input{Kind: service.Frame, Peer: d.from, Frame: d.f})
		}
	}
	for _, nd := range ln.nodes {
		if nd.up && !nd.due.IsZero() && !ln.now.Before(nd.due) {
			nd.due = time.Time{}
			ln.handle(nd, service.Input{Kind: service.Timer})
		}
	}
}

func (ln *lossyNet) do(nd *syncNode, cmd any) (any, error) {
	out := ln.handle(nd, service.Input{Kind: service.Command, Cmd: cmd})
	return out.Result, out.Err
}

// view is what a node's folders show: per object, its folder, flags
// and bytes.
func view(t *testing.T, st service.Store) map[string]string {
	t.Helper()
	v := map[string]string{}
	for _, f := range Folders() {
		ms, err := Messages(st, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.G == "" {
				t.Fatalf("%s/%d has no object name", f, m.UID)
			}
			if _, dup := v[m.G]; dup {
				t.Fatalf("object %s filed twice", m.G)
			}
			body, err := Body(st, f, m.UID)
			if err != nil {
				t.Fatal(err)
			}
			fl := slices.Clone(m.Flags)
			slices.Sort(fl)
			v[m.G] = fmt.Sprintf("%s %v %x", f, fl, body)
		}
	}
	return v
}

// TestSyncConverges: three nodes of one wallet, a network that loses
// 20 % of frames, repeats 5 % and reorders the rest, partitions and
// restarts; mail arrives at any node (the same message at two), and
// each node files, flags, moves and expunges. Once the network heals,
// every node shows the same folders: every message that was never
// expunged is everywhere once, every expunged one nowhere.
func TestSyncConverges(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { syncConverges(t, seed) })
	}
}

func syncConverges(t *testing.T, seed uint64) {
	ln := newLossyNet(t, seed, 3)
	ln.loss, ln.dup = 0.2, 0.05
	sender := common.Address{19: 0xaa}
	skeys, _ := seal.NewKeys(crand.Reader)
	created := map[string]bool{} // G of every message filed
	expunged := map[string]bool{}
	var received []MessageID
	large := 0
	upNodes := func() []*syncNode {
		var u []*syncNode
		for _, nd := range ln.nodes {
			if nd.up {
				u = append(u, nd)
			}
		}
		return u
	}
	pick := func() *syncNode { u := upNodes(); return u[ln.rnd.IntN(len(u))] }
	someMsg := func(nd *syncNode) *Stored {
		var all []Stored
		for _, f := range Folders() {
			ms, _ := Messages(nd.st, f)
			all = append(all, ms...)
		}
		if len(all) == 0 {
			return nil
		}
		m := all[ln.rnd.IntN(len(all))]
		return &m
	}
	for i := range 400 {
		switch r := ln.rnd.IntN(20); {
		case r < 4: // mail from the sender reaches one node, sometimes a second
			var id MessageID
			crand.Read(id[:])
			received = append(received, id)
			msg := fmt.Appendf(nil, "Subject: %d\r\n\r\nhello %d\r\n", i, i)
			targets := []*syncNode{pick()}
			if ln.rnd.IntN(3) == 0 {
				targets = append(targets, pick())
			}
			for _, nd := range targets {
				blob, err := seal.Seal(crand.Reader, msg, sender, skeys, &nd.core.keys.Pub)
				if err != nil {
					t.Fatal(err)
				}
				ln.handle(nd, service.Input{Kind: service.Frame, Peer: sender, Frame: (&frame{typ: typeMail, id: id, blob: blob}).marshal()})
			}
			created[recvG(sender, id).String()] = true
		case r < 6: // a draft or a sent copy written by a client
			nd := pick()
			folder := []string{Sent, Drafts}[ln.rnd.IntN(2)]
			res, err := ln.do(nd, AppendCmd{Folder: folder, Flags: []string{`\Seen`}, Data: fmt.Appendf(nil, "Subject: mine %d\r\n\r\n.\r\n", i)})
			if err != nil {
				t.Fatal(err)
			}
			m := res.(Stored)
			st, _ := nd.core.stored(m.Folder, m.UID)
			created[st.G] = true
		case r < 10: // flags
			nd := pick()
			if m := someMsg(nd); m != nil {
				op := []string{"add", "remove"}[ln.rnd.IntN(2)]
				fl := []string{`\Seen`, `\Flagged`, `\Answered`}[ln.rnd.IntN(3)]
				ln.do(nd, FlagsCmd{Folder: m.Folder, UIDs: []uint32{m.UID}, Op: op, Flags: []string{fl}})
			}
		case r < 13: // a move
			nd := pick()
			if m := someMsg(nd); m != nil {
				dest := Folders()[ln.rnd.IntN(len(Folders()))]
				if dest != m.Folder {
					ln.do(nd, CopyCmd{Folder: m.Folder, Dest: dest, UIDs: []uint32{m.UID}, Move: true})
				}
			}
		case r < 14: // an expunge
			nd := pick()
			if m := someMsg(nd); m != nil {
				ln.do(nd, FlagsCmd{Folder: m.Folder, UIDs: []uint32{m.UID}, Op: "add", Flags: []string{`\Deleted`}})
				ln.do(nd, ExpungeCmd{Folder: m.Folder, UIDs: []uint32{m.UID}})
				expunged[m.G] = true
			}
		case r < 15: // a node goes down (at most one), or comes back
			if nd := ln.nodes[ln.rnd.IntN(len(ln.nodes))]; nd.up && len(upNodes()) > 2 {
				nd.up = false
			} else if !nd.up {
				ln.boot(nd) // a restart: the core reads its store again
			}
		case r < 16: // a restart
			ln.boot(pick())
		case r < 17: // a large message (its bytes are pulled in chunks)
			nd := pick()
			data := bytes.Repeat(fmt.Appendf(nil, "large %d ", i), 70_000)
			res, err := ln.do(nd, AppendCmd{Folder: Inbox, Data: data})
			if err != nil {
				t.Fatal(err)
			}
			m := res.(Stored)
			st, _ := nd.core.stored(m.Folder, m.UID)
			created[st.G] = true
			large++
		}
		for range ln.rnd.IntN(10) {
			ln.step()
		}
	}
	// Heal: everyone up, no loss; let the pulls run their course.
	ln.loss, ln.dup = 0, 0
	for _, nd := range ln.nodes {
		if !nd.up {
			ln.boot(nd)
		}
	}
	for range 1200 { // a minute
		ln.step()
	}
	want := view(t, ln.nodes[0].st)
	for i, nd := range ln.nodes[1:] {
		got := view(t, nd.st)
		for g, v := range want {
			if got[g] != v {
				t.Errorf("node %d: object %s is %q, node 0 has %q", i+1, g, got[g], v)
			}
		}
		for g, v := range got {
			if _, ok := want[g]; !ok {
				t.Errorf("node %d: object %s (%q) not on node 0", i+1, g, v)
			}
		}
	}
	kept := 0
	for g := range created {
		_, there := want[g]
		switch {
		case expunged[g] && there:
			t.Errorf("object %s was expunged and is still there", g)
		case !expunged[g] && !there:
			t.Errorf("object %s was lost", g)
		case there:
			kept++
		}
	}
	if len(created) < 50 || kept == 0 {
		t.Fatalf("only %d messages filed, %d kept: the test did little", len(created), kept)
	}
	if large == 0 {
		t.Fatal("no large message: the test did not pull bytes in chunks")
	}
	t.Logf("seed %d: %d messages (%d large), %d expunged, %d kept, all alike on 3 nodes", seed, len(created), large, len(expunged), kept)
}

// TestSyncOnlyOwnNodes: a PULL or CHANGES from a peer that is not
// another node of this wallet (another wallet, or an unknown node) is
// neither answered nor merged.
func TestSyncOnlyOwnNodes(t *testing.T) {
	ln := newLossyNet(t, 9, 2)
	a := ln.nodes[0]
	if _, err := ln.do(a, AppendCmd{Folder: Drafts, Data: []byte("Subject: secret\r\n\r\n.\r\n")}); err != nil {
		t.Fatal(err)
	}
	for _, stranger := range []common.Address{{19: 0xee}, NodePeer(instOf(7))} {
		out := ln.handle(a, service.Input{Kind: service.Frame, Peer: stranger, Frame: (&syncFrame{typ: typeSyncPull}).marshal()})
		for _, s := range out.Send {
			if s.To == stranger {
				t.Fatalf("%s was answered", stranger)
			}
		}
		forged := syncFrame{typ: typeSyncChanges, to: 1, recs: []syncRec{{
			obj:  syncObj{G: hexID{1}, Folder: folderReg{V: Inbox, stamp: stamp{T: 1 << 40}}},
			body: []byte("Subject: forged\r\n\r\n.\r\n"),
		}}}
		ln.handle(a, service.Input{Kind: service.Frame, Peer: stranger, Frame: forged.marshal()})
		if ms, _ := Messages(a.st, Inbox); len(ms) != 0 {
			t.Fatalf("%s's changes were merged: %v", stranger, ms)
		}
	}
}

// TestSyncPrivateKeyOnce: a node's private seal key travels to another
// node of the wallet only until that node says it holds it — not in
// every PULL and CHANGES — and again after either node restarts (the
// restarted one knows its keyring, not whose key each is); each node
// still holds the other's key.
func TestSyncPrivateKeyOnce(t *testing.T) {
	ln := newLossyNet(t, 3, 2)
	withPriv := map[common.Address]int{}
	frames := 0
	ln.watch = func(from common.Address, b []byte) {
		f, err := parseSyncFrame(b)
		if err != nil || f.typ != typeSyncPull && f.typ != typeSyncChanges {
			return
		}
		frames++
		if [32]byte(f.pair[:32]) != ([32]byte{}) {
			withPriv[from]++
		}
	}
	run := func(d time.Duration) {
		for end := ln.now.Add(d); ln.now.Before(end); {
			ln.step()
		}
	}
	holds := func(nd, of *syncNode) bool {
		return slices.ContainsFunc(nd.core.sync.keyring, func(k sealKeys) bool { return k.Pub == of.core.keys.Pub })
	}
	a, b := ln.nodes[0], ln.nodes[1]
	run(2 * time.Minute) // SyncInterval 10 s: a dozen pulls each way
	if !holds(a, b) || !holds(b, a) {
		t.Fatal("the nodes do not hold each other's seal key")
	}
	if frames < 20 {
		t.Fatalf("only %d PULL/CHANGES frames: the test did little", frames)
	}
	for _, nd := range ln.nodes {
		if n := withPriv[nd.addr]; n == 0 || n > 3 {
			t.Fatalf("%d of %d frames from %s carried its private key, want 1–3", n, frames, nd.addr)
		}
	}
	clear(withPriv)
	ln.boot(b) // restarted: it tells its key again, once
	run(2 * time.Minute)
	if n := withPriv[b.addr]; n == 0 || n > 3 {
		t.Fatalf("after a restart %d frames from b carried its private key, want 1–3", n)
	}
	if n := withPriv[a.addr]; n > 3 {
		t.Fatalf("after b's restart %d frames from a carried its private key, want at most 3", n)
	}
	if !holds(a, b) || !holds(b, a) {
		t.Fatal("after a restart the nodes do not hold each other's seal key")
	}
}
