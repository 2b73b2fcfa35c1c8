package daemon

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/anynet/anynet/apps/mail"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/emersion/go-imap/server"
	gomail "github.com/emersion/go-message/mail"
	"github.com/ethereum/go-ethereum/common"
)

var _ control.MailBackend = (*Daemon)(nil)

// mailGateways are the loopback listeners of the mail gateways.
type mailGateways struct {
	smtp, imap net.Listener
	imapSrv    *server.Server
	// smtps and imaps speak TLS from the first byte (mail.smtps,
	// mail.imaps).
	smtps, imaps net.Listener
	imapsSrv     *server.Server
}

// startMail opens the mail service and, if configured, its gateways.
func (d *Daemon) startMail(ctx context.Context) error {
	var deny []common.Address
	for _, w := range d.cfg.MailDeny {
		if common.IsHexAddress(w) {
			deny = append(deny, common.HexToAddress(w))
			continue
		}
		a, err := d.node.Lookup(ctx, w)
		if err != nil {
			return fmt.Errorf("daemon: mail.deny %s: %w", w, err)
		}
		deny = append(deny, a)
	}
	var err error
	if d.mail, err = mail.Open(ctx, mail.Config{
		Host: d.node,
		Dir:  filepath.Join(d.cfg.Dir, "mail"),
		Core: mail.CoreConfig{Mailbox: d.cfg.Mailbox, DelayAfter: d.cfg.MailDelayNotice,
			MailboxQuota: d.cfg.MailQuota, Retention: d.cfg.MailRetention,
			KnownOnly: d.cfg.MailKnownOnly, Deny: deny},
		Logger:     d.log.With("svc", "mail"),
		RequireTLS: d.cfg.MailTLSOnly,
	}); err != nil {
		return fmt.Errorf("daemon: mail service: %w", err)
	}
	if d.cfg.MailSMTP != "" {
		if d.gw.smtp, err = net.Listen("tcp", d.cfg.MailSMTP); err != nil {
			return fmt.Errorf("%w: mail.smtp %s: %v", ErrInUse, d.cfg.MailSMTP, err)
		}
		go d.mail.ServeSMTP(d.gw.smtp)
		d.log.Info("mail submission gateway (SMTP)", "addr", d.gw.smtp.Addr().String())
	}
	if d.cfg.MailIMAP != "" {
		if d.gw.imap, err = net.Listen("tcp", d.cfg.MailIMAP); err != nil {
			return fmt.Errorf("%w: mail.imap %s: %v", ErrInUse, d.cfg.MailIMAP, err)
		}
		d.gw.imapSrv = d.mail.IMAPServer()
		go d.gw.imapSrv.Serve(d.gw.imap)
		d.log.Info("mail gateway (IMAP)", "addr", d.gw.imap.Addr().String())
	}
	if d.cfg.MailSMTPS == "" && d.cfg.MailIMAPS == "" {
		return nil
	}
	tlsCfg, err := d.mail.TLSConfig()
	if err != nil {
		return fmt.Errorf("daemon: mail gateways' certificate: %w", err)
	}
	if d.cfg.MailSMTPS != "" {
		if d.gw.smtps, err = net.Listen("tcp", d.cfg.MailSMTPS); err != nil {
			return fmt.Errorf("%w: mail.smtps %s: %v", ErrInUse, d.cfg.MailSMTPS, err)
		}
		go d.mail.SMTPServer().Serve(tls.NewListener(d.gw.smtps, tlsCfg))
		d.log.Info("mail submission gateway (SMTP, implicit TLS)", "addr", d.gw.smtps.Addr().String())
	}
	if d.cfg.MailIMAPS != "" {
		if d.gw.imaps, err = net.Listen("tcp", d.cfg.MailIMAPS); err != nil {
			return fmt.Errorf("%w: mail.imaps %s: %v", ErrInUse, d.cfg.MailIMAPS, err)
		}
		d.gw.imapsSrv = d.mail.IMAPServer()
		go d.gw.imapsSrv.Serve(tls.NewListener(d.gw.imaps, tlsCfg))
		d.log.Info("mail gateway (IMAP, implicit TLS)", "addr", d.gw.imaps.Addr().String())
	}
	return nil
}

func (d *Daemon) closeMail() {
	if d.gw.smtp != nil {
		d.gw.smtp.Close()
	}
	if d.gw.imapSrv != nil {
		d.gw.imapSrv.Close()
	} else if d.gw.imap != nil {
		d.gw.imap.Close()
	}
	if d.gw.smtps != nil {
		d.gw.smtps.Close()
	}
	if d.gw.imapsSrv != nil {
		d.gw.imapsSrv.Close()
		d.gw.imaps.Close() // Close closes the TLS listener it was given, which closes this one
	}
	d.gw = mailGateways{}
	if d.mail != nil {
		d.mail.Close()
	}
}

// watchMail journals mail events.
func (d *Daemon) watchMail(ctx context.Context) {
	ch, cancel := d.mail.Subscribe()
	defer cancel()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-ch:
			if !ok {
				return
			}
			e := control.Event{Kind: control.EventMail}
			switch ev.Kind {
			case mail.EventNew:
				m := d.mailMessage(*ev.Msg, false)
				e.Mail = &m
				d.log.Info("mail", "folder", m.Folder, "from", m.Sender)
			case mail.EventStatus:
				o := mailOutgoing(*ev.Out)
				e.MailOut = &o
				d.log.Info("mail status", "id", o.ID, "to", o.To, "status", o.Status, "delayed", o.Delayed)
			default:
				continue
			}
			d.events.Append(e)
		}
	}
}

func mailOutgoing(o mail.Outgoing) control.MailOutgoing {
	return control.MailOutgoing{ID: o.ID.String(), To: mail.WalletAddress(o.To), Status: o.Status.String(),
		Delayed: o.Delayed, Reason: o.Reason, Size: o.Size, Submitted: o.Submitted}
}

// mailMessage describes a stored message; with body, its text and
// attachment names too.
func (d *Daemon) mailMessage(s mail.Stored, body bool) control.MailMessage {
	m := control.MailMessage{Folder: s.Folder, UID: s.UID, ID: s.ID.String(), Date: s.Date, Flags: s.Flags, Size: s.Size}
	if s.From != ([20]byte{}) {
		m.Sender = mail.WalletAddress(s.From)
	}
	raw, _, err := d.mail.BodyReader(s.Folder, s.UID) // a large one is not read whole
	if err != nil {
		return m
	}
	r, err := gomail.CreateReader(raw)
	if err != nil && r == nil {
		return m
	}
	if l, err := r.Header.AddressList("From"); err == nil && len(l) > 0 {
		m.From = l[0].String()
	}
	m.Subject, _ = r.Header.Subject()
	if !body {
		return m
	}
	for {
		p, err := r.NextPart()
		if err != nil {
			break
		}
		switch h := p.Header.(type) {
		case *gomail.InlineHeader:
			if t, _, _ := h.ContentType(); m.Body == "" && (t == "text/plain" || t == "") {
				b, _ := io.ReadAll(io.LimitReader(p.Body, 1<<20))
				m.Body = string(b)
			}
		case *gomail.AttachmentHeader:
			name, _ := h.Filename()
			m.Attachments = append(m.Attachments, name)
		}
	}
	if m.Body == "" && len(m.Attachments) == 0 {
		if raw, _, err := d.mail.BodyReader(s.Folder, s.UID); err == nil {
			b, _ := io.ReadAll(io.LimitReader(raw, 1<<20))
			m.Body = string(b)
		}
	}
	return m
}

// MailSend implements control.MailBackend.
func (d *Daemon) MailSend(ctx context.Context, req control.MailSendRequest) (control.MailOutgoing, error) {
	if req.To == "" {
		return control.MailOutgoing{}, fmt.Errorf("%w: send to whom? give name@anynet, a name or a 0x wallet", control.ErrBadRequest)
	}
	to, err := d.mail.Resolve(ctx, req.To)
	if err != nil {
		return control.MailOutgoing{}, fmt.Errorf("%w: %v", control.ErrNotFound, err)
	}
	var buf bytes.Buffer
	var h gomail.Header
	h.SetDate(time.Now())
	h.SetSubject(req.Subject)
	h.SetAddressList("From", []*gomail.Address{{Address: d.mail.Addr()}})
	h.SetAddressList("To", []*gomail.Address{{Address: mail.WalletAddress(to)}})
	if err := h.GenerateMessageID(); err != nil {
		return control.MailOutgoing{}, err
	}
	w, err := gomail.CreateWriter(&buf, h)
	if err != nil {
		return control.MailOutgoing{}, err
	}
	var th gomail.InlineHeader
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	tw, err := w.CreateSingleInline(th)
	if err != nil {
		return control.MailOutgoing{}, err
	}
	io.WriteString(tw, req.Text)
	tw.Close()
	for _, path := range req.Attach {
		if !filepath.IsAbs(path) {
			return control.MailOutgoing{}, fmt.Errorf("%w: attachment %q: give an absolute path", control.ErrBadRequest, path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return control.MailOutgoing{}, fmt.Errorf("%w: attachment: %v", control.ErrBadRequest, err)
		}
		var ah gomail.AttachmentHeader
		ct := mime.TypeByExtension(filepath.Ext(path))
		if ct == "" {
			ct = "application/octet-stream"
		}
		ah.SetContentType(ct, nil)
		ah.SetFilename(filepath.Base(path))
		aw, err := w.CreateAttachment(ah)
		if err != nil {
			return control.MailOutgoing{}, err
		}
		aw.Write(data)
		aw.Close()
	}
	w.Close()
	o, err := d.mail.SendTo(ctx, to, buf.Bytes())
	switch {
	case errors.Is(err, mail.ErrTooLarge), errors.Is(err, mail.ErrSelf):
		return control.MailOutgoing{}, fmt.Errorf("%w: %v", control.ErrBadRequest, err)
	case err != nil:
		return control.MailOutgoing{}, err
	}
	// A copy in Sent, as a mail client files one (the gateway leaves
	// that to the client).
	if _, err := d.mail.Do(ctx, mail.AppendCmd{Folder: mail.Sent, Flags: []string{`\Seen`}, Data: buf.Bytes()}); err != nil {
		d.log.Warn("mail: no copy in Sent", "err", err)
	}
	return mailOutgoing(o), nil
}

func checkFolder(f string) error {
	if !slices.Contains(mail.Folders(), f) {
		return fmt.Errorf("%w: folder %q: the folders are %s", control.ErrNotFound, f, strings.Join(mail.Folders(), ", "))
	}
	return nil
}

// MailList implements control.MailBackend.
func (d *Daemon) MailList(ctx context.Context, folder string) ([]control.MailMessage, error) {
	if err := checkFolder(folder); err != nil {
		return nil, err
	}
	ms, err := d.mail.Messages(folder)
	if err != nil {
		return nil, err
	}
	out := make([]control.MailMessage, 0, len(ms))
	for _, m := range ms {
		out = append(out, d.mailMessage(m, false))
	}
	return out, nil
}

// MailRead implements control.MailBackend.
func (d *Daemon) MailRead(ctx context.Context, folder string, uid uint32) (control.MailMessage, error) {
	if err := checkFolder(folder); err != nil {
		return control.MailMessage{}, err
	}
	ms, err := d.mail.Messages(folder)
	if err != nil {
		return control.MailMessage{}, err
	}
	for _, m := range ms {
		if m.UID == uid {
			if !slices.Contains(m.Flags, `\Seen`) {
				d.mail.Do(ctx, mail.FlagsCmd{Folder: folder, UIDs: []uint32{uid}, Op: "add", Flags: []string{`\Seen`}})
			}
			return d.mailMessage(m, true), nil
		}
	}
	return control.MailMessage{}, fmt.Errorf("%w: no message %d in %s", control.ErrNotFound, uid, folder)
}

// MailOutbox implements control.MailBackend.
func (d *Daemon) MailOutbox(ctx context.Context) ([]control.MailOutgoing, error) {
	os, err := d.mail.Outgoing()
	if err != nil {
		return nil, err
	}
	out := make([]control.MailOutgoing, 0, len(os))
	for _, o := range os {
		out = append(out, mailOutgoing(o))
	}
	return out, nil
}

// MailAllow implements control.MailBackend.
func (d *Daemon) MailAllow(ctx context.Context, peer string) error {
	if peer == "" {
		return fmt.Errorf("%w: allow whom? give a name or 0x wallet", control.ErrBadRequest)
	}
	w, _, err := d.lookup(ctx, peer)
	if err != nil {
		return err
	}
	_, err = d.mail.Do(ctx, mail.AllowCmd{Peer: w})
	return err
}

// MailGateways implements control.MailBackend.
func (d *Daemon) MailGateways(ctx context.Context) (control.MailGateways, error) {
	p, err := d.mail.Password()
	if err != nil {
		return control.MailGateways{}, err
	}
	g := control.MailGateways{Address: d.mail.Addr(), User: "anynet", Password: p,
		Certificate: d.mail.CertFile(), TLSOnly: d.cfg.MailTLSOnly}
	if g.Fingerprint, err = d.mail.CertFingerprint(); err != nil {
		return control.MailGateways{}, err
	}
	if d.gw.smtp != nil {
		g.SMTP = d.gw.smtp.Addr().String()
	}
	if d.gw.imap != nil {
		g.IMAP = d.gw.imap.Addr().String()
	}
	if d.gw.smtps != nil {
		g.SMTPS = d.gw.smtps.Addr().String()
	}
	if d.gw.imaps != nil {
		g.IMAPS = d.gw.imaps.Addr().String()
	}
	return g, nil
}

// MailStatus implements control.MailBackend.
func (d *Daemon) MailStatus(ctx context.Context) (control.MailStatus, error) {
	in, err := d.mail.Info(ctx)
	if err != nil {
		return control.MailStatus{}, err
	}
	terms := func(t *mail.Terms) *control.MailTerms {
		if t == nil {
			return nil
		}
		return &control.MailTerms{Quota: t.Quota, Retention: t.Retention}
	}
	s := control.MailStatus{Address: d.mail.Addr(), Mailbox: terms(in.Terms), MailAtTerms: terms(in.MailboxTerms),
		DelayNotice: in.DelayAfter, MaxSize: in.MaxSize}
	for _, h := range in.Held {
		s.Held = append(s.Held, control.MailHeld{To: mail.WalletAddress(h.To), Messages: h.Messages, Bytes: h.Bytes})
	}
	if in.Mailbox != nil {
		s.MailAt = mail.WalletAddress(*in.Mailbox)
	}
	return s, nil
}
