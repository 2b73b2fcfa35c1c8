package vpn

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// Charger is what an exit that charges counts its bytes with, per
// wallet; *pay.Tally satisfies it (doc.go, "Paying for an exit").
type Charger interface {
	// Served counts n bytes served to wallet and returns an error once
	// the wallet owes more than its credit.
	Served(wallet common.Address, n uint64) error
	// Await waits until wallet is within its credit again, or ctx ends.
	Await(ctx context.Context, wallet common.Address) error
}

func recordKey(session [16]byte) []byte { return append([]byte("u/"), session[:]...) }

// serveUsage answers a KindUsage request: the signed Record of one of
// the asking wallet's sessions, once that session has ended (it waits
// up to DialTimeout for a live one).
func (e *Exit) serveUsage(c net.Conn, wallet common.Address, host string) {
	var session [16]byte
	b, err := hex.DecodeString(host)
	if err != nil || len(b) != 16 {
		e.refuse(c, wallet, fmt.Errorf("%w: session %q is not 32 hex digits", ErrBadRequest, host))
		return
	}
	copy(session[:], b)
	if e.cfg.Signer == nil {
		e.refuse(c, wallet, fmt.Errorf("%w: this exit does not sign usage", ErrNoRecord))
		return
	}
	e.mu.Lock()
	live := e.live[session]
	e.mu.Unlock()
	if live != nil {
		t := time.NewTimer(e.cfg.DialTimeout)
		select {
		case <-live:
		case <-t.C:
		case <-e.ctx.Done():
		}
		t.Stop()
	}
	v, err := e.cfg.Store.Get(recordKey(session))
	var rec Record
	if err == nil {
		rec, err = ParseRecord(v)
	}
	switch {
	case errors.Is(err, service.ErrNotFound), err == nil && rec.Client != wallet:
		// Another wallet's session is answered as an unknown one.
		e.refuse(c, wallet, fmt.Errorf("%w: no ended session %x of %s", ErrNoRecord, session, wallet))
		return
	case err != nil:
		e.refuse(c, wallet, fmt.Errorf("%w: session %x: %v", ErrNoRecord, session, err))
		return
	}
	c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	c.Write(AppendReply(nil, Reply{Code: CodeOK, Msg: hex.EncodeToString(AppendRecord(nil, rec))}))
}
