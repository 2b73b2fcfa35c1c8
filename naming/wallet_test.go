package naming

import (
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

func TestKeystore(t *testing.T) {
	ks := Keystore{Dir: filepath.Join(t.TempDir(), "keys"), ScryptN: keystore.LightScryptN, ScryptP: keystore.LightScryptP}
	if list, err := ks.List(); err != nil || len(list) != 0 {
		t.Fatalf("List of a missing dir = %v, %v", list, err)
	}
	a, err := ks.Create("pw-a")
	if err != nil {
		t.Fatal(err)
	}
	imported, _ := crypto.GenerateKey()
	b, err := ks.Import(imported, "pw-b")
	if err != nil || b != crypto.PubkeyToAddress(imported.PublicKey) {
		t.Fatalf("Import = %s, %v", b, err)
	}
	if _, err := ks.Import(imported, "again"); err == nil {
		t.Fatal("duplicate import accepted")
	}
	list, err := ks.List()
	if err != nil || len(list) != 2 || !slices.Contains(list, a) || !slices.Contains(list, b) {
		t.Fatalf("List = %v, %v", list, err)
	}
	key, err := ks.Unlock(b, "pw-b")
	if err != nil || !key.Equal(imported) {
		t.Fatalf("Unlock: %v", err)
	}
	if _, err := ks.Unlock(b, "wrong"); !errors.Is(err, keystore.ErrDecrypt) {
		t.Fatalf("wrong passphrase: %v, want keystore.ErrDecrypt", err)
	}
	if _, err := ks.Unlock(common.Address{9}, "pw"); !errors.Is(err, ErrNoWallet) {
		t.Fatalf("unknown wallet: %v, want ErrNoWallet", err)
	}
	auth, key, err := ks.UnlockTransactor(a, "pw-a", big.NewInt(1337))
	if err != nil || auth.From != a || crypto.PubkeyToAddress(key.PublicKey) != a {
		t.Fatalf("UnlockTransactor: %v", err)
	}
	// Key files are private and readable by go-ethereum's own keystore.
	entries, _ := os.ReadDir(ks.Dir)
	for _, e := range entries {
		info, _ := e.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v", e.Name(), info.Mode())
		}
		blob, _ := os.ReadFile(filepath.Join(ks.Dir, e.Name()))
		if _, err := keystore.DecryptKey(blob, "pw-a"); err != nil && !errors.Is(err, keystore.ErrDecrypt) {
			t.Errorf("%s is not a keystore file: %v", e.Name(), err)
		}
	}
}

// TestKeystoreTransacts: a wallet unlocked from the keystore registers a name.
func TestKeystoreTransacts(t *testing.T) {
	tc := newTestChain(t, 2)
	ks := Keystore{Dir: t.TempDir(), ScryptN: keystore.LightScryptN, ScryptP: keystore.LightScryptP}
	addr, err := ks.Import(tc.keys[1], "pw")
	if err != nil {
		t.Fatal(err)
	}
	c := tc.client(t)
	chainID, err := c.ChainID(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	auth, _, err := ks.UnlockTransactor(addr, "pw", chainID)
	if err != nil {
		t.Fatal(err)
	}
	name, err := c.Register(t.Context(), auth, "kept", addr)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.Resolve(t.Context(), name); err != nil || got != addr {
		t.Fatalf("Resolve = %s, %v", got, err)
	}
}
