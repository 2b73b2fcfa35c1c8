package relay

import (
	"bytes"
	"encoding/binary"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Leaf is the Merkle leaf of a credit, as RelayCredits computes it:
// keccak256(keccak256(abi.encode(uint64 epoch, address edge, uint256
// amount))).
func Leaf(epoch uint64, edge common.Address, amount *big.Int) common.Hash {
	var enc [96]byte
	binary.BigEndian.PutUint64(enc[24:32], epoch)
	copy(enc[44:64], edge[:])
	amount.FillBytes(enc[64:96])
	inner := crypto.Keccak256(enc[:])
	return crypto.Keccak256Hash(inner)
}

// hashPair hashes two nodes in ascending order (OpenZeppelin's
// convention), so a proof needs no left/right flags.
func hashPair(a, b common.Hash) common.Hash {
	if bytes.Compare(a[:], b[:]) > 0 {
		a, b = b, a
	}
	return crypto.Keccak256Hash(a[:], b[:])
}

// A Tree is a Merkle tree over leaves in ascending order; on each level
// adjacent nodes are paired and a last odd node moves up unchanged.
type Tree struct {
	levels [][]common.Hash // levels[0]: the sorted leaves; last: the root
}

// NewTree builds the tree of leaves (at least one).
func NewTree(leaves []common.Hash) *Tree {
	level := slices.Clone(leaves)
	slices.SortFunc(level, func(a, b common.Hash) int { return bytes.Compare(a[:], b[:]) })
	t := &Tree{levels: [][]common.Hash{level}}
	for len(level) > 1 {
		up := make([]common.Hash, 0, (len(level)+1)/2)
		for i := 0; i < len(level); i += 2 {
			if i+1 == len(level) {
				up = append(up, level[i])
			} else {
				up = append(up, hashPair(level[i], level[i+1]))
			}
		}
		t.levels = append(t.levels, up)
		level = up
	}
	return t
}

// Root returns the root (the zero hash for an empty tree).
func (t *Tree) Root() common.Hash {
	top := t.levels[len(t.levels)-1]
	if len(top) == 0 {
		return common.Hash{}
	}
	return top[0]
}

// Proof returns the sibling hashes from leaf up to the root, or false if
// leaf is not in the tree.
func (t *Tree) Proof(leaf common.Hash) ([]common.Hash, bool) {
	i, ok := slices.BinarySearchFunc(t.levels[0], leaf, func(a, b common.Hash) int { return bytes.Compare(a[:], b[:]) })
	if !ok {
		return nil, false
	}
	var proof []common.Hash
	for _, level := range t.levels[:len(t.levels)-1] {
		if sib := i ^ 1; sib < len(level) {
			proof = append(proof, level[sib])
		}
		i /= 2
	}
	return proof, true
}

// VerifyProof reports whether proof leads from leaf to root.
func VerifyProof(root, leaf common.Hash, proof []common.Hash) bool {
	node := leaf
	for _, p := range proof {
		node = hashPair(node, p)
	}
	return node == root
}
