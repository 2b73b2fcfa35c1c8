package relay

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// A Commitment is what a Guardian posts for an epoch: the Merkle root of
// every positive credit and their total, and, kept off chain and handed
// to each Edge, the proof of its own credit.
type Commitment struct {
	Epoch  uint64
	Root   common.Hash
	Total  *big.Int
	Claims []Claim
}

// A Claim is one Edge's credit and the proof that the root holds it.
type Claim struct {
	Edge   common.Address
	Amount *big.Int
	Proof  []common.Hash
}

// Commit builds the commitment of s. Edges with nothing to claim are left
// out of the tree. It returns a commitment with a zero root when no Edge
// earned anything.
func Commit(s Scores) Commitment {
	c := Commitment{Epoch: s.Epoch, Total: new(big.Int)}
	var leaves []common.Hash
	for _, e := range s.Edges {
		if e.Net.Sign() > 0 {
			leaves = append(leaves, Leaf(s.Epoch, e.Edge, e.Net))
		}
	}
	if len(leaves) == 0 {
		return c
	}
	t := NewTree(leaves)
	c.Root = t.Root()
	for _, e := range s.Edges {
		if e.Net.Sign() <= 0 {
			continue
		}
		proof, _ := t.Proof(Leaf(s.Epoch, e.Edge, e.Net))
		c.Claims = append(c.Claims, Claim{Edge: e.Edge, Amount: new(big.Int).Set(e.Net), Proof: proof})
		c.Total.Add(c.Total, e.Net)
	}
	return c
}

// ClaimOf returns edge's claim, or false.
func (c Commitment) ClaimOf(edge common.Address) (Claim, bool) {
	for _, cl := range c.Claims {
		if cl.Edge == edge {
			return cl, true
		}
	}
	return Claim{}, false
}

// Check reports whether cl is in c: its proof leads to c's root.
func (c Commitment) Check(cl Claim) bool {
	return VerifyProof(c.Root, Leaf(c.Epoch, cl.Edge, cl.Amount), cl.Proof)
}
