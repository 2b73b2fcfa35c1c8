package pay

import (
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// x402's standard "exact" scheme on EVM chains: each request is paid by
// an EIP-3009 TransferWithAuthorization the payer signs for the token
// (the payload: signature and authorization), which the server — acting
// as its own facilitator — checks and submits: one transaction per
// request, against two per channel for SchemeChannel. The requirements'
// extra carries the token's EIP-712 domain name and version.
const SchemeExact = "exact"

// ExactAuthorization is EIP-3009's TransferWithAuthorization as x402
// carries it: addresses and the nonce in 0x hex, integers in decimal.
type ExactAuthorization struct {
	From        string `json:"from"`
	To          string `json:"to"`
	Value       string `json:"value"`
	ValidAfter  string `json:"validAfter"`
	ValidBefore string `json:"validBefore"`
	Nonce       string `json:"nonce"`
}

// ExactPayload is the exact scheme's payload.
type ExactPayload struct {
	Signature     string             `json:"signature"`
	Authorization ExactAuthorization `json:"authorization"`
}

// ExactPaymentPayload is the PAYMENT-SIGNATURE body of the exact scheme.
type ExactPaymentPayload struct {
	X402Version int          `json:"x402Version"`
	Accepted    Requirements `json:"accepted"`
	Payload     ExactPayload `json:"payload"`
}

var (
	eip712DomainType = crypto.Keccak256Hash([]byte("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"))
	transferAuthType = crypto.Keccak256Hash([]byte("TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"))
)

// authorization is a parsed ExactAuthorization.
type authorization struct {
	from, to             common.Address
	value, after, before *big.Int
	nonce                common.Hash
}

// digest is the EIP-712 digest of a under token's domain (name, version).
func (a *authorization) digest(name, version string, chainID *big.Int, token common.Address) common.Hash {
	dom := crypto.Keccak256Hash(eip712DomainType[:], crypto.Keccak256([]byte(name)), crypto.Keccak256([]byte(version)),
		math.U256Bytes(new(big.Int).Set(chainID)), common.LeftPadBytes(token[:], 32))
	st := crypto.Keccak256Hash(transferAuthType[:], common.LeftPadBytes(a.from[:], 32), common.LeftPadBytes(a.to[:], 32),
		math.U256Bytes(new(big.Int).Set(a.value)), math.U256Bytes(new(big.Int).Set(a.after)),
		math.U256Bytes(new(big.Int).Set(a.before)), a.nonce[:])
	return crypto.Keccak256Hash([]byte{0x19, 0x01}, dom[:], st[:])
}

func parseAuthorization(e ExactAuthorization) (*authorization, error) {
	a := &authorization{}
	var ok [3]bool
	a.value, ok[0] = new(big.Int).SetString(e.Value, 10)
	a.after, ok[1] = new(big.Int).SetString(e.ValidAfter, 10)
	a.before, ok[2] = new(big.Int).SetString(e.ValidBefore, 10)
	nonce, err := hexutil.Decode(e.Nonce)
	if !ok[0] || !ok[1] || !ok[2] || err != nil || len(nonce) != 32 || !common.IsHexAddress(e.From) || !common.IsHexAddress(e.To) {
		return nil, fmt.Errorf("%w: x402 authorization", ErrMalformed)
	}
	for _, x := range []*big.Int{a.value, a.after, a.before} {
		if x.Sign() < 0 || x.BitLen() > 256 {
			return nil, fmt.Errorf("%w: x402 authorization integer %s", ErrMalformed, x)
		}
	}
	a.from, a.to, a.nonce = common.HexToAddress(e.From), common.HexToAddress(e.To), common.BytesToHash(nonce)
	return a, nil
}

// X402Exact guards next with x402's exact scheme in token (an EIP-3009
// token whose EIP-712 domain name is tokenName, version "1"): a request
// without a valid PAYMENT-SIGNATURE gets 402 and PAYMENT-REQUIRED; a
// paid one is settled on chain (the payee submits the authorization and
// waits for it to be mined) and served with PAYMENT-RESPONSE naming the
// transaction. The authorization must be signed by the connection's
// verified wallet (ConnContext), pay this payee exactly price, and be
// valid now.
func (p *Payee) X402Exact(token common.Address, tokenName string, price *big.Int, next http.Handler) http.Handler {
	req := Requirements{Scheme: SchemeExact, Network: p.network(), Amount: price.String(),
		Asset: token.Hex(), PayTo: p.Wallet.Address().Hex(), Extra: map[string]string{"name": tokenName, "version": "1"}}
	refuse := func(w http.ResponseWriter, why string) {
		w.Header().Set(HeaderPaymentRequired, encodeHeader(PaymentRequired{X402Version: 2, Error: why, Accepts: []Requirements{req}}))
		http.Error(w, "payment required: "+why, http.StatusPaymentRequired)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
		tx, err := p.settleExact(r, h, req, from, token, tokenName, price)
		if err != nil {
			refuse(w, err.Error())
			return
		}
		w.Header().Set(HeaderPaymentResponse, encodeHeader(SettlementResponse{Success: true,
			Transaction: tx.Hex(), Network: req.Network, Payer: from.Hex()}))
		next.ServeHTTP(w, r)
	})
}

// settleExact checks an exact payment and submits it.
func (p *Payee) settleExact(r *http.Request, h string, req Requirements, from, token common.Address, tokenName string, price *big.Int) (common.Hash, error) {
	var pp ExactPaymentPayload
	if err := decodeHeader(h, &pp); err != nil {
		return common.Hash{}, err
	}
	if pp.Accepted.Scheme != SchemeExact || pp.Accepted.Network != req.Network || common.HexToAddress(pp.Accepted.Asset) != token {
		return common.Hash{}, fmt.Errorf("%w: scheme %q on %q in %s", ErrWrongChain, pp.Accepted.Scheme, pp.Accepted.Network, pp.Accepted.Asset)
	}
	a, err := parseAuthorization(pp.Payload.Authorization)
	if err != nil {
		return common.Hash{}, err
	}
	sig, err := hexutil.Decode(pp.Payload.Signature)
	if err != nil || len(sig) != 65 {
		return common.Hash{}, fmt.Errorf("%w: x402 signature", ErrMalformed)
	}
	now := big.NewInt(p.now().Unix())
	switch {
	case a.to != p.Wallet.Address():
		return common.Hash{}, fmt.Errorf("%w: authorization pays %s", ErrWrongPayee, a.to)
	case a.value.Cmp(price) != 0:
		return common.Hash{}, fmt.Errorf("%w: authorization for %s, price %s", ErrWrongAmount, a.value, price)
	case now.Cmp(a.before) >= 0 || now.Cmp(a.after) <= 0:
		return common.Hash{}, fmt.Errorf("%w: authorization valid after %s before %s", ErrExpired, a.after, a.before)
	case a.from != from:
		return common.Hash{}, fmt.Errorf("%w: authorization from %s, connection from %s", ErrForeignSigner, a.from, from)
	}
	var s65 [65]byte
	copy(s65[:], sig)
	signer, err := recoverSigner(a.digest(tokenName, "1", p.Chain.ChainID, token), s65)
	if err != nil || signer != a.from {
		return common.Hash{}, fmt.Errorf("%w: authorization signed by %s", ErrForeignSigner, signer)
	}
	out, err := p.Chain.call(r.Context(), token, tokenABI.PackAuthorizationState(a.from, a.nonce))
	if err != nil {
		return common.Hash{}, err
	}
	if used, err := tokenABI.UnpackAuthorizationState(out); err != nil || used {
		return common.Hash{}, fmt.Errorf("%w: authorization nonce %s used", ErrReplayed, a.nonce)
	}
	v := s65[64]
	if v < 27 {
		v += 27
	}
	rc, err := p.Chain.transact(r.Context(), p.Wallet, &token, nil, tokenABI.PackTransferWithAuthorization(
		a.from, a.to, a.value, a.after, a.before, a.nonce, v, [32]byte(s65[:32]), [32]byte(s65[32:64])))
	if err != nil {
		return common.Hash{}, fmt.Errorf("pay: settle x402 payment: %w", err)
	}
	if rc.Status != types.ReceiptStatusSuccessful {
		return common.Hash{}, fmt.Errorf("%w: settlement reverted", ErrFailed)
	}
	return rc.TxHash, nil
}

// ExactTransport is an http.RoundTripper that pays for resources behind
// an x402 exact scheme on its chain: on a 402 it signs an EIP-3009
// authorization for the price (valid for Validity) and retries. Request
// bodies must be replayable (nil, or GetBody set).
type ExactTransport struct {
	Wallet  Wallet
	ChainID *big.Int
	Base    http.RoundTripper // nil: http.DefaultTransport
	// Validity is how long an authorization is valid; zero means 2 min.
	Validity time.Duration
	// Rand draws nonces; nil means crypto/rand.
	Rand io.Reader
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// RoundTrip implements http.RoundTripper.
func (t *ExactTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusPaymentRequired {
		return resp, err
	}
	var pr PaymentRequired
	if err := decodeHeader(resp.Header.Get(HeaderPaymentRequired), &pr); err != nil {
		return resp, nil
	}
	network := "eip155:" + t.ChainID.String()
	for _, req := range pr.Accepts {
		if req.Scheme != SchemeExact || req.Network != network {
			continue
		}
		h, err := t.sign(req)
		if err != nil {
			resp.Body.Close()
			return nil, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		r2 := r.Clone(r.Context())
		if r.Body != nil && r.GetBody != nil {
			if r2.Body, err = r.GetBody(); err != nil {
				return nil, err
			}
		} else if r.Body != nil && r.Body != http.NoBody {
			return nil, fmt.Errorf("pay: x402: request body cannot be replayed")
		}
		r2.Header.Set(HeaderPaymentSignature, h)
		return base.RoundTrip(r2)
	}
	return resp, nil
}

// sign makes the PAYMENT-SIGNATURE of an exact payment for req.
func (t *ExactTransport) sign(req Requirements) (string, error) {
	value, ok := new(big.Int).SetString(req.Amount, 10)
	if !ok || value.Sign() <= 0 || !common.IsHexAddress(req.PayTo) || !common.IsHexAddress(req.Asset) {
		return "", fmt.Errorf("%w: x402 requirements %+v", ErrMalformed, req)
	}
	rnd := t.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	var nonce common.Hash
	if _, err := io.ReadFull(rnd, nonce[:]); err != nil {
		return "", fmt.Errorf("pay: x402 nonce: %w", err)
	}
	now := time.Now()
	if t.Now != nil {
		now = t.Now()
	}
	validity := t.Validity
	if validity == 0 {
		validity = 2 * time.Minute
	}
	a := &authorization{from: t.Wallet.Address(), to: common.HexToAddress(req.PayTo), value: value,
		after: big.NewInt(now.Add(-time.Minute).Unix()), before: big.NewInt(now.Add(validity).Unix()), nonce: nonce}
	version := req.Extra["version"]
	if version == "" {
		version = "1"
	}
	sig, err := sign(t.Wallet, a.digest(req.Extra["name"], version, t.ChainID, common.HexToAddress(req.Asset)))
	if err != nil {
		return "", err
	}
	return encodeHeader(ExactPaymentPayload{X402Version: 2, Accepted: req, Payload: ExactPayload{
		Signature: hexutil.Encode(sig[:]),
		Authorization: ExactAuthorization{From: a.from.Hex(), To: a.to.Hex(), Value: value.String(),
			ValidAfter: strconv.FormatInt(a.after.Int64(), 10), ValidBefore: strconv.FormatInt(a.before.Int64(), 10), Nonce: nonce.Hex()},
	}}), nil
}
