package pay

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// The dev deployment: PaymentChannels and a TestToken created by a
// deployer whose key is public (keccak256("anynet pay dev deployer")),
// at its nonces 0 and 1, so every node on a test chain (the embedded
// one, or another process's served with it) finds them from the chain
// id alone, and the first node that needs them deploys them. Its key
// being public, anyone may mint its token: use it on test chains only;
// on any other chain name a deployment of your own.

// devDeployerKey is the dev deployer's key.
var devDeployerKey = crypto.ToECDSAUnsafe(crypto.Keccak256([]byte("anynet pay dev deployer")))

// DevDeployer is the dev deployment's wallet (it mints the test token).
func DevDeployer() *KeyWallet { return NewKeyWallet(devDeployerKey) }

// DevDeployment returns where the dev deployment is (or will be).
func DevDeployment() Deployment {
	from := DevDeployer().Address()
	return Deployment{Channels: crypto.CreateAddress(from, 0), Token: crypto.CreateAddress(from, 1)}
}

// EnsureDevDeployment returns the dev deployment on backend's chain,
// deploying it first if the chain holds none: fund gives the deployer
// ether (the chain's faucet). Two nodes deploying at once make one
// deployment (the same nonces); the loser waits for the winner's code.
func EnsureDevDeployment(ctx context.Context, backend Backend, chainID *big.Int, fund func(context.Context, common.Address) error) (Deployment, error) {
	want := DevDeployment()
	deployed := func() (bool, error) {
		for _, a := range []common.Address{want.Channels, want.Token} {
			code, err := backend.CodeAt(ctx, a, nil)
			if err != nil {
				return false, fmt.Errorf("pay: code at %s: %w", a, err)
			}
			if len(code) == 0 {
				return false, nil
			}
		}
		return true, nil
	}
	if ok, err := deployed(); ok || err != nil {
		return want, err
	}
	w := DevDeployer()
	nonce, err := backend.NonceAt(ctx, w.Address(), nil)
	if err != nil {
		return want, fmt.Errorf("pay: nonce of the dev deployer: %w", err)
	}
	if nonce == 0 {
		if err := fund(ctx, w.Address()); err != nil {
			return want, fmt.Errorf("pay: fund the dev deployer: %w", err)
		}
		got, derr := Deploy(ctx, backend, chainID, w, 0, true)
		if derr == nil && got == want {
			return want, nil
		}
		err = derr
	}
	// Another node deploys meanwhile (or did at other nonces: then not).
	for range 100 {
		if ok, _ := deployed(); ok {
			return want, nil
		}
		select {
		case <-ctx.Done():
			return want, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return want, fmt.Errorf("pay: no dev deployment at %s (deploy: %v)", want.Channels, err)
}
