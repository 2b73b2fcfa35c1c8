package content

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

// TestContenthashVector: ID("abc") as an ENSIP-7 contenthash is the
// ipfs-ns codec (varint 0xe3) and the binary CIDv1 (version 1, raw
// codec 0x55, BLAKE3 multihash 0x1e of 32 bytes); anything else is
// refused.
func TestContenthashVector(t *testing.T) {
	id := Sum([]byte("abc"))
	want := "e30101551e20" + "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
	if got := hex.EncodeToString(ContenthashOf(id)); got != want {
		t.Fatalf("ContenthashOf(abc) = %s, want %s", got, want)
	}
	raw, _ := hex.DecodeString(want)
	if got, err := ParseContenthash(raw); err != nil || got != id {
		t.Fatalf("ParseContenthash: %v %v", got, err)
	}
	for _, bad := range []string{"", "e301", want[:len(want)-2], want + "00", "e50101551e20" + want[12:], "e30101701e20" + want[12:], "e30101551b20" + want[12:]} {
		b, _ := hex.DecodeString(bad)
		if _, err := ParseContenthash(b); !errors.Is(err, ErrBadID) {
			t.Errorf("ParseContenthash(%s): %v, want ErrBadID", bad, err)
		}
	}
}

// FuzzParseContenthash: a name's contenthash record comes from the
// chain, written by whoever owns the name. Parsing never panics, and
// what parses is exactly what ContenthashOf writes.
func FuzzParseContenthash(f *testing.F) {
	f.Add(ContenthashOf(Sum([]byte("abc"))))
	f.Add([]byte{0xe3, 0x01, 0x01, 0x70, 0x12, 0x20})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		id, err := ParseContenthash(b)
		if err != nil {
			if !errors.Is(err, ErrBadID) {
				t.Fatalf("error %v is not ErrBadID", err)
			}
			return
		}
		if !bytes.Equal(ContenthashOf(id), b) {
			t.Fatalf("%x parses to %s, which encodes to %x", b, id, ContenthashOf(id))
		}
	})
}
