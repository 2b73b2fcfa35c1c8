package vpn

import (
	"context"
	"net"
	"sync"
)

// UDPTunnel is a UDP association through an exit: datagrams to any
// destination the exit's policy allows, names resolved at the exit.
type UDPTunnel struct {
	conn net.Conn
	exit string

	mu  sync.Mutex // guards out and writes to conn
	out []byte
}

// AssociateUDP opens a UDP association through the first exit that
// answers.
func (c *Client) AssociateUDP(ctx context.Context) (*UDPTunnel, error) {
	conn, err := c.open(ctx, c.route(""), Request{Kind: KindUDP})
	if err != nil {
		return nil, err
	}
	return &UDPTunnel{conn: conn, exit: c.Stats().Exit}, nil
}

// Send sends d.Payload to d.Host:d.Port through the exit.
func (t *UDPTunnel) Send(d Datagram) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var err error
	t.out, err = AppendDatagram(t.out[:0], d)
	if err != nil {
		return err
	}
	_, err = t.conn.Write(t.out)
	return err
}

// Recv reads the next datagram into buf (65535 bytes); its Payload
// aliases buf. A refusal of an earlier Send is a *RefusedError; the
// association goes on after one.
func (t *UDPTunnel) Recv(buf []byte) (Datagram, error) {
	d, err := ReadDatagram(t.conn, buf)
	if err != nil {
		return Datagram{}, err
	}
	if d.Host == "!" {
		return Datagram{}, &RefusedError{Exit: t.exit, Code: Code(d.Port), Msg: string(d.Payload)}
	}
	return d, nil
}

// Close ends the association.
func (t *UDPTunnel) Close() error { return t.conn.Close() }
