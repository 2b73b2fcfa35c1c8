package naming

import (
	"bytes"
	"errors"
	"testing"
)

func mustName(t testing.TB, s string) [32]byte {
	t.Helper()
	n, err := AttributeName(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestParseAttribute(t *testing.T) {
	key := bytes.Repeat([]byte{0xaa}, 32)
	tests := []struct {
		name    string
		value   []byte
		kind    AttributeKind
		wantErr bool
	}{
		{AttrNodeKey, key, AttrPublicKey, false},
		{AttrNodeKey, key[:31], 0, true},
		{"did/pub/Secp256k1/veriKey", bytes.Repeat([]byte{2}, 33), AttrPublicKey, false},
		{"did/pub/Ed25519/veriKey/base58", key, AttrPublicKey, false},
		{"did/pub//enc/hex", key, 0, true},
		{AttrBinding, []byte("AAEC/w=="), AttrService, false}, // base64 of 00 01 02 ff
		{AttrBinding, []byte{0, 1, 2, 0xff}, 0, true},         // raw bytes: standard resolvers skip them
		{AttrBinding, []byte("AAEC/w"), 0, true},              // unpadded
		{"did/pub/X25519/enc", key, AttrPublicKey, false},
		{"did/pub/X25519/enc/base64", key, AttrPublicKey, false},
		{"did/pub/X25519/enc/base58", key, AttrPublicKey, false},
		{AttrLocator, []byte("fd00::1/256"), AttrService, false},
		{AttrLocator, []byte("bad\x00"), 0, true},
		{AttrRouter, []byte{0xff, 0xfe}, 0, true},
		{"did/svc/Hub", []byte("https://hub.example"), AttrService, false},
		{"did/svc/", []byte("x"), 0, true},
		{"other/thing", []byte("x"), AttrOther, false},
		{AttrMailbox, nil, 0, true},
		{AttrMailbox, bytes.Repeat([]byte("a"), maxAttrValue+1), 0, true},
	}
	for _, tt := range tests {
		a, err := ParseAttribute(mustName(t, tt.name), tt.value)
		if tt.wantErr {
			if !errors.Is(err, ErrBadAttribute) {
				t.Errorf("ParseAttribute(%q, %q) = %+v, %v; want ErrBadAttribute", tt.name, tt.value, a, err)
			}
			continue
		}
		if err != nil || a.Kind != tt.kind || a.Name != tt.name {
			t.Errorf("ParseAttribute(%q) = %+v, %v", tt.name, a, err)
		}
	}
	if a, _ := ParseAttribute(mustName(t, AttrBinding), []byte("AAEC/w==")); !bytes.Equal(a.Value, []byte{0, 1, 2, 0xff}) {
		t.Errorf("binding value %x, want the decoded bytes", a.Value)
	}
	if got := string(ChainValue(AttrBinding, []byte{0, 1, 2, 0xff})); got != "AAEC/w==" {
		t.Errorf("ChainValue(binding) = %q", got)
	}
	for _, n := range []string{AttrNodeKey, "did/pub/X25519/enc", "did/pub/X25519/enc/base64", "did/pub/X25519/enc/base58"} {
		if a, err := ParseAttribute(mustName(t, n), key); err != nil || !a.IsNodeKey() {
			t.Errorf("%s: IsNodeKey false, %v", n, err)
		}
	}
	for _, n := range []string{"did/pub/X25519/veriKey/hex", "did/pub/X25519/enc/pem", "did/pub/Ed25519/enc/hex"} {
		if a, _ := ParseAttribute(mustName(t, n), key); a.IsNodeKey() {
			t.Errorf("%s read as a node key", n)
		}
	}
	a, _ := ParseAttribute(mustName(t, AttrNodeKey), key)
	if a.KeyType != "X25519" || a.Purpose != "enc" || a.Encoding != "hex" {
		t.Errorf("node key attribute %+v", a)
	}
	a, _ = ParseAttribute(mustName(t, "did/pub/Secp256k1/veriKey"), key)
	if a.Encoding != "hex" {
		t.Errorf("default encoding %q", a.Encoding)
	}

	// Names: zero padding only at the end, printable ASCII only.
	var n [32]byte
	copy(n[:], "did/svc/X")
	n[20] = 'y'
	if _, err := ParseAttribute(n, []byte("v")); !errors.Is(err, ErrBadAttribute) {
		t.Errorf("name with bytes after the padding: %v", err)
	}
	if _, err := ParseAttribute([32]byte{}, []byte("v")); !errors.Is(err, ErrBadAttribute) {
		t.Errorf("empty name: %v", err)
	}
	for _, bad := range []string{"", "with space", "0123456789012345678901234567890123"} {
		if _, err := AttributeName(bad); !errors.Is(err, ErrBadAttribute) {
			t.Errorf("AttributeName(%q): %v", bad, err)
		}
	}
}

func FuzzAttribute(f *testing.F) {
	f.Add([]byte(AttrNodeKey), bytes.Repeat([]byte{1}, 32))
	f.Add([]byte(AttrLocator), []byte("fd00::1"))
	f.Add([]byte(AttrBinding), []byte("AAEC"))
	f.Add([]byte("did/pub/Secp256k1/veriKey/hex"), []byte{2, 3})
	f.Add([]byte("did/svc/\x00x"), []byte("y"))
	f.Fuzz(func(t *testing.T, rawName, value []byte) {
		var name [32]byte
		copy(name[:], rawName)
		a, err := ParseAttribute(name, value)
		if err != nil {
			if !errors.Is(err, ErrBadAttribute) {
				t.Fatalf("error %v is not ErrBadAttribute", err)
			}
			return
		}
		back, err := AttributeName(a.Name)
		if err != nil || back != name {
			t.Fatalf("name %q does not round-trip: %x, %v", a.Name, back, err)
		}
		if len(a.Value) == 0 || len(a.Value) > maxAttrValue {
			t.Fatalf("accepted a value of %d bytes", len(a.Value))
		}
		if a.KeyType == "X25519" && len(a.Value) != 32 {
			t.Fatalf("accepted an X25519 key of %d bytes", len(a.Value))
		}
		if a.Kind == AttrService && a.Name != AttrBinding && !isEndpoint(a.Value) || a.Name == AttrBinding && !bytes.Equal(ChainValue(a.Name, a.Value), value) {
			t.Fatalf("accepted endpoint %q", a.Value)
		}
		again, err := ParseAttribute(back, value)
		if err != nil || again.Kind != a.Kind || again.Name != a.Name {
			t.Fatalf("re-parse differs: %+v vs %+v, %v", again, a, err)
		}
	})
}
