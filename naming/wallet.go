package naming

import (
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/renameio/v2"
	"github.com/google/uuid"
)

// ErrNoWallet: the keystore has no key file for the address.
var ErrNoWallet = errors.New("naming: no such wallet in the keystore")

// Keystore is a directory of go-ethereum (Web3 Secret Storage v3, scrypt)
// key files, readable by geth and any wallet that imports them. It keeps
// no state of its own: each call reads the directory.
type Keystore struct {
	// Dir holds the key files; created (0700) on first write.
	Dir string
	// ScryptN and ScryptP are the scrypt costs of new key files; zero
	// means go-ethereum's standard ones (N=2^18, P=1: ~256 MB, ~1 s).
	// Tests use keystore.LightScryptN/P.
	ScryptN, ScryptP int
	// Decrypt opens a key file's JSON with its passphrase, as
	// keystore.DecryptKey does, failing with an error that wraps
	// keystore.ErrDecrypt for a wrong passphrase; nil means DecryptKey in
	// this process. A standard key file needs 256 MB of scrypt scratch to
	// open, so a long-lived process passes one that decrypts in a
	// short-lived child (cmd/anynet does) and keeps that scratch out of
	// its own memory.
	Decrypt func(keyJSON []byte, passphrase string) (*ecdsa.PrivateKey, error)
}

// Create makes a new random wallet encrypted with passphrase.
func (k Keystore) Create(passphrase string) (common.Address, error) {
	key, err := crypto.GenerateKey()
	if err != nil {
		return common.Address{}, fmt.Errorf("naming: new wallet: %w", err)
	}
	return k.Import(key, passphrase)
}

// Import stores key encrypted with passphrase.
func (k Keystore) Import(key *ecdsa.PrivateKey, passphrase string) (common.Address, error) {
	addr := crypto.PubkeyToAddress(key.PublicKey)
	if _, err := k.file(addr); err == nil {
		return addr, fmt.Errorf("naming: wallet %s already in %s", addr, k.Dir)
	}
	id, err := uuid.NewRandom()
	if err != nil {
		return common.Address{}, fmt.Errorf("naming: new wallet id: %w", err)
	}
	n, p := k.ScryptN, k.ScryptP
	if n == 0 || p == 0 {
		n, p = keystore.StandardScryptN, keystore.StandardScryptP
	}
	blob, err := keystore.EncryptKey(&keystore.Key{Id: id, Address: addr, PrivateKey: key}, passphrase, n, p)
	if err != nil {
		return common.Address{}, fmt.Errorf("naming: encrypt wallet: %w", err)
	}
	if err := os.MkdirAll(k.Dir, 0o700); err != nil {
		return common.Address{}, fmt.Errorf("naming: keystore: %w", err)
	}
	name := fmt.Sprintf("UTC--%s--%s", time.Now().UTC().Format("2006-01-02T15-04-05.000000000Z"), hex.EncodeToString(addr[:]))
	// Synced and renamed into place: a crash leaves no partial key file.
	if err := renameio.WriteFile(filepath.Join(k.Dir, name), blob, 0o600); err != nil {
		return common.Address{}, fmt.Errorf("naming: keystore: %w", err)
	}
	return addr, nil
}

// List returns the addresses of the wallets in the keystore.
func (k Keystore) List() ([]common.Address, error) {
	var out []common.Address
	err := k.scan(func(addr common.Address, _ string) bool {
		out = append(out, addr)
		return false
	})
	return out, err
}

// Unlock decrypts addr's key with passphrase. A wrong passphrase wraps
// keystore.ErrDecrypt; an unknown address is ErrNoWallet.
func (k Keystore) Unlock(addr common.Address, passphrase string) (*ecdsa.PrivateKey, error) {
	path, err := k.file(addr)
	if err != nil {
		return nil, err
	}
	blob, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("naming: keystore: %w", err)
	}
	decrypt := k.Decrypt
	if decrypt == nil {
		decrypt = func(blob []byte, passphrase string) (*ecdsa.PrivateKey, error) {
			key, err := keystore.DecryptKey(blob, passphrase)
			if err != nil {
				return nil, err
			}
			return key.PrivateKey, nil
		}
	}
	key, err := decrypt(blob, passphrase)
	if err != nil {
		return nil, fmt.Errorf("naming: unlock %s: %w", addr, err)
	}
	if got := crypto.PubkeyToAddress(key.PublicKey); got != addr {
		return nil, fmt.Errorf("naming: key file %s holds %s, not %s", path, got, addr)
	}
	return key, nil
}

// UnlockTransactor unlocks addr and returns a transactor signing for
// chainID together with the key.
func (k Keystore) UnlockTransactor(addr common.Address, passphrase string, chainID *big.Int) (*bind.TransactOpts, *ecdsa.PrivateKey, error) {
	key, err := k.Unlock(addr, passphrase)
	if err != nil {
		return nil, nil, err
	}
	return Transactor(key, chainID), key, nil
}

// Transactor returns transaction options signing with key for chainID.
func Transactor(key *ecdsa.PrivateKey, chainID *big.Int) *bind.TransactOpts {
	return bind.NewKeyedTransactor(key, chainID)
}

func (k Keystore) file(addr common.Address) (string, error) {
	var found string
	err := k.scan(func(a common.Address, path string) bool {
		if a == addr {
			found = path
			return true
		}
		return false
	})
	if err != nil {
		return "", err
	}
	if found == "" {
		return "", fmt.Errorf("%w: %s in %s", ErrNoWallet, addr, k.Dir)
	}
	return found, nil
}

// scan calls f with each key file's address until f returns true. Files
// that are hidden, temporary or not key files are skipped.
func (k Keystore) scan(f func(common.Address, string) bool) error {
	entries, err := os.ReadDir(k.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("naming: keystore: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") || strings.HasSuffix(e.Name(), "~") {
			continue
		}
		path := filepath.Join(k.Dir, e.Name())
		blob, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var head struct {
			Address string `json:"address"`
		}
		if json.Unmarshal(blob, &head) != nil || !common.IsHexAddress(head.Address) {
			continue
		}
		if f(common.HexToAddress(head.Address), path) {
			return nil
		}
	}
	return nil
}
