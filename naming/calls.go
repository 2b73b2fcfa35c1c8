package naming

import (
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Call is one contract write, not yet signed or sent: the calldata for a
// contract. Register and Publish send theirs one transaction at a time,
// each waiting for its receipt; a caller that seals its own blocks (the
// simulator registers thousands of nodes with many transactions per
// block) takes the same calls from RegisterCall and PublishCalls, signs
// and sends them itself.
type Call struct {
	To   common.Address
	Data []byte
	What string // for errors: "register n7.anynet", "publish did/svc/AnynetUnderlay"
}

// RegisterCall is the one write Register sends to anynet's own
// FIFSRegistrar: claim label under the TLD for owner and, when
// Config.Resolver is set, point the name at it with its addr record set
// to owner (registerWithConfig, which standard registrars lack: Register
// then takes the standard calls). It returns the full name.
func (c *Client) RegisterCall(label string, owner common.Address) (string, Call, error) {
	if err := need(c.cfg.Registrar, "registrar"); err != nil {
		return "", Call{}, err
	}
	l, err := NormalizeLabel(label)
	if err != nil {
		return "", Call{}, err
	}
	name := l + "." + c.cfg.TLD
	var data []byte
	if c.cfg.Resolver == (common.Address{}) {
		data = c.registrar.PackRegister(LabelHash(l), owner)
	} else {
		data = c.registrar.PackRegisterWithConfig(LabelHash(l), owner, c.cfg.Resolver, owner)
	}
	return name, Call{To: c.cfg.Registrar, Data: data, What: "register " + name}, nil
}

// PublishCalls are the setAttribute writes Publish sends for req, one
// per attribute, in Publish's order (node key, binding, locators,
// mailbox, routers, underlays, services). Every attribute is checked
// before any call is returned. id zero is an error here: the sender is
// not known.
func (c *Client) PublishCalls(id common.Address, req PublishRequest) ([]Call, error) {
	if err := need(c.cfg.DIDRegistry, "DID registry"); err != nil {
		return nil, err
	}
	if id == (common.Address{}) {
		return nil, fmt.Errorf("naming: publish: no identity")
	}
	validity := req.Validity
	if validity <= 0 {
		validity = DefaultValidity
	}
	type attr struct {
		name  string
		value []byte
	}
	var attrs []attr
	if req.NodeKey != ([32]byte{}) {
		attrs = append(attrs, attr{AttrNodeKey, req.NodeKey[:]})
	}
	if len(req.Binding) > 0 {
		attrs = append(attrs, attr{AttrBinding, req.Binding})
	}
	for _, l := range req.Locators {
		attrs = append(attrs, attr{AttrLocator, []byte(l)})
	}
	if req.Mailbox != "" {
		attrs = append(attrs, attr{AttrMailbox, []byte(req.Mailbox)})
	}
	for _, r := range req.Routers {
		attrs = append(attrs, attr{AttrRouter, []byte(r)})
	}
	for _, u := range req.Underlays {
		attrs = append(attrs, attr{AttrUnderlay, []byte(u.String())})
	}
	for _, sv := range req.Services {
		attrs = append(attrs, attr{"did/svc/" + sv.Type, []byte(sv.Endpoint)})
	}
	secs := big.NewInt(int64(validity / time.Second))
	calls := make([]Call, len(attrs))
	for i, a := range attrs {
		n, err := AttributeName(a.name)
		v := ChainValue(a.name, a.value)
		if err == nil {
			_, err = ParseAttribute(n, v)
		}
		if err != nil {
			return nil, fmt.Errorf("naming: publish: %w", err)
		}
		calls[i] = Call{To: c.cfg.DIDRegistry, Data: c.did.PackSetAttribute(id, n, v, secs), What: "publish " + a.name}
	}
	return calls, nil
}
