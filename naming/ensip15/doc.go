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
// The differential tests run the reference through Node.js (one process
// per test, names piped through it) and require the same output or the
// same refusal for each name: TestDifferentialCodePoints on every code
// point alone (1,112,064), TestDifferential on every valid or mapped code
// point after a letter, every emoji sequence (fully qualified, without
// FE0F, between letters, doubled, before a combining mark) and 200,000
// generated names mixing scripts, confusables, hyphens, underscores, "xn--",
// combining marks, joiners, fenced, mapped and ignored characters and emoji
// (373,120 in all); TestEmojiList checks the emoji list itself.
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
