/**
 * Generated hostile inputs for the robustness tests: files nested deeply
 * enough to overflow a recursive walk, long import chains, and a copy of the
 * example system whose findings must not change when they sit beside it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const EXAMPLE_ROOT = path.resolve(__dirname, '..', '..', 'examples', 'checkout');

/** The example system's files (root-relative path → text), without generated report documents. */
export function exampleFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      const rel = path.relative(EXAMPLE_ROOT, abs).split(path.sep).join('/');
      if (rel === 'docs/distributed' || entry.name === 'node_modules') continue;
      if (entry.isDirectory()) visit(abs);
      else if (entry.isFile()) out[rel] = fs.readFileSync(abs, 'utf8');
    }
  };
  visit(EXAMPLE_ROOT);
  return out;
}

export interface Scenario {
  name: string;
  /** Files to add (root-relative path → text). */
  files: Record<string, string>;
  /** The file expected to be skipped, if the scenario makes one unanalysable. */
  skips?: string;
}

const DEEP = 'hostile/deep.ts';

/** A `+` chain of n terms: a left-deep tree n levels deep. */
export function plusChain(n = 2500): Scenario {
  return { name: `${n}-term a+a+… expression`, files: { [DEEP]: `export const a = 1;\nexport const x = ${Array(n).fill('a').join('+')};\n` }, skips: DEEP };
}

/** n nested `!`. */
export function notChain(n = 3000): Scenario {
  return { name: `${n} nested !`, files: { [DEEP]: `export const a = true;\nexport const x = ${'!'.repeat(n)}a;\n` }, skips: DEEP };
}

/** n nested property accesses `a.b.b.b…`. */
export function propertyChain(n = 3000): Scenario {
  return { name: `${n} nested .b accesses`, files: { [DEEP]: `export const a: any = {};\nexport const x = a${'.b'.repeat(n)};\n` }, skips: DEEP };
}

/** n chained `.then(() => 1)` calls. */
export function thenChain(n = 50_000): Scenario {
  return { name: `${n} chained .then()`, files: { [DEEP]: `export const p: any = Promise.resolve();\nexport const x = p${'.then(() => 1)'.repeat(n)};\n` }, skips: DEEP };
}

/** n function declarations, each nested in the previous one's body. */
export function nestedFunctions(n = 1000): Scenario {
  return { name: `${n} nested functions`, files: { [DEEP]: `export ${'function f() { '.repeat(n)}return 1; ${'}'.repeat(n)}\n` }, skips: DEEP };
}

/** An if with n - 1 `else if` branches (each else-if nests one level deeper). */
export function elseIfLadder(n = 3000): Scenario {
  let text = 'export function f(x: number) {\n  if (x === 0) { return 0; }\n';
  for (let i = 1; i < n; i++) text += `  else if (x === ${i}) { return ${i}; }\n`;
  return { name: `${n}-branch else if`, files: { [DEEP]: `${text}  return -1;\n}\n` }, skips: DEEP };
}

/** n files, each importing the next. Nothing is skipped: every file is analysable. */
export function importChain(n = 1400): Scenario {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    files[`hostile/c${i}.ts`] = i + 1 < n
      ? `import { v${i + 1} } from './c${i + 1}';\nexport const v${i} = v${i + 1} + 1;\n`
      : `export const v${i} = 1;\n`;
  }
  return { name: `chain of ${n} files each importing the next`, files };
}

export const DEEP_SCENARIOS: (() => Scenario)[] = [plusChain, notChain, propertyChain, thenChain, nestedFunctions, elseIfLadder, importChain];
