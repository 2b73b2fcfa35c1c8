package link

import "sync"

// PathChanged returns a channel closed at the next change in how peers
// are reached: a peer's path turning direct or relayed (DirectPath), a
// peer's frames starting or stopping to go by locator, or a router link
// coming up or going down (Attached). Call it again after each close and
// read the state with DirectPath, PeerAddr and Attached. Nothing ticks
// for it: a watcher sleeps until something changed.
func (e *Endpoint) PathChanged() <-chan struct{} {
	e.pathChange.mu.Lock()
	defer e.pathChange.mu.Unlock()
	if e.pathChange.ch == nil {
		e.pathChange.ch = make(chan struct{})
	}
	return e.pathChange.ch
}

// pathChanged wakes PathChanged's watchers.
func (e *Endpoint) pathChanged() {
	e.pathChange.mu.Lock()
	if e.pathChange.ch != nil {
		close(e.pathChange.ch)
		e.pathChange.ch = nil
	}
	e.pathChange.mu.Unlock()
}

// pathNotifier is the broadcast behind PathChanged.
type pathNotifier struct {
	mu sync.Mutex    // a leaf: taken under the routing and punch locks
	ch chan struct{} // closed and dropped at the next change; nil if no one waits
}
