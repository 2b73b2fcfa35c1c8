package vpn

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
)

// SOCKS5 (RFC 1928) as the local proxy speaks it: no authentication
// (the port is on loopback), CONNECT and UDP ASSOCIATE.
const (
	socksVersion   = 5
	socksNoAuth    = 0
	socksNoMethods = 0xff

	socksConnect   = 1
	socksBind      = 2
	socksAssociate = 3

	atypIPv4   = 1
	atypDomain = 3
	atypIPv6   = 4
)

// SOCKS5 reply codes.
const (
	socksOK                 = 0
	socksFailure            = 1
	socksNotAllowed         = 2
	socksNetUnreachable     = 3
	socksHostUnreachable    = 4
	socksConnRefused        = 5
	socksCmdNotSupported    = 7
	socksAddrTypeNotSupport = 8
)

// socksReplyFor maps an error from Client.Dial to a SOCKS5 reply code.
func socksReplyFor(err error) byte {
	switch {
	case err == nil:
		return socksOK
	case errors.Is(err, ErrDestination), errors.Is(err, ErrPort), errors.Is(err, ErrWallet),
		errors.Is(err, ErrRate), errors.Is(err, ErrBytes), errors.Is(err, ErrUnpaid), errors.Is(err, ErrPrice):
		return socksNotAllowed
	case errors.Is(err, ErrResolve):
		return socksHostUnreachable
	case errors.Is(err, ErrConnect):
		return socksConnRefused
	case errors.Is(err, ErrNoExit):
		return socksNetUnreachable
	}
	return socksFailure
}

// readGreeting reads the client's version and methods (the version
// byte included) and reports whether "no authentication" is offered.
func readGreeting(r io.Reader) (bool, error) {
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return false, fmt.Errorf("vpn: socks greeting: %w", err)
	}
	if h[0] != socksVersion || h[1] == 0 {
		return false, fmt.Errorf("%w: socks greeting %x", ErrMalformed, h)
	}
	m := make([]byte, h[1])
	if _, err := io.ReadFull(r, m); err != nil {
		return false, fmt.Errorf("vpn: socks methods: %w", err)
	}
	for _, x := range m {
		if x == socksNoAuth {
			return true, nil
		}
	}
	return false, nil
}

// socksRequest is a SOCKS5 request.
type socksRequest struct {
	cmd  byte
	host string // a name or an IP literal
	port uint16
}

// readSocksRequest reads VER CMD RSV ATYP ADDR PORT.
func readSocksRequest(r io.Reader) (socksRequest, error) {
	var h [4]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return socksRequest{}, fmt.Errorf("vpn: socks request: %w", err)
	}
	if h[0] != socksVersion {
		return socksRequest{}, fmt.Errorf("%w: socks version %d", ErrMalformed, h[0])
	}
	host, port, err := readSocksAddr(r, h[3])
	if err != nil {
		return socksRequest{}, err
	}
	return socksRequest{cmd: h[1], host: host, port: port}, nil
}

// errAddrType: an address type SOCKS5 does not define.
var errAddrType = fmt.Errorf("%w: socks address type", ErrMalformed)

func readSocksAddr(r io.Reader, atyp byte) (string, uint16, error) {
	var b []byte
	switch atyp {
	case atypIPv4:
		b = make([]byte, 4+2)
	case atypIPv6:
		b = make([]byte, 16+2)
	case atypDomain:
		var n [1]byte
		if _, err := io.ReadFull(r, n[:]); err != nil {
			return "", 0, fmt.Errorf("vpn: socks address: %w", err)
		}
		if n[0] == 0 {
			return "", 0, fmt.Errorf("%w: empty socks domain", ErrMalformed)
		}
		b = make([]byte, int(n[0])+2)
	default:
		return "", 0, errAddrType
	}
	if _, err := io.ReadFull(r, b); err != nil {
		return "", 0, fmt.Errorf("vpn: socks address: %w", err)
	}
	a, port := b[:len(b)-2], binary.BigEndian.Uint16(b[len(b)-2:])
	switch atyp {
	case atypIPv4:
		return netip.AddrFrom4([4]byte(a)).String(), port, nil
	case atypIPv6:
		return netip.AddrFrom16([16]byte(a)).String(), port, nil
	}
	if !validHost(a) {
		return "", 0, fmt.Errorf("%w: socks domain %q", ErrMalformed, a)
	}
	return string(a), port, nil
}

// appendSocksAddr appends ATYP ADDR PORT for host:port (host a name or
// an IP literal).
func appendSocksAddr(b []byte, host string, port uint16) []byte {
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Is4() || ip.Is4In6() {
			a := ip.Unmap().As4()
			b = append(b, atypIPv4)
			b = append(b, a[:]...)
		} else {
			a := ip.As16()
			b = append(b, atypIPv6)
			b = append(b, a[:]...)
		}
	} else {
		b = append(b, atypDomain, byte(len(host)))
		b = append(b, host...)
	}
	return binary.BigEndian.AppendUint16(b, port)
}

// appendSocksReply appends VER REP RSV ATYP BND.ADDR BND.PORT.
func appendSocksReply(b []byte, rep byte, bind netip.AddrPort) []byte {
	b = append(b, socksVersion, rep, 0)
	if !bind.IsValid() {
		bind = netip.AddrPortFrom(netip.IPv4Unspecified(), 0)
	}
	return appendSocksAddr(b, bind.Addr().String(), bind.Port())
}

// parseSocksUDP parses a UDP ASSOCIATE datagram: RSV(2) FRAG ATYP ADDR
// PORT DATA. Fragments (FRAG ≠ 0) are not supported (RFC 1928 lets a
// server drop them).
func parseSocksUDP(b []byte) (host string, port uint16, payload []byte, err error) {
	if len(b) < 4 || b[0] != 0 || b[1] != 0 {
		return "", 0, nil, fmt.Errorf("%w: socks udp header", ErrMalformed)
	}
	if b[2] != 0 {
		return "", 0, nil, fmt.Errorf("%w: socks udp fragment %d", ErrMalformed, b[2])
	}
	r := &sliceReader{b: b[4:]}
	host, port, err = readSocksAddr(r, b[3])
	if err != nil {
		return "", 0, nil, err
	}
	return host, port, r.b, nil
}

// appendSocksUDP appends a UDP ASSOCIATE datagram from host:port.
func appendSocksUDP(b []byte, host string, port uint16, payload []byte) []byte {
	b = append(b, 0, 0, 0)
	b = appendSocksAddr(b, host, port)
	return append(b, payload...)
}

// sliceReader reads from b, advancing it.
type sliceReader struct{ b []byte }

func (s *sliceReader) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.b)
	s.b = s.b[n:]
	return n, nil
}
