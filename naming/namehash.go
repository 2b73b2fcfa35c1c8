package naming

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/naming/ensip15"
)

// maxLabel is the longest label accepted, in bytes: a DNS-encoded label
// (ENSIP-10) has a one-byte length.
const maxLabel = 255

// wildcardLabel may appear as the leftmost label only: "*.parent" holds the
// records a wildcard resolver serves for every name below parent.
const wildcardLabel = "*"

// Normalize maps name to the form that is hashed: ENSIP-15 (package
// naming/ensip15, the normalization ENS clients apply), no empty label, no
// label over 255 bytes. A leftmost label "*" (wildcard) is kept as is.
// Anything ENSIP-15 refuses is ErrInvalidName, with its reason.
func Normalize(name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("%w: empty name", ErrInvalidName)
	}
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("%w: %q is not UTF-8", ErrInvalidName, name)
	}
	rest, wildcard := strings.CutPrefix(name, wildcardLabel+".")
	if wildcard && rest == "" {
		return "", fmt.Errorf("%w: %q has an empty label", ErrInvalidName, name)
	}
	out, err := ensip15.Normalize(rest)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %w", ErrInvalidName, name, err)
	}
	for label := range strings.SplitSeq(out, ".") {
		if len(label) > maxLabel {
			return "", fmt.Errorf("%w: %q has a label over %d bytes", ErrInvalidName, name, maxLabel)
		}
	}
	if wildcard {
		out = wildcardLabel + "." + out
	}
	return out, nil
}

// NormalizeLabel normalizes a single label (no dots, no wildcard).
func NormalizeLabel(label string) (string, error) {
	if strings.Contains(label, ".") || label == wildcardLabel {
		return "", fmt.Errorf("%w: %q is not a single label", ErrInvalidName, label)
	}
	return Normalize(label)
}

// LabelHash is keccak256 of a label's UTF-8 bytes.
func LabelHash(label string) common.Hash {
	return crypto.Keccak256Hash([]byte(label))
}

// Namehash is EIP-137's namehash of an already normalized name:
// namehash("") = 0x00…00, namehash(label.rest) = keccak256(namehash(rest) ‖ keccak256(label)).
func Namehash(name string) common.Hash {
	var node common.Hash
	labels := splitLabels(name)
	for i := len(labels) - 1; i >= 0; i-- {
		node = childNode(node, LabelHash(labels[i]))
	}
	return node
}

// childNode is the node of the label hashed to label below parent.
func childNode(parent, label common.Hash) common.Hash {
	return crypto.Keccak256Hash(parent[:], label[:])
}

// DNSEncode encodes a normalized name as DNS wire labels (ENSIP-10):
// each label as one length byte then its bytes, then a zero byte.
func DNSEncode(name string) ([]byte, error) {
	var out []byte
	for _, label := range splitLabels(name) {
		if label == "" || len(label) > maxLabel {
			return nil, fmt.Errorf("%w: label %q cannot be DNS-encoded", ErrInvalidName, label)
		}
		out = append(out, byte(len(label)))
		out = append(out, label...)
	}
	return append(out, 0), nil
}

// splitLabels splits a name into labels; the root ("") has none.
func splitLabels(name string) []string {
	if name == "" {
		return nil
	}
	return strings.Split(name, ".")
}

// suffixes returns name, its parent, grandparent ... up to the TLD.
func suffixes(name string) []string {
	labels := splitLabels(name)
	out := make([]string, len(labels))
	for i := range labels {
		out[i] = strings.Join(labels[i:], ".")
	}
	return out
}

// nameDeps lists the nodes whose changes may alter the answer for name:
// the node of every suffix, and of "*.suffix" for every proper suffix.
func nameDeps(name string) []common.Hash {
	star := LabelHash(wildcardLabel)
	var deps []common.Hash
	for i, s := range suffixes(name) {
		node := Namehash(s)
		deps = append(deps, node)
		if i > 0 {
			deps = append(deps, childNode(node, star))
		}
	}
	return deps
}

// reverseName is "<lowercase hex of addr without 0x>.addr.reverse" (EIP-181).
func reverseName(addr common.Address) string {
	return fmt.Sprintf("%x.addr.reverse", addr[:])
}
