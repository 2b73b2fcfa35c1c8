package pay

import (
	"context"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/naming/contracts/bindings"
)

// Backend is what payments need of a chain. *ethclient.Client satisfies it.
type Backend interface {
	bind.ContractBackend
	ethereum.ChainStateReader
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
}

// Chain is a chain and the PaymentChannels deployment on it.
type Chain struct {
	Backend  Backend
	ChainID  *big.Int
	Channels common.Address // the PaymentChannels contract

	domain *Domain

	// txMu serializes this Chain's own transactions (nonces in order).
	txMu sync.Mutex
}

// NewChain returns a Chain of backend with the contract at channels.
func NewChain(backend Backend, chainID *big.Int, channels common.Address) *Chain {
	return &Chain{Backend: backend, ChainID: new(big.Int).Set(chainID), Channels: channels,
		domain: NewDomain(chainID, channels)}
}

// Domain returns the EIP-712 domain of the deployment.
func (c *Chain) Domain() *Domain { return c.domain }

var (
	channelsABI = bindings.NewPaymentChannels()
	tokenABI    = bindings.NewTestToken()
)

// signTx builds and signs a dynamic-fee transaction from w.
func (c *Chain) signTx(ctx context.Context, w Wallet, to *common.Address, value *big.Int, data []byte) (*types.Transaction, error) {
	from := w.Address()
	nonce, err := c.Backend.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("pay: nonce of %s: %w", from, err)
	}
	gas, err := c.Backend.EstimateGas(ctx, ethereum.CallMsg{From: from, To: to, Value: value, Data: data})
	if err != nil {
		return nil, fmt.Errorf("%w: estimate gas: %w", ErrFailed, err)
	}
	gas = max(gas*3/2, gas+30_000)
	tip, err := c.Backend.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, fmt.Errorf("pay: gas tip: %w", err)
	}
	head, err := c.Backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("pay: head: %w", err)
	}
	feeCap := new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	tx := types.NewTx(&types.DynamicFeeTx{
		ChainID: c.ChainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap,
		Gas: gas, To: to, Value: value, Data: data,
	})
	signer := types.LatestSignerForChainID(c.ChainID)
	sig, err := w.SignHash(signer.Hash(tx).Bytes())
	if err != nil {
		return nil, err
	}
	return tx.WithSignature(signer, sig)
}

// send hands a signed transaction to the chain.
func (c *Chain) send(ctx context.Context, tx *types.Transaction) error {
	if err := c.Backend.SendTransaction(ctx, tx); err != nil {
		return fmt.Errorf("%w: send %s: %w", ErrFailed, tx.Hash(), err)
	}
	return nil
}

// submit sends a signed transaction and waits for its receipt.
func (c *Chain) submit(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) {
	if err := c.send(ctx, tx); err != nil {
		return nil, err
	}
	return c.WaitMined(ctx, tx.Hash())
}

// transact signs, sends and waits; a reverted transaction is ErrFailed.
// A nonce another sender of w took first (the CLI next to its daemon)
// is taken again: naming.RetryTakenNonce.
func (c *Chain) transact(ctx context.Context, w Wallet, to *common.Address, value *big.Int, data []byte) (*types.Receipt, error) {
	c.txMu.Lock()
	defer c.txMu.Unlock()
	tx, err := naming.RetryTakenNonce(ctx, func() (*types.Transaction, error) {
		tx, err := c.signTx(ctx, w, to, value, data)
		if err != nil {
			return nil, err
		}
		return tx, c.send(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	r, err := c.WaitMined(ctx, tx.Hash())
	if err != nil {
		return nil, err
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return r, fmt.Errorf("%w: %s reverted", ErrFailed, tx.Hash())
	}
	return r, nil
}

// Transact signs data as a transaction from w to `to` (nil creates a
// contract) carrying value, sends it and waits for its receipt; a
// reverted transaction is ErrFailed. Other apps' contracts use it too.
func (c *Chain) Transact(ctx context.Context, w Wallet, to *common.Address, value *big.Int, data []byte) (*types.Receipt, error) {
	return c.transact(ctx, w, to, value, data)
}

// Call runs a read-only call of data on the contract at to.
func (c *Chain) Call(ctx context.Context, to common.Address, data []byte) ([]byte, error) {
	return c.call(ctx, to, data)
}

// WaitMined polls for the receipt of hash, backing off from 5 ms to 500 ms.
func (c *Chain) WaitMined(ctx context.Context, hash common.Hash) (*types.Receipt, error) {
	return naming.WaitMined(ctx, c.Backend, hash)
}

// Balance returns what owner holds of token (ether when token is zero).
func (c *Chain) Balance(ctx context.Context, token, owner common.Address) (*big.Int, error) {
	if token == (common.Address{}) {
		b, err := c.Backend.BalanceAt(ctx, owner, nil)
		if err != nil {
			return nil, fmt.Errorf("pay: balance of %s: %w", owner, err)
		}
		return b, nil
	}
	out, err := c.call(ctx, token, tokenABI.PackBalanceOf(owner))
	if err != nil {
		return nil, err
	}
	return tokenABI.UnpackBalanceOf(out)
}

func (c *Chain) call(ctx context.Context, to common.Address, data []byte) ([]byte, error) {
	out, err := c.Backend.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, nil)
	if err != nil {
		return nil, fmt.Errorf("pay: call %s: %w", to, err)
	}
	return out, nil
}

// OnChain is a channel as the contract holds it.
type OnChain struct {
	Payer, Payee, Token common.Address
	Deposit, Claimed    *big.Int
	ClosesAt            uint64 // zero: open; else the end of the challenge
	Settled             bool
}

// Channel reads channel id from the contract; a channel never opened is
// ErrUnknownChannel.
func (c *Chain) Channel(ctx context.Context, id common.Hash) (OnChain, error) {
	out, err := c.call(ctx, c.Channels, channelsABI.PackChannels(id))
	if err != nil {
		return OnChain{}, err
	}
	ch, err := channelsABI.UnpackChannels(out)
	if err != nil {
		return OnChain{}, fmt.Errorf("pay: channel %s: %w", id, err)
	}
	if ch.Payer == (common.Address{}) {
		return OnChain{}, fmt.Errorf("%w: %s not on chain", ErrUnknownChannel, id)
	}
	return OnChain{Payer: ch.Payer, Payee: ch.Payee, Token: ch.Token, Deposit: ch.Deposit,
		Claimed: ch.Claimed, ClosesAt: ch.ClosesAt, Settled: ch.Settled}, nil
}
