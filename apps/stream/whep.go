package stream

import (
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// serveWHEP is WebRTC playback (WHEP) on the gateway, for the stream
// name published by origin (a name or "0x…" wallet):
//
//	POST    /live/<stream>/whep        an SDP offer (application/sdp)
//	                                   → 201, the answer, Location
//	DELETE  /live/<stream>/whep/<id>   ends the session
//	PATCH   /live/<stream>/whep/<id>   405: no trickle ICE
//	OPTIONS                            204 (CORS preflight)
//
// The node joins the stream's tree as a viewer (as an HLS request
// does) and pulls the media from its upstream on RTCPort; the session
// sends each of the publisher's tracks with the publisher's codec.
func (s *Service) serveWHEP(w http.ResponseWriter, r *http.Request, origin, name string, rest []string, wait time.Duration) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "POST, DELETE, PATCH, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
	h.Set("Access-Control-Expose-Headers", "Location")
	switch {
	case r.Method == http.MethodOptions:
		h.Set("Accept-Post", "application/sdp")
		w.WriteHeader(http.StatusNoContent)
	case len(rest) == 0 && r.Method == http.MethodPost:
		s.whepOffer(w, r, origin, name, wait)
	case len(rest) == 1 && r.Method == http.MethodDelete:
		w2, err := s.host.Lookup(r.Context(), origin)
		sess := s.rtc.session(rest[0], Key{Owner: w2, Name: name})
		if err != nil || sess == nil || sess.whip || !s.rtc.endSession(sess.id) {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusOK)
	case len(rest) == 1 && r.Method == http.MethodPatch:
		http.Error(w, "stream: no trickle ICE", http.StatusMethodNotAllowed)
	default:
		http.Error(w, "stream: POST an offer to /live/<stream>/whep", http.StatusMethodNotAllowed)
	}
}

func (s *Service) whepOffer(w http.ResponseWriter, r *http.Request, origin, name string, wait time.Duration) {
	offer, ok := readOffer(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	k, err := s.Watch(ctx, origin, name, 0)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if err := s.admitted(ctx, k, wait); err != nil {
		code := http.StatusGatewayTimeout
		if errors.Is(err, ErrDenied) {
			code = http.StatusForbidden // the reason is in the text
		}
		http.Error(w, err.Error(), code)
		return
	}
	if v, err := s.Playlist(ctx, k); err == nil && v.Playlist != nil && !v.Playlist.Access.Public() {
		// Admitted by the node's wallet, an ambient credential: only
		// same-origin pages play a gated stream (as allowPages).
		w.Header().Del("Access-Control-Allow-Origin")
	}
	src, err := s.rtc.sourceFor(ctx, k)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	sub := src.subscribe()
	tracks, err := src.wait(ctx, wait)
	if err != nil {
		src.unsubscribe(sub)
		http.Error(w, err.Error(), http.StatusGatewayTimeout)
		return
	}
	pc, err := s.rtc.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		src.unsubscribe(sub)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	sess := &session{id: newSessionID(), key: k, pc: pc}
	locals := make([]*webrtc.TrackLocalStaticRTP, len(tracks))
	answer, err := s.rtc.answer(ctx, pc, offer, func() {
		for i, t := range tracks {
			kind := "audio"
			if t.Kind == kindVideo {
				kind = "video"
			}
			c := webrtc.RTPCodecCapability{MimeType: t.MimeType, ClockRate: t.ClockRate, Channels: uint16(t.Channels), SDPFmtpLine: t.Fmtp}
			tl, err := webrtc.NewTrackLocalStaticRTP(c, kind, "anynet-"+name)
			if err != nil {
				continue
			}
			snd, err := pc.AddTrack(tl)
			if err != nil {
				continue
			}
			locals[i] = tl
			go s.rtc.viewerRTCP(src, snd, i)
		}
	})
	if err != nil {
		pc.Close()
		src.unsubscribe(sub)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.rtc.addSession(sess)
	closed := make(chan struct{})
	var once sync.Once
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateConnected:
			for i, t := range tracks { // a new viewer starts from a keyframe
				if t.Kind == kindVideo {
					src.askKeyframe(i)
				}
			}
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
			once.Do(func() { close(closed) })
			go s.rtc.endSession(sess.id)
		}
	})
	s.rtc.wg.Add(1)
	go s.rtc.play(sess, src, sub, locals, closed)
	s.log.Info("whep session", "stream", k, "session", sess.id, "tracks", len(tracks))
	w.Header().Set("Content-Type", "application/sdp")
	w.Header().Set("Location", "/live/"+name+"/whep/"+sess.id)
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, answer)
}

// play is the long-lived sender of one WHEP session: it writes the
// source's packets to the session's tracks, their numbers carried on
// across a publisher's sessions (seqKeeper), until the session or the
// source ends.
func (r *rtc) play(sess *session, src *source, u *sub, locals []*webrtc.TrackLocalStaticRTP, closed <-chan struct{}) {
	defer r.wg.Done()
	defer src.unsubscribe(u)
	keep := make([]seqKeeper, len(locals))
	for i, l := range locals {
		if l != nil {
			keep[i].clock = l.Codec().ClockRate
		}
	}
	for {
		select {
		case f := <-u.q:
			t := int(f[1])
			if t >= len(locals) || locals[t] == nil {
				continue
			}
			var p rtp.Packet
			if err := p.Unmarshal(f[2:]); err != nil {
				continue
			}
			keep[t].rewrite(&p.Header, time.Now())
			if err := locals[t].WriteRTP(&p); err != nil && errors.Is(err, io.ErrClosedPipe) {
				return
			}
		case <-src.done:
			if src.local {
				r.endSession(sess.id)
			}
			return
		case <-closed:
			return
		case <-r.ctx.Done():
			return
		}
	}
}

// viewerRTCP reads a WHEP sender's RTCP and passes the viewer's
// keyframe requests (PLI, FIR) to the source.
func (r *rtc) viewerRTCP(src *source, snd *webrtc.RTPSender, track int) {
	for {
		pkts, _, err := snd.ReadRTCP()
		if err != nil {
			return
		}
		for _, p := range pkts {
			switch p.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				src.askKeyframe(track)
			}
		}
	}
}
