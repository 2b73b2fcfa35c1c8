// Package ensip15 normalizes ENS names as ENSIP-15 specifies, the
// normalization ENS clients (ethers, viem, the ENS app) apply before
// hashing a name.
//
// The tables (valid, mapped and ignored characters, script groups,
// whole-script confusables, fenced characters, combining and non-spacing
// marks, emoji sequences, and the Unicode data of NFC) are generated from
// the reference implementation, the npm package @adraffy/ens-normalize at
// the version pinned in node/package.json: `go tool task ensip15` runs
// node/gen.mjs, which reads the reference's own initialized tables and
// writes tables.go (RefVersion names the version). The algorithm is the
// reference's, step for step:
//
//  1. Split the name on "." (U+002E only); the empty name is itself.
//  2. Per label, tokenize: at each place the longest emoji sequence (FE0F
//     optional in the input, removed in the output) is one token; other
//     characters are kept (valid), replaced (mapped) or dropped (ignored);
//     anything else is refused. Each run of text is put in NFC.
//  3. No tokens: "empty label". Underscores only at the start.
//  4. A text-only ASCII label: refused if its third and fourth characters
//     are "--" (the label extension, e.g. "xn--"); else done.
//  5. Otherwise, if there is text: no combining mark at its start or right
//     after an emoji; fenced characters (’ ⁄ ・) not leading, trailing or
//     adjacent; every character in one script group (the first that holds
//     them all); for groups that ask, no non-spacing mark twice in a run
//     and at most four in a run (after NFD); and the label must not be a
//     whole-script confusable of another group.
//
// TestDifferential runs the reference through Node.js on every code point,
// every emoji sequence and generated names, and requires the same output
// or the same refusal for each.
//
// Vectors:
//
//	Normalize("Nick.ETH")    = "nick.eth"
//	Normalize("💩\uFE0F.eth") = "💩.eth"
//	Normalize("_a.eth")      = "_a.eth"
//	Normalize("ab--c.eth")   refused (label extension)
//	Normalize("xn--a.eth")   refused (label extension)
//	Normalize("a_b.eth")     refused (underscore not at the start)
package ensip15
