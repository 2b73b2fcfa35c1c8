#!/usr/bin/env node
// The reference side of the Go differential test and benchmark.
//
//	node ref.mjs          stdin: one JSON string per line; stdout: per line
//	                      the JSON string ens_normalize returns, or "!" and
//	                      the reference's error message.
//	node ref.mjs --bench  stdin as above; normalizes the names repeatedly for
//	                      about a second and prints {"ns_per_name": N}.
//	node ref.mjs --emoji  prints every emoji sequence the reference knows, one
//	                      JSON array of code points per line.
//	node ref.mjs --codepoints
//	                      normalizes every code point alone (surrogates
//	                      excepted) and prints [cp, output] for each one it
//	                      accepts, then ["count", N] with N the code points tried.
import { createInterface } from 'node:readline';
import { ens_normalize, ens_emoji } from '@adraffy/ens-normalize';

// Refusals are thrown errors; their stack traces are not needed.
Error.stackTraceLimit = 0;

const mode = process.argv[2] || '';
if (mode === '--codepoints') {
	const lines = [];
	let n = 0;
	for (let cp = 0; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff) continue;
		n++;
		try {
			lines.push(JSON.stringify([cp, ens_normalize(String.fromCodePoint(cp))]));
		} catch {}
	}
	lines.push(JSON.stringify(['count', n]));
	// Exit once the pipe took it all: process.exit would cut a long write.
	process.stdout.write(lines.join('\n') + '\n', () => process.exit(0));
	await new Promise(() => {});
}
if (mode === '--emoji') {
	process.stdout.write(ens_emoji().map((e) => JSON.stringify(e)).join('\n') + '\n', () => process.exit(0));
	await new Promise(() => {});
}

const names = [];
const out = [];
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
	if (line === '') continue;
	const name = JSON.parse(line);
	if (mode === '--bench') {
		names.push(name);
		continue;
	}
	let res;
	try {
		res = JSON.stringify(ens_normalize(name));
	} catch (err) {
		res = '!' + String(err.message).replace(/[\r\n]/g, ' ');
	}
	out.push(res);
	if (out.length >= 4096) {
		if (!process.stdout.write(out.join('\n') + '\n')) {
			await new Promise((r) => process.stdout.once('drain', r));
		}
		out.length = 0;
	}
}
if (mode === '--bench') {
	const run = () => {
		for (const n of names) {
			try { ens_normalize(n); } catch {}
		}
	};
	// Warm up (the JIT compiles the hot paths) for a second.
	for (const w0 = process.hrtime.bigint(); process.hrtime.bigint() - w0 < 1_000_000_000n; ) run();
	let rounds = 0;
	const t0 = process.hrtime.bigint();
	let t1 = t0;
	while (t1 - t0 < 1_000_000_000n) {
		run();
		rounds++;
		t1 = process.hrtime.bigint();
	}
	process.stdout.write(JSON.stringify({ ns_per_name: Number(t1 - t0) / (rounds * names.length) }) + '\n');
} else if (out.length) {
	process.stdout.write(out.join('\n') + '\n');
}
