package tui

import (
	"fmt"

	"github.com/anynet/anynet/cmd/anynet/internal/progressbar"
)

// viewFiles draws the Files view: on the left this node's shares; on
// the right the selected share (its link, size, access, ID), the
// downloads in progress (a bar each, with providers and how many were
// dropped for lying or going quiet), then the counters, the cache and
// the web proxy and live site.
func (m *model) viewFiles(w, h int) string {
	s := &m.files
	st := m.st
	lw := listWidth(w)
	rw := max(w-lw-3, 1)

	left := []string{st.heading.Render("Shares")}
	if len(s.shares) == 0 {
		left = append(left, st.dim.Render("nothing shared"))
	}
	for i, sh := range s.shares {
		name := sh.Name
		if sh.Dir {
			name += "/"
		}
		row := "  " + name
		if i == s.sel {
			row = st.selected.Render("▸ " + name)
		}
		left = append(left, row)
	}
	if _, ok := m.b.(ContentBackend); !ok {
		return st.panes(left, []string{st.dim.Render("this node offers no content service")}, nil, &s.scroll, "", lw, rw, h)
	}
	var head []string
	if s.sel < len(s.shares) {
		sh := s.shares[s.sel]
		access := "for listed wallets"
		if sh.Public {
			access = "public"
		}
		head = append(head, st.heading.Render(or(sh.Link, sh.Name)),
			st.dim.Render(fmt.Sprintf("%s · %s · %s", progressbar.Bytes(sh.Size), access, short16(sh.ID))), "")
	}
	lines := []string{st.heading.Render(fmt.Sprintf("Transfers (%d)", len(s.st.Downloads)))}
	if len(s.st.Downloads) == 0 {
		lines = append(lines, st.dim.Render("no downloads running"))
	}
	bar := max(min(rw-70, 20), 5)
	for _, d := range s.st.Downloads {
		size := d.Size
		if size < 0 {
			size = 0
		}
		row := fmt.Sprintf("%s %s  %d providers", short16(d.ID), progressbar.Transfer(d.Have, size, bar), d.Providers)
		if d.Dropped > 0 {
			row += st.failed.Render(fmt.Sprintf(", %d dropped", d.Dropped))
		}
		lines = append(lines, row)
	}
	c := s.st
	limit := "no cap"
	if c.CacheLimit > 0 {
		limit = "cap " + progressbar.Bytes(c.CacheLimit)
	}
	lines = append(lines, "",
		st.heading.Render("Counters"),
		fmt.Sprintf("served %s · fetched %s · %d done", progressbar.Bytes(c.Served), progressbar.Bytes(c.Fetched), c.Completed),
		fmt.Sprintf("corrupt ranges %d · providers dropped %d", c.Corrupt, c.Dropped),
		fmt.Sprintf("cache %s (%s) · %d blobs · %d evicted", progressbar.Bytes(c.CacheBytes), limit, c.CacheBlobs, c.Evicted),
		fmt.Sprintf("web proxy %s · live site %s", or(c.Proxy, "off"), or(c.Serving, "off")),
	)
	return st.panes(left, head, lines, &s.scroll, st.dim.Render("share: anynet share PATH --public · get: anynet get LINK"), lw, rw, h)
}

// short16 shortens a hex content ID to its first 12 digits and "…".
func short16(id string) string {
	if len(id) > 12 {
		return id[:12] + "…"
	}
	return id
}
