package relay

import (
	"errors"
	"math/big"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// FuzzParseDocumentEntry: an AnynetRelay entry comes from another
// wallet's DID document on chain. Parsing never panics, refuses with
// ErrMalformed, and what it accepts is one role on a positive chain id,
// which DocumentEntries writes back as an entry that parses the same.
func FuzzParseDocumentEntry(f *testing.F) {
	c := common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	for _, e := range DocumentEntries(RoleEdge|RoleWatchDog|RoleGuardian, big.NewInt(1337), c, 200) {
		f.Add(e.Endpoint)
	}
	f.Add("guardian eip155:1:" + strings.ToLower(c.Hex()))
	f.Add("edge eip155:01:" + c.Hex())
	f.Add("guardian eip155:1:" + c.Hex() + " fee=10001")
	f.Fuzz(func(t *testing.T, s string) {
		role, id, addr, err := ParseDocumentEntry(s)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("%q: error %v is not ErrMalformed", s, err)
			}
			return
		}
		if role != RoleEdge && role != RoleWatchDog && role != RoleGuardian {
			t.Fatalf("%q parses to roles %v, want exactly one", s, role)
		}
		if id.Sign() <= 0 {
			t.Fatalf("%q parses to chain id %v", s, id)
		}
		var fee uint64
		if _, f, ok := strings.Cut(s, " fee="); ok {
			fee, _ = strconv.ParseUint(f, 10, 64)
		}
		es := DocumentEntries(role, id, addr, fee)
		if len(es) != 1 {
			t.Fatalf("%q: %d entries written back", s, len(es))
		}
		r2, id2, addr2, err := ParseDocumentEntry(es[0].Endpoint)
		if err != nil || r2 != role || id2.Cmp(id) != 0 || addr2 != addr {
			t.Fatalf("%q written back as %q parses to %v %v %v (%v)", s, es[0].Endpoint, r2, id2, addr2, err)
		}
	})
}
