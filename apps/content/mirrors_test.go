package content

import (
	"bytes"
	"encoding/hex"
	"errors"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// testPublisher is a fixed wallet key (a well-known test key).
func testPublisher(t testing.TB) transport.Signer {
	k, err := crypto.HexToECDSA("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
	if err != nil {
		t.Fatal(err)
	}
	return transport.NewKeySigner(k)
}

// mirrorListVector is the list of doc.go's vector, signed by
// testPublisher (RFC 6979 signatures are deterministic).
const mirrorListSig = "4d9f58962f0ae9fa52226be33812102be8deb8f22c814f3d798acecb7428356821f5b47b11caca6f0435fa80c8d839b0717b5382758eb6ccf843e87fccf84cd31b"

const mirrorListVector = "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85" + // id of "abc"
	"2c7536e3605d9c16a7a3d7b1898e529396a65c23" + // publisher
	"0000000077359400" + // expires 2000000000
	"0001" + "0000000000000000000000000000000000000007"

// TestMirrorListVector pins the signed mirror list of doc.go and checks
// that Verify accepts it and refuses every alteration.
func TestMirrorListVector(t *testing.T) {
	pub := testPublisher(t)
	id := Sum([]byte("abc"))
	l, err := SignMirrorList(MirrorList{ID: id, Publisher: pub.Address(), Expires: time.Unix(2e9, 0), Mirrors: []common.Address{{19: 7}}}, pub.SignText)
	if err != nil {
		t.Fatal(err)
	}
	b := l.Marshal()
	if got := hex.EncodeToString(b[:len(b)-65]); got != mirrorListVector {
		t.Fatalf("body %s\nwant %s", got, mirrorListVector)
	}
	if got := hex.EncodeToString(l.Sig); got != mirrorListSig {
		t.Fatalf("signature %s\nwant %s", got, mirrorListSig)
	}
	p, err := ParseMirrorList(b)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(2e9-1, 0)
	if err := p.Verify(pub.Address(), id, now); err != nil {
		t.Fatalf("verify: %v", err)
	}
	for name, bad := range map[string]func(MirrorList) (MirrorList, common.Address, ID, time.Time){
		"another publisher": func(l MirrorList) (MirrorList, common.Address, ID, time.Time) { return l, common.Address{1}, id, now },
		"another blob":      func(l MirrorList) (MirrorList, common.Address, ID, time.Time) { return l, l.Publisher, Sum(nil), now },
		"expired":           func(l MirrorList) (MirrorList, common.Address, ID, time.Time) { return l, l.Publisher, id, l.Expires },
		"mirror added": func(l MirrorList) (MirrorList, common.Address, ID, time.Time) {
			l.Mirrors = append([]common.Address{{19: 8}}, l.Mirrors...)
			return l, l.Publisher, id, now
		},
		"expiry moved": func(l MirrorList) (MirrorList, common.Address, ID, time.Time) {
			l.Expires = l.Expires.Add(time.Hour)
			return l, l.Publisher, id, now
		},
		"signature flipped": func(l MirrorList) (MirrorList, common.Address, ID, time.Time) {
			l.Sig = bytes.Clone(l.Sig)
			l.Sig[10] ^= 1
			return l, l.Publisher, id, now
		},
	} {
		x, w, i, at := bad(p)
		if err := x.Verify(w, i, at); !errors.Is(err, ErrForged) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ParseMirrorList(b[:len(b)-1]); !errors.Is(err, ErrMalformed) {
		t.Errorf("short list: %v", err)
	}
}

func FuzzParseMirrorList(f *testing.F) {
	b, _ := hex.DecodeString(mirrorListVector + mirrorListSig)
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ParseMirrorList(b)
		if err != nil {
			return
		}
		if !bytes.Equal(l.Marshal(), b) {
			t.Fatalf("%x re-encodes to %x", b, l.Marshal())
		}
		_ = l.Verify(l.Publisher, l.ID, time.Unix(0, 0)) // never panics
	})
}

// TestCoreSignedMirrors: a mirror fetches a public blob from a
// publisher that signs its mirror lists; bob asks the publisher who
// else serves it, verifies the signed list and takes ranges from the
// mirror. A publisher whose lists do not verify (signed by another
// wallet) gets its list refused and counted: bob fetches from it alone.
func TestCoreSignedMirrors(t *testing.T) {
	for _, forged := range []bool{false, true} {
		r := mrand.New(mrand.NewPCG(8, 9))
		data := randomBytes(r, 2<<20+99)
		n := newFakeNet(t)
		signer := testPublisher(t)
		pubW := signer.Address()
		sign := signer.SignText
		if forged {
			other, _ := crypto.GenerateKey()
			sign = transport.NewKeySigner(other).SignText
		}
		b := &MemBlobs{}
		id, err := b.Put(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		n.add(pubW, b, CoreConfig{Sign: sign})
		if _, err := n.do(pubW, ShareCmd{Name: "f", ID: id, Size: int64(len(data)), Public: true}); err != nil {
			t.Fatal(err)
		}
		mirror := n.add(addr(2), &MemBlobs{}, CoreConfig{Serve: true, RangeSize: 64 << 10})
		if _, err := n.do(addr(2), FetchCmd{ID: id, Size: -1, Providers: []common.Address{pubW}, Public: true}); err != nil {
			t.Fatal(err)
		}
		n.run(r, 1_000_000)
		if mirror.core.stats.Completed != 1 {
			t.Fatalf("forged %v: the mirror did not complete", forged)
		}
		bob := n.add(addr(9), &MemBlobs{}, CoreConfig{RangeSize: 64 << 10})
		if _, err := n.do(addr(9), FetchCmd{ID: id, Size: -1, Providers: []common.Address{pubW}, AskHolders: true, Public: true}); err != nil {
			t.Fatal(err)
		}
		n.run(r, 1_000_000)
		st := bob.core.stats
		fromMirror := mirror.core.stats.Served
		if st.Completed != 1 {
			t.Fatalf("forged %v: bob did not complete: %+v", forged, st)
		}
		if !forged && (st.Forged != 0 || fromMirror == 0) {
			t.Fatalf("signed list: forged %d, mirror served %d", st.Forged, fromMirror)
		}
		if forged && (st.Forged != 1 || fromMirror != 0) {
			t.Fatalf("forged list: forged %d, mirror served %d (want 1, 0)", st.Forged, fromMirror)
		}
	}
}
