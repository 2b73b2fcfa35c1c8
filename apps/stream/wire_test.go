package stream

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/content"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// vectorKey is the test vectors' wallet key: 32 bytes of 0x01.
func vectorSigner(t testing.TB) transport.Signer {
	k, err := crypto.ToECDSA(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return transport.NewKeySigner(k)
}

// vectorPlaylist is doc.go's example: stream "cam" of the vector
// wallet, target 1 s, one segment "abc" (seq 7, 1.5 s, captured at
// 1700000000000 ms).
func vectorPlaylist(t testing.TB) (*Playlist, []byte) {
	s := vectorSigner(t)
	p := &Playlist{Key: Key{s.Address(), "cam"}, Target: time.Second,
		Segments: []Segment{{Seq: 7, Duration: 1500 * time.Millisecond, Size: 3, Captured: time.UnixMilli(1700000000000), ID: content.Sum([]byte("abc"))}}}
	b, err := p.Sign(s.SignText)
	if err != nil {
		t.Fatal(err)
	}
	return p, b
}

func TestPlaylistVector(t *testing.T) {
	p, b := vectorPlaylist(t)
	want := "414e5331" + "1a642f0e3c3af545e7acbd38b07251b3990914f1" + "03" + "63616d" + "000003e8" + "00" + "01" +
		"0000000000000007" + "000005dc" + "00000003" + "0000018bcfe56800" +
		"6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
	if got := hex.EncodeToString(b[:len(b)-65]); got != want {
		t.Fatalf("body\n got %s\nwant %s", got, want)
	}
	t.Logf("signature %x", b[len(b)-65:])
	q, err := DecodePlaylist(b)
	if err != nil {
		t.Fatal(err)
	}
	if q.Key != p.Key || q.Last() != 7 || q.Segments[0].ID != p.Segments[0].ID || !q.Segments[0].Captured.Equal(p.Segments[0].Captured) {
		t.Fatalf("decoded %+v", q)
	}
	// Any flipped bit is caught.
	for _, i := range []int{5, 30, 40, len(b) - 70, len(b) - 2} {
		c := bytes.Clone(b)
		c[i] ^= 1
		if _, err := DecodePlaylist(c); err == nil {
			t.Fatalf("byte %d flipped: accepted", i)
		}
	}
	// Signed by another wallet: refused.
	other, _ := crypto.GenerateKey()
	p.Owner = vectorSigner(t).Address()
	forged, _ := p.Sign(transport.NewKeySigner(other).SignText)
	if _, err := DecodePlaylist(forged); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("forged playlist: %v", err)
	}
}

func TestFrameVectors(t *testing.T) {
	k := Key{common.HexToAddress("0x1a642f0e3c3af545e7acbd38b07251b3990914f1"), "cam"}
	keyHex := "1a642f0e3c3af545e7acbd38b07251b3990914f1" + "03" + "63616d"
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"sub", encSub(k, roleRelay, 100, 9), "01" + keyHex + "01" + "0064" + "0000000000000009"},
		{"accept", encAccept(k, 2), "02" + keyHex + "02"},
		{"redirect", encRedirect(k, []common.Address{{19: 1}}), "03" + keyHex + "01" + "0000000000000000000000000000000000000001"},
		{"seg", encSeg(k, 7, content.Sum([]byte("abc")), []byte("abc")), "04" + keyHex + "0000000000000007" + "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85" + "616263"},
		{"load", encLoad(k, 100, 3, 1, common.Address{19: 2}), "06" + keyHex + "0064" + "0003" + "01" + "0000000000000000000000000000000000000002"},
		{"leave", encLeave(k), "07" + keyHex},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := hex.EncodeToString(tc.b); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
			m, err := decode(tc.b)
			if err != nil || m.key != k {
				t.Fatalf("decode: %v %+v", err, m)
			}
		})
	}
}

func TestParseMediaPlaylist(t *testing.T) {
	es, ended, err := parseMediaPlaylist([]byte("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:4\n#EXTINF:1.000000,\nindex4.ts\n#EXTINF:0.960000,\nindex5.ts\n#EXT-X-ENDLIST\n"))
	if err != nil || !ended || len(es) != 2 || es[1].uri != "index5.ts" || es[1].dur != 960*time.Millisecond {
		t.Fatalf("%v %v %+v", err, ended, es)
	}
	for _, bad := range []string{"", "index.ts\n", "#EXTM3U\nindex.ts\n", "#EXTM3U\n#EXTINF:x,\na.ts\n", "#EXTM3U\n#EXTINF:1,\n../a.ts\n"} {
		if _, _, err := parseMediaPlaylist([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func FuzzDecodePlaylist(f *testing.F) {
	p, b := vectorPlaylist(f)
	f.Add(b)
	p.Parts, p.Access = 4, Access{Allow: []common.Address{{7}}, Token: common.Address{9}}
	if b, err := p.Sign(vectorSigner(f).SignText); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parsePlaylist(b)
		if err != nil {
			return
		}
		if got := p.Encode(); !bytes.Equal(got, b) {
			t.Fatalf("re-encoding differs")
		}
	})
}

func FuzzDecodeFrame(f *testing.F) {
	k := Key{common.Address{1}, "cam"}
	for _, b := range [][]byte{encSub(k, 0, 0, 1), encAccept(k, 1), encRedirect(k, []common.Address{{2}}), encSeg(k, 1, content.ID{}, []byte("x")), encLoad(k, 1, 1, 1, common.Address{}), encLeave(k), encDenied(k, deniedList)} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) { decode(b) })
}

func FuzzParseMediaPlaylist(f *testing.F) {
	f.Add([]byte("#EXTM3U\n#EXTINF:1.0,\na.ts\n#EXT-X-ENDLIST\n"))
	f.Fuzz(func(t *testing.T, b []byte) { parseMediaPlaylist(b) })
}
