package control

import (
	"context"
	"fmt"
	"net/http"
)

// VPNBackend is the API of VPN exits and the proxy through them
// (apps/vpn). Like PassBackend it is optional: a Backend without it
// answers these endpoints ErrUnsupported.
type VPNBackend interface {
	// VPNStatus returns what the node's exit and proxy are doing.
	VPNStatus(ctx context.Context) (VPNStatus, error)
	// VPNExits lists the exits advertised on chain.
	VPNExits(ctx context.Context) ([]VPNExit, error)
}

// VPNStatus is the node's exit role and proxy; a nil part is not
// running.
type VPNStatus struct {
	Exit  *VPNExitStatus  `json:"exit,omitempty"`
	Proxy *VPNProxyStatus `json:"proxy,omitempty"`
}

// VPNExitStatus is the node's exit.
type VPNExitStatus struct {
	// Advert is the AnynetExit entry published in the DID document.
	Advert string `json:"advert"`
	// Published: the advert is on chain (else PublishError says why not).
	Published    bool   `json:"published"`
	PublishError string `json:"publishError,omitempty"`
	Sessions     uint64 `json:"sessions"`
	Refused      uint64 `json:"refused"`
	Up           uint64 `json:"up"`   // bytes clients → destinations
	Down         uint64 `json:"down"` // bytes destinations → clients
}

// VPNProxyStatus is the node's SOCKS5/HTTP proxy.
type VPNProxyStatus struct {
	Addr      string   `json:"addr"`
	Exits     []string `json:"exits"`
	InUse     string   `json:"inUse,omitempty"`
	Sessions  uint64   `json:"sessions"`
	Failovers uint64   `json:"failovers"`
	Up        uint64   `json:"up"`
	Down      uint64   `json:"down"`
}

// VPNExit is an exit advertised on chain.
type VPNExit struct {
	Wallet string `json:"wallet"`
	Region string `json:"region"`
	Price  string `json:"price"`
	Policy string `json:"policy"`
}

func (s *Server) vpnHandlers(b Backend, get func(string, func(*http.Request) (any, error))) {
	vb, ok := b.(VPNBackend)
	if !ok {
		vb = noVPN{}
	}
	get("/v1/vpn/status", func(r *http.Request) (any, error) { return vb.VPNStatus(r.Context()) })
	get("/v1/vpn/exits", func(r *http.Request) (any, error) { return vb.VPNExits(r.Context()) })
}

var _ VPNBackend = (*Client)(nil)

// VPNStatus and VPNExits call the VPN endpoints (see doc.go).
func (c *Client) VPNStatus(ctx context.Context) (s VPNStatus, err error) {
	return s, c.do(ctx, "GET", "/v1/vpn/status", nil, &s)
}

func (c *Client) VPNExits(ctx context.Context) (l []VPNExit, err error) {
	return l, c.do(ctx, "GET", "/v1/vpn/exits", nil, &l)
}

var errNoVPN = fmt.Errorf("%w: this process runs no node (VPN exits need `anynet up`)", ErrUnsupported)

// noVPN answers the VPNBackend endpoints of a Backend without them.
type noVPN struct{}

func (noVPN) VPNStatus(context.Context) (VPNStatus, error) { return VPNStatus{}, errNoVPN }
func (noVPN) VPNExits(context.Context) ([]VPNExit, error)  { return nil, errNoVPN }
