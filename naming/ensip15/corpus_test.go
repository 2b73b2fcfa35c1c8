package ensip15

import (
	"math/rand/v2"
	"strings"
)

// corpus returns the names of the differential test (besides every code
// point alone, which TestDifferentialCodePoints covers): every valid or
// mapped code point after a Latin letter,
// every emoji sequence (fully qualified, without FE0F, and between
// letters), and generated names mixing scripts, confusables, hyphens,
// underscores, "xn--" labels, combining marks, joiners, fenced, mapped and
// ignored characters and emoji.
func corpus(t *tables, generated int) []string {
	var names []string
	for _, r := range t.valid {
		for cp := r.lo; cp <= r.hi; cp++ {
			names = append(names, "a"+string(cp))
		}
	}
	for cp := range t.mapped {
		names = append(names, "a"+string(cp), string(cp)+"b")
	}
	for _, e := range t.emojiList {
		s := string(e)
		names = append(names, s, strings.ReplaceAll(s, "\uFE0F", ""), "a"+s+"b", s+s, s+"\u0300")
	}
	return append(names, generatedNames(t, generated)...)
}

// pieces the generator draws from.
var pieces = []string{
	// Latin, digits, ASCII punctuation ENS cares about.
	"a", "b", "e", "o", "p", "x", "z", "A", "Z", "0", "1", "9", "-", "--", "_", "__", "$", ".", "xn--", "xn",
	// Confusables: Cyrillic and Greek look-alikes of Latin.
	"а", "е", "о", "р", "с", "х", "у", "і", "ο", "α", "ν", "ρ", "Β", "Α", "ɑ", "ı",
	// Other scripts.
	"ж", "Ω", "λ", "中", "文", "あ", "ア", "ー", "한", "글", "ا", "ب", "١", "۱", "א", "ב", "क", "ि", "्", "ก", "ั", "ა", "Ա", "ᎠᎡ",
	// Combining marks, including repeats and long runs.
	"\u0300", "\u0301", "\u0308", "\u0300\u0300", "\u0301\u0302\u0303\u0304\u0305", "\u0327", "\u20E3", "\u093C",
	// Joiners, variation selectors, ignored and invisible characters.
	"\u200D", "\u200C", "\uFE0F", "\uFE0E", "\u00AD", "\u200B", "\u2060", "\uFEFF",
	// Fenced characters and look-alike stops and hyphens.
	"’", "⁄", "・", "·", "。", "．", "‐", "−", "–", "'",
	// Mapped: full width, compatibility, case, ligatures.
	"Ａ", "ｂ", "①", "ﬁ", "ß", "ẞ", "İ", "Ⅻ", "㎏", "℡", "ǅ", "ς", "Σ",
	// Emoji and parts of emoji sequences.
	"💩", "👍", "👍🏽", "🏽", "👨‍💻", "🏳️‍🌈", "🇺🇸", "🇺", "1️⃣", "#", "*", "❤", "❤️", "☺", "🫠", "\U000E0067", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F",
	// Hangul jamo, which NFC composes.
	"\u1100", "\u1161", "\u11A8", "각",
}

// generatedNames returns n names from a fixed seed: 1-4 labels of 1-6
// pieces, some with a random valid character of some script group.
func generatedNames(t *tables, n int) []string {
	rng := rand.New(rand.NewPCG(15, 15))
	pick := func() string {
		if rng.IntN(4) == 0 {
			g := &t.groups[rng.IntN(len(t.groups))]
			set := g.primary
			if len(g.secondary) > 0 && rng.IntN(3) == 0 {
				set = g.secondary
			}
			if len(set) > 0 {
				r := set[rng.IntN(len(set))]
				return string(r.lo + rune(rng.IntN(int(r.hi-r.lo)+1)))
			}
		}
		return pieces[rng.IntN(len(pieces))]
	}
	out := make([]string, 0, n)
	for range n {
		var b strings.Builder
		for l := range 1 + rng.IntN(4) {
			if l > 0 {
				b.WriteByte('.')
			}
			for range 1 + rng.IntN(6) {
				b.WriteString(pick())
			}
		}
		out = append(out, b.String())
	}
	return out
}
