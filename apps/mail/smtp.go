package mail

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/ethereum/go-ethereum/common"
)

// SMTPServer is the submission gateway: a standard SMTP server
// (github.com/emersion/go-smtp) that takes mail for anynet addresses
// from the local user (AUTH PLAIN or LOGIN with the gateway password)
// and submits it to the core. Its 250 after DATA comes only once every
// recipient's copy is stored (synced). It offers STARTTLS with the
// gateway certificate (tls.go). Serve it on loopback:
//
//	ln, _ := net.Listen("tcp", "127.0.0.1:2525")
//	go svc.SMTPServer().Serve(ln)
func (s *Service) SMTPServer() *smtp.Server {
	srv := smtp.NewServer(smtpBackend{s})
	srv.Domain = Domain
	srv.AllowInsecureAuth = !s.requireTLS // loopback only, as the control socket
	if cfg, err := s.TLSConfig(); err == nil {
		srv.TLSConfig = cfg
	} else {
		s.log.Warn("mail: SMTP gateway without STARTTLS", "err", err)
	}
	srv.MaxMessageBytes = int64(s.core.cfg.MaxSize - 256)
	srv.MaxRecipients = 50
	srv.ReadTimeout = 5 * time.Minute
	srv.WriteTimeout = time.Minute
	return srv
}

// ServeSMTP serves the submission gateway on ln until ln closes.
func (s *Service) ServeSMTP(ln net.Listener) error { return s.SMTPServer().Serve(ln) }

// ServeSMTPTLS serves the submission gateway with TLS from the first
// byte (submissions, RFC 8314's port 465) on ln until ln closes.
func (s *Service) ServeSMTPTLS(ln net.Listener) error {
	cfg, err := s.TLSConfig()
	if err != nil {
		ln.Close()
		return err
	}
	return s.SMTPServer().Serve(tls.NewListener(ln, cfg))
}

// errAuthRequired is RFC 4954's answer to mail before AUTH (go-smtp's
// ErrAuthRequired says 502).
var errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0},
	Message: "Authentication required: AUTH PLAIN with the gateway password (anynet mail gateways)"}

type smtpBackend struct{ s *Service }

func (b smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &smtpSession{s: b.s}, nil
}

type smtpSession struct {
	s    *Service
	auth bool
	to   []common.Address
	size int // MAIL FROM's SIZE= (RFC 1870), 0 if none
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (ss *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	check := func(username, password string) error {
		want, err := ss.s.Password()
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(password), []byte(want)) != 1 {
			return smtp.ErrAuthFailed
		}
		ss.auth = true
		return nil
	}
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, password string) error { return check(username, password) }), nil
}

func (ss *smtpSession) Mail(from string, opts *smtp.MailOptions) error {
	if !ss.auth {
		return errAuthRequired
	}
	ss.size = 0
	if opts != nil && opts.Size > 0 && opts.Size <= 1<<40 {
		ss.size = int(opts.Size)
	}
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !ss.auth {
		return errAuthRequired
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w, err := ss.s.Resolve(ctx, to)
	switch {
	case err != nil && errors.Is(err, ErrBadAddress) && !isNameErr(to):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 2}, Message: fmt.Sprintf("not an anynet address: %s (write name@%s or 0x…@%s)", to, Domain, Domain)}
	case err != nil:
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: fmt.Sprintf("no such anynet name: %v", err)}
	case w == ss.s.host.Addr():
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "that is this node's own address"}
	}
	if err := ss.check(ctx, w, ss.size); err != nil {
		return err
	}
	ss.to = append(ss.to, w)
	return nil
}

// check asks the core whether the recipient's node refused such mail
// lately (CheckCmd), as an SMTP error: 450 4.2.1 for its rate limit
// (try later), 550 5.7.1 for consent, 552 5.2.3 for its size cap. A
// refusal the node cannot know yet comes later, as a bounce.
func (ss *smtpSession) check(ctx context.Context, to common.Address, size int) error {
	_, err := ss.s.r.Do(ctx, CheckCmd{To: to, Size: size})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrRateLimited):
		return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: fmt.Sprintf("%v; try again later", err)}
	case errors.Is(err, ErrDenied):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: err.Error()}
	case errors.Is(err, ErrTooLarge):
		return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 2, 3}, Message: err.Error()}
	}
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: fmt.Sprintf("try again: %v", err)}
}

// checkAll checks every recipient for a message of size bytes, before
// any copy is taken.
func (ss *smtpSession) checkAll(ctx context.Context, size int) error {
	for _, to := range ss.to {
		if err := ss.check(ctx, to, size); err != nil {
			return err
		}
	}
	return nil
}

// isNameErr: the address has the anynet form, so a failure is its name's.
func isNameErr(to string) bool {
	_, err := ParseAddress(to)
	return err == nil
}

// Data takes the message in chunks of ChunkSize: a small one is
// submitted whole; a large one is spooled to the store chunk by chunk
// (SpoolCmd, each synced) and submitted by reference, so the gateway
// never holds it whole. The ID of each copy is the digest of the bytes
// and the recipient: a client that retries after a 451 does not send
// a copy twice.
func (ss *smtpSession) Data(r io.Reader) error {
	if !ss.auth {
		return errAuthRequired
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	notStored := func(err error) error {
		if errors.Is(err, ErrTooLarge) || errors.Is(err, smtp.ErrDataTooLarge) {
			return smtp.ErrDataTooLarge // 552
		}
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: fmt.Sprintf("not stored, try again: %v", err)}
	}
	digest := sha256.New()
	first := make([]byte, ChunkSize+1)
	n, err := io.ReadFull(r, first)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF: // small: one value
		data := first[:n]
		if err := ss.checkAll(ctx, len(data)); err != nil {
			return err
		}
		digest.Write(data)
		sum := digest.Sum(nil)
		for _, to := range ss.to {
			if _, err := ss.s.r.Do(ctx, SubmitCmd{To: to, ID: copyID(sum, to), Data: data}); err != nil {
				return notStored(err)
			}
		}
		return nil
	case err != nil:
		return notStored(err)
	}
	var spool MessageID
	rand.Read(spool[:])
	defer ss.s.r.Do(context.WithoutCancel(ctx), ReleaseCmd{Spool: spool})
	size, parts := 0, 0
	chunk := first[:ChunkSize]
	pending := first[ChunkSize:] // the byte read past the first chunk
	for {
		digest.Write(chunk)
		if _, err := ss.s.r.Do(ctx, SpoolCmd{Spool: spool, Index: parts, Data: chunk}); err != nil {
			io.Copy(io.Discard, r)
			return notStored(err)
		}
		size, parts = size+len(chunk), parts+1
		buf := make([]byte, ChunkSize) // the store kept a copy; a new one keeps the heap flat either way
		k := copy(buf, pending)
		pending = nil
		m, err := io.ReadFull(r, buf[k:])
		chunk = buf[:k+m]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			if len(chunk) == 0 {
				break
			}
			continue
		}
		if err != nil {
			return notStored(err)
		}
	}
	if err := ss.checkAll(ctx, size); err != nil {
		return err
	}
	sum := digest.Sum(nil)
	for _, to := range ss.to {
		if _, err := ss.s.r.Do(ctx, SubmitCmd{To: to, ID: copyID(sum, to), Spool: spool, Parts: parts, Size: size}); err != nil {
			return notStored(err)
		}
	}
	return nil
}

// copyID is the ID of the copy for to of a message whose SHA-256 is sum.
func copyID(sum []byte, to common.Address) MessageID {
	x := sha256.Sum256(append(append([]byte(nil), sum...), to[:]...))
	return MessageID(x[:16])
}

func (ss *smtpSession) Reset()        { ss.to = nil }
func (ss *smtpSession) Logout() error { return nil }
