/**
 * The analysis engine, loaded on first use: `--help`, `--version`, usage
 * errors and a `check --cache` run whose inputs are unchanged never load it
 * (in the bundle it is dist/engine.js, about 15 MB of JavaScript with
 * TypeScript inside; loading it alone takes about 0.3 s).
 */
import type * as Engine from './engineEntry';

export function loadEngine(): typeof Engine {
  // The CLI bundle keeps this require and builds engineEntry.ts as dist/engine.js (scripts/build.mjs).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./engineEntry') as typeof Engine;
}
