package sim

import (
	"io"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
)

// orderCore sends "A" and "B" to the wallet its command names, before
// any connection to it is up, and "C" when it hears Up for it; it
// reports every frame it receives.
type orderCore struct{ to common.Address }

func (o *orderCore) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Command:
		o.to = in.Cmd.(common.Address)
		out.To(o.to, []byte("A"))
		out.To(o.to, []byte("B"))
	case service.Up:
		if in.Peer == o.to {
			out.To(o.to, []byte("C"))
		}
	case service.Frame:
		out.Emit(string(in.Frame))
	}
}

// TestServiceOrderOnConnect: frames a core sends to a wallet while its
// dial is under way reach the peer before those it sends on Up.
func TestServiceOrderOnConnect(t *testing.T) {
	var got []string
	svc := &Service{
		Port: 7000,
		Core: func(common.Address, service.Store, io.Reader) service.Core { return &orderCore{} },
		Commands: func(_ Workload, lay Layout, _ *rand.Rand) []Command {
			return []Command{{At: time.Second, Node: lay.Hosts[0], Cmd: lay.Hosts[1]}}
		},
		Observe: func(o Observation) error {
			if o.Event != nil {
				got = append(got, o.Event.(string))
			}
			return nil
		},
	}
	if _, err := runScenario(t, `
name: order
seed: 1
nodes: 2
duration: 5s
workload:
  - {kind: order}
`, Options{Services: map[string]*Service{"order": svc}}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"A", "B", "C"}; !slices.Equal(got, want) {
		t.Fatalf("peer received %q, want %q", got, want)
	}
}

// lookupCore asks for the DID document of the wallet its command names
// and reports the mailbox it reads there, or the error.
type lookupCore struct{}

func (lookupCore) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Command:
		out.Lookup = append(out.Lookup, in.Cmd.(common.Address))
	case service.Document:
		if in.Err != nil {
			out.Emit(in.Err.Error())
		} else {
			out.Emit(in.Doc.Mailbox)
		}
	}
}

// TestServiceDocumentWithoutPublisher: a host whose core publishes no
// entries (no service.Publisher) still has a DID document once its core
// started, completed by Service.Document.
func TestServiceDocumentWithoutPublisher(t *testing.T) {
	box := common.Address{0xb0}
	var got []string
	svc := &Service{
		Port: 7000,
		Core: func(common.Address, service.Store, io.Reader) service.Core { return lookupCore{} },
		Commands: func(_ Workload, lay Layout, _ *rand.Rand) []Command {
			return []Command{{At: time.Second, Node: lay.Hosts[0], Cmd: lay.Hosts[1]}}
		},
		Document: func(d *naming.Document) { d.Mailbox = box.Hex() },
		Observe: func(o Observation) error {
			if o.Event != nil {
				got = append(got, o.Event.(string))
			}
			return nil
		},
	}
	if _, err := runScenario(t, `
name: lookup
seed: 1
nodes: 2
duration: 5s
workload:
  - {kind: lookup}
`, Options{Services: map[string]*Service{"lookup": svc}}); err != nil {
		t.Fatal(err)
	}
	if want := []string{box.Hex()}; !slices.Equal(got, want) {
		t.Fatalf("lookup answered %q, want %q", got, want)
	}
}
