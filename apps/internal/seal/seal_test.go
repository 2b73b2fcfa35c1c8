package seal

import (
	"bytes"
	"crypto/rand"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func TestSealOpen(t *testing.T) {
	alice, err := NewKeys(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := NewKeys(rand.Reader)
	carol, _ := NewKeys(rand.Reader)
	from := common.Address{0xa1}
	blob, err := Seal(rand.Reader, []byte("hello"), from, alice, &bob.Pub)
	if err != nil {
		t.Fatal(err)
	}
	got, key, frame, ok := Open(blob, bob)
	if !ok || got != from || key != alice.Pub || !bytes.Equal(frame, []byte("hello")) {
		t.Fatalf("Open = %v %x %q %v", got, key, frame, ok)
	}
	if _, _, _, ok := Open(blob, carol); ok {
		t.Fatal("a third wallet opened the blob")
	}
	for i := range blob {
		bad := bytes.Clone(blob)
		bad[i] ^= 1
		if _, _, _, ok := Open(bad, bob); ok {
			t.Fatalf("a blob with byte %d flipped opened", i)
		}
	}
	if _, _, _, ok := Open(blob[:10], bob); ok {
		t.Fatal("a short blob opened")
	}
}
