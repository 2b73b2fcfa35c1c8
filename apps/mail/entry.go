package mail

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DocumentEntryType is the type of mail's service entry in a wallet's
// DID document (did/svc/AnynetMail); its value is an Entry.
const DocumentEntryType = "AnynetMail"

// Entry is what a wallet's AnynetMail entry says: the key mail to it is
// sealed to and, for a node that keeps mail for others (a mailbox), the
// terms it keeps it on. Its value (doc.go has vectors):
//
//	seal:<64 hex>[;quota=<bytes per recipient>;retention=<seconds>]
type Entry struct {
	Key [32]byte
	// Terms are set on a mailbox node's entry.
	Terms *Terms
}

// Terms are what a mailbox node promises the wallets that name it
// (mail-at): it keeps up to Quota bytes of sealed mail per recipient,
// each message for Retention.
type Terms struct {
	Quota     int64         `json:"quota"`
	Retention time.Duration `json:"retention"`
}

// String is the entry's value.
func (e Entry) String() string {
	s := "seal:" + hex.EncodeToString(e.Key[:])
	if e.Terms != nil {
		s += fmt.Sprintf(";quota=%d;retention=%d", e.Terms.Quota, int64(e.Terms.Retention/time.Second))
	}
	return s
}

// DocumentEntry is the value of a (non-mailbox) entry that publishes
// key.
func DocumentEntry(key [32]byte) string { return Entry{Key: key}.String() }

// ParseEntryValue reads an entry's value.
func ParseEntryValue(v string) (Entry, error) {
	var e Entry
	bad := func(why string) (Entry, error) {
		return Entry{}, fmt.Errorf("%w: %s entry %q: %s", ErrMalformed, DocumentEntryType, v, why)
	}
	fields := strings.Split(v, ";")
	k, ok := strings.CutPrefix(fields[0], "seal:")
	if !ok || len(k) != 64 {
		return bad("want seal:<64 hex>")
	}
	if _, err := hex.Decode(e.Key[:], []byte(k)); err != nil {
		return bad("want seal:<64 hex>")
	}
	if len(fields) == 1 {
		return e, nil
	}
	if len(fields) != 3 {
		return bad("want quota=<bytes>;retention=<seconds> after the key")
	}
	q, okq := strings.CutPrefix(fields[1], "quota=")
	r, okr := strings.CutPrefix(fields[2], "retention=")
	quota, errq := strconv.ParseInt(q, 10, 64)
	secs, errr := strconv.ParseInt(r, 10, 64)
	if !okq || !okr || errq != nil || errr != nil || quota <= 0 || secs <= 0 || secs > 1<<32 ||
		q != strconv.FormatInt(quota, 10) || r != strconv.FormatInt(secs, 10) {
		return bad("want quota=<bytes>;retention=<seconds>, positive decimals")
	}
	e.Terms = &Terms{Quota: quota, Retention: time.Duration(secs) * time.Second}
	return e, nil
}

// ParseEntry reads a service entry: ok if it is a valid mail entry.
func ParseEntry(typ, value string) (Entry, bool) {
	if typ != DocumentEntryType {
		return Entry{}, false
	}
	e, err := ParseEntryValue(value)
	return e, err == nil
}
