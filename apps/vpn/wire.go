package vpn

import (
	"encoding/binary"
	"fmt"
	"io"
	"unicode/utf8"
)

// Version is the tunnel protocol's version byte.
const Version = 1

// Kind is what a tunnel request asks for.
type Kind uint8

// Request kinds.
const (
	// KindTCP: connect to Host:Port; the stream then carries its bytes.
	KindTCP Kind = 1
	// KindUDP: a UDP association; the stream then carries datagrams.
	KindUDP Kind = 2
	// KindProbe: answer at once (health and round-trip checks).
	KindProbe Kind = 3
	// KindUsage: Host is a session (32 hex digits) of the asking
	// wallet; the reply's message is its signed Record in hex.
	KindUsage Kind = 4
)

// maxHost is the longest host a request carries (a DNS name's limit).
const maxHost = 255

// maxMsg is the longest refusal message an exit sends.
const maxMsg = 1024

// Request opens a tunnel (doc.go, "Request").
type Request struct {
	Kind Kind
	Host string // name or IP literal; empty for KindUDP and KindProbe
	Port uint16
}

// AppendRequest appends r's encoding to b.
func AppendRequest(b []byte, r Request) ([]byte, error) {
	if len(r.Host) > maxHost {
		return nil, fmt.Errorf("%w: host of %d bytes", ErrMalformed, len(r.Host))
	}
	b = append(b, Version, byte(r.Kind))
	b = binary.BigEndian.AppendUint16(b, r.Port)
	b = append(b, byte(len(r.Host)))
	return append(b, r.Host...), nil
}

// ReadRequest reads one request from rd.
func ReadRequest(rd io.Reader) (Request, error) {
	var h [5]byte
	if _, err := io.ReadFull(rd, h[:]); err != nil {
		return Request{}, fmt.Errorf("vpn: read request: %w", err)
	}
	if h[0] != Version {
		return Request{}, fmt.Errorf("%w: version %d", ErrMalformed, h[0])
	}
	r := Request{Kind: Kind(h[1]), Port: binary.BigEndian.Uint16(h[2:4])}
	switch r.Kind {
	case KindTCP, KindUDP, KindProbe, KindUsage:
	default:
		return Request{}, fmt.Errorf("%w: kind %d", ErrMalformed, h[1])
	}
	host := make([]byte, h[4])
	if _, err := io.ReadFull(rd, host); err != nil {
		return Request{}, fmt.Errorf("vpn: read request host: %w", err)
	}
	if !validHost(host) {
		return Request{}, fmt.Errorf("%w: host %q", ErrMalformed, host)
	}
	r.Host = string(host)
	if r.Kind == KindTCP && (r.Host == "" || r.Port == 0) {
		return Request{}, fmt.Errorf("%w: tcp request without host or port", ErrMalformed)
	}
	return r, nil
}

// validHost: printable ASCII without spaces (names and IP literals).
func validHost(h []byte) bool {
	for _, c := range h {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// Reply answers a request (doc.go, "Reply").
type Reply struct {
	Code Code
	Msg  string // why, for a refusal
}

// AppendReply appends r's encoding to b; Msg is cut to 1024 bytes.
func AppendReply(b []byte, r Reply) []byte {
	msg := r.Msg
	if len(msg) > maxMsg {
		msg = msg[:maxMsg]
	}
	b = append(b, Version, byte(r.Code))
	b = binary.BigEndian.AppendUint16(b, uint16(len(msg)))
	return append(b, msg...)
}

// ReadReply reads one reply from rd.
func ReadReply(rd io.Reader) (Reply, error) {
	var h [4]byte
	if _, err := io.ReadFull(rd, h[:]); err != nil {
		return Reply{}, fmt.Errorf("vpn: read reply: %w", err)
	}
	if h[0] != Version {
		return Reply{}, fmt.Errorf("%w: version %d", ErrMalformed, h[0])
	}
	n := binary.BigEndian.Uint16(h[2:])
	if n > maxMsg {
		return Reply{}, fmt.Errorf("%w: message of %d bytes", ErrMalformed, n)
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(rd, msg); err != nil {
		return Reply{}, fmt.Errorf("vpn: read reply message: %w", err)
	}
	if !utf8.Valid(msg) {
		return Reply{}, fmt.Errorf("%w: reply message not UTF-8", ErrMalformed)
	}
	return Reply{Code: Code(h[1]), Msg: string(msg)}, nil
}

// Datagram is one UDP datagram on an association's stream: to Host:Port
// from the client, from Host:Port to the client.
type Datagram struct {
	Host    string
	Port    uint16
	Payload []byte
}

// MaxDatagram is the largest payload a Datagram carries.
const MaxDatagram = 65535 - 1 - maxHost - 2

// AppendDatagram appends d's encoding to b.
func AppendDatagram(b []byte, d Datagram) ([]byte, error) {
	if len(d.Host) == 0 || len(d.Host) > maxHost || len(d.Payload) > MaxDatagram {
		return nil, fmt.Errorf("%w: datagram host %d bytes, payload %d", ErrMalformed, len(d.Host), len(d.Payload))
	}
	n := 1 + len(d.Host) + 2 + len(d.Payload)
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	b = append(b, byte(len(d.Host)))
	b = append(b, d.Host...)
	b = binary.BigEndian.AppendUint16(b, d.Port)
	return append(b, d.Payload...), nil
}

// ReadDatagram reads one datagram from rd into buf (which must hold
// 65535 bytes); Payload aliases buf.
func ReadDatagram(rd io.Reader, buf []byte) (Datagram, error) {
	var h [2]byte
	if _, err := io.ReadFull(rd, h[:]); err != nil {
		return Datagram{}, err
	}
	n := int(binary.BigEndian.Uint16(h[:]))
	if n < 4 || n > len(buf) {
		return Datagram{}, fmt.Errorf("%w: datagram of %d bytes", ErrMalformed, n)
	}
	b := buf[:n]
	if _, err := io.ReadFull(rd, b); err != nil {
		return Datagram{}, fmt.Errorf("vpn: read datagram: %w", err)
	}
	return parseDatagram(b)
}

func parseDatagram(b []byte) (Datagram, error) {
	hl := int(b[0])
	if hl == 0 || len(b) < 1+hl+2 || !validHost(b[1:1+hl]) {
		return Datagram{}, fmt.Errorf("%w: datagram host", ErrMalformed)
	}
	return Datagram{
		Host:    string(b[1 : 1+hl]),
		Port:    binary.BigEndian.Uint16(b[1+hl:]),
		Payload: b[1+hl+2:],
	}, nil
}
