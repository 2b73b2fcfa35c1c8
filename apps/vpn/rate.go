package vpn

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/dustin/go-humanize"
	"github.com/ethereum/go-ethereum/common"
)

// Rate is what an exit charges (doc.go, "Paying for an exit"): Price,
// in Token's smallest unit (wei for ether), per Unit bytes, both
// directions counted; a client may use Credit units before it pays.
// The zero Rate is free.
type Rate struct {
	Price  *big.Int       // nil or 0: free
	Unit   uint64         // bytes per unit; 0 with a free rate
	Credit uint64         // units a client may owe
	Token  common.Address // zero: ether
}

// Free reports whether r charges nothing.
func (r Rate) Free() bool { return r.Price == nil || r.Price.Sign() == 0 }

// Exceeds reports whether r asks more per byte than max, or is in
// another token; a free r never exceeds, and every priced r exceeds a
// free max.
func (r Rate) Exceeds(max Rate) bool {
	if r.Free() {
		return false
	}
	if max.Free() || r.Token != max.Token {
		return true
	}
	// r.Price/r.Unit > max.Price/max.Unit, in integers.
	a := new(big.Int).Mul(r.Price, new(big.Int).SetUint64(max.Unit))
	b := new(big.Int).Mul(max.Price, new(big.Int).SetUint64(r.Unit))
	return a.Cmp(b) > 0
}

// String is the rate for people: "1000 wei/MiB, credit 4 MiB", "free".
func (r Rate) String() string {
	if r.Free() {
		return "free"
	}
	token := "wei"
	if r.Token != (common.Address{}) {
		token = "of " + r.Token.Hex()
	}
	s := fmt.Sprintf("%s %s/%s", r.Price, token, unitName(r.Unit))
	if r.Credit > 0 {
		s += ", credit " + humanize.IBytes(r.Credit*r.Unit)
	}
	return s
}

// unitName is "B", "KiB", "MiB", "GiB" for those sizes, else the size
// ("64 KiB", "1000 B").
func unitName(u uint64) string {
	switch u {
	case 1:
		return "B"
	case 1 << 10:
		return "KiB"
	case 1 << 20:
		return "MiB"
	case 1 << 30:
		return "GiB"
	}
	return humanize.IBytes(u)
}

// ParsePrice parses a price as the configuration and the advert write
// it: "free" (or ""), or AMOUNT/SIZE — an integer amount of the
// token's smallest unit per SIZE bytes, SIZE a byte count with an
// optional unit ("1048576", "MiB", "64KiB", "1GB"). It returns a
// free Rate for "free", else one with Price and Unit set.
func ParsePrice(s string) (Rate, error) {
	if s == "" || s == "free" || s == "-" {
		return Rate{}, nil
	}
	amount, size, ok := strings.Cut(s, "/")
	if !ok {
		return Rate{}, fmt.Errorf("%w: price %q: want AMOUNT/SIZE (wei per bytes, e.g. 1000/MiB) or free", ErrMalformed, s)
	}
	p, ok := new(big.Int).SetString(amount, 10)
	if !ok || p.Sign() < 0 || p.BitLen() > 256 {
		return Rate{}, fmt.Errorf("%w: price %q: amount %q is not a whole number of wei", ErrMalformed, s, amount)
	}
	unit, err := ParseSize(size)
	if err != nil {
		return Rate{}, fmt.Errorf("price %q: %w", s, err)
	}
	if p.Sign() == 0 {
		return Rate{}, nil
	}
	return Rate{Price: p, Unit: unit}, nil
}

// ParseSize parses a byte count: "1048576", "MiB" (one), "64KiB",
// "1 GB". It must be at least 1.
func ParseSize(s string) (uint64, error) {
	t := strings.TrimSpace(s)
	if t != "" && (t[0] < '0' || t[0] > '9') {
		t = "1" + t
	}
	n, err := humanize.ParseBytes(t)
	if err != nil || n == 0 || n > 1<<50 {
		return 0, fmt.Errorf("%w: size %q: want a byte count such as 1048576, MiB or 64KiB", ErrMalformed, s)
	}
	return n, nil
}

// appendRate appends the advert's price fields of r: "price=free", or
// "price=AMOUNT/UNIT credit=UNITS" and, for a token, "token=0x…".
func appendRate(b []string, r Rate) []string {
	if r.Free() {
		return append(b, "price=free")
	}
	b = append(b, "price="+r.Price.String()+"/"+strconv.FormatUint(r.Unit, 10), "credit="+strconv.FormatUint(r.Credit, 10))
	if r.Token != (common.Address{}) {
		b = append(b, "token="+r.Token.Hex())
	}
	return b
}
