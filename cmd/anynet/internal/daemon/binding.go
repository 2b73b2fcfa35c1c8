package daemon

import (
	"encoding/hex"
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
// one at start.
func storedBinding(dir string, wallet common.Address, chainID uint64) *transport.Binding {
	b, err := os.ReadFile(filepath.Join(dir, "binding"))
	if err != nil {
		return nil
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil
	}
	var bd transport.Binding
	if bd.UnmarshalBinary(raw) != nil || bd.Wallet != wallet || bd.ChainID != chainID {
		return nil
	}
	if bd.Verify(time.Now().Add(24*time.Hour)) != nil {
		return nil
	}
	// The binding must name the node key the node will load.
	kb, err := os.ReadFile(filepath.Join(dir, "nodekey"))
	if err != nil {
		return nil
	}
	priv, err := hex.DecodeString(strings.TrimSpace(string(kb)))
	if err != nil || len(priv) != 32 {
		return nil
	}
	nk, err := transport.NodeKeyFromPrivate([32]byte(priv))
	if err != nil || nk.Public != bd.NodeKey {
		return nil
	}
	return &bd
}
