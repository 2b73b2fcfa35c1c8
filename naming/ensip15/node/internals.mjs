// Loads the pinned @adraffy/ens-normalize and returns its initialized
// tables. The package exports functions only, so its module text is read,
// an export of the tables is appended, and the result is imported from a
// data: URL: the tables are exactly the ones the reference normalizes with.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const MAIN = require.resolve('@adraffy/ens-normalize'); // …/dist/index.cjs
export const PKG = JSON.parse(readFileSync(MAIN.replace(/dist\/index\.cjs$/, 'package.json'), 'utf8'));

export async function loadInternals() {
	const file = MAIN.replace(/index\.cjs$/, 'index.mjs');
	const src = readFileSync(file, 'utf8') + `
export function __internals() {
	init(); init$1();
	return {MAPPED, IGNORED, CM, NSM, FENCED, NSM_MAX, GROUPS, WHOLE_MAP, UNIQUE_PH, VALID, EMOJI_LIST,
		SHIFTED_RANK, EXCLUSIONS, DECOMP};
}
`;
	const mod = await import('data:text/javascript;base64,' + Buffer.from(src).toString('base64'));
	return { mod, tables: mod.__internals() };
}
