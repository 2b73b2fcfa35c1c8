package sim

import (
	"bytes"
	"encoding/binary"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// server is a node's transfer receiver (the protocol is in transfer.go).
// It checks every byte against the pattern: a wrong byte is an invariant
// violation, since the transport authenticates everything.
type server struct {
	wq    waiter.Queue
	ln    tcpip.Endpoint
	conns []*serverConn
}

type serverConn struct {
	wq   waiter.Queue
	ep   tcpip.Endpoint
	hdr  []byte
	id   uint32
	size int
	got  int
	done bool
}

func (v *server) listen(n *node) error {
	v.conns = nil
	v.wq = waiter.Queue{}
	ln, err := listen(n, transferPort, &v.wq)
	if err == nil {
		v.ln = ln
	}
	return err
}

// listen opens a TCP listener on port of n's netstack.
func listen(n *node, port uint16, wq *waiter.Queue) (tcpip.Endpoint, error) {
	ln, err := n.in.Netstack.NewEndpoint(tcp.ProtocolNumber, ipv6.ProtocolNumber, wq)
	if err != nil {
		return nil, errorf("listen: %s", err)
	}
	if err := ln.Bind(tcpip.FullAddress{Port: port}); err != nil {
		ln.Close()
		return nil, errorf("bind: %s", err)
	}
	if err := ln.Listen(64); err != nil {
		ln.Close()
		return nil, errorf("listen: %s", err)
	}
	return ln, nil
}

func (v *server) poll(s *Sim, n *node) bool {
	progress := false
	for {
		c := &serverConn{}
		ep, _, err := v.ln.Accept(nil)
		if err != nil {
			break
		}
		c.ep = ep
		v.conns = append(v.conns, c)
		progress = true
	}
	kept := v.conns[:0]
	for _, c := range v.conns {
		p, keep := c.poll(s)
		progress = progress || p
		if keep {
			kept = append(kept, c)
		}
	}
	clear(v.conns[len(kept):])
	v.conns = kept
	return progress
}

// poll reads what arrived; keep is false once the conn is finished.
func (c *serverConn) poll(s *Sim) (progress, keep bool) {
	if c.done {
		return false, false
	}
	var b bytes.Buffer
	for {
		b.Reset()
		_, err := c.ep.Read(&b, tcpip.ReadOptions{})
		data := b.Bytes()
		if len(data) > 0 {
			progress = true
		}
		for len(data) > 0 && len(c.hdr) < transferHeader {
			take := min(transferHeader-len(c.hdr), len(data))
			c.hdr = append(c.hdr, data[:take]...)
			data = data[take:]
			if len(c.hdr) == transferHeader {
				c.id = binary.BigEndian.Uint32(c.hdr)
				c.size = int(binary.BigEndian.Uint64(c.hdr[4:]))
			}
		}
		for i, x := range data {
			if want := pattern(c.id, c.got+i); x != want {
				s.fail("transfer %d: byte %d is %#x, want %#x", c.id, c.got+i, x, want)
				c.ep.Abort()
				return true, false
			}
		}
		c.got += len(data)
		if len(c.hdr) == transferHeader && c.got == c.size {
			c.ep.Write(bytes.NewReader([]byte{'K'}), tcpip.WriteOptions{})
			c.ep.Close()
			c.done = true
			s.stats.BytesVerified += uint64(c.size)
			return true, false
		}
		if err != nil {
			if isWouldBlock(err) {
				return progress, true
			}
			c.ep.Close()
			return true, false
		}
	}
}
