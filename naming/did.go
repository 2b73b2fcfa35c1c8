package naming

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// maxHistoryBlocks bounds how many blocks of an identity's history
// DIDDocument reads (one FilterLogs each).
const maxHistoryBlocks = 4096

// KeyStatus is what a DID document says about a node key.
type KeyStatus uint8

const (
	// KeyUnknown: the key was never published for this identity.
	KeyUnknown KeyStatus = iota
	// KeyValid: published and valid at the chain's latest block time.
	KeyValid
	// KeyRevoked: its last change was a revokeAttribute.
	KeyRevoked
	// KeyExpired: published, but its validity has run out.
	KeyExpired
)

func (s KeyStatus) String() string {
	switch s {
	case KeyValid:
		return "valid"
	case KeyRevoked:
		return "revoked"
	case KeyExpired:
		return "expired"
	default:
		return "unknown"
	}
}

// Service is a did/svc/<Type> attribute whose value is an endpoint.
type Service struct {
	Type     string
	Endpoint string
}

// Delegate is a valid ERC-1056 delegate.
type Delegate struct {
	Type    string // delegate type, e.g. "veriKey" or "sigAuth"
	Address common.Address
	ValidTo time.Time
}

// Document is the DID document of one identity (did:ethr), as valid at
// the chain's latest block when it was read. Lists keep the order in which
// their entries were first published.
type Document struct {
	Identity common.Address
	// ChainID is the chain the document was read on (nil if the backend
	// could not tell); it qualifies the DID (ID).
	ChainID *big.Int
	Owner   common.Address
	// NodeKeys are the valid X25519 node keys (keyAgreement).
	NodeKeys [][32]byte
	// Bindings are the valid wallet-signed bindings (opaque here).
	Bindings [][]byte
	Locators []string
	// Mailbox is the most recently published valid mailbox, if any.
	Mailbox string
	Routers []string
	// Underlays are the valid, well-formed AnynetUnderlay endpoints: where
	// the identity's nodes receive frames (also listed in Services).
	Underlays []Underlay
	// Services holds every valid did/svc attribute but AnynetBinding,
	// anynet's and others'.
	Services  []Service
	Delegates []Delegate
	// Block and Time are the block the document was read at and its time.
	Block uint64
	Time  time.Time
	// Changed is the block of the identity's last change in the registry
	// (ERC-1056 changed(identity)): zero for a wallet that never wrote
	// to it (see Unwritten).
	Changed uint64

	keys    map[[32]byte]KeyStatus
	validTo map[string]time.Time // attribute name NUL value → end of validity, valid ones only
}

// ID is the document's DID, chain-qualified but on mainnet
// ("did:ethr:0x539:0x<lowercase hex>" on chain 1337; see FormatDID).
func (d *Document) ID() string {
	return FormatDID(d.ChainID, d.Identity)
}

// KeyStatus tells whether key is a valid, revoked, expired or unknown node
// key of the identity.
func (d *Document) KeyStatus(key [32]byte) KeyStatus {
	return d.keys[key]
}

// NodeKeyRevoked reports a key that was published and is no longer valid
// (revoked or expired). A key never published is not revoked: it may be
// vouched for by a binding alone.
func (d *Document) NodeKeyRevoked(key [32]byte) bool {
	s := d.keys[key]
	return s == KeyRevoked || s == KeyExpired
}

// Unwritten reports an identity that never wrote to the DID registry
// and still owns itself: nothing on chain speaks for or against any
// node key of it, so only its wallet-signed binding can (package stack,
// Node.AdmitUnpublished).
func (d *Document) Unwritten() bool {
	return d.Changed == 0 && d.Owner == d.Identity
}

// ValidUntil returns when the attribute (name, value) stops being valid,
// or false if it is not valid in the document (never published, revoked
// or expired). A publisher uses it to rewrite only what runs out.
func (d *Document) ValidUntil(name string, value []byte) (time.Time, bool) {
	t, ok := d.validTo[name+"\x00"+string(value)]
	return t, ok
}

// DIDDocument returns wallet's DID document, built by walking its ERC-1056
// history backwards from changed(wallet) through each event's
// previousChange, reading logs of exactly those blocks, then replaying the
// events in order and keeping what is valid at the latest block's time.
// Cached until the earliest validity in it ends (or CacheTTL, or an event
// for wallet).
func (c *Client) DIDDocument(ctx context.Context, wallet common.Address) (*Document, error) {
	if err := need(c.cfg.DIDRegistry, "DID registry"); err != nil {
		return nil, err
	}
	return lookup(ctx, c, "did\x00"+wallet.Hex(), func() []common.Hash { return []common.Hash{identityDep(wallet)} },
		func(ctx context.Context) (*Document, time.Time, error) {
			return c.readDocument(ctx, wallet)
		})
}

// identityDep is the cache dependency of an identity: the identity as its
// events' indexed topic.
func identityDep(id common.Address) common.Hash {
	return common.BytesToHash(id.Bytes())
}

// didEntry is the state of one attribute or delegate after replay.
type didEntry struct {
	attr     Attribute
	delegate Delegate
	validTo  uint64
	revoked  bool
	seq      int // index of its last event
}

func (c *Client) readDocument(ctx context.Context, id common.Address) (*Document, time.Time, error) {
	head, err := c.chain.backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("naming: DID document of %s: %w", id, classify(err))
	}
	block := head.Number
	out, err := c.chain.call(ctx, c.cfg.DIDRegistry, c.did.PackIdentityOwner(id), block)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("naming: DID owner of %s: %w", id, err)
	}
	owner, err := c.did.UnpackIdentityOwner(out)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("%w: no DID registry at %s: %v", ErrNotFound, c.cfg.DIDRegistry, err)
	}
	out, err = c.chain.call(ctx, c.cfg.DIDRegistry, c.did.PackChanged(id), block)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("naming: DID changed(%s): %w", id, err)
	}
	changed, err := c.did.UnpackChanged(out)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("%w: DID registry changed(): %v", ErrNotFound, err)
	}
	logs, err := c.didHistory(ctx, id, changed.Uint64())
	if err != nil {
		return nil, time.Time{}, err
	}
	doc, validUntil := c.replay(id, owner, logs, head)
	doc.ChainID = c.knownChainID(ctx)
	doc.Changed = changed.Uint64()
	var expires time.Time
	if validUntil != math.MaxUint64 {
		expires = c.now().Add(time.Duration(validUntil-head.Time) * time.Second)
	}
	return doc, expires, nil
}

// didHistory reads the identity's events, newest block first, following
// previousChange; returns them oldest first.
func (c *Client) didHistory(ctx context.Context, id common.Address, prev uint64) ([]types.Log, error) {
	didABI := c.did.GetABI()
	topics := [][]common.Hash{{
		didABI.Events["DIDOwnerChanged"].ID,
		didABI.Events["DIDDelegateChanged"].ID,
		didABI.Events["DIDAttributeChanged"].ID,
	}, {identityDep(id)}}
	var logs []types.Log
	for steps := 0; prev != 0; steps++ {
		if steps == maxHistoryBlocks {
			return nil, fmt.Errorf("naming: DID history of %s longer than %d blocks", id, maxHistoryBlocks)
		}
		b := new(big.Int).SetUint64(prev)
		found, err := c.chain.backend.FilterLogs(ctx, ethereum.FilterQuery{
			FromBlock: b, ToBlock: b, Addresses: []common.Address{c.cfg.DIDRegistry}, Topics: topics,
		})
		if err != nil {
			return nil, fmt.Errorf("naming: DID history of %s at block %d: %w", id, prev, classify(err))
		}
		next := prev
		for _, l := range found {
			if l.Removed {
				continue
			}
			logs = append(logs, l)
			if pc, ok := c.previousChange(&l); ok && pc < next {
				next = pc
			}
		}
		if next == prev {
			break // nothing older, or a malformed chain of changes
		}
		prev = next
	}
	slices.SortFunc(logs, func(a, b types.Log) int {
		return cmp.Or(cmp.Compare(a.BlockNumber, b.BlockNumber), cmp.Compare(a.Index, b.Index))
	})
	return slices.CompactFunc(logs, func(a, b types.Log) bool {
		return a.BlockNumber == b.BlockNumber && a.Index == b.Index
	}), nil
}

// previousChange reads the previousChange field of a DID event.
func (c *Client) previousChange(l *types.Log) (uint64, bool) {
	var pc *big.Int
	if ev, err := c.did.UnpackDIDAttributeChangedEvent(l); err == nil {
		pc = ev.PreviousChange
	} else if ev, err := c.did.UnpackDIDDelegateChangedEvent(l); err == nil {
		pc = ev.PreviousChange
	} else if ev, err := c.did.UnpackDIDOwnerChangedEvent(l); err == nil {
		pc = ev.PreviousChange
	}
	if pc == nil || !pc.IsUint64() {
		return 0, false
	}
	return pc.Uint64(), true
}

// replay applies the events oldest first and builds the document valid at
// head's time; it also returns the earliest validTo among what it kept.
func (c *Client) replay(id, owner common.Address, logs []types.Log, head *types.Header) (*Document, uint64) {
	now := head.Time
	var order []string
	entries := make(map[string]*didEntry)
	touch := func(key string) *didEntry {
		e := entries[key]
		if e == nil {
			e = &didEntry{}
			entries[key] = e
			order = append(order, key)
		}
		return e
	}
	for i := range logs {
		l := &logs[i]
		if ev, err := c.did.UnpackDIDAttributeChangedEvent(l); err == nil {
			attr, err := ParseAttribute(ev.Name, ev.Value)
			if err != nil {
				c.log.Debug("naming: skipping DID attribute", "identity", id, "block", l.BlockNumber, "err", err)
				continue
			}
			e := touch("a\x00" + attr.Name + "\x00" + string(attr.Value))
			e.attr, e.validTo, e.revoked, e.seq = attr, clampU64(ev.ValidTo), ev.ValidTo.Sign() == 0, i
		} else if ev, err := c.did.UnpackDIDDelegateChangedEvent(l); err == nil {
			dt := string(bytes.TrimRight(ev.DelegateType[:], "\x00"))
			e := touch("d\x00" + dt + "\x00" + string(ev.Delegate[:]))
			e.delegate = Delegate{Type: dt, Address: ev.Delegate}
			e.validTo, e.seq = clampU64(ev.ValidTo), i
		}
	}

	doc := &Document{Identity: id, Owner: owner, Block: head.Number.Uint64(),
		Time: time.Unix(int64(now), 0), keys: make(map[[32]byte]KeyStatus),
		validTo: make(map[string]time.Time)}
	validUntil := uint64(math.MaxUint64)
	mailboxSeq := -1
	for _, key := range order {
		e := entries[key]
		valid := e.validTo > now
		if key[0] == 'd' {
			if valid {
				e.delegate.ValidTo = time.Unix(int64(min(e.validTo, math.MaxInt64)), 0)
				doc.Delegates = append(doc.Delegates, e.delegate)
				validUntil = min(validUntil, e.validTo)
			}
			continue
		}
		a := e.attr
		if a.IsNodeKey() {
			var k [32]byte
			copy(k[:], a.Value)
			switch {
			case valid:
				if doc.keys[k] != KeyValid {
					doc.NodeKeys = append(doc.NodeKeys, k)
				}
				doc.keys[k] = KeyValid
			case doc.keys[k] == KeyValid: // valid under another encoding
			case e.revoked:
				doc.keys[k] = KeyRevoked
			default:
				doc.keys[k] = KeyExpired
			}
		}
		if !valid {
			continue
		}
		validUntil = min(validUntil, e.validTo)
		doc.validTo[a.Name+"\x00"+string(a.Value)] = time.Unix(int64(min(e.validTo, math.MaxInt64)), 0)
		switch {
		case a.Name == AttrBinding:
			doc.Bindings = append(doc.Bindings, a.Value)
			continue
		case a.Name == AttrLocator:
			doc.Locators = append(doc.Locators, string(a.Value))
		case a.Name == AttrMailbox:
			if e.seq > mailboxSeq {
				doc.Mailbox, mailboxSeq = string(a.Value), e.seq
			}
		case a.Name == AttrRouter:
			doc.Routers = append(doc.Routers, string(a.Value))
		case a.Name == AttrUnderlay:
			if u, err := ParseUnderlay(string(a.Value)); err == nil {
				doc.Underlays = append(doc.Underlays, u)
			}
		}
		if a.Kind == AttrService {
			doc.Services = append(doc.Services, Service{Type: a.ServiceType, Endpoint: string(a.Value)})
		}
	}
	return doc, validUntil
}

func clampU64(v *big.Int) uint64 {
	if v == nil || v.Sign() < 0 {
		return 0
	}
	if !v.IsUint64() {
		return math.MaxUint64
	}
	return v.Uint64()
}
