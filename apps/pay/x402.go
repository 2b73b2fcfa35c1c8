package pay

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// The x402 (version 2) headers, and this package's scheme: a voucher of a
// PaymentChannels channel instead of one transaction per request.
const (
	HeaderPaymentRequired  = "PAYMENT-REQUIRED"
	HeaderPaymentSignature = "PAYMENT-SIGNATURE"
	HeaderPaymentResponse  = "PAYMENT-RESPONSE"
	SchemeChannel          = "anynet-channel"
)

// Requirements is one entry of an x402 PaymentRequired's "accepts".
type Requirements struct {
	Scheme  string            `json:"scheme"`
	Network string            `json:"network"` // "eip155:<chain id>"
	Amount  string            `json:"amount"`  // decimal, in the asset's units
	Asset   string            `json:"asset"`   // token address; zero: ether
	PayTo   string            `json:"payTo"`
	Extra   map[string]string `json:"extra,omitempty"` // "contract": the PaymentChannels address
}

// PaymentRequired is the body of the PAYMENT-REQUIRED header (base64 JSON).
type PaymentRequired struct {
	X402Version int            `json:"x402Version"`
	Error       string         `json:"error,omitempty"`
	Accepts     []Requirements `json:"accepts"`
}

// ChannelPayload is the scheme's payload: one voucher.
type ChannelPayload struct {
	Channel    string `json:"channel"`
	Cumulative string `json:"cumulative"`
	Amount     string `json:"amount"`
	Signature  string `json:"signature"`
}

// PaymentPayload is the body of the PAYMENT-SIGNATURE header.
type PaymentPayload struct {
	X402Version int            `json:"x402Version"`
	Accepted    Requirements   `json:"accepted"`
	Payload     ChannelPayload `json:"payload"`
}

// SettlementResponse is the body of the PAYMENT-RESPONSE header. A
// channel voucher settles later, so Transaction is empty; Cumulative is
// the channel's total the payee now holds.
type SettlementResponse struct {
	Success     bool   `json:"success"`
	Transaction string `json:"transaction"`
	Network     string `json:"network"`
	Payer       string `json:"payer"`
	Channel     string `json:"channel"`
	Cumulative  string `json:"cumulative"`
}

func encodeHeader(v any) string {
	j, _ := json.Marshal(v)
	return base64.StdEncoding.EncodeToString(j)
}

func decodeHeader(s string, v any) error {
	j, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if err := json.Unmarshal(j, v); err != nil {
		return fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	return nil
}

type walletKey struct{}

// ConnContext is an http.Server ConnContext that records the verified
// wallet of each connection (through peers, a *stack.Node) for X402.
func ConnContext(peers Peers) func(context.Context, net.Conn) context.Context {
	return func(ctx context.Context, c net.Conn) context.Context {
		if w, err := peers.PeerOf(c); err == nil {
			return context.WithValue(ctx, walletKey{}, w)
		}
		return ctx
	}
}

func (p *Payee) network() string { return "eip155:" + p.Chain.ChainID.String() }

// X402 guards next: a request without a valid PAYMENT-SIGNATURE paying
// price of token on a channel of the requester's verified wallet gets 402
// with PAYMENT-REQUIRED; a paid one is served with PAYMENT-RESPONSE. The
// voucher is stored (synced) before next runs. The server must set
// ConnContext(node) so the requester's wallet is known.
func (p *Payee) X402(token common.Address, price *big.Int, next http.Handler) http.Handler {
	req := Requirements{Scheme: SchemeChannel, Network: p.network(), Amount: price.String(),
		Asset: token.Hex(), PayTo: p.Wallet.Address().Hex(),
		Extra: map[string]string{"contract": p.Chain.Channels.Hex()}}
	refuse := func(w http.ResponseWriter, why string) {
		w.Header().Set(HeaderPaymentRequired, encodeHeader(PaymentRequired{X402Version: 2, Error: why, Accepts: []Requirements{req}}))
		http.Error(w, "payment required: "+why, http.StatusPaymentRequired)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := p.init(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		from, ok := r.Context().Value(walletKey{}).(common.Address)
		if !ok {
			http.Error(w, "pay: connection without a verified wallet", http.StatusForbidden)
			return
		}
		h := r.Header.Get(HeaderPaymentSignature)
		if h == "" {
			refuse(w, "no payment")
			return
		}
		v, err := parsePayment(h, req)
		if err == nil {
			err = p.acceptVoucher(r.Context(), from, v, price)
		}
		if err == nil {
			_, err = p.persist(v.Channel)
		}
		if err != nil {
			refuse(w, err.Error())
			return
		}
		w.Header().Set(HeaderPaymentResponse, encodeHeader(SettlementResponse{Success: true,
			Network: req.Network, Payer: from.Hex(), Channel: v.Channel.Hex(), Cumulative: v.Cumulative.String()}))
		next.ServeHTTP(w, r)
	})
}

// parsePayment reads a PAYMENT-SIGNATURE for requirements req.
func parsePayment(h string, req Requirements) (*Voucher, error) {
	var pp PaymentPayload
	if err := decodeHeader(h, &pp); err != nil {
		return nil, err
	}
	if pp.Accepted.Scheme != req.Scheme || pp.Accepted.Network != req.Network {
		return nil, fmt.Errorf("%w: scheme %q on %q", ErrWrongChain, pp.Accepted.Scheme, pp.Accepted.Network)
	}
	cum, ok1 := new(big.Int).SetString(pp.Payload.Cumulative, 10)
	amt, ok2 := new(big.Int).SetString(pp.Payload.Amount, 10)
	sig, err := hexutil.Decode(pp.Payload.Signature)
	id, err2 := hexutil.Decode(pp.Payload.Channel)
	if !ok1 || !ok2 || err != nil || err2 != nil || len(sig) != 65 || len(id) != 32 || cum.Sign() < 0 || cum.BitLen() > 256 {
		return nil, fmt.Errorf("%w: voucher in header", ErrMalformed)
	}
	v := &Voucher{Channel: common.BytesToHash(id), Cumulative: cum, Amount: amt}
	copy(v.Sig[:], sig)
	return v, nil
}

// X402Transport is an http.RoundTripper that pays for resources behind
// X402: on a 402 offering SchemeChannel on its chain, it opens a channel
// to the payTo wallet (once per payee, with Deposit) and retries with a
// voucher; later requests to the same host carry a voucher at once.
// Request bodies must be replayable (nil, or GetBody set).
type X402Transport struct {
	Client  *Client
	Base    http.RoundTripper // nil: http.DefaultTransport
	Deposit *big.Int          // per channel; nil: 1,000 times the first price

	mu       sync.Mutex                  // guards the maps
	channels map[common.Address]*Channel // by payee
	known    map[string]Requirements     // by host: what it asked last
}

// Channels returns the channels the transport opened, by payee.
func (t *X402Transport) Channels() map[common.Address]*Channel {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[common.Address]*Channel, len(t.channels))
	for k, v := range t.channels {
		out[k] = v
	}
	return out
}

func (t *X402Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

// RoundTrip implements http.RoundTripper.
func (t *X402Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.mu.Lock()
	req, known := t.known[r.URL.Host]
	t.mu.Unlock()
	if known {
		return t.paid(r, req)
	}
	resp, err := t.base().RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusPaymentRequired {
		return resp, err
	}
	var pr PaymentRequired
	if err := decodeHeader(resp.Header.Get(HeaderPaymentRequired), &pr); err != nil {
		return resp, nil
	}
	want := "eip155:" + t.Client.Chain.ChainID.String()
	for _, a := range pr.Accepts {
		if a.Scheme == SchemeChannel && a.Network == want && common.HexToAddress(a.Extra["contract"]) == t.Client.Chain.Channels {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			t.mu.Lock()
			if t.known == nil {
				t.known = map[string]Requirements{}
			}
			t.known[r.URL.Host] = a
			t.mu.Unlock()
			return t.paid(r, a)
		}
	}
	return resp, nil
}

// paid sends r with a voucher for req.
func (t *X402Transport) paid(r *http.Request, req Requirements) (*http.Response, error) {
	price, ok := new(big.Int).SetString(req.Amount, 10)
	if !ok || price.Sign() <= 0 {
		return nil, fmt.Errorf("%w: x402 amount %q", ErrMalformed, req.Amount)
	}
	ch, err := t.channel(r.Context(), req, price)
	if err != nil {
		return nil, err
	}
	v, err := ch.Voucher(price)
	if err != nil {
		return nil, err
	}
	pp := PaymentPayload{X402Version: 2, Accepted: req, Payload: ChannelPayload{
		Channel: v.Channel.Hex(), Cumulative: v.Cumulative.String(), Amount: v.Amount.String(),
		Signature: hexutil.Encode(v.Sig[:])}}
	r2 := r.Clone(r.Context())
	if r.Body != nil && r.GetBody != nil {
		if r2.Body, err = r.GetBody(); err != nil {
			return nil, err
		}
	} else if r.Body != nil && r.Body != http.NoBody {
		return nil, fmt.Errorf("pay: x402: request body cannot be replayed")
	}
	r2.Header.Set(HeaderPaymentSignature, encodeHeader(pp))
	resp, err := t.base().RoundTrip(r2)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusPaymentRequired {
		var pr PaymentRequired
		decodeHeader(resp.Header.Get(HeaderPaymentRequired), &pr)
		resp.Body.Close()
		return nil, fmt.Errorf("%w: x402 payment refused: %s", ErrRefused, pr.Error)
	}
	return resp, nil
}

func (t *X402Transport) channel(ctx context.Context, req Requirements, price *big.Int) (*Channel, error) {
	payee := common.HexToAddress(req.PayTo)
	t.mu.Lock()
	defer t.mu.Unlock()
	if ch := t.channels[payee]; ch != nil {
		return ch, nil
	}
	dep := t.Deposit
	if dep == nil {
		dep = new(big.Int).Mul(price, big.NewInt(1000))
	}
	ch, err := t.Client.OpenChannelTo(ctx, payee, common.HexToAddress(req.Asset), dep)
	if err != nil {
		return nil, err
	}
	if t.channels == nil {
		t.channels = map[common.Address]*Channel{}
	}
	t.channels[payee] = ch
	return ch, nil
}
