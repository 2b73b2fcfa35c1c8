package main

import (
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/daemon"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"
)

func newInit() *cobra.Command {
	var importFile string
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a wallet, node key, binding and config in the data directory",
		Long: `init prepares a data directory for "anynet up": a wallet in DIR/keystore
(go-ethereum key file, scrypt; the passphrase from ANYNET_PASSPHRASE,
--passphrase-file, or a prompt), the node's Noise key (DIR/nodekey), the
wallet's binding of that key (DIR/binding, for the embedded chain) and
DIR/config.yaml naming the wallet and the name to register.

--import takes an existing key: a file holding the private key in hex (as
geth account import takes) or a keystore file (geth's keystore, a browser
wallet's JSON export), which must open with the passphrase given. init never replaces anything: in a directory
already initialised it stops and says so.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			return runInit(cmd, cfg, importFile)
		},
	}
	cmd.Flags().StringVar(&importFile, "import", "", "import the key in this file (hex private key or keystore JSON) instead of creating one")
	cmd.Flags().String("name", "", "name to register on chain when the node starts (\"alice\" for alice.anynet)")
	cmd.Flags().String("passphrase-file", "", "file holding the keystore passphrase (else ANYNET_PASSPHRASE or a prompt)")
	cmd.Flags().String("scrypt", "", "cost of the key file: standard (default, ~1 s, 256 MB) or light (tests)")
	return cmd
}

func runInit(cmd *cobra.Command, cfg config.Config, importFile string) (err error) {
	dir := cfg.Dir
	if cfg.Name != "" {
		if strings.Contains(cfg.Name, ".") {
			return fmt.Errorf("name %q: want a single label such as alice (registered as alice.anynet)", cfg.Name)
		}
		if _, err := naming.NormalizeLabel(cfg.Name); err != nil {
			return fmt.Errorf("name %s: %w (a name is one label such as alice, registered as alice.anynet)", shorten(cfg.Name), err)
		}
	}
	// Refuse before writing anything.
	for _, f := range []string{config.NodeFile, "nodekey", "binding"} {
		if _, err := os.Lstat(filepath.Join(dir, f)); err == nil {
			return fmt.Errorf("%s is already initialised (%s exists); use another --dir, or move it away to start over", dir, f)
		}
	}
	if list, _ := daemon.Keystore(cfg).List(); len(list) > 0 {
		return fmt.Errorf("%s already holds wallet %s; use another --dir, or move %s away to start over", dir, list[0].Hex(), daemon.Keystore(cfg).Dir)
	}
	pass, err := passphrase(cmd, cfg, true)
	if err != nil {
		return err
	}
	var key *ecdsa.PrivateKey
	if importFile != "" {
		if key, err = readKeyFile(importFile, pass); err != nil {
			return err
		}
	} else if key, err = crypto.GenerateKey(); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	// What init wrote is removed again if a later step fails.
	var written []string
	defer func() {
		if err != nil {
			for _, p := range written {
				os.Remove(p)
			}
		}
	}()
	ks := daemon.Keystore(cfg)
	wallet, err := ks.Import(key, pass)
	if err != nil {
		return fmt.Errorf("keystore: %w", err)
	}
	if ents, _ := os.ReadDir(ks.Dir); len(ents) == 1 {
		written = append(written, filepath.Join(ks.Dir, ents[0].Name()))
	}
	nk, err := transport.GenerateNodeKey(rand.Reader)
	if err != nil {
		return err
	}
	nkPath := filepath.Join(dir, "nodekey")
	if err := config.WriteAtomic(nkPath, []byte(hex.EncodeToString(nk.Private[:])+"\n"), 0o600, false); err != nil {
		return fmt.Errorf("node key: %w", err)
	}
	written = append(written, nkPath)
	b, err := transport.SignBinding(transport.NewKeySigner(key), nk.Public, 1337, time.Now().Add(daemon.BindingTTL))
	if err != nil {
		return fmt.Errorf("binding: %w", err)
	}
	raw, _ := b.MarshalBinary()
	bPath := filepath.Join(dir, "binding")
	if err := config.WriteAtomic(bPath, []byte(hex.EncodeToString(raw)+"\n"), 0o600, false); err != nil {
		return fmt.Errorf("binding: %w", err)
	}
	written = append(written, bPath)
	if err := config.WriteNodeFile(dir, wallet.Hex(), cfg.Name); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "wallet    %s (keystore %s)\n", wallet.Hex(), ks.Dir)
	fmt.Fprintf(out, "node key  %s\n", nk.Public)
	fmt.Fprintf(out, "binding   signed for chain 1337 until %s\n", b.Expiry.Format(time.DateOnly))
	fmt.Fprintf(out, "config    %s\n", filepath.Join(dir, config.NodeFile))
	fmt.Fprintf(out, "next: anynet --dir %s up\n", dir)
	return nil
}

// readKeyFile reads the key to import: a private key in hex, or a
// keystore file (geth's, a browser wallet's JSON export), which must open
// with pass, the passphrase that will protect the imported key.
func readKeyFile(path, pass string) (*ecdsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("--import %s: no such file", path)
	}
	if err != nil {
		return nil, fmt.Errorf("--import: %w", err)
	}
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, "{") {
		k, err := keystore.DecryptKey(b, pass)
		if err != nil {
			return nil, fmt.Errorf("--import %s: keystore file: %w (it must open with the passphrase given for the new keystore)", path, err)
		}
		return k.PrivateKey, nil
	}
	key, err := crypto.HexToECDSA(strings.TrimPrefix(s, "0x"))
	if err != nil {
		return nil, fmt.Errorf("--import %s: neither a keystore file (JSON) nor a hex private key (64 hex digits): %v", path, err)
	}
	return key, nil
}

// shorten quotes s, cut to 40 characters, for error messages.
func shorten(s string) string {
	if r := []rune(s); len(r) > 40 {
		return fmt.Sprintf("%q… (%d characters)", string(r[:40]), len(r))
	}
	return fmt.Sprintf("%q", s)
}
