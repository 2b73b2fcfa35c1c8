package control

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// RelayBackend is the API of relay incentives (apps/relay). Like
// MQBackend it is optional: a Backend without it answers these
// endpoints ErrUnsupported. Amounts are decimal wei.
type RelayBackend interface {
	// RelayStatus returns this node's roles, epoch, pending credit with
	// its fee, scores with their reasons, probes and commitments.
	RelayStatus(ctx context.Context) (RelayStatus, error)
	// RelayScore fetches an epoch's published evidence (from Guardian, a
	// name or 0x wallet, or this node's Guardians when empty),
	// recomputes every Edge's score and compares the root with the
	// chain's.
	RelayScore(ctx context.Context, epoch uint64, guardian string) (RelayScore, error)
	// RelayClaim claims this Edge's credit of an epoch with its proof;
	// with Withdraw it then withdraws everything claimed.
	RelayClaim(ctx context.Context, epoch uint64, withdraw bool) (RelayClaim, error)
	// RelayStake shows this wallet's stake in RelayCredits.
	RelayStake(ctx context.Context) (RelayStake, error)
	// RelayStakeChange stakes (Action "stake") or unstakes ("unstake")
	// Amount (wei, or a number with eth or gwei: ParseAmount), or
	// withdraws what unstaking has unlocked ("withdraw").
	RelayStakeChange(ctx context.Context, req RelayStakeRequest) (RelayStake, error)
}

// RelayStakeRequest changes this wallet's stake.
type RelayStakeRequest struct {
	Action string `json:"action"` // "stake", "unstake" or "withdraw"
	Amount string `json:"amount,omitempty"`
}

// Stake actions.
const (
	StakeAdd      = "stake"
	StakeRemove   = "unstake"
	StakeWithdraw = "withdraw"
)

// RelayStake is this wallet's stake (wei, decimal).
type RelayStake struct {
	Wallet   string `json:"wallet"`
	Contract string `json:"contract"`
	Staked   string `json:"staked"`
	// Unstaking is locked until UnlockAt (RFC 3339), then withdrawable.
	Unstaking string `json:"unstaking"`
	UnlockAt  string `json:"unlockAt,omitempty"`
	DelaySecs int64  `json:"delaySeconds"`
	// BytesPerEpoch is what Staked backs an epoch under this node's
	// rules (BytesPerEther per ether): as an Edge, the ceiling of what
	// unstaked endpoints' receipts earn it; as an endpoint, what it
	// vouches for beyond the per-endpoint cap.
	BytesPerEpoch uint64 `json:"bytesPerEpoch"`
	BytesPerEther uint64 `json:"bytesPerEther"`
	// Tx is the transaction of a change; Withdrawn what a withdrawal paid.
	Tx        string `json:"tx,omitempty"`
	Withdrawn string `json:"withdrawn,omitempty"`
}

// RelayStatus describes this node's relay roles.
type RelayStatus struct {
	Wallet      string   `json:"wallet"`
	Roles       string   `json:"roles"` // "edge,watchdog,guardian" or ""
	Epoch       uint64   `json:"epoch"`
	EpochSecs   int64    `json:"epochSeconds"`
	EpochEnds   string   `json:"epochEnds"` // RFC 3339
	Contract    string   `json:"contract,omitempty"`
	Guardians   []string `json:"guardians,omitempty"`
	PricePerGiB string   `json:"pricePerGiB"`
	FeeBps      uint64   `json:"feeBps"`
	// Balance is what this wallet claimed and has not withdrawn.
	Balance string `json:"balance,omitempty"`
	// Stake is this wallet's stake; Ceiling what it backs an epoch (an
	// Edge's most credit from unstaked endpoints; Pending is capped at
	// it).
	Stake   string `json:"stake,omitempty"`
	Ceiling uint64 `json:"ceiling,omitempty"`
	// Pending are an Edge's epochs before settlement: fee shown before.
	Pending []RelayPending `json:"pending,omitempty"`
	// Scores are an Edge's recomputed scores.
	Scores []RelayEdgeScore `json:"scores,omitempty"`
	// Probes are a WatchDog's tallies.
	Probes []RelayProbes `json:"probes,omitempty"`
	// Settled are a Guardian's epochs.
	Settled []RelaySettled `json:"settled,omitempty"`
}

// RelayPending is an Edge's unsettled epoch.
type RelayPending struct {
	Epoch     uint64 `json:"epoch"`
	Endpoints int    `json:"endpoints"`
	Sessions  int    `json:"sessions"`
	Bytes     uint64 `json:"bytes"`
	Gross     string `json:"gross"`
	Fee       string `json:"fee"`
	Net       string `json:"net"`
}

// RelayEdgeScore is one Edge's score in one epoch with the figures
// behind it.
type RelayEdgeScore struct {
	Epoch     uint64 `json:"epoch"`
	Edge      string `json:"edge"`
	Delivered uint64 `json:"delivered"`
	Claimed   uint64 `json:"claimedBytes"`
	// Backed is the part of Delivered endpoints' stake backs; the rest
	// is unbacked bytes up to Ceiling, what the Edge's Stake (wei) backs.
	Backed    uint64 `json:"backed"`
	Ceiling   uint64 `json:"ceiling"`
	Stake     string `json:"stake,omitempty"`
	Endpoints int    `json:"endpoints"`
	Probes    uint64 `json:"probes"`
	Answered  uint64 `json:"answered"`
	AvailPPM  uint64 `json:"availPPM"`
	Status    string `json:"status"`
	Why       string `json:"why,omitempty"`
	Gross     string `json:"gross"`
	Fee       string `json:"fee"`
	Net       string `json:"net"`
	Match     bool   `json:"match,omitempty"`
	ClaimTx   string `json:"claimTx,omitempty"`
}

// RelayProbes is a WatchDog's tally of one Edge in one epoch.
type RelayProbes struct {
	Epoch    uint64 `json:"epoch"`
	Edge     string `json:"edge"`
	Probes   uint64 `json:"probes"`
	Answered uint64 `json:"answered"`
	RTTMicro uint64 `json:"rttMicros"`
}

// RelaySettled is a Guardian's settled epoch.
type RelaySettled struct {
	Epoch     uint64 `json:"epoch"`
	Root      string `json:"root"`
	Total     string `json:"total"`
	Edges     int    `json:"edges"`
	Receipts  int    `json:"receipts"`
	Probes    int    `json:"probes"`
	Tx        string `json:"tx,omitempty"`
	CommitErr string `json:"commitError,omitempty"`
}

// RelayScore is an epoch recomputed from its published evidence.
type RelayScore struct {
	Epoch    uint64 `json:"epoch"`
	Guardian string `json:"guardian"`
	Receipts int    `json:"receipts"`
	Probes   int    `json:"probes"`
	// Root and Total are recomputed; OnChain and OnChainTotal are the
	// contract's; Match says they agree.
	Root         string `json:"root"`
	Total        string `json:"total"`
	OnChain      string `json:"onChain"`
	OnChainTotal string `json:"onChainTotal"`
	Match        bool   `json:"match"`
	// StakeBlock is the block of the published stake snapshot;
	// StakesMatch says the contract holds the same stakes there.
	StakeBlock    uint64           `json:"stakeBlock"`
	BytesPerEther uint64           `json:"bytesPerEther"`
	StakesMatch   bool             `json:"stakesMatch"`
	Edges         []RelayEdgeScore `json:"edges"`
}

// RelayClaim is a settled claim.
type RelayClaim struct {
	Epoch     uint64         `json:"epoch"`
	Amount    string         `json:"amount"`
	Tx        string         `json:"tx"`
	Score     RelayEdgeScore `json:"score"`
	Withdrawn string         `json:"withdrawn,omitempty"`
}

var errNoRelay = fmt.Errorf("%w: this process runs no relay service (it needs `anynet up`)", ErrUnsupported)

type noRelay struct{}

func (noRelay) RelayStatus(context.Context) (RelayStatus, error) { return RelayStatus{}, errNoRelay }
func (noRelay) RelayScore(context.Context, uint64, string) (RelayScore, error) {
	return RelayScore{}, errNoRelay
}
func (noRelay) RelayClaim(context.Context, uint64, bool) (RelayClaim, error) {
	return RelayClaim{}, errNoRelay
}
func (noRelay) RelayStake(context.Context) (RelayStake, error) { return RelayStake{}, errNoRelay }
func (noRelay) RelayStakeChange(context.Context, RelayStakeRequest) (RelayStake, error) {
	return RelayStake{}, errNoRelay
}

func (s *Server) relayHandlers(b Backend, get, post func(string, func(*http.Request) (any, error))) {
	rb, ok := b.(RelayBackend)
	if !ok {
		rb = noRelay{}
	}
	get("/v1/relay/status", func(r *http.Request) (any, error) { return rb.RelayStatus(r.Context()) })
	get("/v1/relay/score", func(r *http.Request) (any, error) {
		epoch, err := strconv.ParseUint(r.URL.Query().Get("epoch"), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: epoch %q: want a number", ErrBadRequest, r.URL.Query().Get("epoch"))
		}
		return rb.RelayScore(r.Context(), epoch, r.URL.Query().Get("guardian"))
	})
	post("/v1/relay/claim", func(r *http.Request) (any, error) {
		var req struct {
			Epoch    uint64 `json:"epoch"`
			Withdraw bool   `json:"withdraw"`
		}
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return rb.RelayClaim(r.Context(), req.Epoch, req.Withdraw)
	})
	get("/v1/relay/stake", func(r *http.Request) (any, error) { return rb.RelayStake(r.Context()) })
	post("/v1/relay/stake", func(r *http.Request) (any, error) {
		var req RelayStakeRequest
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		switch req.Action {
		case StakeAdd, StakeRemove:
			if _, err := ParseAmount(req.Amount); err != nil {
				return nil, err
			}
		case StakeWithdraw:
		default:
			return nil, fmt.Errorf("%w: stake action %q: want stake, unstake or withdraw", ErrBadRequest, req.Action)
		}
		return rb.RelayStakeChange(r.Context(), req)
	})
}

var _ RelayBackend = (*Client)(nil)

// RelayStatus, RelayScore and RelayClaim call the relay endpoints.
func (c *Client) RelayStatus(ctx context.Context) (s RelayStatus, err error) {
	return s, c.do(ctx, "GET", "/v1/relay/status", nil, &s)
}

func (c *Client) RelayScore(ctx context.Context, epoch uint64, guardian string) (s RelayScore, err error) {
	q := "/v1/relay/score?epoch=" + strconv.FormatUint(epoch, 10)
	if guardian != "" {
		q += "&guardian=" + url.QueryEscape(guardian)
	}
	return s, c.do(ctx, "GET", q, nil, &s)
}

func (c *Client) RelayClaim(ctx context.Context, epoch uint64, withdraw bool) (cl RelayClaim, err error) {
	return cl, c.do(ctx, "POST", "/v1/relay/claim", map[string]any{"epoch": epoch, "withdraw": withdraw}, &cl)
}

// RelayStake and RelayStakeChange call the stake endpoints.
func (c *Client) RelayStake(ctx context.Context) (s RelayStake, err error) {
	return s, c.do(ctx, "GET", "/v1/relay/stake", nil, &s)
}

func (c *Client) RelayStakeChange(ctx context.Context, req RelayStakeRequest) (s RelayStake, err error) {
	return s, c.do(ctx, "POST", "/v1/relay/stake", req, &s)
}
