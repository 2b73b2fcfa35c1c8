package relay

// Batches: what Edges and WatchDogs hand every Guardian for an epoch
// (receipts, probe results, probe wallets), kept until acknowledged,
// and the evidence a Guardian gathers from them.

import (
	"cmp"
	"encoding/binary"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// batchEpoch checks the layout of a batch from peer and returns its
// epoch.
func (c *Core) batchEpoch(peer common.Address, b []byte) (uint64, bool) {
	switch b[0] {
	case frameWallets:
		var l ProbeWallets
		if len(b) < batchHeader || l.UnmarshalBinary(b[batchHeader:]) != nil || l.WatchDog != peer {
			return 0, false
		}
		epoch := binary.BigEndian.Uint64(b[1:])
		return epoch, l.Epoch == epoch
	case frameProbes:
		epoch, _, err := decodeBatch(b, ProbeSize)
		return epoch, err == nil
	default:
		epoch, _, err := decodeBatch(b, ReceiptSize)
		return epoch, err == nil
	}
}

func (c *Core) batch(epoch uint64) map[batchKey][]byte {
	if c.batches[epoch] == nil {
		c.batches[epoch] = map[batchKey][]byte{}
	}
	return c.batches[epoch]
}

func outStoreKey(k outKey) []byte {
	return binary.BigEndian.AppendUint64(append(append([]byte("o"), k.guardian[:]...), k.kind), k.epoch)
}

// post hands a batch of an epoch to every Guardian, keeping it until
// each acknowledges it.
func (c *Core) post(now time.Time, kind byte, epoch uint64, items [][]byte, out *service.Effects) {
	frame := encodeBatch(kind, epoch, items)
	for _, g := range c.cfg.Guardians {
		k := outKey{g, kind, epoch}
		c.outbox[k] = &outItem{frame: frame, at: now.Add(c.grace())}
		out.Put(outStoreKey(k), frame)
		out.To(g, frame)
	}
}

// evidenceOf gathers the batches of an epoch, in a fixed order.
func (c *Core) evidenceOf(epoch uint64) Evidence {
	ev := Evidence{Epoch: epoch}
	m := c.batches[epoch]
	keys := make([]batchKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b batchKey) int { return cmp.Or(cmp.Compare(a.kind, b.kind), a.by.Cmp(b.by)) })
	for _, k := range keys {
		if k.kind == frameWallets {
			var l ProbeWallets
			if l.UnmarshalBinary(m[k][batchHeader:]) == nil && l.WatchDog == k.by {
				ev.Wallets = append(ev.Wallets, l)
			}
			continue
		}
		size := ReceiptSize
		if k.kind == frameProbes {
			size = ProbeSize
		}
		_, items, _ := decodeBatch(m[k], size)
		for _, it := range items {
			switch k.kind {
			case frameSubmit:
				var r Receipt
				if r.UnmarshalBinary(it) == nil {
					ev.Receipts = append(ev.Receipts, Submitted{By: k.by, Receipt: r})
				}
			case frameProbes:
				var p Probe
				if p.UnmarshalBinary(it) == nil && p.WatchDog == k.by {
					ev.Probes = append(ev.Probes, p)
				}
			}
		}
	}
	return ev
}
