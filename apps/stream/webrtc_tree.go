package stream

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// TreeCmd asks where this node stands in a stream's tree: what the
// WebRTC media path follows. Result: Tree.
type TreeCmd struct{ Key Key }

// Tree is this node's place in one stream's tree.
type Tree struct {
	Publishing bool
	Up         common.Address // the upstream (zero at the origin)
	Joined     bool           // Up accepted this node
	Children   []common.Address
}

func (c *Core) tree(k Key) (Tree, error) {
	s := c.streams[k]
	if s == nil {
		return Tree{}, fmt.Errorf("%w: %s", ErrNotFound, k)
	}
	return Tree{Publishing: s.publishing, Up: s.up, Joined: s.joined, Children: sortedKeys(s.children)}, nil
}

// tree asks the core for k's tree.
func (s *Service) tree(ctx context.Context, k Key) (Tree, error) {
	v, err := s.r.Do(ctx, TreeCmd{Key: k})
	if err != nil {
		return Tree{}, err
	}
	return v.(Tree), nil
}

// admitted waits up to wait until this node is in k's tree (publishing,
// or accepted by an upstream), or is refused by the stream's access
// rule: ErrDenied, with the reason.
func (s *Service) admitted(ctx context.Context, k Key, wait time.Duration) error {
	_, err := poll(ctx, wait, func() (struct{}, error) {
		if _, err := s.Playlist(ctx, k); errors.Is(err, ErrDenied) {
			return struct{}{}, err
		}
		if t, err := s.tree(ctx, k); err == nil && (t.Publishing || t.Joined) {
			return struct{}{}, nil
		}
		return struct{}{}, fmt.Errorf("%w: %s: not joined yet", ErrNotFound, k)
	})
	return err
}
