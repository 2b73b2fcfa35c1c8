package keyproc

import (
	"errors"
	"os"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"
)

func TestMain(m *testing.M) {
	if IsChild(os.Args) { // the child: this test binary, re-executed
		os.Exit(Main(os.Stdin, os.Stdout))
	}
	os.Exit(m.Run())
}

func keyFile(t *testing.T, pass string) ([]byte, *keystore.Key) {
	t.Helper()
	priv, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	k := &keystore.Key{Id: uuid.New(), Address: crypto.PubkeyToAddress(priv.PublicKey), PrivateKey: priv}
	blob, err := keystore.EncryptKey(k, pass, keystore.LightScryptN, keystore.LightScryptP)
	if err != nil {
		t.Fatal(err)
	}
	return blob, k
}

// TestDecryptInChild: the key comes back from a child process; a wrong
// passphrase is keystore.ErrDecrypt, a corrupt file an error of its own.
func TestDecryptInChild(t *testing.T) {
	blob, want := keyFile(t, "right")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	got, err := decrypt(exe, blob, "right") // not Decrypter: no fallback may hide a broken child
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(want.PrivateKey) {
		t.Fatal("the child returned another key")
	}
	if _, err := decrypt(exe, blob, "wrong"); !errors.Is(err, keystore.ErrDecrypt) {
		t.Errorf("wrong passphrase: %v, want keystore.ErrDecrypt", err)
	}
	if _, err := decrypt(exe, []byte(`{"address":"00","crypto":{}}`), "right"); err == nil || errors.Is(err, keystore.ErrDecrypt) {
		t.Errorf("corrupt key file: %v", err)
	}
}

// TestNoChild: when the child cannot start, the key is opened here.
func TestNoChild(t *testing.T) {
	blob, want := keyFile(t, "p")
	if _, err := decrypt("/nonexistent/anynet", blob, "p"); !errors.Is(err, errNoChild) {
		t.Fatalf("missing binary: %v, want errNoChild", err)
	}
	got, err := Decrypter("/nonexistent/anynet")(blob, "p")
	if err != nil || !got.Equal(want.PrivateKey) {
		t.Fatalf("fallback: %v", err)
	}
	if _, err := Decrypter("/nonexistent/anynet")(blob, "q"); !errors.Is(err, keystore.ErrDecrypt) {
		t.Errorf("fallback, wrong passphrase: %v", err)
	}
}
