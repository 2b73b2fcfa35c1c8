package tui

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

const (
	// postsLimit is how many posts of a community are loaded.
	postsLimit = 200
	// postsEvery: on the Communities view the selected community's posts
	// are re-read every postsEvery refresh periods, since a member's node
	// asks the host each time; posts the host pushes arrive sooner, as
	// EventPost.
	postsEvery = 5
)

// commState is the Communities view: the communities this node hosts or
// joined, the selected one's posts and the input line.
type commState struct {
	input  textinput.Model
	list   []Community
	sel    int    // index in list of id, when listed
	id     string // the selected community's ID; "" for none
	posts  []Post // of id, in the host's order; unnumbered (Seq 0) last
	scroll int    // lines scrolled up from the newest
	ticks  int    // refresh periods seen on this view
}

// Results of the community calls.
type (
	commsMsg struct {
		l   []Community
		err error
	}
	postsMsg struct {
		id    string
		posts []Post
		err   error
	}
	postedMsg struct {
		id, name string
		post     Post
		err      error
	}
	// commOpMsg is the result of a slash command.
	commOpMsg struct {
		what   string    // "create lobby", for the status line on error
		notice string    // shown on success
		joined Community // created or joined: select it
		left   string    // the ID of a community left
		reload bool      // re-read the selected community's posts
		err    error
	}
)

const commUsage = "commands: /create NAME, /join HOST ID, /leave, /ban MEMBER, /delete POST (// starts a post with /)"

func newCommState(st styles) commState {
	in := st.input(4096)
	in.Placeholder = "post… (/create NAME, /join HOST ID)"
	return commState{input: in}
}

func (c *commState) layout(w int) { c.input.Width = max(w-listWidth(w)-6, 1) }

// selected returns the selected community, if it is listed.
func (c *commState) selected() (Community, bool) {
	for _, cm := range c.list {
		if c.id != "" && cm.ID == c.id {
			return cm, true
		}
	}
	return Community{}, false
}

// owner reports whether this node hosts the selected community.
func (c *commState) owner() bool {
	cm, ok := c.selected()
	return ok && cm.Hosted
}

// name is the selected community's name, or its ID.
func (c *commState) name() string {
	if cm, ok := c.selected(); ok && cm.Name != "" {
		return cm.Name
	}
	return c.id
}

// upsertPost adds p or replaces the post with its ID, in the host's
// order; a Seq or author's name already known is kept if p has none.
func (c *commState) upsertPost(p Post) {
	i := slices.IndexFunc(c.posts, func(o Post) bool { return o.ID == p.ID })
	if i >= 0 {
		if p.Seq == 0 {
			p.Seq = c.posts[i].Seq
		}
		if p.FromName == "" {
			p.FromName = c.posts[i].FromName
		}
		c.posts[i] = p
	} else {
		c.posts = append(c.posts, p)
	}
	order := func(p Post) uint64 {
		if p.Seq == 0 {
			return math.MaxUint64
		}
		return p.Seq
	}
	slices.SortStableFunc(c.posts, func(a, b Post) int { return cmp.Compare(order(a), order(b)) })
}

// postEvent folds a pushed or deleted post into the open community.
func (c *commState) postEvent(p Post) {
	if c.id != "" && p.Community == c.id && p.ID != "" {
		c.upsertPost(p)
	}
}

// findPost resolves what /delete was given: a post's number as shown
// ("3" or "#3"), a post's ID, or a unique prefix of one. Anything else
// is passed on as given, for the node to judge.
func (c *commState) findPost(s string) string {
	if n, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 10, 64); err == nil && n > 0 {
		for _, p := range c.posts {
			if p.Seq == n {
				return p.ID
			}
		}
	}
	var found []string
	for _, p := range c.posts {
		if strings.HasPrefix(p.ID, strings.ToLower(s)) {
			found = append(found, p.ID)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return s
}

// refreshCommunities re-reads the list and, if posts, the open
// community's posts.
func (m *model) refreshCommunities(posts bool) tea.Cmd {
	b := m.b
	cmds := []tea.Cmd{m.call("communities", func(ctx context.Context) tea.Msg {
		l, err := b.Communities(ctx)
		return commsMsg{l, err}
	})}
	if posts && m.comm.id != "" {
		cmds = append(cmds, m.loadPosts(m.comm.id))
	}
	return tea.Batch(cmds...)
}

func (m *model) loadPosts(id string) tea.Cmd {
	b := m.b
	return m.call("posts", func(ctx context.Context) tea.Msg {
		ps, err := b.CommunityPosts(ctx, id, postsLimit)
		return postsMsg{id, ps, err}
	})
}

// selectComm opens community id.
func (m *model) selectComm(id string) tea.Cmd {
	c := &m.comm
	if c.id == id {
		return nil
	}
	c.id, c.posts, c.scroll = id, nil, 0
	for i, cm := range c.list {
		if cm.ID == id {
			c.sel = i
		}
	}
	return m.loadPosts(id)
}

func (m *model) updateCommunities(msg tea.KeyMsg) tea.Cmd {
	c := &m.comm
	switch {
	case key.Matches(msg, m.keys.Up):
		if len(c.list) > 0 {
			return m.selectComm(c.list[max(c.sel-1, 0)].ID)
		}
		return nil
	case key.Matches(msg, m.keys.Down):
		if len(c.list) > 0 {
			return m.selectComm(c.list[min(c.sel+1, len(c.list)-1)].ID)
		}
		return nil
	case key.Matches(msg, m.keys.PgUp):
		c.scroll += 5
		return nil
	case key.Matches(msg, m.keys.PgDown):
		c.scroll = max(c.scroll-5, 0)
		return nil
	case key.Matches(msg, m.keys.Enter):
		text := strings.TrimSpace(c.input.Value())
		switch {
		case text == "":
			return nil
		case strings.HasPrefix(text, "//"):
			return m.postCommunity(text[1:])
		case strings.HasPrefix(text, "/"):
			return m.communityCommand(text)
		}
		return m.postCommunity(text)
	}
	var cmd tea.Cmd
	c.input, cmd = c.input.Update(msg)
	return cmd
}

// postCommunity posts text to the selected community.
func (m *model) postCommunity(text string) tea.Cmd {
	c := &m.comm
	if c.id == "" {
		m.setNotice("no community: /create NAME or /join HOST ID first", true)
		return nil
	}
	id, name := c.id, c.name()
	c.input.SetValue("")
	c.scroll = 0
	m.setNotice("posting to "+name+"…", false)
	b := m.b
	return m.call("", func(ctx context.Context) tea.Msg {
		p, err := b.PostCommunity(ctx, id, text)
		return postedMsg{id, name, p, err}
	})
}

// communityCommand runs a slash command; a usage error keeps the input
// for the user to fix.
func (m *model) communityCommand(text string) tea.Cmd {
	c := &m.comm
	f := strings.Fields(text)
	verb, args := f[0], f[1:]
	usage := map[string]string{
		"/create": "/create NAME", "/join": "/join HOST ID", "/leave": "/leave",
		"/ban": "/ban MEMBER", "/delete": "/delete POST",
	}
	want := map[string]int{"/create": 1, "/join": 2, "/leave": 0, "/ban": 1, "/delete": 1}
	n, ok := want[verb]
	switch {
	case !ok:
		m.setNotice("unknown "+verb+"; "+commUsage, true)
		return nil
	case len(args) != n:
		m.setNotice("usage: "+usage[verb], true)
		return nil
	}
	cm, sel := c.selected()
	if verb != "/create" && verb != "/join" {
		switch {
		case !sel:
			m.setNotice(verb[1:]+": select a community first", true)
			return nil
		case verb == "/leave" && cm.Hosted:
			m.setNotice("leave: "+c.name()+" is hosted here; its owner cannot leave it", true)
			return nil
		case verb == "/ban" && !cm.Hosted:
			m.setNotice("ban: only the owner bans, and "+c.name()+" is hosted by "+or(cm.HostName, shortAddr(cm.Host)), true)
			return nil
		}
	}
	c.input.SetValue("")
	b, id, name := m.b, c.id, c.name()
	var run func(ctx context.Context) commOpMsg
	switch verb {
	case "/create":
		m.setNotice("creating "+args[0]+"…", false)
		run = func(ctx context.Context) commOpMsg {
			cm, err := b.CreateCommunity(ctx, args[0])
			return commOpMsg{what: "create " + args[0], notice: "created " + cm.Name + " (id " + cm.ID + ")", joined: cm, err: err}
		}
	case "/join":
		m.setNotice("joining "+args[1]+" at "+args[0]+"…", false)
		run = func(ctx context.Context) commOpMsg {
			cm, err := b.JoinCommunity(ctx, args[0], args[1])
			return commOpMsg{what: "join", notice: "joined " + cm.Name, joined: cm, err: err}
		}
	case "/leave":
		m.setNotice("leaving "+name+"…", false)
		run = func(ctx context.Context) commOpMsg {
			return commOpMsg{what: "leave " + name, notice: "left " + name, left: id, err: b.LeaveCommunity(ctx, id)}
		}
	case "/ban":
		m.setNotice("banning "+args[0]+"…", false)
		run = func(ctx context.Context) commOpMsg {
			return commOpMsg{what: "ban " + args[0], notice: "banned " + args[0] + " from " + name, err: b.BanMember(ctx, id, args[0])}
		}
	case "/delete":
		post := c.findPost(args[0])
		m.setNotice("deleting "+args[0]+"…", false)
		run = func(ctx context.Context) commOpMsg {
			return commOpMsg{what: "delete " + args[0], notice: "deleted " + args[0], reload: true, err: b.DeletePost(ctx, id, post)}
		}
	}
	return m.call("", func(ctx context.Context) tea.Msg { return run(ctx) })
}

func (m *model) commResult(msg tea.Msg) tea.Cmd {
	c := &m.comm
	switch msg := msg.(type) {
	case commsMsg:
		m.inflight["communities"] = false
		if m.failed("communities", msg.err) {
			return nil
		}
		c.list = msg.l
		if _, ok := c.selected(); !ok && c.id != "" {
			c.id, c.posts = "", nil // left elsewhere
		}
		for i, cm := range c.list {
			if cm.ID == c.id {
				c.sel = i
			}
		}
		if c.id == "" && len(c.list) > 0 && m.current == viewCommunities {
			return m.selectComm(c.list[0].ID)
		}
	case postsMsg:
		m.inflight["posts"] = false
		if msg.id != c.id {
			if c.id != "" { // the selection moved while this was in flight
				return m.loadPosts(c.id)
			}
			return nil
		}
		if m.failed("posts of "+c.name(), msg.err) {
			return nil
		}
		old := c.posts
		c.posts = append([]Post(nil), msg.posts...)
		for _, p := range old {
			if p.Seq == 0 { // posted here, the host's copy not back yet
				c.upsertPost(p)
			}
		}
	case postedMsg:
		if m.failed("post to "+msg.name, msg.err) {
			return nil
		}
		m.setNotice("", false)
		if msg.id == c.id {
			c.upsertPost(msg.post)
		}
	case commOpMsg:
		if m.failed(msg.what, msg.err) {
			return nil
		}
		m.setNotice(msg.notice, false)
		var cmds []tea.Cmd
		if cm := msg.joined; cm.ID != "" {
			if !slices.ContainsFunc(c.list, func(o Community) bool { return o.ID == cm.ID }) {
				c.list = append(c.list, cm)
			}
			cmds = append(cmds, m.selectComm(cm.ID))
		}
		if msg.left != "" {
			c.list = slices.DeleteFunc(c.list, func(o Community) bool { return o.ID == msg.left })
			if msg.left == c.id {
				c.id, c.posts = "", nil
			}
		}
		if msg.reload && c.id != "" {
			cmds = append(cmds, m.loadPosts(c.id))
		}
		return tea.Batch(append(cmds, m.refreshCommunities(false))...)
	}
	return nil
}
