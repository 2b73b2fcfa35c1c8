package naming

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
)

// Backend is what the client needs of a chain: contract calls,
// transactions, logs and receipts. *ethclient.Client and the Client of
// go-ethereum's ethclient/simulated backend both satisfy it.
type Backend interface {
	bind.ContractBackend
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
}

var _ Backend = (*ethclient.Client)(nil)

// Gas margin over eth_estimateGas. Estimates run against the pending state;
// consecutive ERC-1056 writes (changed[identity] = block.number) and
// registrations that flip storage slots cost more than estimated when the
// state moved in between, so every transaction gets est×3/2, and at least
// est+minGasMargin.
const minGasMargin = 30_000

func gasWithMargin(est uint64) uint64 {
	return max(est*3/2, est+minGasMargin)
}

// classify maps a backend error onto the package's sentinels: transport
// failures become ErrChainUnavailable, contract reverts ErrReverted; other
// JSON-RPC answers (nonce too low, insufficient funds...) stay as they are.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var rpcErr rpc.Error
	if errors.As(err, &rpcErr) {
		if rpcErr.ErrorCode() == 3 || strings.Contains(strings.ToLower(rpcErr.Error()), "revert") {
			return fmt.Errorf("%w: %v", ErrReverted, err)
		}
		return err
	}
	if errors.Is(err, ethereum.NotFound) {
		return fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	// Anything else came from the transport: connection refused, closed
	// client, HTTP status, deadline exceeded while waiting for an answer.
	return fmt.Errorf("%w: %w", ErrChainUnavailable, err)
}

// chain is the low-level access shared by Client and Deploy: calls and
// transactions with gas margins and receipt waits.
type chain struct {
	backend Backend

	// txMu serializes this client's transactions, so nonces are taken in
	// order and each waits for its receipt before the next is estimated.
	txMu sync.Mutex
}

// call runs an eth_call against the latest block (or at block, if not nil).
func (c *chain) call(ctx context.Context, to common.Address, data []byte, block *big.Int) ([]byte, error) {
	out, err := c.backend.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, block)
	if err != nil {
		return nil, classify(err)
	}
	return out, nil
}

// transact sends data to `to` from auth, waits for the receipt and fails
// with ErrReverted unless the transaction succeeded.
func (c *chain) transact(ctx context.Context, auth *bind.TransactOpts, to common.Address, data []byte) (*types.Receipt, error) {
	return c.send(ctx, auth, &to, data)
}

// deploy creates a contract from its creation code plus constructor input.
func (c *chain) deploy(ctx context.Context, auth *bind.TransactOpts, code, input []byte) (common.Address, error) {
	receipt, err := c.send(ctx, auth, nil, append(append([]byte{}, code...), input...))
	if err != nil {
		return common.Address{}, err
	}
	if receipt.ContractAddress == (common.Address{}) {
		return common.Address{}, fmt.Errorf("naming: deploy: no contract address in receipt %s", receipt.TxHash)
	}
	return receipt.ContractAddress, nil
}

func (c *chain) send(ctx context.Context, auth *bind.TransactOpts, to *common.Address, data []byte) (*types.Receipt, error) {
	if auth == nil || auth.Signer == nil {
		return nil, errors.New("naming: no transactor (auth) given")
	}
	c.txMu.Lock()
	defer c.txMu.Unlock()

	opts := *auth
	opts.Context = ctx
	if opts.GasLimit == 0 {
		est, err := c.backend.EstimateGas(ctx, ethereum.CallMsg{From: opts.From, To: to, Data: data, Value: opts.Value})
		if err != nil {
			return nil, fmt.Errorf("naming: estimate gas: %w", classify(err))
		}
		opts.GasLimit = gasWithMargin(est)
	}
	tx, err := c.sendRaw(ctx, &opts, to, data)
	if err != nil {
		return nil, fmt.Errorf("naming: send transaction: %w", classify(err))
	}
	receipt, err := c.waitMined(ctx, tx.Hash())
	if err != nil {
		return nil, err
	}
	if receipt.Status != types.ReceiptStatusSuccessful {
		return receipt, fmt.Errorf("%w: transaction %s failed (gas used %d of %d)", ErrReverted, tx.Hash(), receipt.GasUsed, tx.Gas())
	}
	return receipt, nil
}

// sendRaw sends data to `to` (nil: a contract creation) with opts; a
// nonce another sender of the wallet took first is taken again
// (RetryTakenNonce) unless the caller fixed the nonce.
func (c *chain) sendRaw(ctx context.Context, opts *bind.TransactOpts, to *common.Address, data []byte) (*types.Transaction, error) {
	send := func() (*types.Transaction, error) {
		if to == nil {
			return bind.NewBoundContract(common.Address{}, abi.ABI{}, c.backend, c.backend, c.backend).RawCreationTransact(opts, data)
		}
		return bind.NewBoundContract(*to, abi.ABI{}, c.backend, c.backend, c.backend).RawTransact(opts, data)
	}
	if opts.Nonce != nil {
		return send()
	}
	return RetryTakenNonce(ctx, send)
}

// waitMined polls for the receipt of hash (WaitMined).
func (c *chain) waitMined(ctx context.Context, hash common.Hash) (*types.Receipt, error) {
	return WaitMined(ctx, c.backend, hash)
}

// ReceiptReader is what WaitMined needs of a chain client; an
// *ethclient.Client and a simulated backend's client satisfy it.
type ReceiptReader interface {
	TransactionReceipt(ctx context.Context, hash common.Hash) (*types.Receipt, error)
}

// WaitMined polls b for the receipt of hash, backing off from 5 ms to
// 500 ms, until it is there, the chain answers with an error other than
// "not found yet", or ctx ends.
func WaitMined(ctx context.Context, b ReceiptReader, hash common.Hash) (*types.Receipt, error) {
	wait := 5 * time.Millisecond
	for {
		receipt, err := b.TransactionReceipt(ctx, hash)
		if err == nil {
			return receipt, nil
		}
		if !errors.Is(err, ethereum.NotFound) && !indexing(err) {
			return nil, fmt.Errorf("naming: receipt of %s: %w", hash, classify(err))
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, fmt.Errorf("naming: waiting for %s: %w", hash, ctx.Err())
		case <-timer.C:
		}
		wait = min(wait*2, 500*time.Millisecond)
	}
}

// indexing reports go-ethereum's "transaction indexing is in progress"
// answer to a receipt query, which a freshly started node gives until its
// transaction indexer has caught up: the receipt is not there yet.
func indexing(err error) bool {
	return strings.Contains(err.Error(), "transaction indexing is in progress")
}
