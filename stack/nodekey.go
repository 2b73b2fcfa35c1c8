package stack

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/anynet/anynet/transport"
	"github.com/google/renameio/v2"
	"golang.org/x/crypto/curve25519"
)

// nodeKeyFile is the node key's file in the data directory: the private
// key in hex, mode 0600.
const nodeKeyFile = "nodekey"

// loadOrCreateNodeKey reads dir/nodekey, creating it on first start. The
// file is written atomically (temporary file, fsync, rename), so a crash
// never leaves half a key.
func loadOrCreateNodeKey(dir string) (transport.NodeKey, error) {
	path := filepath.Join(dir, nodeKeyFile)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		return parseNodeKey(path, b)
	case !errors.Is(err, fs.ErrNotExist):
		return transport.NodeKey{}, fmt.Errorf("stack: read node key: %w", err)
	}
	key, err := transport.GenerateNodeKey(rand.Reader)
	if err != nil {
		return transport.NodeKey{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return transport.NodeKey{}, fmt.Errorf("stack: data directory: %w", err)
	}
	if err := renameio.WriteFile(path, []byte(hex.EncodeToString(key.Private[:])+"\n"), 0o600); err != nil {
		return transport.NodeKey{}, fmt.Errorf("stack: write node key: %w", err)
	}
	return key, nil
}

func parseNodeKey(path string, b []byte) (transport.NodeKey, error) {
	var key transport.NodeKey
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(raw) != len(key.Private) {
		return key, fmt.Errorf("stack: node key %s is corrupt (want 64 hex digits); move it away to make a new one", path)
	}
	copy(key.Private[:], raw)
	pub, err := curve25519.X25519(key.Private[:], curve25519.Basepoint)
	if err != nil {
		return key, fmt.Errorf("stack: node key %s: %w", path, err)
	}
	copy(key.Public[:], pub)
	return key, nil
}

// LoadNodeKey returns the node key a Node with DataDir dir would use,
// creating dir/nodekey on first use as Up does. A caller that derives
// something from the key before Up (a locator, locator.Assign) loads it
// here and passes it in Node.NodeKey.
func LoadNodeKey(dir string) (transport.NodeKey, error) { return loadOrCreateNodeKey(dir) }
