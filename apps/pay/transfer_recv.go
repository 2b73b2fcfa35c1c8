package pay

import (
	"bytes"
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// acceptTransfer checks a signed transfer from `from`, submits it and
// returns the receipt once mined:
//
//  1. ValidBefore not passed (ErrExpired);
//  2. the transaction decodes, names this chain (ErrWrongChain) and is
//     signed by `from`, the connection's verified wallet (ErrForeignSigner);
//  3. it pays this payee (ErrWrongPayee) exactly Amount of Token
//     (ErrWrongAmount): ether in its value, or a token's transfer call;
//  4. its hash was never submitted here and its nonce is not used on chain
//     (ErrReplayed); the hash is stored before submitting.
func (p *Payee) acceptTransfer(ctx context.Context, from common.Address, m *Transfer) (Message, error) {
	tx, err := p.checkTransfer(ctx, from, m)
	if err != nil {
		return nil, err
	}
	fresh, err := p.Store.MarkTransfer(tx.Hash())
	if err != nil {
		return nil, fmt.Errorf("pay: store transfer: %w", err)
	}
	if !fresh {
		return nil, fmt.Errorf("%w: transfer %s already submitted", ErrReplayed, tx.Hash())
	}
	r, err := p.Chain.submit(ctx, tx)
	if err != nil {
		return nil, err
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return nil, fmt.Errorf("%w: transfer %s reverted", ErrFailed, tx.Hash())
	}
	p.Logger.Info("pay: transfer received", "from", from, "amount", m.Amount, "token", m.Token, "tx", tx.Hash())
	return &Receipt{TxHash: tx.Hash(), Block: r.BlockNumber.Uint64(), Status: uint8(r.Status)}, nil
}

// checkTransfer is steps 1 to 3 and the on-chain nonce check of 4.
func (p *Payee) checkTransfer(ctx context.Context, from common.Address, m *Transfer) (*types.Transaction, error) {
	if m.ValidBefore != 0 && uint64(p.now().Unix()) >= m.ValidBefore {
		return nil, fmt.Errorf("%w: transfer valid before %d", ErrExpired, m.ValidBefore)
	}
	tx, err := CheckTransferTx(p.Chain.ChainID, from, p.Wallet.Address(), m)
	if err != nil {
		return nil, err
	}
	used, err := p.Chain.Backend.NonceAt(ctx, from, nil)
	if err != nil {
		return nil, fmt.Errorf("pay: nonce of %s: %w", from, err)
	}
	if tx.Nonce() < used {
		return nil, fmt.Errorf("%w: nonce %d of %s is used", ErrReplayed, tx.Nonce(), from)
	}
	return tx, nil
}

// CheckTransferTx checks, without the chain, that m.Tx is a transaction
// of chain chainID signed by from that pays payee exactly m.Amount of
// m.Token.
func CheckTransferTx(chainID *big.Int, from, payee common.Address, m *Transfer) (*types.Transaction, error) {
	if m.Amount == nil || m.Amount.Sign() <= 0 {
		return nil, fmt.Errorf("%w: amount %v", ErrWrongAmount, m.Amount)
	}
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(m.Tx); err != nil {
		return nil, fmt.Errorf("%w: transaction: %v", ErrMalformed, err)
	}
	if tx.ChainId().Cmp(chainID) != 0 {
		return nil, fmt.Errorf("%w: transaction for chain %v, not %v", ErrWrongChain, tx.ChainId(), chainID)
	}
	signer, err := types.Sender(types.LatestSignerForChainID(chainID), tx)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrForeignSigner, err)
	}
	if signer != from {
		return nil, fmt.Errorf("%w: transaction signed by %s, connection from %s", ErrForeignSigner, signer, from)
	}
	if tx.To() == nil {
		return nil, fmt.Errorf("%w: contract creation", ErrWrongPayee)
	}
	if m.Token == (common.Address{}) {
		if *tx.To() != payee {
			return nil, fmt.Errorf("%w: ether to %s", ErrWrongPayee, tx.To())
		}
		if len(tx.Data()) != 0 {
			return nil, fmt.Errorf("%w: ether transfer with call data", ErrMalformed)
		}
		if tx.Value().Cmp(m.Amount) != 0 {
			return nil, fmt.Errorf("%w: transaction pays %s wei, message says %s", ErrWrongAmount, tx.Value(), m.Amount)
		}
		return tx, nil
	}
	if *tx.To() != m.Token {
		return nil, fmt.Errorf("%w: call to %s, not the token %s", ErrWrongPayee, tx.To(), m.Token)
	}
	if tx.Value().Sign() != 0 {
		return nil, fmt.Errorf("%w: token transfer carries ether", ErrWrongAmount)
	}
	to, amount, ok := decodeTokenTransfer(tx.Data())
	if !ok {
		return nil, fmt.Errorf("%w: not a token transfer call", ErrMalformed)
	}
	if to != payee {
		return nil, fmt.Errorf("%w: token transfer to %s", ErrWrongPayee, to)
	}
	if amount.Cmp(m.Amount) != 0 {
		return nil, fmt.Errorf("%w: transaction pays %s, message says %s", ErrWrongAmount, amount, m.Amount)
	}
	return tx, nil
}

// decodeTokenTransfer parses ERC-20 transfer(address,uint256) call data.
func decodeTokenTransfer(data []byte) (common.Address, *big.Int, bool) {
	sel := tokenABI.PackTransfer(common.Address{}, new(big.Int))[:4]
	if len(data) != 4+64 || !bytes.Equal(data[:4], sel) || !bytes.Equal(data[4:16], make([]byte, 12)) {
		return common.Address{}, nil, false
	}
	return common.BytesToAddress(data[16:36]), new(big.Int).SetBytes(data[36:68]), true
}
