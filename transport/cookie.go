package transport

import (
	"crypto/subtle"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/blake2s"
	"golang.org/x/crypto/chacha20poly1305"
)

// The flood defence of WireGuard (section 5.3 of its paper), keyed by
// wallets instead of static keys so that XX initiators, which do not know
// the responder's node key, can compute it too:
//
//	mac1 = MAC(HASH("mac1----" || receiver wallet), msg up to mac1)
//	mac2 = MAC(cookie, msg up to mac2)          (zero without a cookie)
//	cookie = MAC(secret, src)                    (secret rotates every 2 min)
//
// MAC is keyed BLAKE2s-128 and HASH is BLAKE2s-256. A responder drops an
// initiation with a bad mac1 before any DH. Under load it answers an
// initiation without a valid mac2 with a cookie reply, sealed with
// XChaCha20-Poly1305 under HASH("cookie--" || responder wallet) with the
// initiation's mac1 as associated data, and rate-limits the initiations
// that carry one per source.

var (
	labelMAC1   = []byte("mac1----")
	labelCookie = []byte("cookie--")
)

const (
	cookieSecretLife = 2 * time.Minute
	// cookieLife is how long an initiator uses a cookie: a little less
	// than the responder keeps the secret.
	cookieLife = cookieSecretLife - 5*time.Second
	// maxBuckets bounds the per-source token buckets.
	maxBuckets = 1 << 14
)

// walletKey derives a MAC or cookie key from a wallet address.
func walletKey(label []byte, w common.Address) [32]byte {
	b := make([]byte, 0, len(label)+len(w))
	b = append(append(b, label...), w[:]...)
	return blake2s.Sum256(b)
}

// mac is keyed BLAKE2s-128.
func mac(key, msg []byte) [macSize]byte {
	h, err := blake2s.New128(key)
	if err != nil {
		panic(err) // keys here are 16 or 32 bytes
	}
	h.Write(msg)
	var out [macSize]byte
	h.Sum(out[:0])
	return out
}

// putMACs fills the last 32 bytes of an initiation: mac1 keyed for the
// receiver's wallet, and mac2 if a cookie is given. It returns mac1.
func putMACs(msg []byte, mac1Key *[32]byte, cookie *[macSize]byte) [macSize]byte {
	n := len(msg)
	m1 := mac(mac1Key[:], msg[:n-2*macSize])
	copy(msg[n-2*macSize:], m1[:])
	if cookie != nil {
		m2 := mac(cookie[:], msg[:n-macSize])
		copy(msg[n-macSize:], m2[:])
	} else {
		clear(msg[n-macSize:])
	}
	return m1
}

// openCookieReply decrypts the cookie of a cookie reply to an initiation
// whose mac1 was mac1, sent to the wallet whose cookie key is key.
func openCookieReply(key *[32]byte, mac1 [macSize]byte, reply []byte) ([macSize]byte, error) {
	var cookie [macSize]byte
	aead, err := chacha20poly1305.NewX(key[:])
	if err != nil {
		return cookie, err
	}
	nonce := reply[8 : 8+cookieNonceSize]
	out, err := aead.Open(cookie[:0], nonce, reply[8+cookieNonceSize:], mac1[:])
	if err != nil || len(out) != macSize {
		return cookie, fmt.Errorf("%w: cookie reply", ErrAuth)
	}
	return cookie, nil
}

// tokenBucket is one source's allowance of initiations under load.
type tokenBucket struct {
	tokens int64 // in nanoseconds of allowance
	last   time.Time
}

// cookieChecker is the responder's side of the flood defence.
type cookieChecker struct {
	mac1Key   [32]byte // from this node's wallet
	cookieKey [32]byte
	threshold uint64     // initiations per second that mean load
	cost      int64      // nanoseconds of allowance per initiation
	maxTokens int64      // burst
	rand      io.Reader  // locked
	mu        sync.Mutex // guards the fields below
	secret    [32]byte   // keys the cookies
	secretAt  time.Time  // zero: no secret yet
	second    time.Time  // start of the current counting second
	count     uint64     // initiations in the current second
	loadUntil time.Time  // under load until this time
	buckets   map[string]*tokenBucket
}

func (c *cookieChecker) init(wallet common.Address, t Timers, rand io.Reader) {
	c.mac1Key = walletKey(labelMAC1, wallet)
	c.cookieKey = walletKey(labelCookie, wallet)
	c.threshold = t.LoadThreshold
	c.cost = int64(time.Second) / int64(t.SourceRate)
	c.maxTokens = c.cost * int64(t.SourceBurst)
	c.rand = rand
	c.buckets = make(map[string]*tokenBucket)
}

// checkMAC1 is the cheap pre-check of an initiation.
func (c *cookieChecker) checkMAC1(msg []byte) bool {
	n := len(msg)
	want := mac(c.mac1Key[:], msg[:n-2*macSize])
	return subtle.ConstantTimeCompare(want[:], msg[n-2*macSize:n-macSize]) == 1
}

// underLoad counts one initiation and reports whether the node is under
// load: more than threshold initiations in the current second make it
// so for the next second.
func (c *cookieChecker) underLoad(now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.second.IsZero() || now.Sub(c.second) >= time.Second || now.Before(c.second) {
		c.second, c.count = now, 0
	}
	c.count++
	if c.count > c.threshold {
		c.loadUntil = now.Add(time.Second)
	}
	return now.Before(c.loadUntil)
}

// cookieLocked returns the cookie for src, rotating the secret when due.
func (c *cookieChecker) cookieLocked(src []byte, now time.Time) ([macSize]byte, error) {
	if c.secretAt.IsZero() || now.Sub(c.secretAt) >= cookieSecretLife {
		if _, err := io.ReadFull(c.rand, c.secret[:]); err != nil {
			return [macSize]byte{}, fmt.Errorf("transport: cookie secret: %w", err)
		}
		c.secretAt = now
	}
	return mac(c.secret[:], src), nil
}

// checkMAC2 reports whether an initiation carries the cookie of src.
func (c *cookieChecker) checkMAC2(msg, src []byte, now time.Time) bool {
	c.mu.Lock()
	if c.secretAt.IsZero() || now.Sub(c.secretAt) >= cookieSecretLife {
		c.mu.Unlock()
		return false
	}
	cookie := mac(c.secret[:], src)
	c.mu.Unlock()
	n := len(msg)
	want := mac(cookie[:], msg[:n-macSize])
	return subtle.ConstantTimeCompare(want[:], msg[n-macSize:]) == 1
}

// reply makes the cookie reply to the initiation msg from src.
func (c *cookieChecker) reply(msg, src []byte, now time.Time) ([]byte, error) {
	c.mu.Lock()
	cookie, err := c.cookieLocked(src, now)
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := header(msgCookie, cookieReplySize, le32(msg[4:8]))
	out = out[:8+cookieNonceSize]
	if _, err := io.ReadFull(c.rand, out[8:]); err != nil {
		return nil, fmt.Errorf("transport: cookie nonce: %w", err)
	}
	aead, err := chacha20poly1305.NewX(c.cookieKey[:])
	if err != nil {
		return nil, err
	}
	n := len(msg)
	return aead.Seal(out, out[8:], cookie[:], msg[n-2*macSize:n-macSize]), nil
}

// allow takes one initiation from src's token bucket.
func (c *cookieChecker) allow(src []byte, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.buckets[string(src)]
	if b == nil {
		if len(c.buckets) >= maxBuckets {
			return false
		}
		c.buckets[string(src)] = &tokenBucket{tokens: c.maxTokens - c.cost, last: now}
		return true
	}
	b.tokens = min(b.tokens+int64(now.Sub(b.last)), c.maxTokens)
	b.last = now
	if b.tokens < c.cost {
		return false
	}
	b.tokens -= c.cost
	return true
}

// gc forgets the buckets of sources idle for a second.
func (c *cookieChecker) gc(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, b := range c.buckets {
		if now.Sub(b.last) >= time.Second {
			delete(c.buckets, k)
		}
	}
}
