//go:build !nochain

package pay

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
)

// TestDocumentEntry: bob's service publishes its entry; alice reads
// bob's DID document and finds the contract his node takes vouchers on.
func TestDocumentEntry(t *testing.T) {
	w := newWorld(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	bob := w.service(t, "bob", &service.Memory{}, newEvents())
	defer bob.Close()
	if err := bob.Publish(ctx, w.Emb.Client, naming.Transactor(w.bobKey, w.ChainID)); err != nil {
		t.Fatal(err)
	}
	doc, err := w.alice.Document(ctx, w.bob.Addr())
	if err != nil {
		t.Fatal(err)
	}
	d, err := DomainOf(doc)
	if err != nil {
		t.Fatal(err)
	}
	if d.ChainID.Cmp(w.ChainID) != 0 || d.Contract != w.dep.Channels || d.Separator() != NewDomain(w.ChainID, w.dep.Channels).Separator() {
		t.Fatalf("domain %+v", d)
	}
	if _, err := DomainOf(&naming.Document{}); !errors.Is(err, ErrUnknownChannel) {
		t.Fatalf("no entry: %v", err)
	}
}

func TestParseDocumentEntry(t *testing.T) {
	c := common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	if got := DocumentEntry(big.NewInt(1337), c); got != "eip155:1337:0x5FbDB2315678afecb367f032d93F642f64180aa3" {
		t.Fatalf("entry %q", got)
	}
	for _, bad := range []string{"", "eip155:", "eip155:1337", "eip155:0:" + c.Hex(), "eip155:01:" + c.Hex(), "eip155:-1:" + c.Hex(),
		"eip155:1337:" + c.Hex()[2:], "eip155:1337:0x12", "cosmos:1337:" + c.Hex(), "eip155:+1:" + c.Hex()} {
		if _, _, err := ParseDocumentEntry(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// FuzzParseDocumentEntry: what parses formats back to itself (up to the
// address's case).
func FuzzParseDocumentEntry(f *testing.F) {
	f.Add("eip155:1337:0x5FbDB2315678afecb367f032d93F642f64180aa3")
	f.Fuzz(func(t *testing.T, s string) {
		id, addr, err := ParseDocumentEntry(s)
		if err != nil {
			return
		}
		if again := DocumentEntry(id, addr); !strings.EqualFold(again, s) {
			t.Fatalf("%q formats back as %q", s, again)
		}
	})
}
