package stream

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// TestAccess: a stream gated to a list and to holders of a token. The
// origin (fan-out 1) serves an allowed relay and redirects the others
// to it; the relay applies the signed rule too: a listed viewer plays,
// an unlisted one is refused with its reason (PlaylistCmd says
// ErrDenied), and a token holder is admitted once its balance is
// checked (EventHolder answered by HolderCmd) while a non-holder is
// refused.
func TestAccess(t *testing.T) {
	n := newFakeNet(t)
	pub, relay, listed, stranger, holder, empty := common.Address{19: 1}, common.Address{19: 2}, common.Address{19: 3},
		common.Address{19: 4}, common.Address{19: 5}, common.Address{19: 6}
	token := common.Address{19: 0xee}
	signer := vectorSigner(t)
	n.add(pub, CoreConfig{Fanout: 1, Sign: signer.SignText, Owner: signer.Address()})
	for _, w := range []common.Address{relay, listed, stranger, holder, empty} {
		n.add(w, CoreConfig{})
	}
	k := Key{signer.Address(), "club"}
	n.do(pub, PublishCmd{Name: "club", Access: Access{Allow: []common.Address{relay, listed}, Token: token}})
	push := func(i int) {
		n.do(pub, PushCmd{Name: "club", Data: bytes.Repeat([]byte{byte(i)}, 100), Duration: time.Second})
		n.advance(time.Second)
	}
	push(1)
	n.do(relay, WatchCmd{Key: k, Origin: pub, Capacity: 10})
	push(2)
	for _, w := range []common.Address{listed, stranger, holder, empty} {
		n.do(w, WatchCmd{Key: k, Origin: pub})
	}
	// The relay asks for the token balances of the two it cannot place.
	asked := map[common.Address]bool{}
	for _, e := range n.events[relay] {
		if e.Kind == EventHolder && e.Token == token {
			asked[e.Peer] = true
		}
	}
	if len(asked) != 3 || !asked[holder] || !asked[empty] || !asked[stranger] {
		t.Fatalf("the relay asked about %v", asked)
	}
	n.do(relay, HolderCmd{Token: token, Wallet: holder, Holds: true})
	n.do(relay, HolderCmd{Token: token, Wallet: empty})
	n.do(relay, HolderCmd{Token: token, Wallet: stranger, Err: errors.New("no chain")})
	for i := 3; i <= 5; i++ {
		push(i)
	}
	for _, w := range []common.Address{listed, holder} {
		v, ok := n.do(w, PlaylistCmd{Key: k}).(PlaylistView)
		if !ok || !contains(v.Held, 5) {
			t.Fatalf("%s holds %v", w, v.Held)
		}
		if st := n.status(w); st.Upstream != relay {
			t.Fatalf("%s's upstream is %s, not the relay", w, st.Upstream)
		}
	}
	for w, want := range map[common.Address]string{empty: "holds none", stranger: "could not be checked"} {
		out := n.handle(w, service.Input{Kind: service.Command, Cmd: PlaylistCmd{Key: k}})
		if !errors.Is(out.Err, ErrDenied) || !bytes.Contains([]byte(out.Err.Error()), []byte(want)) {
			t.Fatalf("%s: %v; want ErrDenied (%s)", w, out.Err, want)
		}
	}
	if st := n.do(relay, StatusCmd{}).(Status); st.Stats.Denied != 2 {
		t.Fatalf("relay refused %d", st.Stats.Denied)
	}
	// Without the token rule, the origin itself refuses an unlisted wallet.
	n.do(pub, PublishCmd{Name: "list", Access: Access{Allow: []common.Address{listed}}})
	n.do(pub, PushCmd{Name: "list", Data: []byte("x"), Duration: time.Second})
	n.do(stranger, WatchCmd{Key: Key{signer.Address(), "list"}, Origin: pub})
	out := n.handle(stranger, service.Input{Kind: service.Command, Cmd: PlaylistCmd{Key: Key{signer.Address(), "list"}}})
	if !errors.Is(out.Err, ErrDenied) || !bytes.Contains([]byte(out.Err.Error()), []byte("not on the publisher's list")) {
		t.Fatalf("stranger: %v", out.Err)
	}
}

// TestAccessRecheck: the roles of a token's holders swap with their
// balances. The origin reads a watching holder's balance again once
// its read is HolderMaxAge old and cuts it off when it holds none any
// more; a refused non-holder asks again after HolderMaxAge and is
// admitted once the origin reads a balance.
func TestAccessRecheck(t *testing.T) {
	n := newFakeNet(t)
	pub, rich, poor := common.Address{19: 1}, common.Address{19: 2}, common.Address{19: 3}
	token := common.Address{19: 0xee}
	const maxAge = 10 * time.Second
	signer := vectorSigner(t)
	n.add(pub, CoreConfig{Sign: signer.SignText, Owner: signer.Address(), HolderMaxAge: maxAge})
	n.add(rich, CoreConfig{HolderMaxAge: maxAge})
	n.add(poor, CoreConfig{HolderMaxAge: maxAge})
	k := Key{signer.Address(), "club"}
	n.do(pub, PublishCmd{Name: "club", Access: Access{Token: token}})
	seq := 0
	push := func(d time.Duration) {
		for end := n.now.Add(d); n.now.Before(end); {
			seq++
			n.do(pub, PushCmd{Name: "club", Data: bytes.Repeat([]byte{byte(seq)}, 100), Duration: time.Second})
			n.advance(time.Second)
		}
	}
	asks := func(w common.Address) int {
		c := 0
		for _, e := range n.events[pub] {
			if e.Kind == EventHolder && e.Peer == w && e.Token == token {
				c++
			}
		}
		return c
	}
	playing := func(w common.Address) error {
		return n.handle(w, service.Input{Kind: service.Command, Cmd: PlaylistCmd{Key: k}}).Err
	}
	push(time.Second)
	n.do(rich, WatchCmd{Key: k, Origin: pub})
	n.do(poor, WatchCmd{Key: k, Origin: pub})
	n.do(pub, HolderCmd{Token: token, Wallet: rich, Holds: true})
	n.do(pub, HolderCmd{Token: token, Wallet: poor})
	push(2 * time.Second)
	if err := playing(rich); err != nil {
		t.Fatalf("the holder: %v", err)
	}
	if err := playing(poor); !errors.Is(err, ErrDenied) {
		t.Fatalf("the non-holder: %v; want ErrDenied", err)
	}
	// Within HolderMaxAge nobody is read again.
	if asks(rich) != 1 || asks(poor) != 1 {
		t.Fatalf("asked %d and %d times; want once each", asks(rich), asks(poor))
	}
	// The tokens move; the origin reads both balances again.
	push(maxAge)
	if asks(rich) != 2 || asks(poor) != 2 {
		t.Fatalf("after HolderMaxAge: asked %d and %d times; want twice each", asks(rich), asks(poor))
	}
	n.do(pub, HolderCmd{Token: token, Wallet: rich})
	n.do(pub, HolderCmd{Token: token, Wallet: poor, Holds: true})
	push(2 * time.Second)
	if err := playing(rich); !errors.Is(err, ErrDenied) || !bytes.Contains([]byte(err.Error()), []byte("holds none")) {
		t.Fatalf("the former holder: %v; want ErrDenied (holds none)", err)
	}
	if err := playing(poor); err != nil {
		t.Fatalf("the new holder: %v", err)
	}
	if st := n.status(poor); st.Upstream != pub || !st.Joined {
		t.Fatalf("the new holder: %+v", st)
	}
	// A balance that cannot be read keeps a watching child.
	push(maxAge)
	n.do(pub, HolderCmd{Token: token, Wallet: poor, Err: errors.New("no chain")})
	push(2 * time.Second)
	if err := playing(poor); err != nil {
		t.Fatalf("after a failed read: %v", err)
	}
}
