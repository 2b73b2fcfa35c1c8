package chain

import (
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/renameio/v2"
)

// Files of the chain directory (DataDir/chain) that this package owns. geth's
// own files live in DataDir/chain/geth (see doc.go).
const (
	devKeyFile     = "devkey"          // hex secp256k1 key of the dev account, 0600
	genesisFile    = "genesis.json"    // the genesis spec written on the first start
	deploymentFile = "deployment.json" // the result of Config.Deploy
)

// loadOrCreateKey reads the dev key from dir, generating and storing one on
// the first start.
func loadOrCreateKey(dir string) (*ecdsa.PrivateKey, error) {
	path := filepath.Join(dir, devKeyFile)
	key, err := crypto.LoadECDSA(path)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("chain: read dev key %s: %w", path, err)
	}
	if key, err = crypto.GenerateKey(); err != nil {
		return nil, fmt.Errorf("chain: generate dev key: %w", err)
	}
	if err := renameio.WriteFile(path, []byte(hex.EncodeToString(crypto.FromECDSA(key))), 0o600); err != nil {
		return nil, fmt.Errorf("chain: store dev key: %w", err)
	}
	return key, nil
}

// loadOrCreateGenesis returns the genesis of the chain in dir: the stored one,
// or on the first start a dev genesis (geth's core.DeveloperGenesisBlock with
// chainID, dev funded and each of funded given FundedBalance), which it
// stores. A non-zero chainID must match a stored genesis.
func loadOrCreateGenesis(dir string, chainID uint64, dev common.Address, funded []common.Address) (*core.Genesis, error) {
	path := filepath.Join(dir, genesisFile)
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		g := new(core.Genesis)
		if err := json.Unmarshal(data, g); err != nil {
			return nil, fmt.Errorf("chain: parse %s: %w", path, err)
		}
		if g.Config == nil || g.Config.ChainID == nil {
			return nil, fmt.Errorf("chain: %s has no chain ID", path)
		}
		if chainID != 0 && g.Config.ChainID.Uint64() != chainID {
			return nil, fmt.Errorf("%w: %s holds chain %d, config asks for %d", ErrChainIDMismatch, dir, g.Config.ChainID, chainID)
		}
		return g, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("chain: read genesis: %w", err)
	}
	if chainID == 0 {
		chainID = DefaultChainID
	}
	g := core.DeveloperGenesisBlock(gasLimit, &dev)
	g.Config.ChainID = new(big.Int).SetUint64(chainID)
	for _, a := range funded {
		if a != dev {
			g.Alloc[a] = types.Account{Balance: FundedBalance()}
		}
	}
	if data, err = json.MarshalIndent(g, "", " "); err != nil {
		return nil, fmt.Errorf("chain: encode genesis: %w", err)
	}
	if err := renameio.WriteFile(path, data, 0o644); err != nil {
		return nil, fmt.Errorf("chain: store genesis: %w", err)
	}
	return g, nil
}

// readDeployment returns the stored deployment, or nil if there is none.
func readDeployment(dir string) (json.RawMessage, error) {
	data, err := os.ReadFile(filepath.Join(dir, deploymentFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("chain: read deployment: %w", err)
	}
	if !json.Valid(data) {
		return nil, fmt.Errorf("chain: %s is not JSON", filepath.Join(dir, deploymentFile))
	}
	return json.RawMessage(data), nil
}

// writeDeployment stores the result of Config.Deploy.
func writeDeployment(dir string, d json.RawMessage) error {
	if !json.Valid(d) {
		return errors.New("chain: Deploy returned invalid JSON")
	}
	if err := renameio.WriteFile(filepath.Join(dir, deploymentFile), d, 0o644); err != nil {
		return fmt.Errorf("chain: store deployment: %w", err)
	}
	return nil
}
