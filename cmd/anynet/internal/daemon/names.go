package daemon

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/naming"
)

// fullName is name with the TLD appended when it has a single label.
func (d *Daemon) fullName(name string) string {
	if !strings.Contains(name, ".") {
		return name + "." + d.names.Config().TLD
	}
	return name
}

// lookup turns a name, 0x wallet or did:ethr DID into a wallet; a name
// comes back normalized (ENSIP-15).
func (d *Daemon) lookup(ctx context.Context, host string) (common.Address, string, error) {
	if common.IsHexAddress(host) && strings.HasPrefix(host, "0x") {
		return common.HexToAddress(host), "", nil
	}
	if strings.HasPrefix(host, "did:") {
		cid, w, err := naming.ParseDID(host)
		if err != nil {
			return common.Address{}, "", fmt.Errorf("%w: %v", control.ErrBadRequest, err)
		}
		if cid != nil && d.chainID != nil && cid.Cmp(d.chainID) != 0 {
			return common.Address{}, "", fmt.Errorf("%w: %s is on chain %v; this node uses chain %v (%s)", control.ErrBadRequest, host, cid, d.chainID, naming.FormatDID(d.chainID, w))
		}
		return w, "", nil
	}
	name, err := naming.Normalize(d.fullName(host))
	if err != nil {
		return common.Address{}, "", fmt.Errorf("%w: %q is not a valid name: %v", control.ErrBadRequest, host, err)
	}
	w, err := d.names.Resolve(ctx, name)
	if errors.Is(err, naming.ErrNotFound) {
		return common.Address{}, name, fmt.Errorf("%w: %s is not registered on chain: %v", control.ErrNotFound, name, err)
	}
	if err != nil {
		return common.Address{}, name, err
	}
	return w, name, nil
}

// Resolve implements control.Backend: the whole document anynet reads.
func (d *Daemon) Resolve(ctx context.Context, host string, texts ...string) (control.Resolved, error) {
	if host == "" {
		return control.Resolved{}, fmt.Errorf("%w: resolve what? give a name", control.ErrBadRequest)
	}
	w, name, err := d.lookup(ctx, host)
	if err != nil {
		return control.Resolved{}, err
	}
	if name == "" {
		name, _ = d.names.Reverse(ctx, w)
	}
	r := control.Resolved{Name: name, Wallet: w.Hex(), DID: naming.FormatDID(d.chainID, w)}
	doc, err := d.names.DIDDocument(ctx, w)
	if err == nil {
		fillDocument(&r, doc)
	} else if !errors.Is(err, naming.ErrNotFound) {
		return r, err
	}
	for _, k := range texts {
		if name == "" {
			return r, fmt.Errorf("%w: %s has no name, so no text records", control.ErrNotFound, w.Hex())
		}
		v, err := d.names.Text(ctx, name, k)
		switch {
		case errors.Is(err, naming.ErrNotFound):
			continue
		case err != nil:
			return r, err
		}
		if r.Texts == nil {
			r.Texts = make(map[string]string)
		}
		r.Texts[k] = v
	}
	d.seen(w, "chain", "", func(p *control.Peer) {
		if name != "" {
			p.Name = name
		}
		if len(r.Underlay) > 0 && p.Source != "router" && p.Source != "static" {
			p.Addr = r.Underlay[len(r.Underlay)-1]
		}
	})
	return r, nil
}

// fillDocument copies what a DID document says into r.
func fillDocument(r *control.Resolved, doc *naming.Document) {
	for _, k := range doc.NodeKeys {
		h := common.Bytes2Hex(k[:])
		r.NodeKeys = append(r.NodeKeys, h)
		rk := control.ResolvedKey{Key: h, Status: doc.KeyStatus(k).String()}
		if t, ok := doc.ValidUntil(naming.AttrNodeKey, k[:]); ok {
			rk.ValidUntil = t.UTC()
		}
		r.Keys = append(r.Keys, rk)
	}
	for _, u := range doc.Underlays {
		r.Underlay = append(r.Underlay, u.Addr.String())
		e := control.ResolvedEndpoint{Addr: u.Addr.String()}
		if u.NodeKey != ([32]byte{}) {
			e.NodeKey = common.Bytes2Hex(u.NodeKey[:])
		}
		r.Endpoints = append(r.Endpoints, e)
	}
	r.Locators = doc.Locators
	r.Routers = doc.Routers
	for _, s := range doc.Services {
		r.Services = append(r.Services, control.ResolvedService{Type: s.Type, Endpoint: s.Endpoint})
	}
	r.Mailbox = doc.Mailbox
}

// maxLabelBytes is naming's longest label: a DNS-encoded label has a
// one-byte length.
const maxLabelBytes = 255

// Register implements control.Backend: claim label.<TLD> for this wallet;
// it becomes the wallet's primary (reverse) name with primary, or when
// the wallet has none.
func (d *Daemon) Register(ctx context.Context, label string, primary bool) (control.Registered, error) {
	label = strings.TrimSuffix(label, "."+d.names.Config().TLD) // "bob.anynet" claims bob too
	shown := fmt.Sprintf("%q", label)
	if r := []rune(label); len(r) > 40 { // quoted whole, it would fill the screen
		shown = fmt.Sprintf("%q… (%d characters)", string(r[:40]), len(r))
	}
	if len(label) > maxLabelBytes {
		return control.Registered{}, fmt.Errorf("%w: name %s is too long: a label is at most %d bytes (\"alice\" for alice.%s)", control.ErrBadRequest, shown, maxLabelBytes, d.names.Config().TLD)
	}
	if label == "" || strings.Contains(label, ".") {
		return control.Registered{}, fmt.Errorf("%w: register a single label (\"alice\" for alice.%s), not %s", control.ErrBadRequest, d.names.Config().TLD, shown)
	}
	l, err := naming.NormalizeLabel(label)
	if err != nil {
		return control.Registered{}, fmt.Errorf("%w: %v", control.ErrBadRequest, err)
	}
	if d.emb != nil {
		if err := d.emb.Fund(ctx, d.wallet); err != nil {
			return control.Registered{}, err
		}
	}
	current, err := d.names.Reverse(ctx, d.wallet)
	if err != nil && !errors.Is(err, naming.ErrNotFound) && !errors.Is(err, naming.ErrReverseMismatch) {
		return control.Registered{}, err
	}
	setPrimary := primary || current == ""
	auth := d.auth(ctx)
	var name string
	if setPrimary {
		name, err = d.names.ClaimName(ctx, auth, l)
	} else {
		name, err = d.names.Register(ctx, auth, l, d.wallet)
	}
	if errors.Is(err, naming.ErrReverted) {
		return control.Registered{}, fmt.Errorf("%s.%s is taken by another wallet (or this wallet cannot pay gas): %w", l, d.names.Config().TLD, err)
	}
	if err != nil {
		return control.Registered{}, err
	}
	res := control.Registered{Name: name, Wallet: d.wallet.Hex(), Primary: setPrimary, PrimaryName: current}
	if setPrimary {
		res.PrimaryName = name
		d.mu.Lock()
		d.name = name
		d.mu.Unlock()
	}
	return res, nil
}

// chainInfo lists a naming config's contracts for chain info.
func chainInfo(c naming.Config) control.ChainInfo {
	hex := func(a common.Address) string {
		if a == (common.Address{}) {
			return ""
		}
		return a.Hex()
	}
	return control.ChainInfo{
		Registry: hex(c.Registry), DID: hex(c.DIDRegistry), TLD: c.TLD,
		Resolver: hex(c.Resolver), Registrar: hex(c.Registrar), ReverseRegistrar: hex(c.ReverseRegistrar), Passes: hex(c.Passes),
	}
}
