package content

import (
	"net/netip"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// EventKind says what an Event reports.
type EventKind uint8

const (
	// EventProgress: a download verified more bytes (Have of Size).
	EventProgress EventKind = iota + 1
	// EventDone: a download is complete and verified.
	EventDone
	// EventFailed: a download stopped (Err); it resumes when given
	// providers again.
	EventFailed
	// EventDropped: Peer was dropped from a download (Err: ErrCorrupt
	// for a provider caught serving bytes that do not verify).
	EventDropped
	// EventListing: the answer (Entries) or failure (Err) of a List.
	EventListing
	// EventEvicted: a cached blob (ID, Size) was deleted to fit
	// CoreConfig.CacheBytes.
	EventEvicted
)

func (k EventKind) String() string {
	switch k {
	case EventProgress:
		return "progress"
	case EventDone:
		return "done"
	case EventFailed:
		return "failed"
	case EventDropped:
		return "dropped"
	case EventListing:
		return "listing"
	case EventEvicted:
		return "evicted"
	}
	return "unknown"
}

// Event is what the core tells its user.
type Event struct {
	Kind    EventKind
	ID      ID
	Peer    common.Address
	Have    int64
	Size    int64
	Err     error
	Req     uint32
	Entries []Entry
	// Instance is the instance address of the node of Peer's wallet a
	// Progress or Dropped is about, when the download asks that wallet
	// at its instances (FetchCmd.Instances); zero otherwise.
	Instance netip.Addr
}

// ShareCmd shares a blob (a file, or a collection with Collection set)
// under Name: with every wallet if Public, else with the wallets in To.
// The blob must be in Blobs.
type ShareCmd struct {
	Name       string
	ID         ID
	Size       int64
	Collection bool
	Public     bool
	To         []common.Address
}

// UnshareCmd stops sharing Name (its blobs stay).
type UnshareCmd struct{ Name string }

// FetchCmd downloads blob ID of Size bytes (-1: unknown, learned and
// proven from the first answer) from Providers, and from the holders
// the first provider names if AskHolders. Public says the blob came
// from a public share: with CoreConfig.Serve it is then served here and
// announced. A download already running gets the providers added.
//
// Caches are caches on this node's path (its routers): each is sent a
// Want naming the first provider, so that it fetches the blob and
// serves the next downloads, and is asked for ranges like the others.
type FetchCmd struct {
	ID         ID
	Size       int64
	Providers  []common.Address
	AskHolders bool
	Public     bool
	Caches     []common.Address
	// Instances are nodes of the Providers' wallets (an anycast
	// wallet's, say), each then asked as a provider of its own at its
	// instance address (instances.go), ranked, checked and dropped
	// alone, in its wallet's place. The Service fills it from the
	// host's LookupInstances.
	Instances []Instance
}

// ListCmd asks Peer for its shares whose name starts with Prefix; the
// answer is an EventListing with the Req the command returns.
type ListCmd struct {
	Peer   common.Address
	Prefix string
}

// SharesCmd returns this node's shares ([]Entry).
type SharesCmd struct{}

// StatusCmd returns a Status.
type StatusCmd struct{}

// PinCmd pins (Pin) or unpins a blob: a pinned blob is never evicted
// from the cache.
type PinCmd struct {
	ID  ID
	Pin bool
}

// Status is a snapshot of a core.
type Status struct {
	Downloads []Download `json:"downloads"`
	Stats     Stats      `json:"stats"`
	Cache     Cache      `json:"cache"`
}

// Cache is the cache's state: the downloaded blobs kept (most recently
// used first) and the pinned ones, their bytes and the cap (0: none).
type Cache struct {
	Bytes int64        `json:"bytes"`
	Limit int64        `json:"limit"`
	Blobs []CachedBlob `json:"blobs"`
}

// CachedBlob is one blob of Cache; Own marks a pinned blob that was
// added here rather than downloaded.
type CachedBlob struct {
	ID     ID        `json:"id"`
	Size   int64     `json:"size"`
	Used   time.Time `json:"used,omitzero"`
	Pinned bool      `json:"pinned,omitempty"`
	Own    bool      `json:"own,omitempty"`
}

// Download is one download's state.
type Download struct {
	ID        ID         `json:"id"`
	Size      int64      `json:"size"`
	Have      int64      `json:"have"`
	Providers []Provider `json:"providers"`
}

// Provider is one provider of a download.
type Provider struct {
	Wallet  common.Address `json:"wallet"`
	Bytes   int64          `json:"bytes"`
	Rate    float64        `json:"rate"` // bytes per second, smoothed
	Dropped string         `json:"dropped,omitempty"`
	// Instance is the node of Wallet this provider is, asked at its
	// instance address (FetchCmd.Instances); zero: the wallet.
	Instance netip.Addr `json:"instance,omitzero"`
}
