package relay

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/service"
)

// EvidencePort is the overlay port a Guardian serves its published
// evidence on (see "Published evidence" in the package doc).
const EvidencePort = 4301

// Answers of the evidence port.
const (
	evidenceOK      = 0
	evidenceMissing = 1
)

// maxServing bounds the evidence requests a Guardian answers at once:
// anyone may ask, so no one can hold more than this many of its
// goroutines.
const maxServing = 8

// publishedKey is where a Guardian keeps an epoch's published evidence
// (beside the core's keys, whose prefixes are lower case).
func publishedKey(epoch uint64) []byte { return binary.BigEndian.AppendUint64([]byte("P"), epoch) }

// committedKey is where a Guardian keeps the hash of an epoch's commit
// transaction.
func committedKey(epoch uint64) []byte { return binary.BigEndian.AppendUint64([]byte("C"), epoch) }

// serveEvidence answers evidence requests on ln until it closes.
func (s *Service) serveEvidence(ln net.Listener) {
	defer s.wg.Done()
	slots := make(chan struct{}, maxServing)
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		select {
		case slots <- struct{}{}:
		default:
			c.Close() // busy: the asker tries again or asks another Guardian
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() { <-slots }()
			defer c.Close()
			s.answer(c)
		}()
	}
}

// answer reads one request (version, epoch) and writes the answer:
// a status byte, then for evidenceOK a u32 length and the evidence.
func (s *Service) answer(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	var req [9]byte
	if _, err := io.ReadFull(c, req[:]); err != nil || req[0] != Version {
		return
	}
	epoch := binary.BigEndian.Uint64(req[1:])
	b, err := s.cfg.Store.Get(publishedKey(epoch))
	if err != nil {
		_, _ = c.Write([]byte{evidenceMissing})
		return
	}
	_, _ = c.Write(binary.BigEndian.AppendUint32([]byte{evidenceOK}, uint32(len(b))))
	_, _ = c.Write(b)
}

// Fetch asks guardian's node, over the overlay, for the evidence it
// published for epoch: ErrNotPublished if it has none.
func Fetch(ctx context.Context, host service.Host, guardian common.Address, epoch uint64) (*Published, error) {
	c, err := host.Dial(ctx, "tcp", fmt.Sprintf("%s:%d", guardian.Hex(), EvidencePort))
	if err != nil {
		return nil, fmt.Errorf("relay: evidence of epoch %d from %s: %w", epoch, guardian, err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := c.Write(binary.BigEndian.AppendUint64([]byte{Version}, epoch)); err != nil {
		return nil, fmt.Errorf("relay: evidence of epoch %d from %s: %w", epoch, guardian, err)
	}
	var head [5]byte
	if _, err := io.ReadFull(c, head[:1]); err != nil {
		return nil, fmt.Errorf("relay: evidence of epoch %d from %s: %w", epoch, guardian, err)
	}
	switch head[0] {
	case evidenceOK:
	case evidenceMissing:
		return nil, fmt.Errorf("%w: %s has none for epoch %d", ErrNotPublished, guardian, epoch)
	default:
		return nil, fmt.Errorf("%w: evidence answer %d", ErrMalformed, head[0])
	}
	if _, err := io.ReadFull(c, head[1:]); err != nil {
		return nil, fmt.Errorf("relay: evidence of epoch %d from %s: %w", epoch, guardian, err)
	}
	n := binary.BigEndian.Uint32(head[1:])
	if n > MaxPublished {
		return nil, fmt.Errorf("%w: evidence of %d bytes", ErrMalformed, n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(c, b); err != nil {
		return nil, fmt.Errorf("relay: evidence of epoch %d from %s: %w", epoch, guardian, err)
	}
	var p Published
	if err := p.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	if p.Evidence.Epoch != epoch || p.Guardian != guardian {
		return nil, fmt.Errorf("%w: asked %s for epoch %d, got %s's of epoch %d", ErrMalformed, guardian, epoch, p.Guardian, p.Evidence.Epoch)
	}
	return &p, nil
}

// Verification is a recomputation of a published epoch.
type Verification struct {
	Published  *Published
	Scores     Scores     // Compute(evidence, params)
	Commitment Commitment // Commit(Scores)
	// OnChain and OnChainTotal are the epoch's root and total on chain
	// (a zero root: nothing committed).
	OnChain      common.Hash
	OnChainTotal *big.Int
	// Match: the recomputed root and total are the ones on chain.
	Match bool
	// StakesMatch: the published stake snapshot is what the contract's
	// stakeAt holds, at the snapshot's block, for every wallet of the
	// evidence (true when the rules consult no stake; false unchecked,
	// with a nil contract).
	StakesMatch bool
}

// Recompute scores pub with the public formula and compares the root
// with the one contract holds for its epoch (with a nil contract, only
// the scores).
func Recompute(ctx context.Context, pub *Published, contract *Contract) (Verification, error) {
	v := Verification{Published: pub, Scores: Compute(pub.Evidence, pub.Params), OnChainTotal: new(big.Int)}
	v.Commitment = Commit(v.Scores)
	if contract == nil {
		return v, nil
	}
	root, total, err := contract.Committed(ctx, pub.Evidence.Epoch)
	if err != nil {
		return v, err
	}
	v.OnChain, v.OnChainTotal = root, total
	v.Match = root == v.Commitment.Root && total.Cmp(v.Commitment.Total) == 0
	v.StakesMatch, err = stakesMatch(ctx, pub, contract)
	return v, err
}

// stakesMatch checks pub's stake snapshot against the chain.
func stakesMatch(ctx context.Context, pub *Published, contract *Contract) (bool, error) {
	if pub.Params.BytesPerEther == 0 {
		return true, nil
	}
	snap := pub.Evidence.Stakes
	wallets := walletsOf(pub.Evidence)
	for _, st := range snap.Stakes {
		wallets = append(wallets, st.Wallet)
	}
	chain, err := contract.StakesAt(ctx, wallets, snap.Block)
	if err != nil {
		return false, err
	}
	want, got := snap.stakeMap(), chain.stakeMap()
	if len(want) != len(got) {
		return false, nil
	}
	for w, a := range want {
		if b := got[w]; b == nil || a.Cmp(b) != 0 {
			return false, nil
		}
	}
	return true, nil
}

// fetchAny asks each Guardian in turn for epoch's evidence.
func fetchAny(ctx context.Context, host service.Host, guardians []common.Address, epoch uint64) (*Published, error) {
	var errs []error
	for _, g := range guardians {
		p, err := Fetch(ctx, host, g, epoch)
		if err == nil {
			return p, nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("%w: no Guardians configured", ErrNotPublished)
	}
	return nil, errors.Join(errs...)
}
