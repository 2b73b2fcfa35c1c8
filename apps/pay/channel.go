package pay

import (
	"bufio"
	"context"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Channel is the payer's end of a payment channel in use on one
// connection. From OpenChannel until Close it owns conn's reading: a
// long-lived goroutine reads the payee's ACKs, RESPONSEs and ERRORs.
type Channel struct {
	ID      common.Hash
	Payee   common.Address
	Token   common.Address
	Deposit *big.Int

	c    *Client
	conn net.Conn
	done chan struct{} // closed when the reader exits

	wmu    sync.Mutex // guards bw, cumulative and nextID: a voucher is signed and written in order
	bw     *bufio.Writer
	cum    *big.Int // total signed
	nextID uint64

	mu      sync.Mutex // guards the fields below
	acked   *big.Int   // highest cumulative the payee acknowledged
	err     error      // sticky: a refusal or a broken connection
	changed chan struct{}
	waiting map[uint64]chan *Response
	closeOK chan *CloseOK
}

// OpenChannel opens a channel to the wallet at the other end of conn on
// chain with deposit of token (zero: ether; a token is approved for the
// contract first), announces it with an OPEN and waits for the payee's
// ACK. One transaction for ether.
func (c *Client) OpenChannel(ctx context.Context, conn net.Conn, token common.Address, deposit *big.Int) (*Channel, error) {
	payee, err := c.Peers.PeerOf(conn)
	if err != nil {
		return nil, fmt.Errorf("pay: peer of %v: %w", conn.RemoteAddr(), err)
	}
	ch, err := c.OpenChannelTo(ctx, payee, token, deposit)
	if err != nil {
		return nil, err
	}
	ch.conn, ch.done, ch.bw = conn, make(chan struct{}), bufio.NewWriterSize(conn, 16<<10)
	go ch.readLoop()
	ch.wmu.Lock()
	err = ch.write(&Open{Channel: ch.ID})
	ch.wmu.Unlock()
	if err == nil {
		err = ch.wait(ctx, new(big.Int))
	}
	if err != nil {
		ch.stop()
		return nil, err
	}
	return ch, nil
}

// OpenChannelTo opens a channel to payee on chain only, for vouchers that
// travel by other means (Channel.Voucher; the x402 adapter): the payee
// learns the channel from the chain with its first voucher. Pay, Request,
// Sync and Close need a connection (OpenChannel).
func (c *Client) OpenChannelTo(ctx context.Context, payee, token common.Address, deposit *big.Int) (*Channel, error) {
	salt, err := c.salt()
	if err != nil {
		return nil, err
	}
	id := ChannelID(c.Wallet.Address(), payee, token, salt)
	open := channelsABI.PackOpen(salt, payee, token, deposit)
	if token == (common.Address{}) {
		_, err = c.Chain.transact(ctx, c.Wallet, &c.Chain.Channels, deposit, open)
	} else {
		if _, err = c.Chain.transact(ctx, c.Wallet, &token, nil, tokenABI.PackApprove(c.Chain.Channels, deposit)); err == nil {
			_, err = c.Chain.transact(ctx, c.Wallet, &c.Chain.Channels, nil, open)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("pay: open channel: %w", err)
	}
	return &Channel{ID: id, Payee: payee, Token: token, Deposit: new(big.Int).Set(deposit),
		c: c, cum: new(big.Int), acked: big.NewInt(-1), changed: make(chan struct{}),
		waiting: map[uint64]chan *Response{}, closeOK: make(chan *CloseOK, 1)}, nil
}

// Voucher signs the next voucher, paying amount more, and returns it
// without sending it.
func (ch *Channel) Voucher(amount *big.Int) (*Voucher, error) {
	ch.wmu.Lock()
	defer ch.wmu.Unlock()
	return ch.voucher(amount)
}

// errNoConn: a Channel opened with OpenChannelTo has no connection.
var errNoConn = fmt.Errorf("%w: channel has no connection", ErrClosed)

// write sends m; called with wmu held.
func (ch *Channel) write(m Message) error {
	if ch.conn == nil {
		return errNoConn
	}
	if err := WriteMessage(ch.bw, m); err != nil {
		return ch.fail(fmt.Errorf("pay: write: %w", err))
	}
	if err := ch.bw.Flush(); err != nil {
		return ch.fail(fmt.Errorf("pay: write: %w", err))
	}
	return nil
}

// voucher signs the next voucher, paying amount more; called with wmu held.
func (ch *Channel) voucher(amount *big.Int) (*Voucher, error) {
	if amount == nil || amount.Sign() <= 0 {
		return nil, fmt.Errorf("%w: amount %v", ErrWrongAmount, amount)
	}
	next := new(big.Int).Add(ch.cum, amount)
	if next.Cmp(ch.Deposit) > 0 {
		return nil, fmt.Errorf("%w: %s over %s", ErrOverDeposit, next, ch.Deposit)
	}
	sig, err := ch.c.Chain.Domain().SignVoucher(ch.c.Wallet, ch.ID, next)
	if err != nil {
		return nil, err
	}
	ch.cum = next
	return &Voucher{Channel: ch.ID, Cumulative: next, Amount: new(big.Int).Set(amount), Sig: sig}, nil
}

// Pay sends a voucher paying amount more. It does not wait for the ACK
// (see Sync): vouchers stream.
func (ch *Channel) Pay(ctx context.Context, amount *big.Int) error {
	if err := ch.Err(); err != nil {
		return err
	}
	ch.wmu.Lock()
	defer ch.wmu.Unlock()
	v, err := ch.voucher(amount)
	if err != nil {
		return err
	}
	return ch.write(v)
}

// Request sends payload with a voucher paying price (none if price is nil
// or zero) and waits for the response. Requests may be concurrent.
func (ch *Channel) Request(ctx context.Context, price *big.Int, payload []byte) ([]byte, error) {
	if err := ch.Err(); err != nil {
		return nil, err
	}
	ch.wmu.Lock()
	ch.nextID++
	m := &Request{ID: ch.nextID, Payload: payload}
	if price != nil && price.Sign() > 0 {
		v, err := ch.voucher(price)
		if err != nil {
			ch.wmu.Unlock()
			return nil, err
		}
		m.Voucher = v
	}
	resp := make(chan *Response, 1)
	ch.mu.Lock()
	ch.waiting[m.ID] = resp
	ch.mu.Unlock()
	err := ch.write(m)
	ch.wmu.Unlock()
	if err != nil {
		return nil, err
	}
	for {
		ch.mu.Lock()
		err, changed := ch.err, ch.changed
		ch.mu.Unlock()
		select {
		case r := <-resp:
			return r.Payload, nil
		default:
		}
		if err != nil {
			return nil, err
		}
		select {
		case r := <-resp:
			return r.Payload, nil
		case <-changed:
		case <-ctx.Done():
			ch.mu.Lock()
			delete(ch.waiting, m.ID)
			ch.mu.Unlock()
			return nil, fmt.Errorf("pay: request %d: %w", m.ID, ctx.Err())
		}
	}
}

// Cumulative returns the total signed so far.
func (ch *Channel) Cumulative() *big.Int {
	ch.wmu.Lock()
	defer ch.wmu.Unlock()
	return new(big.Int).Set(ch.cum)
}

// Acked returns the highest cumulative amount the payee acknowledged.
func (ch *Channel) Acked() *big.Int {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return new(big.Int).Set(ch.acked)
}

// Err returns the channel's sticky error: the payee's refusal or a broken
// connection.
func (ch *Channel) Err() error {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return ch.err
}

// Sync waits until the payee acknowledged every voucher sent.
func (ch *Channel) Sync(ctx context.Context) error {
	if ch.conn == nil {
		return errNoConn
	}
	return ch.wait(ctx, ch.Cumulative())
}

// wait waits until the payee acknowledged cumulative.
func (ch *Channel) wait(ctx context.Context, cumulative *big.Int) error {
	for {
		ch.mu.Lock()
		acked, err, changed := ch.acked, ch.err, ch.changed
		ch.mu.Unlock()
		if acked.Cmp(cumulative) >= 0 {
			return nil
		}
		if err != nil {
			return err
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("pay: waiting for the ack of %s: %w", cumulative, ctx.Err())
		}
	}
}

// Close closes the channel cooperatively: it waits for the last ACK, asks
// the payee's agreement to the total (CLOSE, CLOSE_OK) and submits it;
// the payee is paid and the rest refunded in that one transaction. The
// channel stops reading conn; the caller still owns it.
func (ch *Channel) Close(ctx context.Context) (*types.Receipt, error) {
	if err := ch.Sync(ctx); err != nil {
		return nil, err
	}
	total := ch.Cumulative()
	ch.wmu.Lock()
	err := ch.write(&Close{Channel: ch.ID, Cumulative: total})
	ch.wmu.Unlock()
	if err != nil {
		return nil, err
	}
	var ok *CloseOK
	for ok == nil {
		ch.mu.Lock()
		err, changed := ch.err, ch.changed
		ch.mu.Unlock()
		select {
		case ok = <-ch.closeOK:
			continue
		default:
		}
		if err != nil {
			return nil, err
		}
		select {
		case ok = <-ch.closeOK:
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("pay: waiting for the payee's close: %w", ctx.Err())
		}
	}
	ch.stop()
	if ok.Channel != ch.ID || ok.Cumulative.Cmp(total) != 0 {
		return nil, fmt.Errorf("%w: close agreement for %s on %s", ErrWrongAmount, ok.Cumulative, ok.Channel)
	}
	signer, err := ch.c.Chain.Domain().CloseSigner(ch.ID, total, ok.Sig)
	if err != nil {
		return nil, err
	}
	if signer != ch.Payee {
		return nil, fmt.Errorf("%w: close signed by %s", ErrForeignSigner, signer)
	}
	r, err := ch.c.Chain.transact(ctx, ch.c.Wallet, &ch.c.Chain.Channels, nil,
		channelsABI.PackCooperativeClose(ch.ID, total, ok.Sig[:]))
	if err != nil {
		return nil, fmt.Errorf("pay: cooperative close: %w", err)
	}
	return r, nil
}

// Detach stops the channel's reader without closing anything on chain
// (the payer may later StartClose, or the payee Redeem).
func (ch *Channel) Detach() { ch.stop() }

// stop ends the reader: a past read deadline wakes it.
func (ch *Channel) stop() {
	if ch.conn == nil {
		return
	}
	ch.conn.SetReadDeadline(time.Unix(1, 0))
	<-ch.done
	ch.conn.SetReadDeadline(time.Time{})
}

// fail records err as the sticky error unless one is set, and returns it.
func (ch *Channel) fail(err error) error {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.err == nil {
		ch.err = err
		close(ch.changed)
		ch.changed = make(chan struct{})
	}
	return ch.err
}

// readLoop (long-lived) reads the payee's messages until the connection
// breaks or stop.
func (ch *Channel) readLoop() {
	defer close(ch.done)
	br := bufio.NewReaderSize(ch.conn, 16<<10)
	for {
		m, err := ReadMessage(br)
		if err != nil {
			ch.fail(fmt.Errorf("%w: %w", ErrClosed, err))
			return
		}
		ch.mu.Lock()
		switch m := m.(type) {
		case *Ack:
			if m.Channel == ch.ID && m.Cumulative.Cmp(ch.acked) > 0 {
				ch.acked = m.Cumulative
			}
		case *Response:
			if w := ch.waiting[m.ID]; w != nil {
				w <- m
				delete(ch.waiting, m.ID)
			}
		case *CloseOK:
			select {
			case ch.closeOK <- m:
			default:
			}
		case *Error:
			if ch.err == nil {
				ch.err = &PeerError{Code: m.Code, Message: m.Message}
			}
		}
		close(ch.changed)
		ch.changed = make(chan struct{})
		ch.mu.Unlock()
	}
}

// StartClose starts a unilateral close of channel id, stating cumulative
// as what the payer owes; the payee has the challenge period to answer
// with a newer voucher.
func (c *Client) StartClose(ctx context.Context, id common.Hash, cumulative *big.Int) (*types.Receipt, error) {
	r, err := c.Chain.transact(ctx, c.Wallet, &c.Chain.Channels, nil, channelsABI.PackStartClose(id, cumulative))
	if err != nil {
		return nil, fmt.Errorf("pay: start close: %w", err)
	}
	return r, nil
}

// FinishClose settles a unilateral close whose challenge period is over.
func (c *Client) FinishClose(ctx context.Context, id common.Hash) (*types.Receipt, error) {
	r, err := c.Chain.transact(ctx, c.Wallet, &c.Chain.Channels, nil, channelsABI.PackFinishClose(id))
	if err != nil {
		return nil, fmt.Errorf("pay: finish close: %w", err)
	}
	return r, nil
}
