/**
 * Fix test plumbing: write a fixture workspace, analyse it with fixes, apply a
 * fix's edits to the files (1-based, end-exclusive, in reverse order; new
 * files created), type-check the result in strict mode against the real
 * kafkajs and pg typings (other libraries: the ambient stubs in ./stubs), and
 * re-analyse.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { analyzeSync } from '../../server/src/engine/analyze';
import type { Finding, Fix, Position, TextEdit } from '../../server/src/engine/types';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const STUBS = path.join(__dirname, 'stubs');

export const lines = (...l: string[]) => `${l.join('\n')}\n`;

export function writeWorkspace(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-fix-'));
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  }
  return root;
}

export function analyzeWithFixes(root: string): Finding[] {
  return analyzeSync({ root, withFixes: true }).findings;
}

function offsetOf(text: string, p: Position): number {
  let offset = 0;
  for (let line = 1; line < p.line; line++) {
    const next = text.indexOf('\n', offset);
    assert.ok(next >= 0, `line ${p.line} is past the end of the file`);
    offset = next + 1;
  }
  return offset + p.column - 1;
}

/** Applies edits to text: positions are 1-based and refer to the original text; applied last first. */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const withOffsets = edits.map((e) => ({ e, start: offsetOf(text, e.range.start), end: offsetOf(text, e.range.end) }));
  withOffsets.sort((a, b) => b.start - a.start || b.end - a.end);
  for (let i = 1; i < withOffsets.length; i++) {
    assert.ok(withOffsets[i].end <= withOffsets[i - 1].start, 'edits of one file must not overlap');
  }
  let out = text;
  for (const { e, start, end } of withOffsets) out = out.slice(0, start) + e.newText + out.slice(end);
  return out;
}

/** Applies a fix to the workspace on disk; returns the files it touched (root-relative) with their new text. */
export function applyEdits(root: string, edits: TextEdit[]): Record<string, string> {
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  const out: Record<string, string> = {};
  for (const [file, fileEdits] of byFile) {
    const abs = path.join(root, file);
    const before = fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : '';
    const after = applyTextEdits(before, fileEdits);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, after);
    out[file] = after;
  }
  return out;
}

/** Strict type check of every .ts file of the workspace; returns the diagnostics as `file:line message`. */
export function typeCheck(root: string): string[] {
  const files = listTs(root);
  const stubs = fs.readdirSync(STUBS).filter((f) => f.endsWith('.d.ts')).map((f) => path.join(STUBS, f));
  const program = ts.createProgram([...files, ...stubs], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    esModuleInterop: true,
    experimentalDecorators: true,
    types: ['node'],
    typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')],
    // Fixtures live in a temp dir: the real kafkajs and pg typings come from this repo's devDependencies.
    paths: { kafkajs: [path.join(REPO_ROOT, 'node_modules', 'kafkajs')], pg: [path.join(REPO_ROOT, 'node_modules', '@types', 'pg')] },
  }, undefined, lastProgram);
  lastProgram = program;
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

/** The previous program, so that the next check reuses the parsed @types/node, kafkajs and pg declarations. */
let lastProgram: ts.Program | undefined;

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') out.push(...listTs(abs));
    else if (entry.isFile() && /\.ts$/.test(entry.name)) out.push(abs);
  }
  return out;
}

export interface FixCase {
  name: string;
  files: Record<string, string>;
  ruleId: string;
  /** Which finding of the rule (default: the only one). */
  pick?: (f: Finding) => boolean;
  /** Expected fix title (exact or pattern). */
  title: string | RegExp;
  /** Texts of the user's code that must survive the fix (payload expressions...). */
  keeps?: string[];
  /** Lines the fix is meant to rewrite: they may disappear. */
  rewrites?: string[];
  /** Texts that must appear in the files after the fix (root-relative file → snippets). */
  expect?: Record<string, string[]>;
  /** Skip the type check (e.g. a fixture using a library without typings here). */
  noTypeCheck?: boolean;
}

export interface FixOutcome {
  root: string;
  fix: Fix;
  before: Finding[];
  after: Finding[];
  changed: Record<string, string>;
}

/** Applies the fix of the picked finding and checks (a) it type-checks, (b) the finding is gone and nothing new appears, (c) no user text is lost. */
export function checkFix(c: FixCase): FixOutcome {
  const root = writeWorkspace(c.files);
  const before = analyzeWithFixes(root);
  const ofRule = before.filter((f) => f.ruleId === c.ruleId && (c.pick ? c.pick(f) : true));
  assert.equal(ofRule.length, 1, `one ${c.ruleId} finding expected, got:\n${before.map((f) => `  ${f.ruleId} ${f.location.file}:${f.location.range.start.line} ${f.message}`).join('\n')}`);
  const target = ofRule[0];
  const fixes = target.fixes ?? [];
  const fix = fixes.find((f) => (typeof c.title === 'string' ? f.title === c.title : c.title.test(f.title)));
  assert.ok(fix, `fix ${c.title} expected, got: ${JSON.stringify(fixes.map((f) => f.title))}`);
  if (!c.noTypeCheck) assert.deepEqual(typeCheck(root), [], 'the fixture type-checks before the fix');
  const originals = new Map<string, string>();
  for (const e of fix.edits) {
    const abs = path.join(root, e.file);
    if (fs.existsSync(abs)) originals.set(e.file, fs.readFileSync(abs, 'utf8'));
  }
  const changed = applyEdits(root, fix.edits);
  // (a) compiles
  if (!c.noTypeCheck) assert.deepEqual(typeCheck(root), [], `the fixed code type-checks:\n${Object.entries(changed).map(([f, t]) => `--- ${f}\n${t}`).join('\n')}`);
  // (b) the finding is gone, no new finding of any rule
  const after = analyzeWithFixes(root);
  const beforePrints = new Set(before.map((f) => f.fingerprint));
  assert.ok(!after.some((f) => f.fingerprint === target.fingerprint), `the finding is gone:\n${describe(after)}\n${Object.entries(changed).map(([f, t]) => `--- ${f}\n${t}`).join('\n')}`);
  const fresh = after.filter((f) => !beforePrints.has(f.fingerprint));
  assert.deepEqual(fresh.map((f) => `${f.ruleId} ${f.location.file}:${f.location.range.start.line} ${f.message}`), [], `no new finding:\n${Object.entries(changed).map(([f, t]) => `--- ${f}\n${t}`).join('\n')}`);
  // (c) no user text lost: every original line survives (trimmed), except the ones the fix rewrites
  for (const [file, text] of originals) {
    const now = changed[file];
    const nowLines = new Set(now.split('\n').map((l) => l.trim()));
    for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
      if (c.rewrites?.some((r) => line.includes(r))) continue;
      assert.ok(nowLines.has(line), `${file}: the line "${line}" survives the fix:\n${now}`);
    }
  }
  const all = Object.values(changed).join('\n') + Object.keys(c.files).map((f) => fs.readFileSync(path.join(root, f), 'utf8')).join('\n');
  for (const keep of c.keeps ?? []) assert.ok(all.includes(keep), `"${keep}" survives the fix`);
  for (const [file, snippets] of Object.entries(c.expect ?? {})) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const s of snippets) assert.ok(text.includes(s), `${file} contains "${s}":\n${text}`);
  }
  return { root, fix, before, after, changed };
}

function describe(findings: Finding[]): string {
  return findings.map((f) => `  ${f.ruleId} ${f.location.file}:${f.location.range.start.line} ${f.message}`).join('\n');
}

export function removeWorkspace(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}
