package link

import (
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/crypto"
)

// sinkUnderlay records what an endpoint sends and never delivers.
type sinkUnderlay struct {
	mu   sync.Mutex // guards sent and to
	sent [][]byte
	to   []netip.AddrPort // where each of sent went
}

var _ Underlay = (*sinkUnderlay)(nil)

func (*sinkUnderlay) LocalAddr() netip.AddrPort { return netip.MustParseAddrPort("127.0.0.1:1") }
func (*sinkUnderlay) MTU() int                  { return MinUnderlayMTU }
func (u *sinkUnderlay) Send(dst netip.AddrPort, frames ...[]byte) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, f := range frames {
		if len(f) > MinUnderlayMTU {
			return ErrFrameTooBig
		}
		u.sent = append(u.sent, append([]byte(nil), f...))
		u.to = append(u.to, dst)
	}
	return nil
}
func (*sinkUnderlay) SetReceiver(func([]byte, netip.AddrPort)) {}
func (*sinkUnderlay) Close() error                             { return nil }

func newTestSessions(t testing.TB) *transport.Sessions {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	nk, err := transport.GenerateNodeKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := transport.SignBinding(transport.NewKeySigner(k), nk.Public, 1337, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	s, err := transport.New(transport.Config{Key: nk, Binding: b, ChainID: 1337})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
