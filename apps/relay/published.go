package relay

import (
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// Published is what a Guardian publishes for an epoch it settled: the
// rules it scored under and every piece of evidence it scored, so that
// anyone recomputes its scores (Compute) and its commitment (Commit)
// bit for bit and compares the root with the one on chain (Recompute).
type Published struct {
	Guardian common.Address
	Params   Params
	Evidence Evidence
}

// MaxPublished is the largest encoded Published accepted: about 400,000
// receipts.
const MaxPublished = 64 << 20

const publishedHead = 1 + 8 + 20 + 32 + 8*8 + 2

// publishedVersion is the first byte of published evidence (3: with
// BytesPerEther and the stake snapshot).
const publishedVersion = 3

// MarshalBinary encodes p (see "Published evidence" in the package doc).
func (p *Published) MarshalBinary() ([]byte, error) {
	pp := p.Params
	price := pp.PricePerGiB
	if price == nil {
		price = new(big.Int)
	}
	if price.Sign() < 0 || price.BitLen() > 256 {
		return nil, fmt.Errorf("%w: price %v", ErrMalformed, price)
	}
	if len(pp.WatchDogs) > 0xffff {
		return nil, fmt.Errorf("%w: %d watchdogs", ErrMalformed, len(pp.WatchDogs))
	}
	ev := p.Evidence
	b := make([]byte, 0, publishedHead+20*len(pp.WatchDogs)+12+len(ev.Receipts)*(20+ReceiptSize)+len(ev.Prior)*standingSize+12+len(ev.Stakes.Stakes)*stakeSize+len(ev.Probes)*ProbeSize)
	b = append(b, publishedVersion)
	b = binary.BigEndian.AppendUint64(b, ev.Epoch)
	b = append(b, p.Guardian[:]...)
	b = append(b, common.BigToHash(price).Bytes()...)
	for _, v := range []uint64{pp.FeeBps, pp.CapPerEndpoint, pp.MinProbes, pp.WarnPPM, pp.SuspendPPM, pp.BoundZ, pp.SuspendAfter, pp.BytesPerEther} {
		b = binary.BigEndian.AppendUint64(b, v)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(len(pp.WatchDogs)))
	for _, w := range pp.WatchDogs {
		b = append(b, w[:]...)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(ev.Receipts)))
	for _, s := range ev.Receipts {
		r, err := s.Receipt.MarshalBinary()
		if err != nil {
			return nil, err
		}
		b = append(append(b, s.By[:]...), r...)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(ev.Prior)))
	for _, st := range ev.Prior {
		b = binary.BigEndian.AppendUint64(append(b, st.Edge[:]...), st.Strikes)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(ev.Wallets)))
	for i := range ev.Wallets {
		l, err := ev.Wallets[i].MarshalBinary()
		if err != nil {
			return nil, err
		}
		b = append(binary.BigEndian.AppendUint16(b, uint16(len(l))), l...)
	}
	b = binary.BigEndian.AppendUint64(b, ev.Stakes.Block)
	b = binary.BigEndian.AppendUint32(b, uint32(len(ev.Stakes.Stakes)))
	for _, st := range ev.Stakes.Stakes {
		if st.Amount == nil || st.Amount.Sign() < 0 || st.Amount.BitLen() > 256 {
			return nil, fmt.Errorf("%w: stake %v of %s", ErrMalformed, st.Amount, st.Wallet)
		}
		b = append(append(b, st.Wallet[:]...), common.BigToHash(st.Amount).Bytes()...)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(ev.Probes)))
	for _, pr := range ev.Probes {
		r, err := pr.MarshalBinary()
		if err != nil {
			return nil, err
		}
		b = append(b, r...)
	}
	if len(b) > MaxPublished {
		return nil, fmt.Errorf("%w: published evidence of %d bytes", ErrMalformed, len(b))
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary encodes. It checks the
// layout only: signatures are Compute's business (a bad one is evidence
// against the Edge that submitted it).
func (p *Published) UnmarshalBinary(b []byte) error {
	bad := func(what string) error { return fmt.Errorf("%w: published evidence: %s", ErrMalformed, what) }
	if len(b) > MaxPublished {
		return bad("too long")
	}
	if len(b) < publishedHead {
		return bad("short header")
	}
	if b[0] != publishedVersion {
		return bad(fmt.Sprintf("version %d", b[0]))
	}
	var out Published
	out.Evidence.Epoch = binary.BigEndian.Uint64(b[1:])
	copy(out.Guardian[:], b[9:29])
	out.Params.PricePerGiB = new(big.Int).SetBytes(b[29:61])
	at := 61
	for _, v := range []*uint64{&out.Params.FeeBps, &out.Params.CapPerEndpoint, &out.Params.MinProbes, &out.Params.WarnPPM, &out.Params.SuspendPPM, &out.Params.BoundZ, &out.Params.SuspendAfter, &out.Params.BytesPerEther} {
		*v = binary.BigEndian.Uint64(b[at:])
		at += 8
	}
	n := int(binary.BigEndian.Uint16(b[at:]))
	at += 2
	if len(b)-at < n*20+4 {
		return bad("short watchdog list")
	}
	for range n {
		out.Params.WatchDogs = append(out.Params.WatchDogs, common.BytesToAddress(b[at:at+20]))
		at += 20
	}
	n = int(binary.BigEndian.Uint32(b[at:]))
	at += 4
	if (len(b)-at)/(20+ReceiptSize) < n || len(b)-at-n*(20+ReceiptSize) < 4 {
		return bad("short receipt list")
	}
	for range n {
		s := Submitted{By: common.BytesToAddress(b[at : at+20])}
		if err := s.Receipt.UnmarshalBinary(b[at+20 : at+20+ReceiptSize]); err != nil {
			return fmt.Errorf("published evidence: %w", err)
		}
		out.Evidence.Receipts = append(out.Evidence.Receipts, s)
		at += 20 + ReceiptSize
	}
	n = int(binary.BigEndian.Uint32(b[at:]))
	at += 4
	if (len(b)-at)/standingSize < n || len(b)-at-n*standingSize < 4 {
		return bad("short standing list")
	}
	for range n {
		out.Evidence.Prior = append(out.Evidence.Prior, Standing{Edge: common.BytesToAddress(b[at : at+20]), Strikes: binary.BigEndian.Uint64(b[at+20:])})
		at += standingSize
	}
	n = int(binary.BigEndian.Uint32(b[at:]))
	at += 4
	if (len(b)-at)/2 < n {
		return bad("short probe wallet lists")
	}
	for range n {
		if len(b)-at < 2 {
			return bad("short probe wallet list")
		}
		m := int(binary.BigEndian.Uint16(b[at:]))
		at += 2
		if len(b)-at < m+4 {
			return bad("short probe wallet list")
		}
		var l ProbeWallets
		if err := l.UnmarshalBinary(b[at : at+m]); err != nil {
			return fmt.Errorf("published evidence: %w", err)
		}
		out.Evidence.Wallets = append(out.Evidence.Wallets, l)
		at += m
	}
	if len(b)-at < 8+4 {
		return bad("no stake snapshot")
	}
	out.Evidence.Stakes.Block = binary.BigEndian.Uint64(b[at:])
	n = int(binary.BigEndian.Uint32(b[at+8:]))
	at += 12
	if (len(b)-at)/stakeSize < n || len(b)-at-n*stakeSize < 4 {
		return bad("short stake snapshot")
	}
	for range n {
		out.Evidence.Stakes.Stakes = append(out.Evidence.Stakes.Stakes, Stake{Wallet: common.BytesToAddress(b[at : at+20]), Amount: new(big.Int).SetBytes(b[at+20 : at+stakeSize])})
		at += stakeSize
	}
	if len(b)-at < 4 {
		return bad("no probe list")
	}
	n = int(binary.BigEndian.Uint32(b[at:]))
	at += 4
	if (len(b)-at)/ProbeSize != n || (len(b)-at)%ProbeSize != 0 {
		return bad("probe list does not fill the rest")
	}
	for range n {
		var pr Probe
		if err := pr.UnmarshalBinary(b[at : at+ProbeSize]); err != nil {
			return fmt.Errorf("published evidence: %w", err)
		}
		out.Evidence.Probes = append(out.Evidence.Probes, pr)
		at += ProbeSize
	}
	*p = out
	return nil
}
