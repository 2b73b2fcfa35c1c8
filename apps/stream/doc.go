// Package stream is anynet's live streaming service: a publisher's
// node cuts a stream into segments that are content-addressed blobs
// (BLAKE3, as apps/content names them) listed by a playlist the
// publisher's wallet signs; relays form a fan-out tree that caches the
// newest segments; viewers play through the node's HTTP gateway
// (http://NAME.anynet/live/<stream>/index.m3u8) with any HLS player.
//
// # Ingest
//
// Ingest is a loopback HTTP endpoint for encoders: HLS pushed over HTTP
// PUT, which ffmpeg 5.1 (Debian's) writes with
//
//	ffmpeg -re -i … -c:v libx264 -f hls -hls_time 1 -method PUT \
//	  http://127.0.0.1:PORT/<ingest key>/<stream>/index.m3u8
//
// The ingest key (Service.IngestKey) authenticates the encoder as the
// node's wallet, the way an RTMP stream key does; the node signs. Each
// segment newly listed by the encoder's playlist is pushed (PushCmd):
// hashed, cached, listed in a new signed playlist and sent down the
// tree. WebRTC encoders (OBS 30+, ffmpeg 7+) publish by WHIP on the
// same endpoint (see "WebRTC" below). RTMP, SRT and RTSP are not
// offered (their Go libraries are not reachable here; see the README).
//
// # Port, DID entry
//
// Nodes talk on TCP Port (4200) of their identity; a wallet that
// publishes or relays adds the did:ethr service entry
// DocumentEntryType ("AnynetStream") = "port:4200" (Publish; the daemon
// writes it when it first publishes or relays). Frames travel as
// the shared runtime carries them (u32 length, then the frame).
//
// # Playlist
//
// The signed playlist lists a sliding window (at most MaxWindow) of
// consecutive segments; integers are big-endian:
//
//	"ANS1" | 20 owner | u8 len | name | u32 target ms
//	| u8 flags (1 ended, 2 parts, 4 access) | [u8 parts, with flag 2, ≥ 2]
//	| [access, with flag 4: u8 count (≤ 64) | count × 20 wallet | 20 token]
//	| u8 count | count × (u64 seq | u32 duration ms | u32 size
//	| u64 captured unix ms | 32 BLAKE3 id) | 65 signature
//
// With parts (LL-HLS), entry seq is part (seq−1) mod parts of media
// segment (seq−1) div parts, and target is the segment's duration;
// TestPlaylistPartsVector has a vector.
//
// The signature is the owner wallet's EIP-191 personal_sign (R‖S‖V, V
// 27 or 28) over every byte before it; a playlist is accepted only if
// it recovers to the owner of the stream asked for. Names are 1 to 64
// of a-z 0-9 _ -.
//
// Vector (wire_test.go): owner key 32 × 0x01 (wallet
// 0x1a642f0e3c3af545e7acbd38b07251b3990914f1), stream "cam", target
// 1000 ms, one segment seq 7, 1500 ms, the 3 bytes "abc", captured at
// 1700000000000 ms:
//
//	414e5331 1a642f0e3c3af545e7acbd38b07251b3990914f1 03 63616d 000003e8 00 01
//	0000000000000007 000005dc 00000003 0000018bcfe56800
//	6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85
//	signature 3f8f98abbf115f2a445dc766e8f48e6ae2e6bbb5ca156d0923b1ef8000c43c8d
//	          7cde0555b55df86cc7ee5f3e2b0043e88af736fe7921dad713a05ab5a7f644261c
//
// # Frames
//
// The first byte is the type; then the stream's key (20 owner | u8 len
// | name), then:
//
//	1 Sub       u8 role (0 viewer, 1 relay; | 0x80: "serve me yourself") | u16 capacity
//	            | u64 from (first seq wanted; 0: the newest 3)
//	2 Accept    u8 depth of the sender (0: the origin)
//	3 Redirect  u8 count (≤ 8) | count × 20 wallet   (relays with room; none: refused)
//	4 Segment   u64 seq | 32 id | bytes (≤ MaxSegment, 8 MiB)
//	5 Playlist  signed playlist
//	6 Load      u16 capacity | u16 children | u8 depth | 20 upstream   (relay → origin)
//	7 Leave
//	0x20 Denied u8 reason (1 not on the list, 2 holds none of the token,
//	            3 balance unreadable)
//
// Vector: Sub(key above, relay, capacity 100, from 9) is
// 01 1a642f0e…14f1 03 63616d 01 0064 0000000000000009.
//
// # The tree
//
// The Core (service.Core, on the shared runner; the simulator drives
// the same core) keeps the tree (core_tree.go): the origin serves
// Fanout children itself and redirects the others to the relays with
// room, shallowest and least loaded first, never into the joiner's own
// subtree; relays report their load (Load) so the origin can choose;
// a child's upstream that goes Down or stays silent for StallTimeout
// is replaced by the next candidate of its last Redirect (no round trip
// to the origin), asking from the first segment it lacks, so nothing
// is skipped. Every node verifies each segment against the ID in the
// signed playlist before it keeps, forwards or plays it; a relay that
// sends bad bytes is hung up on and replaced, and not tried again for
// 30 s; when every relay the origin names has failed a joiner, it asks
// the origin to serve it directly (role | 0x80). Nodes cache the window
// and send their children the playlist at least once a target duration
// (a heartbeat), so a relay that waits for its own upstream keeps its
// children.
//
// Live state is not stored: a stream does not outlive its nodes.
//
// # Access
//
// A publisher may gate a stream (Access, access.go) to a list of
// wallets, to holders of a token, or both. The rule is in the signed
// playlist, so the node that would serve a joiner — the origin or any
// relay — checks the joiner's Noise-verified wallet against it; a token
// balance is read by the Service (Config.Holds, EventHolder →
// HolderCmd; TokenHolds over pay.Chain.Balance calls balanceOf) and
// kept CoreConfig.HolderMaxAge (a minute). Then the serving node reads
// a watching holder's balance again and cuts it off (Denied) when it
// holds none; a node refused for its tokens asks again after
// HolderMaxAge (30 s at most), so the roles swap with the tokens. A
// refused node gets Denied with the reason, and its gateway answers
// players 403 with it. Relays of a gated stream must be admitted
// themselves.
//
// # Playback
//
// Gateway serves http://NAME.anynet/live/<stream>/index.m3u8 (HLS
// version 3, segments <seq>.ts) to players through the node's HTTP
// proxy, and hands every other request to the content gateway. The
// first request joins the stream as a viewer. A public stream's
// playlists and segments carry Access-Control-Allow-Origin: *, so a
// player in any web page (hls.js) reads them; a gated one's do not (the
// node's wallet is an ambient credential, like a cookie). Tested
// players: ffprobe, hls.js in headless Chromium, VLC (TestHLSJS,
// TestVLC); WHIP and WHEP from Chromium (TestChromiumWebRTC).
//
// A stream published in parts (PublishCmd.Parts, Ingest.Parts) is
// served as LL-HLS (llhls.go): whole segments s<msn>.ts with #EXTINF
// for players without LL-HLS (ffplay, VLC), the parts <seq>.ts of the
// newest three segments with #EXT-X-PART, #EXT-X-PRELOAD-HINT for the
// next part (its request waits for it), and blocking playlist reload
// (_HLS_msn, _HLS_part). A playlist then travels with every part, and
// a node replaces an upstream silent for four parts (1 s at least).
//
// # WebRTC
//
// Next to the segments, a stream can carry WebRTC media for sub-second
// viewing. The data flow, from glass to glass:
//
//  1. WHIP (RFC 9725): the encoder POSTs an SDP offer to the ingest,
//     /whip/<stream>, with "Authorization: Bearer <ingest key>"; the
//     node publishes the stream (its tree starts, with an empty signed
//     playlist as the heartbeat), answers with every candidate (no
//     trickle ICE) and receives H.264 (packetization mode 1) and Opus
//     with pion. DELETE on the session's Location ends it.
//  2. Each RTP packet read (header extensions dropped: their IDs were
//     negotiated with the encoder only) becomes an RTP frame of the
//     stream's local source.
//  3. WHEP: a player POSTs its offer to the gateway,
//     http://NAME.anynet/live/<stream>/whep. The node joins the tree as
//     a viewer, exactly as an HLS request does, and pulls the media from
//     its upstream in the tree on RTCPort (4201): Want, then Tracks and
//     RTP frames. A relay asked for media pulls from its own upstream in
//     turn, so the media follows the tree the core chose; each node
//     serves only its children in the tree, and ends (End) a pull whose
//     peer is no longer one (a child cut off by the access rule) within
//     a second. A player refused by the rule gets 403 with the reason.
//     A stream readied with Ingest.Set (or Ingest.Access) under a rule
//     is published under it before a WHIP offer is answered.
//  4. The session sends each track with the publisher's codec (pion
//     rewrites SSRC and payload type; sequence numbers and timestamps
//     are the encoder's, carried on across the publisher's WHIP
//     sessions: a next session's first packet follows the last one
//     sent, its clock advanced by the wall clock, since a player's SRTP
//     replay window drops packets numbered behind the newest it took).
//     When the core replaces a failed upstream, the
//     pull follows within 100 ms and asks for a keyframe; viewers' PLI
//     and FIR go up the same way to the encoder, at most one per track
//     every 300 ms.
//
// Frames on RTCPort travel as on Port (u32 length, then the frame, at
// most 64 KiB); the first byte is the type:
//
//	1 Want    20 owner | u8 len | name                     (child → upstream)
//	2 Tracks  u8 count (≤ 8) | count × (u8 kind (1 audio, 2 video)
//	          | u32 clock rate | u8 channels | u8 len | mime | u16 len | fmtp)
//	3 RTP     u8 track | RTP packet
//	4 PLI     u8 track                                     (child → upstream)
//	5 End     u8 len | reason                              (no media: try later)
//
// Vectors (webrtc_wire_test.go): Want for the playlist vector's stream
// is 01 1a642f0e…14f1 03 63616d; Tracks of video/H264 90000
// "packetization-mode=1" is 02 01 02 00015f90 00 0a 766964656f2f48323634
// 0014 7061636b…3d31; PLI of track 0 is 04 00.
//
// A subscriber that falls 512 frames behind loses packets (counted),
// not the stream: late media is worth less than the next packet.
//
// A WHIP-only stream plays by HLS too (remux.go): the publisher's node
// depacketises the H.264 track (pion's samplebuilder) and remuxes it
// into MPEG-TS (go-astits: PAT and PMT before every keyframe, an access
// unit delimiter before every access unit, PTS from the RTP clock
// unwrapped, starting at the first frame's arrival, 90 kHz mod 2^33, so
// that a next WHIP session's go on) cut into the stream's entries at the
// first keyframe one segment target (1 s), or one part target in
// LL-HLS, after the entry's start; a PLI asks the encoder for that
// keyframe. The entries go into the signed playlist like pushed HLS
// segments, each starting with a keyframe, so LL-HLS parts stay
// INDEPENDENT. A WHIP session takes the ingest's parts and access
// (Ingest.Set). The Opus track is not remuxed: it plays by WHEP.
package stream
