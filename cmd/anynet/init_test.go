package main

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"
)

// TestInitImport imports one wallet from each kind of key file init
// takes — a hex private key and a keystore (as geth and browser wallets
// export it) — and refuses a keystore that does not open with the
// passphrase, leaving nothing behind.
func TestInitImport(t *testing.T) {
	cleanEnv(t)
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	wallet := crypto.PubkeyToAddress(key.PublicKey)
	files := sockDir(t)
	hexFile := filepath.Join(files, "key.hex")
	if err := os.WriteFile(hexFile, []byte("0x"+hex.EncodeToString(crypto.FromECDSA(key))+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	js, err := keystore.EncryptKey(&keystore.Key{Id: uuid.New(), Address: wallet, PrivateKey: key}, "import me", keystore.LightScryptN, keystore.LightScryptP)
	if err != nil {
		t.Fatal(err)
	}
	jsonFile := filepath.Join(files, "key.json")
	if err := os.WriteFile(jsonFile, js, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file, pass, want string
		ok                     bool
	}{
		{"hex", hexFile, "import me", wallet.Hex(), true},
		{"keystore", jsonFile, "import me", wallet.Hex(), true},
		{"keystore, wrong passphrase", jsonFile, "not it", "could not decrypt key with given password", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("ANYNET_PASSPHRASE", tc.pass)
			dir := filepath.Join(sockDir(t), "node")
			out, err := run(t, "--dir", dir, "init", "--scrypt", "light", "--import", tc.file)
			if tc.ok != (err == nil) {
				t.Fatalf("init: %v\n%s", err, out)
			}
			got := out
			if err != nil {
				got = err.Error()
				if _, serr := os.Stat(filepath.Join(dir, "nodekey")); serr == nil {
					t.Error("a failed import left a node key behind")
				}
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("init said %q, want %q in it", got, tc.want)
			}
		})
	}
}
