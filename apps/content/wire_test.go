package content

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// TestWireVectors pins the frame layouts of doc.go.
func TestWireVectors(t *testing.T) {
	id := Sum([]byte("abc"))
	w := common.Address{19: 7}
	for _, c := range []struct {
		name string
		b    []byte
		hex  string
	}{
		{"get", encGet(1, id, 16384, 262144), "0100000001" + id.String() + "0000000000004000" + "00040000"},
		{"fail", encFail(2, failDenied), "030000000202"},
		{"cancel", encFail(9, failCancel), "030000000904"},
		{"list", encList(3, "ww"), "0400000003" + "0002" + "7777"},
		{"have", encHave(id, 5), "06" + id.String() + "0000000000000005"},
		{"who", encWho(4, id), "0700000004" + id.String()},
		{"providers", encProviders(5, []common.Address{w}), "0800000005" + "0001" + hex.EncodeToString(w[:])},
		{"want", encWant(id, w), "09" + id.String() + hex.EncodeToString(w[:])},
		{"listing", encListing(6, []Entry{{Name: "a", ID: id, Size: 9, Collection: true, Public: true}}),
			"0500000006" + "0001" + "0001" + "61" + id.String() + "0000000000000009" + "03"},
	} {
		if got := hex.EncodeToString(c.b); got != c.hex {
			t.Errorf("%s: %s\nwant %s", c.name, got, c.hex)
		}
		m, err := decode(c.b)
		if err != nil || m.typ != c.b[0] {
			t.Errorf("%s: decode: %v", c.name, err)
		}
	}
	if _, err := decode([]byte{msgGet, 0}); !errors.Is(err, ErrMalformed) {
		t.Errorf("short get: %v", err)
	}
}

// TestCollectionRoundTrip: entries come back sorted; bad paths are
// refused both ways.
func TestCollectionRoundTrip(t *testing.T) {
	fs := []FileEntry{{Path: "b/c.txt", ID: Sum([]byte("c")), Size: 1}, {Path: "a.txt", ID: Sum([]byte("a")), Size: 1}}
	b, err := EncodeCollection(fs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeCollection(b)
	if err != nil || len(got) != 2 || got[0].Path != "a.txt" || got[1] != fs[0] {
		t.Fatalf("%+v %v", got, err)
	}
	for _, p := range []string{"../x", "/x", "a//b", "a/./b", ""} {
		if _, err := EncodeCollection([]FileEntry{{Path: p}}); !errors.Is(err, ErrMalformed) {
			t.Errorf("path %q accepted", p)
		}
	}
}

func FuzzDecodeFrame(f *testing.F) {
	id := Sum([]byte("abc"))
	for _, b := range [][]byte{encGet(1, id, 0, 1), encData(2, []byte{1, 2}), encFail(3, 1), encList(4, "x"),
		encListing(5, []Entry{{Name: "n", ID: id}}), encHave(id, 1), encWho(6, id), encProviders(7, []common.Address{{}}), encWant(id, common.Address{1}),
		encMirrors(8, MirrorList{ID: id, Expires: time.Unix(9, 0), Mirrors: []common.Address{{2}}, Sig: make([]byte, 65)})} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decode(b)
		if err != nil {
			return
		}
		// What decodes re-encodes to the same bytes.
		var re []byte
		switch m.typ {
		case msgGet:
			re = encGet(m.req, m.id, m.off, m.n)
		case msgData:
			re = encData(m.req, m.slice)
		case msgFail:
			re = encFail(m.req, m.code)
		case msgList:
			re = encList(m.req, m.prefix)
		case msgListing:
			re = encListing(m.req, m.entries)
		case msgHave:
			re = encHave(m.id, m.size)
		case msgWho:
			re = encWho(m.req, m.id)
		case msgProviders:
			re = encProviders(m.req, m.wallets)
		case msgWant:
			re = encWant(m.id, m.wallets[0])
		case msgMirrors:
			re = encMirrors(m.req, m.mirrors)
		}
		if !bytes.Equal(re, b) {
			t.Fatalf("%x re-encodes to %x", b, re)
		}
	})
}

func FuzzDecodeCollection(f *testing.F) {
	b, _ := EncodeCollection([]FileEntry{{Path: "a", Size: 1}, {Path: "b/c", Size: 2}})
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		fs, err := DecodeCollection(b)
		if err != nil {
			return
		}
		re, err := EncodeCollection(fs)
		if err != nil || !bytes.Equal(re, b) {
			t.Fatalf("%x re-encodes to %x (%v)", b, re, err)
		}
	})
}

// FuzzVerifySlice: no slice that is not the true one verifies.
func FuzzVerifySlice(f *testing.F) {
	data := bytes.Repeat([]byte("anynet"), 10000)
	id, ob, _ := Outboard(bytes.NewReader(data), int64(len(data)))
	s, _ := extractSlice(bytes.NewReader(data), ob, int64(len(data)), GroupSize, GroupSize)
	f.Add(s, uint16(3))
	f.Fuzz(func(t *testing.T, b []byte, flip uint16) {
		if len(b) > 8 {
			b[int(flip)%len(b)] ^= 1
		}
		_, got, err := verifySlice(id, b, GroupSize, GroupSize)
		if err == nil && !bytes.Equal(got, data[GroupSize:2*GroupSize]) {
			t.Fatal("a forged slice verified")
		}
	})
}
