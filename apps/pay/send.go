package pay

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"net"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// DefaultValidity is how long a transfer stays valid for the payee to
// submit when Client.Validity is zero.
const DefaultValidity = 2 * time.Minute

// Client pays from one wallet over connections: one-off transfers (Send)
// and payment channels (OpenChannel).
type Client struct {
	// Wallet is the payer's account.
	Wallet Wallet
	// Chain is the chain and channel contract.
	Chain *Chain
	// Peers verifies who is at the other end of a connection.
	Peers Peers
	// Validity bounds when the payee may submit a transfer; zero means
	// DefaultValidity.
	Validity time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the source of channel salts; nil means crypto/rand.
	Rand io.Reader
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Send pays amount wei to the wallet at the other end of conn, with memo:
// it signs a transaction, sends it in a TRANSFER, and the payee submits it
// and answers with the RECEIPT of the mined transaction, which Send checks
// on chain. A refusal is a *PeerError (errors.Is with its sentinel).
func (c *Client) Send(ctx context.Context, conn net.Conn, amount *big.Int, memo string) (*Receipt, error) {
	return c.SendToken(ctx, conn, common.Address{}, amount, memo)
}

// SendToken is Send in an ERC-20 token (zero: ether).
func (c *Client) SendToken(ctx context.Context, conn net.Conn, token common.Address, amount *big.Int, memo string) (*Receipt, error) {
	if amount == nil || amount.Sign() <= 0 || amount.BitLen() > 256 {
		return nil, fmt.Errorf("%w: amount %v", ErrWrongAmount, amount)
	}
	if len(memo) > MaxMemo {
		return nil, fmt.Errorf("%w: memo of %d bytes over %d", ErrMalformed, len(memo), MaxMemo)
	}
	payee, err := c.Peers.PeerOf(conn)
	if err != nil {
		return nil, fmt.Errorf("pay: peer of %v: %w", conn.RemoteAddr(), err)
	}
	validity := c.Validity
	if validity == 0 {
		validity = DefaultValidity
	}
	c.Chain.txMu.Lock()
	defer c.Chain.txMu.Unlock()
	var tx *types.Transaction
	if token == (common.Address{}) {
		tx, err = c.Chain.signTx(ctx, c.Wallet, &payee, amount, nil)
	} else {
		tx, err = c.Chain.signTx(ctx, c.Wallet, &token, nil, tokenABI.PackTransfer(payee, amount))
	}
	if err != nil {
		return nil, err
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		return nil, err
	}
	m := &Transfer{Token: token, Amount: amount, Memo: memo, Tx: raw,
		ValidBefore: uint64(c.now().Add(validity).Unix())}
	reply, err := roundTrip(ctx, conn, m)
	if err != nil {
		return nil, err
	}
	r, ok := reply.(*Receipt)
	if !ok {
		return nil, fmt.Errorf("%w: %T in answer to a transfer", ErrMalformed, reply)
	}
	if r.TxHash != tx.Hash() {
		return nil, fmt.Errorf("%w: receipt names %s, transfer was %s", ErrRefused, r.TxHash, tx.Hash())
	}
	onChain, err := c.Chain.Backend.TransactionReceipt(ctx, r.TxHash)
	if err != nil {
		return nil, fmt.Errorf("pay: receipt of %s on chain: %w", r.TxHash, err)
	}
	if onChain.Status != types.ReceiptStatusSuccessful {
		return nil, fmt.Errorf("%w: %s reverted", ErrFailed, r.TxHash)
	}
	return &Receipt{TxHash: r.TxHash, Block: onChain.BlockNumber.Uint64(), Status: uint8(onChain.Status)}, nil
}

// roundTrip writes m and reads one answer, within ctx; an ERROR answer is
// returned as a *PeerError.
func roundTrip(ctx context.Context, conn net.Conn, m Message) (Message, error) {
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
		defer conn.SetDeadline(time.Time{})
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := WriteMessage(conn, m); err != nil {
		return nil, fmt.Errorf("pay: write: %w", err)
	}
	reply, err := ReadMessage(conn)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("pay: %w", ctx.Err())
		}
		return nil, fmt.Errorf("pay: read answer: %w", err)
	}
	if e, ok := reply.(*Error); ok {
		return nil, &PeerError{Code: e.Code, Message: e.Message}
	}
	return reply, nil
}

func (c *Client) salt() (common.Hash, error) {
	r := c.Rand
	if r == nil {
		r = rand.Reader
	}
	var s common.Hash
	if _, err := io.ReadFull(r, s[:]); err != nil {
		return s, fmt.Errorf("pay: salt: %w", err)
	}
	return s, nil
}
