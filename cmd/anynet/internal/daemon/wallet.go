package daemon

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
)

// Keystore returns the keystore of cfg.Dir with cfg's scrypt cost.
func Keystore(cfg config.Config) naming.Keystore {
	ks := naming.Keystore{Dir: filepath.Join(cfg.Dir, "keystore")}
	if cfg.Scrypt == "light" {
		ks.ScryptN, ks.ScryptP = keystore.LightScryptN, keystore.LightScryptP
	}
	return ks
}

// Wallet returns the wallet the node uses: cfg.Wallet, else the only one
// in the keystore.
func Wallet(cfg config.Config) (common.Address, error) {
	ks := Keystore(cfg)
	list, err := ks.List()
	if err != nil && !isNotExist(err) {
		return common.Address{}, fmt.Errorf("daemon: keystore %s: %w", ks.Dir, err)
	}
	if cfg.Wallet != "" {
		w := common.HexToAddress(cfg.Wallet)
		for _, a := range list {
			if a == w {
				return w, nil
			}
		}
		if bad := unreadableKeys(ks.Dir); len(bad) > 0 {
			return common.Address{}, fmt.Errorf("%w: %s: the keystore holds key files that cannot be read: %s (corrupt? restore them from a backup)", ErrNoWallet, cfg.Wallet, strings.Join(bad, "; "))
		}
		return common.Address{}, fmt.Errorf("%w: %s is not in %s (import it with `anynet init --import KEYFILE`)", ErrNoWallet, cfg.Wallet, ks.Dir)
	}
	switch len(list) {
	case 0:
		if bad := unreadableKeys(ks.Dir); len(bad) > 0 {
			return common.Address{}, fmt.Errorf("%w: the keystore holds key files that cannot be read: %s (corrupt? restore them from a backup)", ErrNoWallet, strings.Join(bad, "; "))
		}
		return common.Address{}, fmt.Errorf("%w in %s (create one with `anynet --dir %s init`)", ErrNoWallet, ks.Dir, cfg.Dir)
	case 1:
		return list[0], nil
	}
	var s []string
	for _, a := range list {
		s = append(s, a.Hex())
	}
	return common.Address{}, fmt.Errorf("%w: %s holds %d wallets (%s); say which with --wallet or the wallet key", ErrNoWallet, ks.Dir, len(list), strings.Join(s, ", "))
}

// Unlock decrypts the node's wallet with passphrase, with decrypt if not
// nil (naming.Keystore.Decrypt).
func Unlock(cfg config.Config, passphrase string, decrypt func([]byte, string) (*ecdsa.PrivateKey, error)) (*ecdsa.PrivateKey, error) {
	w, err := Wallet(cfg)
	if err != nil {
		return nil, err
	}
	ks := Keystore(cfg)
	ks.Decrypt = decrypt
	key, err := ks.Unlock(w, passphrase)
	if errors.Is(err, keystore.ErrDecrypt) {
		return nil, fmt.Errorf("%w for %s (set ANYNET_PASSPHRASE, --passphrase-file, or type it at the prompt)", ErrPassphrase, w.Hex())
	}
	if err != nil {
		return nil, fmt.Errorf("daemon: unlock %s: %w", w.Hex(), err)
	}
	return key, nil
}

// unreadableKeys names the files in a keystore directory that are not
// key files (geth's JSON with an address and a crypto section), each
// with why: the keystore itself skips them silently.
func unreadableKeys(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var bad []string
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s (%v)", path, err))
			continue
		}
		var k struct {
			Address string          `json:"address"`
			Crypto  json.RawMessage `json:"crypto"`
		}
		if err := json.Unmarshal(b, &k); err != nil {
			bad = append(bad, fmt.Sprintf("%s (not JSON: %v)", path, err))
		} else if !common.IsHexAddress(k.Address) || len(k.Crypto) == 0 {
			bad = append(bad, path+" (no address or crypto section)")
		}
	}
	return bad
}
