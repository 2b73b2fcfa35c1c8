package pay

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Peers tells the verified wallet at the other end of a connection.
// *stack.Node satisfies it.
type Peers interface {
	PeerOf(c net.Conn) (common.Address, error)
}

// Handler serves a paid request from a verified wallet.
type Handler func(ctx context.Context, from common.Address, payload []byte) ([]byte, error)

// Payee receives payments on connections: it submits transfers and
// answers with receipts, and keeps channel vouchers, durably before it
// acknowledges them.
type Payee struct {
	// Wallet is the payee's account; transfers and channels must pay it.
	Wallet Wallet
	// Chain is the chain and channel contract.
	Chain *Chain
	// Peers verifies who is at the other end of a connection.
	Peers Peers
	// Store keeps channels and submitted transfers. Nil means a MemStore.
	Store Store
	// Handler serves paid requests; nil refuses them.
	Handler Handler
	// Price is what one request costs, in the channel's token; nil or
	// zero means requests are free (and carry no voucher).
	Price *big.Int
	// Now is the clock for ValidBefore; nil means time.Now.
	Now func() time.Time
	// Logger receives logs; nil discards.
	Logger *slog.Logger

	once sync.Once
	// storeMu orders store writes: each writes the channel's state as of
	// its turn, so a slower writer never stores an older voucher last.
	storeMu sync.Mutex
	mu      sync.Mutex // guards chans
	// chans caches the stored channels, loaded on first use.
	chans map[common.Hash]*ChannelState
	err   error // from loading the store
}

func (p *Payee) init() error {
	p.once.Do(func() {
		if p.Store == nil {
			p.Store = NewMemStore()
		}
		if p.Logger == nil {
			p.Logger = slog.New(slog.DiscardHandler)
		}
		p.chans = map[common.Hash]*ChannelState{}
		list, err := p.Store.Channels()
		if err != nil {
			p.err = err
			return
		}
		for i := range list {
			st := list[i]
			p.chans[st.ID] = &st
		}
	})
	return p.err
}

func (p *Payee) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// ServeConn answers payment messages on conn until it closes or ctx ends.
// A refused message gets an ERROR and the connection goes on.
//
// Vouchers are acknowledged in groups: while more bytes are already
// buffered, the best voucher is only kept in memory; it is stored (synced)
// and acknowledged once the buffer is empty, before any other reply, or
// after maxAckDelay messages.
func (p *Payee) ServeConn(ctx context.Context, conn net.Conn) error {
	if err := p.init(); err != nil {
		return err
	}
	from, err := p.Peers.PeerOf(conn)
	if err != nil {
		return fmt.Errorf("pay: peer of %v: %w", conn.RemoteAddr(), err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	br := bufio.NewReaderSize(conn, 64<<10)
	bw := bufio.NewWriterSize(conn, 16<<10)
	pending := map[common.Hash]bool{} // channels with a voucher accepted, not yet stored/acked
	unacked := 0                      // messages read since the last flush
	flush := func() error {
		unacked = 0
		for id := range pending {
			st, err := p.persist(id)
			if err != nil {
				return err
			}
			if err := WriteMessage(bw, &Ack{Channel: id, Cumulative: st.Cumulative}); err != nil {
				return err
			}
			delete(pending, id)
		}
		return bw.Flush()
	}
	for {
		m, err := ReadMessage(br)
		if err != nil {
			if errors.Is(err, io.EOF) || ctx.Err() != nil {
				return flush()
			}
			if errors.Is(err, ErrMalformed) {
				WriteMessage(bw, &Error{Code: CodeMalformed, Message: err.Error()})
				bw.Flush()
			}
			flush()
			return err
		}
		var reply Message
		switch m := m.(type) {
		case *Transfer:
			if err := flush(); err != nil {
				return err
			}
			reply, err = p.acceptTransfer(ctx, from, m)
		case *Open:
			reply, err = p.acceptOpen(ctx, from, m)
		case *Voucher:
			if err = p.acceptVoucher(ctx, from, m, nil); err == nil {
				pending[m.Channel] = true
			}
		case *Close:
			if err := flush(); err != nil {
				return err
			}
			reply, err = p.acceptClose(from, m)
		case *Request:
			reply, err = p.serveRequest(ctx, from, m, pending)
		default:
			err = fmt.Errorf("%w: unexpected %T", ErrRefused, m)
		}
		if err != nil {
			p.Logger.Debug("pay: refused", "from", from, "msg", fmt.Sprintf("%T", m), "err", err)
			reply = &Error{Code: codeOf(err), Message: err.Error()}
		}
		unacked++
		_, isResponse := reply.(*Response)
		if br.Buffered() == 0 || (reply != nil && !isResponse) || unacked >= maxAckDelay {
			// Vouchers before a reply that depends on them; a RESPONSE
			// does not acknowledge its request's voucher, so pipelined
			// paid requests share one synced write.
			if err := flush(); err != nil {
				return err
			}
		}
		if reply != nil {
			if err := WriteMessage(bw, reply); err != nil {
				return err
			}
			if br.Buffered() == 0 {
				if err := bw.Flush(); err != nil {
					return err
				}
			}
		}
	}
}

// persist stores channel id's current state and returns it.
func (p *Payee) persist(id common.Hash) (ChannelState, error) {
	p.storeMu.Lock()
	defer p.storeMu.Unlock()
	st, ok := p.Channel(id)
	if !ok {
		return st, fmt.Errorf("%w: %s", ErrUnknownChannel, id)
	}
	if err := p.Store.PutChannel(st); err != nil {
		return st, fmt.Errorf("pay: store channel %s: %w", id, err)
	}
	return st, nil
}

// maxAckDelay bounds how many messages of a sustained burst are read
// before the vouchers among them are stored and acknowledged.
const maxAckDelay = 256

// serveRequest checks a request's voucher (when requests cost something)
// and runs the handler.
func (p *Payee) serveRequest(ctx context.Context, from common.Address, m *Request, pending map[common.Hash]bool) (Message, error) {
	if p.Handler == nil {
		return nil, fmt.Errorf("%w: no paid service here", ErrRefused)
	}
	if p.Price != nil && p.Price.Sign() > 0 {
		if m.Voucher == nil {
			return nil, fmt.Errorf("%w: request %d carries no voucher, price %s", ErrWrongAmount, m.ID, p.Price)
		}
		if err := p.acceptVoucher(ctx, from, m.Voucher, p.Price); err != nil {
			return nil, err
		}
		pending[m.Voucher.Channel] = true
	}
	out, err := p.Handler(ctx, from, m.Payload)
	if err != nil {
		return nil, err
	}
	return &Response{ID: m.ID, Payload: out}, nil
}
