package pay

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// Frame header (see doc.go): magic, version, type, body length.
const (
	frameMagic   = 0x50 // 'P'
	frameVersion = 1
	headerLen    = 7
	// MaxBody is the largest message body accepted.
	MaxBody = 64 << 10
	// MaxMemo is the longest memo, in bytes.
	MaxMemo = 1024
)

// Message types.
const (
	TypeInvoice  = 0x01
	TypeTransfer = 0x02
	TypeReceipt  = 0x03
	TypeOpen     = 0x04
	TypeVoucher  = 0x05
	TypeAck      = 0x06
	TypeClose    = 0x07
	TypeCloseOK  = 0x08
	TypeRequest  = 0x09
	TypeResponse = 0x0a
	TypePaid     = 0x0b
	TypeDecline  = 0x0c
	TypeError    = 0x0f
)

// Message is one in-band payment message.
type Message interface {
	Type() byte
	appendBody(b []byte) []byte
}

// Invoice asks for a payment.
type Invoice struct {
	ID          [16]byte
	Token       common.Address // zero: ether
	Amount      *big.Int
	ValidBefore uint64 // unix seconds; zero: no limit
	Memo        string
}

// Transfer carries a signed transaction paying Amount of Token to the
// payee, for the payee to submit.
type Transfer struct {
	Invoice     [16]byte // the invoice paid; zero if unsolicited
	Token       common.Address
	Amount      *big.Int
	ValidBefore uint64 // unix seconds after which the payee must not submit
	Memo        string
	Tx          []byte // the transaction, in its binary (typed) encoding
}

// Receipt names the mined transaction of a transfer.
type Receipt struct {
	TxHash common.Hash
	Block  uint64
	Status uint8 // 1: success
}

// Open announces a channel the payer opened on chain.
type Open struct {
	Channel common.Hash
}

// Voucher pays Amount more on a channel: Cumulative is the new total,
// Sig the payer's EIP-712 signature of Voucher(Channel, Cumulative).
type Voucher struct {
	Channel    common.Hash
	Cumulative *big.Int
	Amount     *big.Int
	Sig        [65]byte
}

// Ack acknowledges that the payee holds, durably, the voucher for
// Cumulative on Channel.
type Ack struct {
	Channel    common.Hash
	Cumulative *big.Int
}

// Close asks the payee to agree to a cooperative close at Cumulative.
type Close struct {
	Channel    common.Hash
	Cumulative *big.Int
}

// CloseOK is the payee's EIP-712 signature of Close(Channel, Cumulative).
type CloseOK struct {
	Channel    common.Hash
	Cumulative *big.Int
	Sig        [65]byte
}

// Request is a request to a paid service, with the voucher paying for it
// (nil for a free one).
type Request struct {
	ID      uint64
	Voucher *Voucher
	Payload []byte
}

// Response answers Request ID.
type Response struct {
	ID      uint64
	Payload []byte
}

// Paid pays invoice Invoice with a channel voucher.
type Paid struct {
	Invoice [16]byte
	Voucher *Voucher
}

// Decline tells the payee its invoice Invoice will not be paid.
type Decline struct {
	Invoice [16]byte
	Reason  string
}

// Error refuses the last message.
type Error struct {
	Code    Code
	Message string
}

func (*Invoice) Type() byte  { return TypeInvoice }
func (*Transfer) Type() byte { return TypeTransfer }
func (*Receipt) Type() byte  { return TypeReceipt }
func (*Open) Type() byte     { return TypeOpen }
func (*Voucher) Type() byte  { return TypeVoucher }
func (*Ack) Type() byte      { return TypeAck }
func (*Close) Type() byte    { return TypeClose }
func (*CloseOK) Type() byte  { return TypeCloseOK }
func (*Request) Type() byte  { return TypeRequest }
func (*Response) Type() byte { return TypeResponse }
func (*Error) Type() byte    { return TypeError }
func (*Paid) Type() byte     { return TypePaid }
func (*Decline) Type() byte  { return TypeDecline }

// Encode returns m as one frame.
func Encode(m Message) ([]byte, error) {
	b := make([]byte, headerLen, 128)
	b = m.appendBody(b)
	n := len(b) - headerLen
	if n > MaxBody {
		return nil, fmt.Errorf("%w: body of %d bytes over %d", ErrMalformed, n, MaxBody)
	}
	b[0], b[1], b[2] = frameMagic, frameVersion, m.Type()
	binary.BigEndian.PutUint32(b[3:], uint32(n))
	return b, nil
}

// WriteMessage writes m as one frame.
func WriteMessage(w io.Writer, m Message) error {
	b, err := Encode(m)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// ReadMessage reads one frame from r; it reads no byte past the frame.
func ReadMessage(r io.Reader) (Message, error) {
	var h [headerLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	if h[0] != frameMagic || h[1] != frameVersion {
		return nil, fmt.Errorf("%w: header %x", ErrMalformed, h[:2])
	}
	n := binary.BigEndian.Uint32(h[3:])
	if n > MaxBody {
		return nil, fmt.Errorf("%w: body of %d bytes over %d", ErrMalformed, n, MaxBody)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("%w: short body: %w", ErrMalformed, err)
	}
	return DecodeBody(h[2], body)
}

// Decode parses one whole frame.
func Decode(frame []byte) (Message, error) {
	if len(frame) < headerLen {
		return nil, fmt.Errorf("%w: %d-byte frame", ErrMalformed, len(frame))
	}
	if frame[0] != frameMagic || frame[1] != frameVersion {
		return nil, fmt.Errorf("%w: header %x", ErrMalformed, frame[:2])
	}
	if n := binary.BigEndian.Uint32(frame[3:]); int64(n) != int64(len(frame)-headerLen) {
		return nil, fmt.Errorf("%w: length %d, body %d", ErrMalformed, n, len(frame)-headerLen)
	}
	return DecodeBody(frame[2], frame[headerLen:])
}

// DecodeBody parses the body of a message of type typ.
func DecodeBody(typ byte, body []byte) (Message, error) {
	d := decoder{b: body}
	var m Message
	switch typ {
	case TypeInvoice:
		v := &Invoice{}
		d.bytes(v.ID[:])
		d.addr(&v.Token)
		v.Amount = d.u256()
		v.ValidBefore = d.u64()
		v.Memo = d.str16(MaxMemo)
		m = v
	case TypeTransfer:
		v := &Transfer{}
		d.bytes(v.Invoice[:])
		d.addr(&v.Token)
		v.Amount = d.u256()
		v.ValidBefore = d.u64()
		v.Memo = d.str16(MaxMemo)
		v.Tx = d.blob32()
		m = v
	case TypeReceipt:
		v := &Receipt{}
		d.bytes(v.TxHash[:])
		v.Block = d.u64()
		v.Status = d.u8()
		m = v
	case TypeOpen:
		v := &Open{}
		d.bytes(v.Channel[:])
		m = v
	case TypeVoucher:
		m = d.voucher()
	case TypeAck:
		v := &Ack{}
		d.bytes(v.Channel[:])
		v.Cumulative = d.u256()
		m = v
	case TypeClose:
		v := &Close{}
		d.bytes(v.Channel[:])
		v.Cumulative = d.u256()
		m = v
	case TypeCloseOK:
		v := &CloseOK{}
		d.bytes(v.Channel[:])
		v.Cumulative = d.u256()
		d.bytes(v.Sig[:])
		m = v
	case TypeRequest:
		v := &Request{}
		v.ID = d.u64()
		switch d.u8() {
		case 0:
		case 1:
			v.Voucher = d.voucher()
		default:
			d.fail("voucher flag")
		}
		v.Payload = d.blob32()
		m = v
	case TypeResponse:
		v := &Response{}
		v.ID = d.u64()
		v.Payload = d.blob32()
		m = v
	case TypePaid:
		v := &Paid{}
		d.bytes(v.Invoice[:])
		v.Voucher = d.voucher()
		m = v
	case TypeDecline:
		v := &Decline{}
		d.bytes(v.Invoice[:])
		v.Reason = d.str16(MaxMemo)
		m = v
	case TypeError:
		v := &Error{}
		v.Code = Code(d.u16())
		v.Message = d.str16(MaxMemo)
		m = v
	default:
		return nil, fmt.Errorf("%w: unknown type %#x", ErrMalformed, typ)
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail(fmt.Sprintf("%d trailing bytes", len(d.b)))
	}
	if d.err != nil {
		return nil, fmt.Errorf("%w: type %#x: %s", ErrMalformed, typ, d.err.Error())
	}
	return m, nil
}

func (v *Paid) appendBody(b []byte) []byte {
	return v.Voucher.appendBody(append(b, v.Invoice[:]...))
}

func (v *Decline) appendBody(b []byte) []byte {
	return appendStr16(append(b, v.Invoice[:]...), v.Reason)
}

func (v *Invoice) appendBody(b []byte) []byte {
	b = append(b, v.ID[:]...)
	b = append(b, v.Token[:]...)
	b = appendU256(b, v.Amount)
	b = binary.BigEndian.AppendUint64(b, v.ValidBefore)
	return appendStr16(b, v.Memo)
}

func (v *Transfer) appendBody(b []byte) []byte {
	b = append(b, v.Invoice[:]...)
	b = append(b, v.Token[:]...)
	b = appendU256(b, v.Amount)
	b = binary.BigEndian.AppendUint64(b, v.ValidBefore)
	b = appendStr16(b, v.Memo)
	return appendBlob32(b, v.Tx)
}

func (v *Receipt) appendBody(b []byte) []byte {
	b = append(b, v.TxHash[:]...)
	b = binary.BigEndian.AppendUint64(b, v.Block)
	return append(b, v.Status)
}

func (v *Open) appendBody(b []byte) []byte { return append(b, v.Channel[:]...) }

func (v *Voucher) appendBody(b []byte) []byte {
	b = append(b, v.Channel[:]...)
	b = appendU256(b, v.Cumulative)
	b = appendU256(b, v.Amount)
	return append(b, v.Sig[:]...)
}

func (v *Ack) appendBody(b []byte) []byte {
	b = append(b, v.Channel[:]...)
	return appendU256(b, v.Cumulative)
}

func (v *Close) appendBody(b []byte) []byte {
	b = append(b, v.Channel[:]...)
	return appendU256(b, v.Cumulative)
}

func (v *CloseOK) appendBody(b []byte) []byte {
	b = append(b, v.Channel[:]...)
	b = appendU256(b, v.Cumulative)
	return append(b, v.Sig[:]...)
}

func (v *Request) appendBody(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, v.ID)
	if v.Voucher == nil {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		b = v.Voucher.appendBody(b)
	}
	return appendBlob32(b, v.Payload)
}

func (v *Response) appendBody(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, v.ID)
	return appendBlob32(b, v.Payload)
}

func (v *Error) appendBody(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(v.Code))
	return appendStr16(b, v.Message)
}

// appendU256 appends x as 32 bytes big-endian; nil is zero. Amounts are
// checked to fit (see checkAmount) before they are encoded; a larger or
// negative value encodes as its low 256 bits.
func appendU256(b []byte, x *big.Int) []byte {
	var w [32]byte
	if x != nil {
		x.FillBytes(w[:])
	}
	return append(b, w[:]...)
}

func appendStr16(b []byte, s string) []byte {
	if len(s) > MaxMemo {
		s = s[:MaxMemo]
	}
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}

func appendBlob32(b []byte, p []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(p)))
	return append(b, p...)
}

// decoder reads fields off a body, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%s", what)
	}
	d.b = nil
}

func (d *decoder) take(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if len(d.b) < n {
		d.fail("short " + what)
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) bytes(dst []byte) { copy(dst, d.take(len(dst), "field")) }
func (d *decoder) addr(a *common.Address) {
	copy(a[:], d.take(common.AddressLength, "address"))
}

func (d *decoder) u8() uint8 {
	if p := d.take(1, "byte"); p != nil {
		return p[0]
	}
	return 0
}

func (d *decoder) u16() uint16 {
	if p := d.take(2, "u16"); p != nil {
		return binary.BigEndian.Uint16(p)
	}
	return 0
}

func (d *decoder) u64() uint64 {
	if p := d.take(8, "u64"); p != nil {
		return binary.BigEndian.Uint64(p)
	}
	return 0
}

func (d *decoder) u256() *big.Int {
	return new(big.Int).SetBytes(d.take(32, "amount"))
}

func (d *decoder) str16(max int) string {
	n := int(d.u16())
	if n > max {
		d.fail(fmt.Sprintf("string of %d bytes over %d", n, max))
		return ""
	}
	return string(d.take(n, "string"))
}

func (d *decoder) blob32() []byte {
	n := d.u32()
	if n > MaxBody {
		d.fail("blob over MaxBody")
		return nil
	}
	p := d.take(int(n), "blob")
	if p == nil {
		return nil
	}
	return append([]byte{}, p...)
}

func (d *decoder) u32() uint32 {
	if p := d.take(4, "u32"); p != nil {
		return binary.BigEndian.Uint32(p)
	}
	return 0
}

func (d *decoder) voucher() *Voucher {
	v := &Voucher{}
	d.bytes(v.Channel[:])
	v.Cumulative = d.u256()
	v.Amount = d.u256()
	d.bytes(v.Sig[:])
	return v
}
