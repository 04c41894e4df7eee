/**
 * The labelled corpus: one JSON file per repository under test/corpus/repositories/, expected
 * system models under test/corpus/models/, filled precision audits under test/corpus/audits/.
 * test/corpus/LABELLING.md says what a case means and where its line sits.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CODE_RULES = [
  'non-idempotent-consumer',
  'missing-correlation-id',
  'dual-write',
  'shared-database',
  'unjustified-distributed-lock',
  'unjustified-two-phase-commit',
] as const;

export type Split = 'dev' | 'test';
export type Label = 'positive' | 'negative' | 'unclear';

export interface CorpusCase {
  file: string;
  line: number;
  rule: string;
  label: Label;
  reason: string;
  checked?: string;
}

export interface CorpusRepo {
  name: string;
  repo: string;
  commit: string;
  /** Absent while a repository is being labelled; the eval skips it until it is assigned. */
  split?: Split;
  category: string;
  sourceFiles: number | null;
  why: string;
  /** Sub-folder to analyse instead of the repository root (cases stay repository-relative). */
  root?: string;
  cases: CorpusCase[];
}

/** A case with the repository it belongs to. */
export interface RepoCase extends CorpusCase {
  repo: string;
  split: Split;
}

export const corpusDir = path.resolve(__dirname, '../../test/corpus');

export function loadCorpus(dir = corpusDir): CorpusRepo[] {
  const folder = path.join(dir, 'repositories');
  return fs.readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(folder, f), 'utf8')) as CorpusRepo);
}

export function casesOf(repos: CorpusRepo[]): RepoCase[] {
  return repos.flatMap((r) => (r.split ? r.cases.map((c) => ({ ...c, repo: r.name, split: r.split! })) : []));
}

/** Problems that make a repository file unusable for scoring; empty when it is valid. */
export function validateRepo(r: CorpusRepo, fileName: string): string[] {
  const problems: string[] = [];
  const say = (m: string) => problems.push(`${fileName}: ${m}`);
  if (`${r.name}.json` !== fileName) say(`name "${r.name}" does not match the file name`);
  if (!/^[\w.-]+\/[\w.-]+$/.test(r.repo ?? '')) say(`repo "${r.repo}" is not owner/name`);
  if (!/^[0-9a-f]{40}$/.test(r.commit ?? '')) say('commit is not 40 hex digits');
  if (r.split !== undefined && r.split !== 'dev' && r.split !== 'test') say(`split "${r.split}" is neither dev nor test`);
  if (!r.why) say('why is empty');
  if (!Array.isArray(r.cases)) return [...problems, `${fileName}: cases is not a list`];
  r.cases.forEach((c, i) => {
    const at = `case ${i} (${c.file}:${c.line})`;
    if (!(CODE_RULES as readonly string[]).includes(c.rule)) say(`${at}: unknown rule "${c.rule}"`);
    if (!['positive', 'negative', 'unclear'].includes(c.label)) say(`${at}: label "${c.label}"`);
    if (!c.file || c.file.startsWith('/') || c.file.includes('..')) say(`${at}: file must be repository-relative`);
    if (!Number.isInteger(c.line) || c.line < 0) say(`${at}: line must be an integer ≥ 0`);
    if (c.file?.endsWith('/') !== (c.line === 0)) say(`${at}: a folder case has line 0, a file case a line ≥ 1`);
    if (!c.reason || c.reason.length < 15) say(`${at}: reason is missing or too short to check`);
  });
  return problems;
}

/**
 * Test, spec, e2e, benchmark, fixture, mock, story and script code: not a service. Used for the noise
 * figure "findings whose flow starts in test code". Example folders are left out: in a sample
 * repository they are the product.
 */
const NON_PRODUCTION_DIR = /^(tests?|__tests__|specs?|e2e|[\w-]*-e2e|e2e-[\w-]*|[\w-]*-tests?|tests?-[\w-]*|integration-tests?|test-?utils|testing|bench|benchmarks?|fixtures?|__fixtures__|mocks?|__mocks__|stories|storybook|scripts?|seeds?|cypress|playwright)$/i;
const NON_PRODUCTION_FILE = /\.(test|spec|e2e|e2e-spec|bench|stories|story|mock|fixture)\.[cm]?[jt]sx?$/i;

export function isNonProductionPath(file: string): boolean {
  const parts = file.split('/');
  const base = parts.pop() ?? '';
  return NON_PRODUCTION_FILE.test(base) || parts.some((p) => NON_PRODUCTION_DIR.test(p));
}

/**
 * Splits for repositories that have none yet, decided before the engine runs on them: within each
 * category, unassigned repositories sorted by the SHA-256 of their name alternate test, dev, test, …
 * so every kind of code lands in both splits. Assigned repositories never move here (a test
 * repository moves to dev by hand, after it showed a gap that was fixed).
 */
export function assignSplits(repos: CorpusRepo[]): Map<string, Split> {
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');
  const out = new Map<string, Split>();
  const byCategory = new Map<string, CorpusRepo[]>();
  for (const r of repos.filter((x) => !x.split)) byCategory.set(r.category, [...(byCategory.get(r.category) ?? []), r]);
  for (const group of byCategory.values()) {
    group.sort((a, b) => hash(a.name).localeCompare(hash(b.name)))
      .forEach((r, i) => out.set(r.name, i % 2 === 0 ? 'test' : 'dev'));
  }
  return out;
}
