package chain

import (
	"context"
	"encoding/json"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
)

// storeCode is the creation code of a hand-written storage contract:
// a call with 32 bytes of data stores them in slot 0 and logs them (LOG0);
// a call without data returns slot 0.
//
//	init:    PUSH1 0x21 PUSH1 0x0c PUSH1 0 CODECOPY PUSH1 0x21 PUSH1 0 RETURN
//	runtime: CALLDATASIZE ISZERO PUSH1 0x15 JUMPI
//	         PUSH1 0 CALLDATALOAD DUP1 PUSH1 0 SSTORE
//	         PUSH1 0 MSTORE PUSH1 0x20 PUSH1 0 LOG0 STOP
//	         JUMPDEST PUSH1 0 SLOAD PUSH1 0 MSTORE PUSH1 0x20 PUSH1 0 RETURN
var (
	storeRuntime = hexutil.MustDecode("0x36156015576000358060005560005260206000a0005b60005460005260206000f3")
	storeCode    = append(hexutil.MustDecode("0x6021600c60003960216000f3"), storeRuntime...)
)

// storedLogs returns the values the storage contract logged, oldest first.
func storedLogs(t testing.TB, ctx context.Context, client *ethclient.Client, store common.Address) []uint64 {
	t.Helper()
	logs, err := client.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: big.NewInt(0), Addresses: []common.Address{store}})
	if err != nil {
		t.Fatalf("logs: %v", err)
	}
	var vs []uint64
	for _, l := range logs {
		vs = append(vs, new(big.Int).SetBytes(l.Data).Uint64())
	}
	return vs
}

// deployment is what the tests' DeployFunc returns.
type deployment struct {
	Store common.Address `json:"store"`
}

// deployStore deploys the storage contract and waits for it.
func deployStore(ctx context.Context, client *ethclient.Client, auth *bind.TransactOpts) (common.Address, error) {
	auth.Context = ctx
	tx, err := sendTx(ctx, client, auth, nil, storeCode)
	if err != nil {
		return common.Address{}, err
	}
	return bind.WaitDeployed(ctx, client, tx.Hash())
}

// deployFunc is a DeployFunc that deploys the storage contract and counts
// its calls.
func deployFunc(calls *int) DeployFunc {
	return func(ctx context.Context, client *ethclient.Client, auth *bind.TransactOpts) (json.RawMessage, error) {
		*calls++
		addr, err := deployStore(ctx, client, auth)
		if err != nil {
			return nil, err
		}
		return json.Marshal(deployment{Store: addr})
	}
}

// sendTx signs and sends a dynamic-fee transaction from auth.
func sendTx(ctx context.Context, client *ethclient.Client, auth *bind.TransactOpts, to *common.Address, data []byte) (*types.Transaction, error) {
	nonce, err := client.PendingNonceAt(ctx, auth.From)
	if err != nil {
		return nil, err
	}
	gas, err := client.EstimateGas(ctx, ethereum.CallMsg{From: auth.From, To: to, Data: data})
	if err != nil {
		return nil, err
	}
	tip, err := client.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, err
	}
	head, err := client.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, err
	}
	chainID, err := client.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := auth.Signer(auth.From, types.NewTx(&types.DynamicFeeTx{
		ChainID:   chainID,
		Nonce:     nonce,
		GasTipCap: tip,
		GasFeeCap: new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2))),
		Gas:       gas,
		To:        to,
		Data:      data,
	}))
	if err != nil {
		return nil, err
	}
	return tx, client.SendTransaction(ctx, tx)
}

// setStored writes v to the storage contract and waits for the receipt.
func setStored(t testing.TB, ctx context.Context, client *ethclient.Client, auth *bind.TransactOpts, store common.Address, v uint64) {
	t.Helper()
	tx, err := sendTx(ctx, client, auth, &store, common.BigToHash(new(big.Int).SetUint64(v)).Bytes())
	if err != nil {
		t.Fatalf("set %d: %v", v, err)
	}
	rcpt, err := bind.WaitMined(ctx, client, tx.Hash())
	if err != nil {
		t.Fatalf("wait set %d: %v", v, err)
	}
	if rcpt.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("set %d reverted", v)
	}
}

// getStored reads the storage contract through a call and through its slot,
// failing the test if the two disagree.
func getStored(t testing.TB, ctx context.Context, client *ethclient.Client, store common.Address) uint64 {
	t.Helper()
	out, err := client.CallContract(ctx, ethereum.CallMsg{To: &store}, nil)
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	slot, err := client.StorageAt(ctx, store, common.Hash{}, nil)
	if err != nil {
		t.Fatalf("storage: %v", err)
	}
	if common.BytesToHash(out) != common.BytesToHash(slot) {
		t.Fatalf("call returned %x, slot 0 holds %x", out, slot)
	}
	return new(big.Int).SetBytes(out).Uint64()
}

// startT starts a chain for a test and closes it when the test ends.
func startT(t testing.TB, cfg Config) *Chain {
	t.Helper()
	c, err := Start(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
