package daemon

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
)

// BindingTTL is how long the binding init signs stays valid.
const BindingTTL = 30 * 24 * time.Hour

// storedBinding returns DIR/binding when it binds wallet on chainID and
// stays valid for at least a day; else nil, and the node signs a fresh
// one at start. The error says why a binding file that exists is not
// used (nil when there is none), for the log.
func storedBinding(dir string, wallet common.Address, chainID uint64) (*transport.Binding, error) {
	path := filepath.Join(dir, "binding")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("%s is not hex: %w", path, err)
	}
	var bd transport.Binding
	switch err := bd.UnmarshalBinary(raw); {
	case err != nil:
		return nil, fmt.Errorf("%s is not a binding: %w", path, err)
	case bd.Wallet != wallet:
		return nil, fmt.Errorf("%s binds wallet %s, not this node's %s", path, bd.Wallet.Hex(), wallet.Hex())
	case bd.ChainID != chainID:
		return nil, fmt.Errorf("%s names chain %d, not %d", path, bd.ChainID, chainID)
	}
	if err := bd.Verify(time.Now().Add(24 * time.Hour)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// The binding must name the node key the node will load.
	kb, err := os.ReadFile(filepath.Join(dir, "nodekey"))
	if err != nil {
		return nil, fmt.Errorf("%s: node key: %w", path, err)
	}
	priv, err := hex.DecodeString(strings.TrimSpace(string(kb)))
	if err != nil || len(priv) != 32 {
		return nil, fmt.Errorf("%s: the node key file is not 32 hex bytes", path)
	}
	nk, err := transport.NodeKeyFromPrivate([32]byte(priv))
	if err != nil || nk.Public != bd.NodeKey {
		return nil, fmt.Errorf("%s binds node key %s, not this node's", path, bd.NodeKey)
	}
	return &bd, nil
}
