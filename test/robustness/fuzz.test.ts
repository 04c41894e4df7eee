/**
 * Property-based fuzzing with fixed seeds and bounded runs (deterministic in CI): generated architecture
 * files never make the loader throw or return malformed ranges, and generated TypeScript sources added to a
 * workspace never crash the analysis or change the findings of the files nobody touched.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { loadArchitecture } from '../../server/src/engine/architecture/load';
import { AnalysisSession } from '../../server/src/engine/session';
import { makeWorkspace, remove } from './helpers';

const SEED = 1616;

// ------------------------------------------------------------------ YAML

const KEYS = ['version', 'system', 'services', 'datastores', 'channels', 'apis', 'workflows', 'decisions', 'rules', 'asyncapi',
  'paths', 'owner', 'kind', 'connection', 'env', 'url', 'producer', 'consumers', 'flow', 'pattern', 'justification', 'steps', 'name'];
const SCALARS = ['1', 'orders', 'postgres', 'src', '"quoted # not a comment"', "'single'", '~', 'null', 'true', '-1', '0x1F', '{}', '[]',
  '"\\u0000 \\x1b"', 'a: b', '|', '>-', '*missing', '&anchor x', '"unclosed', '[a, b', '{ k: v', '!!binary AAAA', '? key', '%YAML 1.2', '---', '...'];

const scalar = fc.oneof(fc.constantFrom(...SCALARS), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }));
const line = fc.tuple(fc.nat({ max: 8 }), fc.oneof(
  fc.tuple(fc.constantFrom(...KEYS), scalar).map(([k, v]) => `${k}: ${v}`),
  fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom('', ' &a', ' &b', ' *a', ' *b', ' !!map')).map(([k, a]) => `${k}:${a}`),
  scalar.map((v) => `- ${v}`),
  fc.constantFrom('- *a', '- &a { paths: [src] }', '<<: *a', '# comment', '', '\t- tab', 'x: [*a, *a, *a, *b]'),
)).map(([indent, text]) => `${' '.repeat(indent)}${text}`);
const yamlDocument = fc.array(line, { maxLength: 40 }).map((lines) => lines.join(fc.sample(fc.constantFrom('\n', '\r\n'), { numRuns: 1, seed: lines.length })[0]!));

function wellFormed(text: string, range: { start: { line: number; column: number }; end: { line: number; column: number } }): boolean {
  const lines = text.split(/\r?\n/).length + 1;
  const ok = (p: { line: number; column: number }) => Number.isInteger(p.line) && Number.isInteger(p.column) && p.line >= 1 && p.column >= 1 && p.line <= lines;
  return ok(range.start) && ok(range.end) && (range.end.line > range.start.line || (range.end.line === range.start.line && range.end.column >= range.start.column));
}

test('fuzz: generated architecture files never throw, and every problem has a well-formed range', () => {
  fc.assert(fc.property(yamlDocument, (text) => {
    const result = loadArchitecture(text, 'architecture.yaml');
    for (const p of result.problems) {
      assert.ok(wellFormed(text, p.range), `${JSON.stringify(p.range)} for ${JSON.stringify(text)}`);
      assert.ok(p.message.length > 0 && p.hint.length > 0);
    }
  }), { seed: SEED, numRuns: 300 });
});

test('fuzz: alias-heavy documents around the limits are either read or refused with one problem, never slowly built', () => {
  const doc = fc.record({ aliases: fc.integer({ min: 900, max: 1100 }), nested: fc.boolean(), block: fc.boolean() }).map(({ aliases, nested, block }) => {
    const anchor = nested ? 'base: &a { kind: postgres, connection: { env: [A, B] } }' : 'base: &a postgres';
    const items = Array(aliases).fill('*a');
    return { aliases, text: `version: 1\n${anchor}\nlist:${block ? `\n${items.map((i) => `  - ${i}`).join('\n')}` : ` [${items.join(', ')}]`}\n` };
  });
  fc.assert(fc.property(doc, ({ aliases, text }) => {
    const result = loadArchitecture(text, 'architecture.yaml');
    const refused = result.problems.filter((p) => p.messageId === 'tooLarge');
    assert.equal(refused.length, aliases > 1000 ? 1 : 0);
  }), { seed: SEED, numRuns: 12 });
});

// ------------------------------------------------------------ TypeScript

const IDENT = fc.constantFrom('a', 'b', 'pool', 'producer', 'consumer', 'message', 'x1', '$', '_', 'ñ', 'await', 'yield', 'then');
const FRAGMENTS = ['{', '}', '(', ')', '[', ']', ';', ',', '.', '=>', '=', '+', '!', '?.', '...', '`${', '`', '"', "'", '/*', '*/', '//', '\n',
  'async ', 'function ', 'class ', 'export ', 'import ', 'from ', 'new ', 'return ', 'if ', 'else ', 'await ', 'const ', 'let ',
  "'INSERT INTO t VALUES (1)'", '.query(', '.send(', '.publish(', '.run({ eachMessage: async ({ message }) => {', 'process.env.X',
  '<div>', '</div>', '@Decorator()', '#private', '\u0000', '\u001b[2J', '\uFEFF', '\u2028', '0x', '1e999', '/re[/', 'as any', 'satisfies T'];
const tokens = fc.array(fc.oneof(IDENT, fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 5 })), { maxLength: 200 });
/** Nesting deep enough to exercise recursive walks, well below what the other half of the robustness work isolates. */
const nested = fc.tuple(fc.integer({ min: 1, max: 60 }), fc.constantFrom(['(', ')'], ['{', '}'], ['[', ']'], ['f(', ')'], ['!', ''], ['a.', 'b']))
  .map(([depth, [open, close]]) => `export const deep = ${open.repeat(depth)}1${close.repeat(depth)};\n`);
const source = fc.oneof(tokens.map((t) => t.join(' ')), tokens.map((t) => t.join('')), nested);

let root: string;
let session: AnalysisSession;
let clean: string[];
let cleanFiles: number;
const keysOf = (findings: { ruleId: string; location: { file: string; range: { start: { line: number; column: number } } }; message: string }[]) =>
  findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.range.start.line}:${f.location.range.start.column} ${f.message}`);

before(() => {
  root = makeWorkspace();
  session = new AnalysisSession({ root });
  const first = session.run({ rescan: true }).result;
  clean = keysOf(first.findings);
  cleanFiles = first.filesAnalyzed;
  assert.equal(clean.length, 3);
});
after(() => remove(root));

test('fuzz: a generated source in another service never crashes the analysis nor changes the other files\' findings', () => {
  const file = path.join(root, 'services/orders/src/fuzzed.ts');
  fc.assert(fc.property(source, (text) => {
    fs.writeFileSync(file, text);
    const { result } = session.run({ rescan: true });
    const rel = 'services/orders/src/fuzzed.ts';
    assert.ok(result.filesAnalyzed === cleanFiles + 1 || result.skipped.some((s) => s.file === rel), 'the generated file is analysed, or said to be skipped');
    const others = keysOf(result.findings.filter((f) => f.location.file !== 'services/orders/src/fuzzed.ts'));
    assert.deepEqual(others, clean, `source: ${JSON.stringify(text.slice(0, 300))}`);
  }), { seed: SEED, numRuns: 40 });
  fs.rmSync(file);
  assert.deepEqual(keysOf(session.run({ rescan: true }).result.findings), clean, 'back to the clean findings');
});
