package chain

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// DeployerAuth returns a new transactor of the dev account, for deploying
// contracts and other administration on the local chain. Each call returns a
// fresh value (TransactOpts is mutable). Transactions of the dev account sent
// concurrently from several goroutines may race for nonces; Faucet
// serialises its own.
func (c *Chain) DeployerAuth() *bind.TransactOpts {
	return bind.NewKeyedTransactor(c.key, c.chainID)
}

// Faucet sends wei from the dev account to `to` and returns once the transfer
// is in a block. It is meant for local chains only: the dev account exists
// nowhere else.
func (c *Chain) Faucet(ctx context.Context, to common.Address, wei *big.Int) error {
	_, err := c.faucet(ctx, to, wei)
	return err
}

// faucet is Faucet, returning the transfer's hash.
func (c *Chain) faucet(ctx context.Context, to common.Address, wei *big.Int) (common.Hash, error) {
	if c.closed.Load() {
		return common.Hash{}, ErrClosed
	}
	if wei == nil || wei.Sign() <= 0 {
		return common.Hash{}, fmt.Errorf("chain: faucet amount %v: must be positive", wei)
	}
	c.faucetMu.Lock()
	tx, err := c.faucetTx(ctx, to, wei)
	if err == nil {
		err = c.client.SendTransaction(ctx, tx)
	}
	c.faucetMu.Unlock()
	if err != nil {
		return common.Hash{}, fmt.Errorf("chain: faucet to %s: %w", to, err)
	}
	rcpt, err := c.WaitMined(ctx, tx.Hash())
	if err != nil {
		return common.Hash{}, fmt.Errorf("chain: faucet to %s: %w", to, err)
	}
	if rcpt.Status != types.ReceiptStatusSuccessful {
		return common.Hash{}, fmt.Errorf("chain: faucet to %s: transfer %s reverted", to, tx.Hash())
	}
	return tx.Hash(), nil
}

// faucetTx builds and signs a transfer from the dev account.
func (c *Chain) faucetTx(ctx context.Context, to common.Address, wei *big.Int) (*types.Transaction, error) {
	nonce := c.eth.TxPool().PoolNonce(c.dev)
	gas, err := c.client.EstimateGas(ctx, ethereum.CallMsg{From: c.dev, To: &to, Value: wei})
	if err != nil {
		return nil, fmt.Errorf("estimate gas: %w", err)
	}
	tip, err := c.client.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, fmt.Errorf("suggest tip: %w", err)
	}
	head := c.eth.BlockChain().CurrentBlock()
	feeCap := new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	tx := types.NewTx(&types.DynamicFeeTx{
		ChainID:   c.chainID,
		Nonce:     nonce,
		GasTipCap: tip,
		GasFeeCap: feeCap,
		Gas:       gas,
		To:        &to,
		Value:     wei,
	})
	return types.SignTx(tx, types.LatestSignerForChainID(c.chainID), c.key)
}

// WaitMined waits until the transaction is in a block that is synced to disk
// and returns its receipt. Unlike bind.WaitMined, which polls every second,
// it wakes on the chain's own events, so it returns as soon as the block is
// sealed and synced.
func (c *Chain) WaitMined(ctx context.Context, hash common.Hash) (*types.Receipt, error) {
	for {
		durable, grew := c.durable()
		if c.minedDurably(hash, durable) {
			return c.client.TransactionReceipt(ctx, hash)
		}
		select {
		case <-grew:
		case <-c.quit:
			return nil, ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
