package transport

import (
	"bytes"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
)

func TestBindingText(t *testing.T) {
	b := Binding{
		NodeKey: testNodeKey(t, 1).Public,
		Wallet:  testWalletAddr(t, 1),
		ChainID: 31337,
		Expiry:  time.Unix(1767312000, 0),
	}
	want := "anynet node binding v1\n" +
		"node: " + b.NodeKey.String() + "\n" +
		"wallet: " + b.Wallet.Hex() + "\n" +
		"chain: 31337\n" +
		"expires: 1767312000"
	if got := string(b.Text()); got != want {
		t.Fatalf("text\n%s\nwant\n%s", got, want)
	}
}

func TestBindingSignVerify(t *testing.T) {
	s := NewKeySigner(testWallet(t, 1))
	exp := epoch.Add(time.Hour + 500*time.Millisecond)
	b, err := SignBinding(s, testNodeKey(t, 1).Public, testChain, exp)
	if err != nil {
		t.Fatal(err)
	}
	if b.Expiry.Unix() != exp.Unix() || b.Expiry.Nanosecond() != 0 {
		t.Fatalf("expiry %v not truncated to seconds", b.Expiry)
	}
	if v := b.Signature[64]; v != 27 && v != 28 {
		t.Fatalf("V = %d, want 27 or 28", v)
	}
	for _, tc := range []struct {
		name   string
		mutate func(*Binding)
		now    time.Time
		want   error
	}{
		{"valid", func(*Binding) {}, epoch, nil},
		{"V as 0/1", func(b *Binding) { b.Signature[64] -= 27 }, epoch, nil},
		{"bad V", func(b *Binding) { b.Signature[64] = 29 }, epoch, ErrBadSignature},
		{"at expiry", func(*Binding) {}, b.Expiry, ErrExpired},
		{"other node key", func(b *Binding) { b.NodeKey[0] ^= 1 }, epoch, ErrBadSignature},
		{"other chain", func(b *Binding) { b.ChainID++ }, epoch, ErrBadSignature},
		{"later expiry", func(b *Binding) { b.Expiry = b.Expiry.Add(time.Second) }, epoch, ErrBadSignature},
		{"other wallet", func(b *Binding) { b.Wallet[0] ^= 1 }, epoch, ErrBadSignature},
		{"zero signature", func(b *Binding) { b.Signature = [65]byte{} }, epoch, ErrBadSignature},
		{"high S", func(b *Binding) {
			// (r, n-s, v^1) is the same signature in its other form.
			n := crypto.S256().Params().N
			s := new(big.Int).Sub(n, new(big.Int).SetBytes(b.Signature[32:64]))
			s.FillBytes(b.Signature[32:64])
			b.Signature[64] ^= 1
		}, epoch, ErrBadSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := b
			tc.mutate(&c)
			if err := c.Verify(tc.now); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Verify: %v, want %v", err, tc.want)
			}
		})
	}
}

func TestBindingBinary(t *testing.T) {
	b := mustSign(t, NewKeySigner(testWallet(t, 3)), testNodeKey(t, 3).Public, testChain, epoch.Add(time.Hour))
	raw, err := b.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != BindingSize || raw[0] != 1 {
		t.Fatalf("encoding of %d bytes, version %d", len(raw), raw[0])
	}
	var c Binding
	if err := c.UnmarshalBinary(raw); err != nil {
		t.Fatal(err)
	}
	if c.NodeKey != b.NodeKey || c.Wallet != b.Wallet || c.ChainID != b.ChainID ||
		!c.Expiry.Equal(b.Expiry) || c.Signature != b.Signature {
		t.Fatalf("round trip %+v, want %+v", c, b)
	}
	if err := c.Verify(epoch); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{nil, raw[:BindingSize-1], append(bytes.Clone(raw), 0), append([]byte{2}, raw[1:]...)} {
		if err := c.UnmarshalBinary(bad); !errors.Is(err, ErrMalformed) {
			t.Fatalf("UnmarshalBinary(%d bytes): %v", len(bad), err)
		}
	}
}

// A keystore account signs through WalletSigner; the wallet returns V as
// 0 or 1 and WalletSigner normalizes it.
func TestWalletSignerKeystore(t *testing.T) {
	ks := keystore.NewKeyStore(t.TempDir(), keystore.LightScryptN, keystore.LightScryptP)
	acct, err := ks.ImportECDSA(testWallet(t, 5), "secret")
	if err != nil {
		t.Fatal(err)
	}
	w := ks.Wallets()[0]
	s := NewWalletSigner(w, acct, "secret")
	b, err := SignBinding(s, testNodeKey(t, 5).Public, testChain, epoch.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if b.Wallet != acct.Address || b.Verify(epoch) != nil {
		t.Fatalf("keystore binding %+v does not verify", b)
	}
	// The in-memory signer of the same key signs the same bytes (RFC 6979).
	c := mustSign(t, NewKeySigner(testWallet(t, 5)), testNodeKey(t, 5).Public, testChain, epoch.Add(time.Hour))
	if c.Signature != b.Signature {
		t.Fatal("keystore and key signer disagree")
	}
	if _, err := SignBinding(NewWalletSigner(w, acct, "wrong"), b.NodeKey, testChain, epoch); err == nil {
		t.Fatal("wrong passphrase signed")
	}
}

func TestBindingCache(t *testing.T) {
	c := newBindingCache(2)
	var bs []Binding
	for i := range 3 {
		bs = append(bs, mustSign(t, NewKeySigner(testWallet(t, byte(i+1))), testNodeKey(t, 1).Public, testChain, epoch.Add(time.Hour)))
	}
	for _, b := range bs {
		raw, _ := b.MarshalBinary()
		if err := c.verify(&b, raw); err != nil {
			t.Fatal(err)
		}
	}
	if c.ll.Len() != 2 {
		t.Fatalf("cache holds %d, want 2", c.ll.Len())
	}
	bad := bs[0]
	bad.Signature[5] ^= 1
	raw, _ := bad.MarshalBinary()
	if err := c.verify(&bad, raw); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("bad binding: %v", err)
	}
	if c.ll.Len() != 2 {
		t.Fatal("a failure was cached")
	}
}

func FuzzBinding(f *testing.F) {
	b := Binding{NodeKey: PublicKey{1}, Wallet: [20]byte{2}, ChainID: 3, Expiry: time.Unix(4, 0)}
	raw, _ := b.MarshalBinary()
	f.Add(raw)
	f.Add([]byte{})
	f.Add(make([]byte, BindingSize))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b Binding
		if err := b.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		again, err := b.MarshalBinary()
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("round trip changed %x to %x", data, again)
		}
		_ = b.Verify(time.Unix(0, 0)) // must not panic
		_ = b.Text()
	})
}

func TestParsePublicKey(t *testing.T) {
	k := testNodeKey(t, 1).Public
	for _, s := range []string{k.String(), "0x" + k.String()} {
		got, err := ParsePublicKey(s)
		if err != nil || got != k {
			t.Fatalf("ParsePublicKey(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "00", k.String()[:63] + "g"} {
		if _, err := ParsePublicKey(s); !errors.Is(err, ErrMalformed) {
			t.Fatalf("ParsePublicKey(%q): %v", s, err)
		}
	}
	var u PublicKey
	text, _ := k.MarshalText()
	if err := u.UnmarshalText(text); err != nil || u != k {
		t.Fatal("text round trip")
	}
}
