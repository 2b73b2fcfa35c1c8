package stream

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// maxSDP bounds an SDP offer.
const maxSDP = 64 << 10

// whipTarget is a WHIP stream's segment duration: its HLS entries are
// cut at the first keyframe after it, or after whipTarget/Parts in
// LL-HLS parts.
const whipTarget = time.Second

// serveWHIP is WebRTC ingest (WHIP, RFC 9725) on the loopback ingest:
//
//	POST    /whip/<stream>        Authorization: Bearer <ingest key>;
//	                              an SDP offer (application/sdp) → 201,
//	                              the answer, Location of the session
//	DELETE  /whip/<stream>/<id>   ends the session (and the media)
//	PATCH   /whip/<stream>/<id>   405: no trickle ICE, the answer
//	                              carries every candidate
//	OPTIONS                       204, Accept-Post: application/sdp
//	                              (CORS preflight)
//
// The bearer token is the ingest key (Service.IngestKey): it
// authenticates the encoder as the node's wallet, which publishes. It
// is the only credential, so a publishing page in a browser, of any
// origin, may use the endpoint (CORS) once it holds the key. The
// stream's parts and access are opts' (Ingest.Set), as for HLS; its
// H.264 is remuxed into the stream's entries (remux.go), so it plays
// by HLS too.
func (s *Service) serveWHIP(w http.ResponseWriter, r *http.Request, opts func(name string) ingestOpts) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/whip/"), "/")
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "POST, DELETE, PATCH, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
	h.Set("Access-Control-Expose-Headers", "Location")
	if r.Method == http.MethodOptions {
		w.Header().Set("Accept-Post", "application/sdp")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.key)) != 1 {
		w.Header().Set("WWW-Authenticate", "Bearer")
		http.Error(w, ErrDenied.Error(), http.StatusUnauthorized)
		return
	}
	name := parts[0]
	if !ValidName(name) || len(parts) > 2 {
		http.Error(w, ErrBadName.Error(), http.StatusBadRequest)
		return
	}
	switch {
	case len(parts) == 1 && r.Method == http.MethodPost:
		s.whipOffer(w, r, name, opts(name))
	case len(parts) == 2 && r.Method == http.MethodDelete:
		k := Key{Owner: s.core.cfg.Owner, Name: name}
		if sess := s.rtc.session(parts[1], k); sess == nil || !sess.whip || !s.rtc.endSession(sess.id) {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusOK)
	case len(parts) == 2 && r.Method == http.MethodPatch:
		http.Error(w, "stream: no trickle ICE", http.StatusMethodNotAllowed)
	default:
		http.Error(w, "stream: POST an offer to /whip/<stream>", http.StatusMethodNotAllowed)
	}
}

// readOffer reads an application/sdp body.
func readOffer(w http.ResponseWriter, r *http.Request) (string, bool) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/sdp" {
		http.Error(w, "stream: the offer must be application/sdp", http.StatusUnsupportedMediaType)
		return "", false
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxSDP+1))
	if err != nil || len(b) > maxSDP || len(b) == 0 {
		http.Error(w, fmt.Sprintf("stream: read offer: empty, over %d bytes, or %v", maxSDP, err), http.StatusBadRequest)
		return "", false
	}
	return string(b), true
}

// whipPublish is the PublishCmd of a WHIP stream with opts o.
func whipPublish(name string, o ingestOpts) PublishCmd {
	pub := PublishCmd{Name: name, Access: o.access, Target: whipTarget}
	if o.parts > 1 {
		pub.Parts = o.parts
	}
	return pub
}

func (s *Service) whipOffer(w http.ResponseWriter, r *http.Request, name string, o ingestOpts) {
	offer, ok := readOffer(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	pub := whipPublish(name, o)
	k, err := s.PublishWith(ctx, pub)
	if err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	src, err := s.rtc.publishLocal(k)
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	pc, err := s.rtc.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		src.close()
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	sess := &session{id: newSessionID(), key: k, whip: true, pc: pc}
	answer, err := s.rtc.answer(ctx, pc, offer, func() {
		pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) { s.rtc.ingest(src, pc, tr, pub) })
	})
	if err != nil {
		pc.Close()
		src.close()
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	n := 0
	for _, tr := range pc.GetTransceivers() {
		if tr.Direction() == webrtc.RTPTransceiverDirectionRecvonly {
			n++
		}
	}
	if n == 0 {
		pc.Close()
		src.close()
		http.Error(w, "stream: the offer sends no H.264 or Opus", http.StatusNotAcceptable)
		return
	}
	src.expectTracks(n)
	s.rtc.addSession(sess)
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		if st == webrtc.PeerConnectionStateFailed || st == webrtc.PeerConnectionStateClosed {
			s.rtc.endSession(sess.id)
		}
	})
	s.log.Info("whip session", "stream", k, "session", sess.id, "tracks", n)
	w.Header().Set("Content-Type", "application/sdp")
	w.Header().Set("Location", "/whip/"+name+"/"+sess.id)
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, answer)
}

// answer applies offer to pc (setup runs before it), answers and
// returns the answer with every candidate gathered.
func (r *rtc) answer(ctx context.Context, pc *webrtc.PeerConnection, offer string, setup func()) (string, error) {
	setup()
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", fmt.Errorf("%w: offer: %v", ErrMalformed, err)
	}
	ans, err := pc.CreateAnswer(nil)
	if err != nil {
		return "", fmt.Errorf("stream: answer: %w", err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(ans); err != nil {
		return "", fmt.Errorf("stream: answer: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	select {
	case <-gathered:
	case <-ctx.Done():
		return "", fmt.Errorf("stream: gather candidates: %w", ctx.Err())
	}
	return pc.LocalDescription().SDP, nil
}

// ingest reads one WHIP track into the source until it ends; an H.264
// track is also remuxed into pub's stream entries.
func (r *rtc) ingest(src *source, pc *webrtc.PeerConnection, tr *webrtc.TrackRemote, pub PublishCmd) {
	i := src.addTrack(trackInfo(tr.Kind(), tr.Codec()))
	if i >= maxTracks {
		return
	}
	ssrc := uint32(tr.SSRC())
	if i == 0 {
		src.setKeyframe(func(track int) { r.keyframe(src, pc, track) })
	}
	src.mu.Lock()
	if i < len(src.pending) {
		src.pending[i].ssrc = ssrc
	}
	src.mu.Unlock()
	var rx *remuxer
	if strings.EqualFold(tr.Codec().MimeType, webrtc.MimeTypeH264) {
		rx = newRemuxer(r.cutter(src, pc, i, pub))
	}
	buf := make([]byte, 1500)
	for {
		n, _, err := tr.Read(buf)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				r.log.Debug("whip track ended", "stream", src.key, "track", i, "err", err)
			}
			return
		}
		f, err := ingestRTP(i, buf[:n])
		if err != nil {
			continue
		}
		src.send(f)
		if rx != nil {
			if err := rx.rtp(buf[:n]); err != nil {
				r.log.Debug("whip remux", "stream", src.key, "err", err)
			}
		}
	}
}

// cutter cuts track's H.264 into pub's entries (a part each when in
// parts) and pushes them; it asks the encoder for the keyframe that
// ends an entry.
func (r *rtc) cutter(src *source, pc *webrtc.PeerConnection, track int, pub PublishCmd) *cutter {
	target := pub.Target
	if pub.Parts > 1 {
		target /= time.Duration(pub.Parts)
	}
	push := func(data []byte, d time.Duration, captured time.Time) {
		ctx, cancel := context.WithTimeout(r.ctx, 10*time.Second)
		defer cancel()
		if _, err := r.svc.r.Do(ctx, PushCmd{Name: pub.Name, Data: data, Duration: d, Captured: captured}); err != nil {
			r.log.Warn("whip remux: push", "stream", src.key, "bytes", len(data), "err", err)
		}
	}
	return newCutter(target, push, func() { r.keyframe(src, pc, track) })
}

// keyframe asks the WHIP encoder for a keyframe of track.
func (r *rtc) keyframe(src *source, pc *webrtc.PeerConnection, track int) {
	src.mu.Lock()
	var ssrc uint32
	if track < len(src.pending) {
		ssrc = src.pending[track].ssrc
	}
	src.mu.Unlock()
	if ssrc != 0 {
		pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}})
	}
}
