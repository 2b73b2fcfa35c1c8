package vpn

import (
	"errors"
	"fmt"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// clientRecordKey is where a client keeps its own record of a session
// with exit.
func clientRecordKey(exit common.Address, session [16]byte) []byte {
	b := append([]byte("c/"), exit[:]...)
	return append(b, session[:]...)
}

// records returns the store the client keeps its records in.
func (c *Client) records() service.Store {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Records == nil {
		c.Records = &service.Memory{}
	}
	return c.Records
}

// keep signs the client's own count of a session that ended and
// stores the Record, if the client has a Signer.
func (c *Client) keep(u Usage) {
	if c.Signer == nil {
		return
	}
	rec, err := SignUsage(u, c.Signer)
	if err != nil {
		c.log().Warn("vpn: sign usage", "exit", u.Exit, "err", err)
		return
	}
	if err := c.records().Apply([]service.Write{{Key: clientRecordKey(u.Exit, u.Session), Value: AppendRecord(nil, rec)}}); err != nil {
		c.log().Warn("vpn: store usage record", "exit", u.Exit, "err", err)
	}
}

// Record returns the client's own signed record of one of its ended
// sessions through exit (SessionOf): its counters, signed with
// Client.Signer, checked with Record.Verify(the client's wallet). It
// is ErrNoRecord for a session the client did not sign (no Signer, a
// session still open, another exit's).
func (c *Client) Record(exit common.Address, session [16]byte) (Record, error) {
	v, err := c.records().Get(clientRecordKey(exit, session))
	if errors.Is(err, service.ErrNotFound) {
		return Record{}, fmt.Errorf("%w: the client signed no ended session %x with %s", ErrNoRecord, session, exit)
	}
	if err != nil {
		return Record{}, fmt.Errorf("vpn: client record %x: %w", session, err)
	}
	return ParseRecord(v)
}
