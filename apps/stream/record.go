package stream

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/anynet/anynet/apps/content"
)

// Recording keeps what a stream published on this node becomes, as a
// content collection (apps/content): every segment a blob (an LL-HLS
// stream's parts joined into its segments), and index.m3u8, an HLS VOD
// playlist of them. Stop writes the playlist and the collection; the
// daemon then shares it like any collection (content.Service.ShareBlob).
type Recording struct {
	svc    *Service
	key    Key
	blobs  content.Blobs
	cancel func()
	work   chan Event
	done   chan struct{}

	mu      sync.Mutex // guards below
	files   []content.FileEntry
	durs    []time.Duration
	parts   int
	cur     bytes.Buffer // the parts of the segment under way
	curDur  time.Duration
	curMSN  uint64
	curHave int
	err     error
	dropped int
}

// Recorded is a finished recording.
type Recorded struct {
	// ID is the collection's blob: index.m3u8 and s<n>.ts.
	ID       content.ID    `json:"id"`
	Size     int64         `json:"size"`
	Segments int           `json:"segments"`
	Duration time.Duration `json:"duration"`
	Dropped  int           `json:"dropped"` // entries lost (the recorder fell behind)
}

// Record starts recording stream name, published by this node, into
// blobs, from its next segment on.
func (s *Service) Record(ctx context.Context, name string, blobs content.Blobs) (*Recording, error) {
	st, err := s.Status(ctx)
	if err != nil {
		return nil, err
	}
	var k Key
	for _, ss := range st.Streams {
		if ss.Key.Name == name && ss.Role == "publisher" {
			k = ss.Key
		}
	}
	if k.Name == "" {
		return nil, fmt.Errorf("%w: %s", ErrNotPublisher, name)
	}
	v, err := s.Playlist(ctx, k)
	if err != nil {
		return nil, err
	}
	r := &Recording{svc: s, key: k, blobs: blobs, parts: max(1, v.Playlist.Parts), work: make(chan Event, 4*MaxWindow), done: make(chan struct{})}
	r.cancel = s.Subscribe(func(e Event) {
		if e.Kind != EventSegment || e.Key != k {
			return
		}
		select {
		case r.work <- e:
		default: // never block the service: counted
			r.mu.Lock()
			r.dropped++
			r.mu.Unlock()
		}
	})
	go r.run()
	return r, nil
}

func (r *Recording) run() {
	defer close(r.done)
	for e := range r.work {
		if err := r.add(e.Seq, e.Data, e.Duration); err != nil {
			r.mu.Lock()
			r.err = fmt.Errorf("stream: record %s segment %d: %w", r.key, e.Seq, err)
			r.mu.Unlock()
		}
	}
}

// add takes one entry: a whole segment, or a part of one.
func (r *Recording) add(seq uint64, data []byte, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	msn, part := (&Playlist{Parts: r.parts}).MSN(seq)
	if r.parts == 1 {
		return r.put(msn, data, d)
	}
	if r.curHave > 0 && msn != r.curMSN {
		if err := r.flush(); err != nil {
			return err
		}
	}
	if r.curHave == 0 && part != 0 {
		return nil // recording starts at a segment's first part
	}
	r.curMSN = msn
	r.cur.Write(data)
	r.curDur += d
	r.curHave++
	if r.curHave == r.parts {
		return r.flush()
	}
	return nil
}

func (r *Recording) flush() error {
	err := r.put(r.curMSN, bytes.Clone(r.cur.Bytes()), r.curDur)
	r.cur.Reset()
	r.curDur, r.curHave = 0, 0
	return err
}

func (r *Recording) put(msn uint64, data []byte, d time.Duration) error {
	id, err := r.blobs.Put(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	r.files = append(r.files, content.FileEntry{Path: "s" + strconv.FormatUint(msn, 10) + ".ts", ID: id, Size: int64(len(data))})
	r.durs = append(r.durs, d)
	return nil
}

// Stop ends the recording: the segment under way is kept as it is, the
// VOD playlist and the collection are written.
func (r *Recording) Stop() (Recorded, error) {
	r.cancel()
	close(r.work)
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.curHave > 0 {
		if err := r.flush(); err != nil && r.err == nil {
			r.err = err
		}
	}
	if r.err != nil {
		return Recorded{}, r.err
	}
	if len(r.files) == 0 {
		return Recorded{}, fmt.Errorf("%w: nothing recorded of %s", ErrNotFound, r.key)
	}
	var target, total time.Duration
	for _, d := range r.durs {
		target, total = max(target, d), total+d
	}
	var m bytes.Buffer
	fmt.Fprintf(&m, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-TARGETDURATION:%d\n#EXT-X-MEDIA-SEQUENCE:0\n", max(1, int((target+time.Second-1)/time.Second)))
	for i, f := range r.files {
		fmt.Fprintf(&m, "#EXTINF:%.3f,\n%s\n", r.durs[i].Seconds(), f.Path)
	}
	m.WriteString("#EXT-X-ENDLIST\n")
	id, err := r.blobs.Put(bytes.NewReader(m.Bytes()), int64(m.Len()))
	if err != nil {
		return Recorded{}, err
	}
	files := append(r.files, content.FileEntry{Path: "index.m3u8", ID: id, Size: int64(m.Len())})
	b, err := content.EncodeCollection(files)
	if err != nil {
		return Recorded{}, err
	}
	cid, err := r.blobs.Put(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return Recorded{}, err
	}
	return Recorded{ID: cid, Size: int64(len(b)), Segments: len(r.files), Duration: total, Dropped: r.dropped}, nil
}
