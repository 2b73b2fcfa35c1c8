package chain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/txpool"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/ethereum/go-ethereum/version"
)

// maxSendWait bounds how long eth_sendRawTransaction waits for the block of
// a transaction that stays executable but is not sealed (for example a tip
// below the miner's minimum); the call then returns the hash as usual.
const maxSendWait = 10 * time.Second

// sendAPI replaces eth_sendRawTransaction on a chain that seals on demand:
// it submits the transaction like geth's own method (same fee cap and EIP-155
// checks), then returns once the transaction is in a block synced to disk,
// or queued behind a nonce gap (or after maxSendWait), so the first receipt query of
// bind.WaitMined succeeds instead of polling for a second, and what it saw
// survives a crash.
type sendAPI struct{ c *Chain }

// SendRawTransaction is eth_sendRawTransaction.
func (s *sendAPI) SendRawTransaction(ctx context.Context, input hexutil.Bytes) (common.Hash, error) {
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(input); err != nil {
		return common.Hash{}, err
	}
	b := s.c.eth.APIBackend
	if err := checkTxFee(tx.GasPrice(), tx.Gas(), b.RPCTxFeeCap()); err != nil {
		return common.Hash{}, err
	}
	if !b.UnprotectedAllowed() && !tx.Protected() {
		return common.Hash{}, errors.New("only replay-protected (EIP-155) transactions allowed over RPC")
	}
	// Subscribe before submitting, so the block that includes the
	// transaction cannot slip between submission and the wait.
	heads := make(chan core.ChainEvent, 16)
	sub := s.c.eth.BlockChain().SubscribeChainEvent(heads)
	defer sub.Unsubscribe()

	from, err := types.Sender(types.LatestSignerForChainID(s.c.chainID), tx)
	if err != nil {
		return common.Hash{}, err
	}
	if err := b.SendTx(ctx, tx); err != nil {
		return common.Hash{}, err
	}
	hash := tx.Hash()
	timeout := time.NewTimer(maxSendWait)
	defer timeout.Stop()
	for {
		durable, grew := s.c.durable()
		if s.c.minedDurably(hash, durable) {
			return hash, nil
		}
		// Queued behind a nonce gap: it waits for a transaction not yet
		// sent. The pool's status alone cannot tell, because the pool
		// promotes a new transaction asynchronously and shows it queued
		// until then; only a nonce beyond the sender's next one is a gap.
		// A transaction the pool no longer knows may be in a block whose
		// lookup entries the indexer has not written yet, so that case
		// waits on (a dropped one only until maxSendWait).
		if rawdb.ReadTxLookupEntry(s.c.eth.ChainDb(), hash) == nil &&
			s.c.eth.TxPool().Status(hash) == txpool.TxStatusQueued &&
			tx.Nonce() > s.c.eth.TxPool().PoolNonce(from) {
			return hash, nil
		}
		select {
		case <-heads:
		case <-grew:
		case <-sub.Err():
			return hash, nil
		case <-ctx.Done():
			return hash, nil
		case <-s.c.quit:
			return hash, nil
		case <-timeout.C:
			return hash, nil
		}
	}
}

// checkTxFee is geth's internal/ethapi check: the fee of a transaction may
// not exceed the configured cap (in ether; 0 is no cap).
func checkTxFee(gasPrice *big.Int, gas uint64, capEther float64) error {
	if capEther == 0 {
		return nil
	}
	fee := new(big.Float).Quo(
		new(big.Float).SetInt(new(big.Int).Mul(gasPrice, new(big.Int).SetUint64(gas))),
		new(big.Float).SetInt(big.NewInt(params.Ether)))
	if f, _ := fee.Float64(); f > capEther {
		return fmt.Errorf("tx fee (%.2f ether) exceeds the configured cap (%.2f ether)", f, capEther)
	}
	return nil
}

// web3API is the web3 namespace of the served endpoint (geth's lives in its
// node package, unexported).
type web3API struct{}

// ClientVersion is web3_clientVersion.
func (web3API) ClientVersion() string {
	return fmt.Sprintf("anynet-chain/geth-v%d.%d.%d", version.Major, version.Minor, version.Patch)
}

// Sha3 is web3_sha3.
func (web3API) Sha3(input hexutil.Bytes) hexutil.Bytes { return crypto.Keccak256(input) }

// servedNamespaces are the namespaces of eth.APIs() exposed over HTTP/WS:
// reading and sending, no admin, debug, miner or txpool.
var servedNamespaces = map[string]bool{"eth": true, "net": true}

// rpcServer serves JSON-RPC over HTTP and WebSocket on one loopback listener.
// It is the chain's own server rather than the node's, so the port is bound
// before anything else starts and a busy port fails cleanly.
type rpcServer struct {
	rpc  *rpc.Server
	http *http.Server
	addr string
	done chan struct{} // closed when Serve returns
}

// listenRPC binds addr (already checked to be loopback).
func listenRPC(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("%w: %s: %w", ErrAddrInUse, addr, err)
		}
		return nil, fmt.Errorf("chain: listen for JSON-RPC on %s: %w", addr, err)
	}
	return ln, nil
}

// serveRPC registers apis on a new rpc.Server and serves it on ln.
func serveRPC(ln net.Listener, apis []rpc.API, log *slog.Logger) (*rpcServer, error) {
	srv := rpc.NewServer()
	srv.SetBatchLimits(1000, 25*1000*1000) // geth's defaults
	for _, api := range apis {
		if err := srv.RegisterName(api.Namespace, api.Service); err != nil {
			srv.Stop()
			return nil, fmt.Errorf("chain: register %s API: %w", api.Namespace, err)
		}
	}
	s := &rpcServer{
		rpc:  srv,
		addr: ln.Addr().String(),
		done: make(chan struct{}),
	}
	ws := srv.WebsocketHandler(nil) // no Origin, or a localhost origin
	s.http = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !loopbackHost(r.Host) {
				http.Error(w, "invalid host specified", http.StatusForbidden)
				return
			}
			if isWebsocket(r) {
				ws.ServeHTTP(w, r)
				return
			}
			srv.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	go func() { // long-lived: the HTTP accept loop, until Close
		defer close(s.done)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("JSON-RPC server stopped", "err", err)
		}
	}()
	log.Info("serving JSON-RPC", "http", "http://"+s.addr, "ws", "ws://"+s.addr)
	return s, nil
}

// close stops accepting, closes HTTP and WebSocket connections and waits for
// the accept loop.
func (s *rpcServer) close() {
	s.http.Close()
	s.rpc.Stop()
	<-s.done
}

// loopbackHost reports whether an HTTP Host header names a loopback address,
// the defence against DNS rebinding that geth's virtual-host check gives.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// isWebsocket reports whether r asks for a WebSocket upgrade.
func isWebsocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") &&
		strings.Contains(strings.ToLower(r.Header.Get("Connection")), "upgrade")
}
