package vpn

import (
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/pay"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// recordKeyHex is the test vector's exit key (secp256k1 scalar 1).
const recordKeyHex = "0000000000000000000000000000000000000000000000000000000000000001"

// TestRecordVector: a Usage signed by a fixed key encodes to the
// vector of doc.go ("Usage records"), verifies against that key's
// wallet, and every alteration or foreign signature is ErrForged.
func TestRecordVector(t *testing.T) {
	key, _ := crypto.HexToECDSA(recordKeyHex)
	w := pay.NewKeyWallet(key)
	u := Usage{Session: [16]byte{1}, Client: common.Address{2}, Exit: w.Address(), Up: 4, Down: 5,
		Start: time.Unix(6, 0), End: time.Unix(7, 0)}
	rec, err := SignUsage(u, w)
	if err != nil {
		t.Fatal(err)
	}
	enc := AppendRecord(nil, rec)
	if got, want := hex.EncodeToString(enc), recordVector; got != want {
		t.Errorf("record = %s, want %s", got, want)
	}
	back, err := ParseRecord(enc)
	if err != nil || back.Up != 4 || back.Down != 5 || !back.Start.Equal(u.Start) || back.Sig != rec.Sig {
		t.Fatalf("parsed %+v, %v", back, err)
	}
	if err := back.Verify(w.Address()); err != nil {
		t.Fatalf("verify: %v", err)
	}

	other, _ := crypto.GenerateKey()
	foreign := u
	foreign.Exit = crypto.PubkeyToAddress(other.PublicKey)
	forged, _ := SignUsage(foreign, pay.NewKeyWallet(other))
	forged.Exit = w.Address() // claims to be the exit's
	for name, r := range map[string]Record{
		"more-down":    func() Record { r := rec; r.Down = 1; return r }(),
		"other-client": func() Record { r := rec; r.Client = common.Address{9}; return r }(),
		"later-end":    func() Record { r := rec; r.End = r.End.Add(time.Hour); return r }(),
		"bad-sig":      func() Record { r := rec; r.Sig[10] ^= 1; return r }(),
		"other-key":    forged,
	} {
		if err := r.Verify(w.Address()); !errors.Is(err, ErrForged) {
			t.Errorf("%s: verify = %v, want ErrForged", name, err)
		}
	}
	if err := rec.Verify(common.Address{7}); !errors.Is(err, ErrForged) {
		t.Errorf("verify against another exit = %v", err)
	}
	if _, err := SignUsage(foreign, w); err == nil {
		t.Error("signed a usage naming another exit")
	}

	// The client's counterpart: the same format, signed by the client.
	cu := u
	cu.Client, cu.Exit = w.Address(), common.Address{3}
	crec, err := SignUsage(cu, w)
	if err != nil {
		t.Fatal(err)
	}
	if err := crec.Verify(w.Address()); err != nil {
		t.Errorf("client record: %v", err)
	}
	if err := crec.Verify(cu.Exit); !errors.Is(err, ErrForged) {
		t.Errorf("client record verified as the exit's: %v", err)
	}
	crec.Up++
	if err := crec.Verify(w.Address()); !errors.Is(err, ErrForged) {
		t.Errorf("altered client record: %v", err)
	}
	if !u.Agrees(back.Usage) || u.Agrees(crec.Usage) {
		t.Error("Agrees")
	}
	if _, err := ParseRecord(enc[1:]); !errors.Is(err, ErrMalformed) {
		t.Errorf("short record: %v", err)
	}
}

// recordVector: Usage{session 01…, client 0x02…, exit = key 1's
// wallet, up 4, down 5, start 6 s, end 7 s} signed by key 1.
const recordVector = "0100000000000000000000000000000002000000000000000000000000000000000000007e5f4552091a69125d5dfcb7b8c2659029395bdf000000000000000400000000000000050000000165a0bc0000000001a13b8600ea1a20fa056cab5c74b977cf2b8ba182fd3dce28954ed8cbd503253c81ad4f4c02d741dae7f80979ef45860261d4137b5c1211650712e3d6c708972bd16bd38101"

func FuzzParseRecord(f *testing.F) {
	b, _ := hex.DecodeString(recordVector)
	f.Add(b)
	f.Add(make([]byte, RecordLen))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRecord(b)
		if err != nil {
			return
		}
		if got := AppendRecord(nil, r); string(got) != string(b) {
			t.Fatalf("round trip %x != %x", got, b)
		}
		r.Verify(r.Exit)
	})
}
