package mq

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"net/url"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats.go"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/link"
)

// DefaultGatewayAddr is where a node's loopback gateway listens.
const DefaultGatewayAddr = "127.0.0.1:4222"

// gatewayInfo is the INFO line the gateway greets a client with, before
// it knows which host the client wants; the host's own INFO is read and
// dropped once the client's CONNECT named it.
var gatewayInfo = func() []byte {
	b, _ := json.Marshal(map[string]any{
		"server_id": "anynet-mq-gateway", "server_name": "anynet-mq-gateway",
		"version": "2.15.3", "proto": 1, "headers": true, "max_payload": 1 << 20,
		"jetstream": true,
	})
	return append(append([]byte("INFO "), b...), '\r', '\n')
}()

// Gateway lets standard NATS clients (nats.go, the nats CLI) on this
// machine reach the queues of any wallet: a client connects to the
// gateway's loopback port with the gateway's Password and names the
// host as its user (nats://alice.eth:PASSWORD@127.0.0.1:4222, or a 0x…
// wallet); an empty user, or the password alone as a token
// (nats://PASSWORD@127.0.0.1:4222), means this node. The gateway dials
// the host's Port over the overlay, where the host sees this node's
// verified wallet and applies its policy. A client with the password
// acts as this node's wallet: keep the port on loopback and the
// password in a file only the node's user reads (GatewayPassword).
type Gateway struct {
	Host service.Host
	// Password is what every client must present; "" refuses them all.
	Password string
	// Local is this node's queues (for clients naming no host, or this
	// node's own wallet): a *Server, or a *Lazy that starts its engine
	// on the first such client; nil refuses them.
	Local  LocalQueues
	Logger *slog.Logger

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// LocalQueues is what a Gateway needs of this node's own queues: *Server
// and *Lazy are.
type LocalQueues interface {
	// ServeConn serves c as wallet w and closes it.
	ServeConn(c net.Conn, w common.Address) error
	// Owner is the node's wallet.
	Owner() common.Address
}

// Serve accepts gateway clients on l until l is closed.
func (g *Gateway) Serve(l net.Listener) error {
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("mq gateway: accept: %w", err)
		}
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), HandshakeTimeout)
			defer cancel()
			if err := g.ServeConn(ctx, c); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				g.logger().Debug("mq gateway", "err", err)
			}
		}()
	}
}

func (g *Gateway) logger() *slog.Logger {
	if g.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return g.Logger
}

func (g *Gateway) track(c net.Conn, add bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.conns == nil {
		g.conns = map[net.Conn]struct{}{}
	}
	if add {
		g.conns[c] = struct{}{}
	} else {
		delete(g.conns, c)
	}
}

// Close ends every gateway connection and waits for them.
func (g *Gateway) Close() {
	g.mu.Lock()
	for c := range g.conns {
		c.Close()
	}
	g.mu.Unlock()
	g.wg.Wait()
}

// ServeConn serves one client: greet, read its CONNECT, connect to the
// host it names (ctx bounds that), then copy bytes both ways. It closes c.
func (g *Gateway) ServeConn(ctx context.Context, c net.Conn) error {
	defer c.Close()
	g.track(c, true)
	defer g.track(c, false)
	c.SetDeadline(time.Now().Add(HandshakeTimeout))
	if _, err := c.Write(gatewayInfo); err != nil {
		return err
	}
	cr := bufio.NewReader(c)
	line, err := readLine(cr)
	if err != nil {
		return fmt.Errorf("client CONNECT: %w", err)
	}
	fields, err := ParseConnect(line)
	if err != nil {
		fmt.Fprintf(c, "-ERR 'expected CONNECT'\r\n")
		return err
	}
	target, pass := GatewayCredentials(fields)
	if g.Password == "" || subtle.ConstantTimeCompare([]byte(pass), []byte(g.Password)) != 1 {
		fmt.Fprintf(c, "-ERR 'Authorization Violation'\r\n")
		return fmt.Errorf("%w: a client without the gateway password", ErrGatewayAuth)
	}
	up, ur, err := g.dial(ctx, target)
	if err != nil {
		fmt.Fprintf(c, "-ERR %s\r\n", strconv.Quote(err.Error()))
		return err
	}
	defer up.Close()
	g.track(up, true)
	defer g.track(up, false)
	if _, err := up.Write(RewriteConnect(fields, "", "")); err != nil {
		return err
	}
	c.SetDeadline(time.Time{})
	return splice(c, cr, up, ur)
}

// dial connects to target's server and reads (drops) its INFO. For this
// node it connects in process with the owner's credentials filled in by
// a local ServeConn.
func (g *Gateway) dial(ctx context.Context, target string) (net.Conn, *bufio.Reader, error) {
	self := target == ""
	var w common.Address
	host := "" // the overlay host dialled: the wallet, or one node's instance address
	if !self {
		var err error
		if w, err = g.Host.Lookup(ctx, target); err != nil {
			return nil, nil, fmt.Errorf("%w %q: %v", ErrNoTarget, target, err)
		}
		host = w.Hex()
		self = w == g.Host.Addr()
		if ip, err := netip.ParseAddr(target); err == nil && link.IsInstanceAddr(ip) {
			host = ip.String()
			in, ok := g.Host.(instancer)
			self = ok && ip == in.InstanceAddr()
		}
	}
	var up net.Conn
	if self {
		if g.Local == nil {
			return nil, nil, fmt.Errorf("%w: this node serves no queues", ErrNoTarget)
		}
		a, b := net.Pipe()
		go g.Local.ServeConn(b, g.Local.Owner())
		up = a
	} else {
		doc, err := g.Host.Document(ctx, w)
		if err != nil {
			return nil, nil, fmt.Errorf("%w %q: DID document: %v", ErrNoTarget, target, err)
		}
		port, ok := Advertised(doc)
		if !ok {
			return nil, nil, fmt.Errorf("%w: %s (%s) serves no queues: its DID document has no %s entry", ErrNoTarget, target, w.Hex(), DocumentEntryType)
		}
		up, err = g.Host.Dial(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return nil, nil, fmt.Errorf("dial %s: %w", target, err)
		}
	}
	if dl, ok := ctx.Deadline(); ok {
		up.SetReadDeadline(dl)
	}
	ur := bufio.NewReader(up)
	info, err := readLine(ur)
	if err == nil {
		err = ParseInfo(info)
	}
	if err != nil {
		up.Close()
		return nil, nil, fmt.Errorf("INFO from %s: %w", target, err)
	}
	up.SetReadDeadline(time.Time{})
	return up, ur, nil
}

// Connect opens a NATS connection to target's queues (a name, a 0x
// wallet, or "" for this node) through g without a socket: the Go API's
// way to what a client on the loopback port gets.
func (g *Gateway) Connect(target string, opts ...nats.Option) (*nats.Conn, error) {
	url := "nats://gateway.anynet.invalid:4222"
	o := append([]nats.Option{nats.SetCustomDialer(pipeDialer{g}), nats.Name("anynet"), nats.UserInfo(target, g.Password)}, opts...)
	nc, err := nats.Connect(url, o...)
	if err != nil {
		return nil, fmt.Errorf("mq: connect to %q: %w", target, err)
	}
	return nc, nil
}

// pipeDialer hands nats.go one end of a pipe whose other end the
// gateway serves.
type pipeDialer struct{ g *Gateway }

func (d pipeDialer) Dial(network, address string) (net.Conn, error) {
	a, b := net.Pipe()
	d.g.wg.Add(1)
	go func() {
		defer d.g.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), HandshakeTimeout)
		defer cancel()
		d.g.ServeConn(ctx, b)
	}()
	return a, nil
}

// GatewayPasswordFile is the name of the file, in a node's queue
// directory, that holds its gateway password.
const GatewayPasswordFile = "gateway-password"

// GatewayPassword returns the gateway password kept in
// dir/GatewayPasswordFile, making a random one (mode 0600) the first
// time.
func GatewayPassword(dir string) (string, error) {
	path := filepath.Join(dir, GatewayPasswordFile)
	if b, err := os.ReadFile(path); err == nil {
		if p := strings.TrimSpace(string(b)); p != "" {
			return p, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("mq: gateway password: %w", err)
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("mq: gateway password: %w", err)
	}
	p := hex.EncodeToString(b[:])
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("mq: gateway password: %w", err)
	}
	if err := os.WriteFile(path, []byte(p+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("mq: gateway password: %w", err)
	}
	return p, nil
}

// GatewayURL is the URL a standard client uses to reach host's queues
// ("" for this node) through the gateway at addr with password.
func GatewayURL(addr, host, password string) string {
	return "nats://" + url.UserPassword(host, password).String() + "@" + addr
}
