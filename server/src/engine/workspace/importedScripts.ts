/**
 * Script folders that production code imports. A `scripts/` folder is out of scope as hand-run code
 * (system/scope.ts), but when a production file imports a module from it (`import { BlockScraper }
 * from './scripts/pull_and_save_blocks'` in the service's `index.ts`, which runs it on a timer), that
 * module is part of the service, and so is what it imports from script folders in turn. Read from
 * the texts' relative import specifiers (`import ... from`, `export ... from`, `import()`,
 * `require()`), resolved as Node and TypeScript do (an extension or `/index` added, `.js` written
 * for a `.ts` source). Only `scripts?/` folders come back this way: a migration, seed or CLI package
 * imported by start-up code still runs once, by an operator or a deploy step.
 */
import * as path from 'node:path';

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const SCRIPT_FOLDER = /(^|\/)scripts?\//i;

/** True when a path is out of scope only because it sits in a `scripts/` (or `script/`) folder. */
export function inScriptFolder(rel: string): boolean {
  return SCRIPT_FOLDER.test(rel);
}

/**
 * The script-folder files (among `candidates`) that the texts of `production` import, directly or
 * through other such files, with their texts. `read` gives a candidate's text (undefined when it
 * cannot be read: then it is not brought in).
 */
export function importedScripts(production: { rel: string; text: string }[], candidates: string[], read: (rel: string) => string | undefined): { rel: string; text: string }[] {
  const pending = new Set(candidates);
  const found: { rel: string; text: string }[] = [];
  let frontier = production;
  while (frontier.length && pending.size) {
    const next: { rel: string; text: string }[] = [];
    for (const { rel, text } of frontier) {
      for (const target of relativeImports(rel, text)) {
        const hit = resolveAmong(target, pending);
        if (!hit) continue;
        pending.delete(hit);
        const t = read(hit);
        if (t !== undefined) next.push({ rel: hit, text: t });
      }
    }
    found.push(...next);
    frontier = next;
  }
  return found.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Workspace-relative targets of a text's relative import specifiers, without resolution. */
function relativeImports(rel: string, text: string): string[] {
  const dir = path.posix.dirname(rel);
  return [...text.matchAll(SPECIFIER)].map((m) => path.posix.normalize(path.posix.join(dir, m[2])));
}

/** The candidate a specifier target names: as written, with an extension, as `/index`, or a `.js` written for a `.ts` source. */
function resolveAmong(target: string, candidates: Set<string>): string | undefined {
  const bare = target.replace(/\.[cm]?jsx?$/, '');
  const options = [target, ...EXTENSIONS.map((e) => `${target}${e}`), ...EXTENSIONS.map((e) => `${bare}${e}`), ...EXTENSIONS.map((e) => `${target}/index${e}`)];
  return options.find((o) => candidates.has(o));
}
