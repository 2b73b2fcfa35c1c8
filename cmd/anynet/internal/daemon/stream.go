package daemon

import (
	"context"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/stream"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/transport"
)

var _ control.StreamBackend = (*Daemon)(nil)

// streamNode is the daemon's live stream service and its ingest.
type streamNode struct {
	svc    *stream.Service
	ingest *stream.Ingest
	srv    *http.Server
	ln     net.Listener // the ingest's; nil when off
	closed sync.Once
	entry  sync.Once // the AnynetStream DID entry

	mu   sync.Mutex // guards recs
	recs map[string]*stream.Recording
}

// startStream opens the stream service and, unless stream-ingest is
// "off", the loopback ingest encoders push to.
func (d *Daemon) startStream(ctx context.Context) error {
	s := &streamNode{recs: map[string]*stream.Recording{}}
	var err error
	s.svc, err = stream.Open(ctx, stream.Config{Host: d.node, Wallet: transport.NewKeySigner(d.key),
		Holds: stream.TokenHolds(d.tokenBalance), Logger: d.log.With("svc", "stream")})
	if err != nil {
		return fmt.Errorf("daemon: stream service: %w", err)
	}
	d.stream = s
	if a := d.cfg.StreamIngest; a != "off" {
		if a == "" {
			a = "127.0.0.1:0"
		}
		if s.ln, err = net.Listen("tcp", a); err != nil {
			return fmt.Errorf("%w: stream-ingest %s: %v", ErrInUse, a, err)
		}
		s.ingest = &stream.Ingest{Stream: s.svc, Logger: d.log.With("svc", "stream-ingest")}
		s.srv = &http.Server{Handler: s.ingest, ReadHeaderTimeout: 30 * time.Second}
		go s.srv.Serve(s.ln)
	}
	return nil
}

// tokenBalance reads a token balance (balanceOf) on the node's chain,
// for streams gated to a token's holders; a node without payments reads
// it too.
func (d *Daemon) tokenBalance(ctx context.Context, token, owner common.Address) (*big.Int, error) {
	if d.pay != nil && d.pay.chain != nil {
		return d.pay.chain.Balance(ctx, token, owner)
	}
	c, err := d.relayChain()
	if err != nil {
		return nil, err
	}
	return c.Balance(ctx, token, owner)
}

func (d *Daemon) closeStream() {
	if s := d.stream; s != nil {
		s.closed.Do(func() {
			if s.srv != nil {
				s.srv.Close()
			}
			s.svc.Close()
		})
	}
}

// StreamPublish implements control.StreamBackend.
func (d *Daemon) StreamPublish(ctx context.Context, req control.StreamPublishRequest) (control.StreamPublished, error) {
	s := d.stream
	if !stream.ValidName(req.Name) {
		return control.StreamPublished{}, fmt.Errorf("%w: stream name %q: 1 to 64 of a-z 0-9 _ -", control.ErrBadRequest, req.Name)
	}
	if s.ingest == nil {
		return control.StreamPublished{}, fmt.Errorf("%w: stream-ingest is off", control.ErrUnsupported)
	}
	if req.Parts < 0 || req.Parts > stream.MaxParts {
		return control.StreamPublished{}, fmt.Errorf("%w: parts %d", control.ErrBadRequest, req.Parts)
	}
	var a stream.Access
	for _, n := range req.Allow {
		w, _, err := d.lookup(ctx, n)
		if err != nil {
			return control.StreamPublished{}, err
		}
		a.Allow = append(a.Allow, w)
	}
	if len(a.Allow) > stream.MaxAllow {
		return control.StreamPublished{}, fmt.Errorf("%w: at most %d wallets", control.ErrBadRequest, stream.MaxAllow)
	}
	if req.Token != "" {
		if !common.IsHexAddress(req.Token) {
			return control.StreamPublished{}, fmt.Errorf("%w: token %q: a 0x contract address", control.ErrBadRequest, req.Token)
		}
		a.Token = common.HexToAddress(req.Token)
	}
	s.ingest.Set(req.Name, req.Parts, a)
	d.publishStreamEntry()
	return control.StreamPublished{Name: req.Name, Ingest: "http://" + s.ln.Addr().String() + "/" + s.svc.IngestKey() + "/" + req.Name + "/index.m3u8",
		Watch: d.linkHost() + "/" + req.Name}, nil
}

// StreamList implements control.StreamBackend.
func (d *Daemon) StreamList(ctx context.Context) ([]control.StreamInfo, error) {
	st, err := d.stream.svc.Status(ctx)
	if err != nil {
		return nil, err
	}
	d.stream.mu.Lock()
	defer d.stream.mu.Unlock()
	out := make([]control.StreamInfo, 0, len(st.Streams))
	for _, x := range st.Streams {
		i := control.StreamInfo{Owner: x.Key.Owner.Hex(), Name: x.Key.Name, Role: x.Role, Children: x.Children, Relays: x.Relays, Last: x.Last,
			Parts: x.Parts, Access: accessText(x.Access)}
		if x.Upstream != (common.Address{}) {
			i.Upstream = x.Upstream.Hex()
		}
		if x.Role == "publisher" {
			i.Denied = st.Stats.Denied
			_, i.Recording = d.stream.recs[x.Key.Name]
		}
		out = append(out, i)
	}
	return out, nil
}

// accessText says who may watch: "public", "N wallets", "token 0x…",
// or both joined by " or ".
func accessText(a stream.Access) string {
	var w []string
	if n := len(a.Allow); n == 1 {
		w = append(w, "1 wallet")
	} else if n > 1 {
		w = append(w, fmt.Sprintf("%d wallets", n))
	}
	if a.Token != (common.Address{}) {
		w = append(w, "token "+a.Token.Hex())
	}
	if len(w) == 0 {
		return "public"
	}
	return strings.Join(w, " or ")
}

// StreamPlay implements control.StreamBackend.
func (d *Daemon) StreamPlay(ctx context.Context, req control.StreamPlayRequest) (control.StreamPlaying, error) {
	if !stream.ValidName(req.Name) {
		return control.StreamPlaying{}, fmt.Errorf("%w: stream name %q", control.ErrBadRequest, req.Name)
	}
	if _, err := d.stream.svc.Watch(ctx, req.Host, req.Name, req.Relay); err != nil {
		return control.StreamPlaying{}, fmt.Errorf("%w: %v", control.ErrNotFound, err)
	}
	if req.Relay > 0 {
		d.publishStreamEntry()
	}
	p := control.StreamPlaying{URL: "http://" + strings.TrimSuffix(strings.ToLower(req.Host), stream.TLD) + stream.TLD + "/live/" + req.Name + "/index.m3u8"}
	if c := d.content; c != nil && c.ln != nil {
		p.Proxy = c.ln.Addr().String()
	}
	return p, nil
}

// StreamRecord implements control.StreamBackend.
func (d *Daemon) StreamRecord(ctx context.Context, req control.StreamRecordRequest) (control.StreamRecording, error) {
	s := d.stream
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.recs[req.Name]
	if !req.Stop {
		if r != nil {
			return control.StreamRecording{Name: req.Name, Active: true}, nil
		}
		r, err := s.svc.Record(ctx, req.Name, d.content.svc.Blobs())
		if err != nil {
			return control.StreamRecording{}, fmt.Errorf("%w: %v", control.ErrNotFound, err)
		}
		s.recs[req.Name] = r
		return control.StreamRecording{Name: req.Name, Active: true}, nil
	}
	if r == nil {
		return control.StreamRecording{}, fmt.Errorf("%w: no recording of %s", control.ErrNotFound, req.Name)
	}
	delete(s.recs, req.Name)
	got, err := r.Stop()
	if err != nil {
		return control.StreamRecording{}, err
	}
	out := control.StreamRecording{Name: req.Name, ID: got.ID.String(), Segments: got.Segments, Seconds: got.Duration.Seconds()}
	share := req.Share
	if share == "" {
		share = req.Name
	}
	var to []common.Address
	for _, n := range req.To {
		w, _, err := d.lookup(ctx, n)
		if err != nil {
			return out, err
		}
		to = append(to, w)
	}
	if !req.Public && len(to) == 0 {
		return out, nil // kept, not shared
	}
	e, err := d.content.svc.ShareBlob(ctx, share, got.ID, got.Size, true, req.Public, to)
	if err != nil {
		return out, contentErr(err)
	}
	out.Link = d.linkHost() + "/" + e.Name
	return out, nil
}

// publishStreamEntry writes the AnynetStream DID entry in the
// background, once per daemon: the node publishes or relays streams.
func (d *Daemon) publishStreamEntry() {
	s := d.stream
	s.entry.Do(func() {
		if d.names == nil {
			return
		}
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := stream.Publish(ctx, d.names, naming.Transactor(d.key, d.chainID), d.wallet); err != nil {
				d.log.Warn("stream: DID entry", "err", err)
			}
		}()
	})
}
