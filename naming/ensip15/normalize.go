package ensip15

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

const (
	fe0f       = 0xFE0F
	hyphen     = '-'
	underscore = '_'
)

// Normalize returns the ENSIP-15 normalized form of name, or an error
// wrapping ErrInvalid that names the first label refused and why. The
// empty name normalizes to itself, as in the reference.
func Normalize(name string) (string, error) {
	if name == "" {
		return "", nil
	}
	if out, ok := asciiFast(name); ok {
		return out, nil
	}
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("%w: not UTF-8", ErrInvalid)
	}
	t := load()
	labels := strings.Split(name, ".")
	var b strings.Builder
	b.Grow(len(name))
	for i, l := range labels {
		out, err := t.label([]rune(l))
		if err != nil {
			if len(labels) == 1 {
				return "", fmt.Errorf("%w: %s", ErrInvalid, err)
			}
			return "", fmt.Errorf("%w: label %q: %s", ErrInvalid, l, err)
		}
		if i > 0 {
			b.WriteByte('.')
		}
		for _, cp := range out {
			b.WriteRune(cp)
		}
	}
	return b.String(), nil
}

// asciiFast normalizes a name of ASCII letters, digits, '-', '_' and dots
// without the tables: those map to themselves (letters to lower case) and
// need only the ASCII label rules. ok is false when the name needs the
// full algorithm (or is refused: the full algorithm says why).
func asciiFast(name string) (string, bool) {
	upper := false
	start := 0
	for i := 0; i <= len(name); i++ {
		if i == len(name) || name[i] == '.' {
			if !asciiLabelOK(name[start:i]) {
				return "", false
			}
			start = i + 1
			continue
		}
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == hyphen, c == underscore:
		case c >= 'A' && c <= 'Z':
			upper = true
		default:
			return "", false
		}
	}
	if upper {
		return strings.ToLower(name), true
	}
	return name, true
}

func asciiLabelOK(l string) bool {
	if l == "" {
		return false
	}
	if i := strings.LastIndexByte(l, underscore); i > 0 && strings.Trim(l[:i], "_") != "" {
		return false
	}
	return len(l) < 4 || l[2] != hyphen || l[3] != hyphen
}

// token is a run of text (NFC) or one emoji.
type token struct {
	cps   []rune
	emoji bool
}

// label applies ENSIP-15 to one label; it returns the normalized code
// points or the reason it is refused.
func (t *tables) label(input []rune) ([]rune, error) {
	tokens, err := t.tokenize(input)
	if err != nil {
		return nil, err
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("empty label")
	}
	var norm []rune
	for _, tk := range tokens {
		norm = append(norm, tk.cps...)
	}
	if err := checkUnderscore(norm); err != nil {
		return nil, err
	}
	emoji := len(tokens) > 1 || tokens[0].emoji
	if !emoji && !slices.ContainsFunc(norm, func(cp rune) bool { return cp >= 0x80 }) {
		if len(norm) >= 4 && norm[2] == hyphen && norm[3] == hyphen {
			return nil, fmt.Errorf("invalid label extension: %q", string(norm[:4]))
		}
		return norm, nil
	}
	var chars []rune
	for _, tk := range tokens {
		if !tk.emoji {
			chars = append(chars, tk.cps...)
		}
	}
	if len(chars) == 0 {
		return norm, nil // emoji only
	}
	if t.cm.has(norm[0]) {
		return nil, fmt.Errorf("illegal placement: leading combining mark")
	}
	for i := 1; i < len(tokens); i++ {
		if tk := tokens[i]; !tk.emoji && t.cm.has(tk.cps[0]) {
			return nil, fmt.Errorf("illegal placement: emoji + combining mark")
		}
	}
	if err := t.checkFenced(norm); err != nil {
		return nil, err
	}
	unique := uniq(chars)
	g, err := t.determineGroup(unique)
	if err != nil {
		return nil, err
	}
	if err := t.checkGroup(g, chars); err != nil {
		return nil, err
	}
	if err := t.checkWhole(g, unique); err != nil {
		return nil, err
	}
	return norm, nil
}

// tokenize splits input into emoji (the longest match at each place,
// FE0F removed) and text runs of valid and mapped characters (ignored
// ones dropped), each run in NFC.
func (t *tables) tokenize(input []rune) ([]token, error) {
	var tokens []token
	var chars []rune
	for i := 0; i < len(input); {
		if seq, n := t.emojiAt(input[i:]); n > 0 {
			if len(chars) > 0 {
				tokens = append(tokens, token{cps: t.nfc(chars)})
				chars = nil
			}
			tokens = append(tokens, token{cps: withoutFE0F(seq), emoji: true})
			i += n
			continue
		}
		cp := input[i]
		i++
		if t.valid.has(cp) {
			chars = append(chars, cp)
		} else if m, ok := t.mapped[cp]; ok {
			chars = append(chars, m...)
		} else if !t.ignored.has(cp) {
			return nil, fmt.Errorf("disallowed character: %U", cp)
		}
	}
	if len(chars) > 0 {
		tokens = append(tokens, token{cps: t.nfc(chars)})
	}
	return tokens, nil
}

// emojiAt returns the longest emoji sequence at the start of cps and how
// many code points it spans (0: none).
func (t *tables) emojiAt(cps []rune) ([]rune, int) {
	node := t.emoji
	var seq []rune
	n := 0
	for i, cp := range cps {
		node = node.next[cp]
		if node == nil {
			break
		}
		if node.seq != nil {
			seq, n = node.seq, i+1
		}
	}
	return seq, n
}

func withoutFE0F(seq []rune) []rune {
	out := make([]rune, 0, len(seq))
	for _, cp := range seq {
		if cp != fe0f {
			out = append(out, cp)
		}
	}
	return out
}

func uniq(cps []rune) []rune {
	seen := make(map[rune]bool, len(cps))
	var out []rune
	for _, cp := range cps {
		if !seen[cp] {
			seen[cp] = true
			out = append(out, cp)
		}
	}
	return out
}

func checkUnderscore(cps []rune) error {
	last := -1
	for j := len(cps) - 1; j >= 0; j-- {
		if cps[j] == underscore {
			last = j
			break
		}
	}
	for j := 0; j < last; j++ {
		if cps[j] != underscore {
			return fmt.Errorf("underscore allowed only at start")
		}
	}
	return nil
}

// checkFenced refuses a fenced character (apostrophe, fraction slash,
// middle dot) that leads, trails or touches another.
func (t *tables) checkFenced(cps []rune) error {
	if t.fenced.has(cps[0]) {
		return fmt.Errorf("illegal placement: leading %U", cps[0])
	}
	last := -1
	for i := 1; i < len(cps); i++ {
		if t.fenced.has(cps[i]) {
			if last == i {
				return fmt.Errorf("illegal placement: %U + %U", cps[i-1], cps[i])
			}
			last = i + 1
		}
	}
	if last == len(cps) {
		return fmt.Errorf("illegal placement: trailing %U", cps[len(cps)-1])
	}
	return nil
}

// determineGroup returns the first group holding every character.
func (t *tables) determineGroup(unique []rune) (int, error) {
	all := t.allGroups
	for _, cp := range unique {
		of := t.groupsOf(cp)
		if of.empty() {
			return 0, fmt.Errorf("disallowed character: %U", cp)
		}
		both := all.and(of)
		if both.empty() {
			return 0, fmt.Errorf("illegal mixture: %s + %U", t.groups[all.first()].name, cp)
		}
		all = both
		if all.count() == 1 {
			break
		}
	}
	return all.first(), nil
}

// checkGroup checks every character is in group gi and, for groups that
// need it, the non-spacing mark rules (no mark twice in a run, at most
// nsmMax).
func (t *tables) checkGroup(gi int, cps []rune) error {
	g := &t.groups[gi]
	for _, cp := range cps {
		if !t.groupsOf(cp).has(gi) {
			return fmt.Errorf("illegal mixture: %s + %U", g.name, cp)
		}
	}
	if !g.checkNSM {
		return nil
	}
	d := t.nfd(cps)
	for i := 1; i < len(d); i++ {
		if !t.nsm.has(d[i]) {
			continue
		}
		j := i + 1
		for ; j < len(d) && t.nsm.has(d[j]); j++ {
			if slices.Contains(d[i:j], d[j]) {
				return fmt.Errorf("duplicate non-spacing marks: %U", d[j])
			}
		}
		if j-i > t.nsmMax {
			return fmt.Errorf("excessive non-spacing marks: %d/%d", j-i, t.nsmMax)
		}
		i = j
	}
	return nil
}

// checkWhole refuses a whole-script confusable: a label every character of
// which looks like a character of one other group.
func (t *tables) checkWhole(gi int, unique []rune) error {
	var maker []int
	haveMaker := false
	var shared []rune
	for _, cp := range unique {
		w, ok := t.whole[cp]
		switch {
		case ok && w == 0:
			return nil // unique to a group, not confusable
		case ok:
			set := t.complements[w-1]
			if !haveMaker {
				maker, haveMaker = slices.Clone(set), true
			} else {
				maker = slices.DeleteFunc(maker, func(gi int) bool { return !slices.Contains(set, gi) })
			}
			if len(maker) == 0 {
				return nil
			}
		default:
			shared = append(shared, cp)
		}
	}
	for _, oi := range maker {
		if !slices.ContainsFunc(shared, func(cp rune) bool { return !t.groupsOf(cp).has(oi) }) {
			return fmt.Errorf("whole-script confusable: %s/%s", t.groups[gi].name, t.groups[oi].name)
		}
	}
	return nil
}
