/** Shared helpers for the report tests: example copies, rendering, and a line diff. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderReport, type RenderedReport } from '../../server/src/report';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const EXAMPLE = path.join(REPO_ROOT, 'examples', 'checkout');
export const GOLDEN_DIR = path.join(__dirname, 'golden');

/** The example's report (rendered in memory, default output folder); the example itself is rendered once per test file. */
export function renderExample(root = EXAMPLE): RenderedReport {
  if (root !== EXAMPLE) return renderReport({ root });
  return (cached ??= renderReport({ root }));
}
let cached: RenderedReport | undefined;

export function asMap(report: RenderedReport): Map<string, string> {
  return new Map(report.files.map((f) => [f.name, f.content]));
}

/** A throwaway copy of the example (without generated output or dependencies). */
export function copyExample(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-report-')));
  fs.cpSync(EXAMPLE, dir, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(EXAMPLE, src).split(path.sep).join('/');
      return !/(^|\/)node_modules(\/|$)/.test(rel) && !/^docs\/distributed(\/|$)/.test(rel);
    },
  });
  return dir;
}

export function replaceInFile(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  fs.writeFileSync(file, text.replace(from, to));
}

export interface Hunk {
  removed: string[];
  added: string[];
}

/** Line diff (longest common subsequence), as hunks of consecutive removed/added lines. */
export function diffLines(before: string, after: string): Hunk[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const hunks: Hunk[] = [];
  let current: Hunk | undefined;
  const flush = () => {
    if (current && (current.removed.length || current.added.length)) hunks.push(current);
    current = undefined;
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      (current ??= { removed: [], added: [] }).added.push(b[j++]);
    } else {
      (current ??= { removed: [], added: [] }).removed.push(a[i++]);
    }
  }
  flush();
  return hunks;
}

/** `[text](href)` links in Markdown. */
export function markdownLinks(markdown: string): { text: string; href: string }[] {
  return [...markdown.matchAll(/\[((?:\\.|[^\]\\])*)\]\(([^)\s]+)\)/g)].map((m) => ({ text: m[1].replace(/\\(.)/g, '$1'), href: m[2] }));
}
