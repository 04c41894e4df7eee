// Bundles the executables into dist/ with esbuild.
//
//   node scripts/build.mjs            build every entry whose source exists
//   node scripts/build.mjs --watch    rebuild on change
//   node scripts/build.mjs --minify   smaller bundles (e.g. for packaging the extension)
//   node scripts/build.mjs --outdir <dir>   write the bundles to <dir> instead of dist/ (tests use this)
//
// To add an executable, add a line to ENTRIES. Entries whose source file does
// not exist yet are skipped, so the CLI builds before the server and client land.
import { existsSync, chmodSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** @type {{ name: string, source: string, outfile: string, executable?: boolean, external?: string[], lazyEngine?: boolean }[]} */
const ENTRIES = [
  // The CLI loads the engine (TypeScript, ts-morph) from its own bundle on first use, so `--help`,
  // `--version` and a `check --cache` hit never load it (server/src/cli/engine.ts).
  { name: 'cli', source: 'server/src/cli/main.ts', outfile: 'dist/cli.js', executable: true, lazyEngine: true },
  { name: 'cli engine', source: 'server/src/cli/engineEntry.ts', outfile: 'dist/engine.js' },
  // Also the `distributed-patterns-language-server` bin, for editors other than VS Code.
  { name: 'language server', source: 'server/src/lsp/main.ts', outfile: 'dist/server.js', executable: true },
  // `vscode` is provided by the editor at runtime and must never be bundled.
  { name: 'extension', source: 'client/src/extension.ts', outfile: 'dist/extension.js', external: ['vscode'] },
];

const argv = process.argv.slice(2);
const watch = argv.includes('--watch');
const minify = argv.includes('--minify');
const outdirIndex = argv.indexOf('--outdir');
const outdir = outdirIndex >= 0 ? argv[outdirIndex + 1] : undefined;
if (outdirIndex >= 0 && !outdir) {
  console.error('--outdir needs a directory');
  process.exit(2);
}
/** Absolute output path of an entry. */
const outputOf = (entry) => (outdir ? resolve(outdir, basename(entry.outfile)) : join(repoRoot, entry.outfile));

/** @param {(typeof ENTRIES)[number]} entry @returns {import('esbuild').BuildOptions} */
function optionsFor(entry) {
  return {
    absWorkingDir: repoRoot,
    entryPoints: [entry.source],
    outfile: outputOf(entry),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    minify,
    external: entry.external ?? [],
    banner: entry.executable ? { js: '#!/usr/bin/env node' } : undefined,
    logLevel: 'warning',
    legalComments: 'linked',
    plugins: [tsMorphNamedExports(), ...(entry.lazyEngine ? [engineBundle()] : []), ...(entry.executable ? [makeExecutable(outputOf(entry))] : [])],
  };
}

/**
 * ts-morph is CommonJS: esbuild would compile each use of `Node`, `SyntaxKind` or `ts` to a read
 * through an interop getter (`import_ts_morph.SyntaxKind`), a visible share of the engine's time
 * in its hot loops. This gives the bundle an ES module that reads ts-morph's exports once, so
 * those uses become plain variable reads.
 */
function tsMorphNamedExports() {
  const names = Object.keys(createRequire(join(repoRoot, 'package.json'))('ts-morph')).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
  return {
    name: 'ts-morph-named-exports',
    setup(build) {
      build.onResolve({ filter: /^ts-morph$/ }, (args) => (args.pluginData === 'ts-morph' ? undefined : { path: 'ts-morph', namespace: 'ts-morph-named' }));
      build.onLoad({ filter: /.*/, namespace: 'ts-morph-named' }, () => ({
        contents: `import m from 'ts-morph';\nexport const { ${names.join(', ')} } = m;\n`,
        resolveDir: repoRoot,
        pluginData: 'ts-morph',
      }));
    },
  };
}

/** `require('./engineEntry')` in the CLI stays a require of the engine bundle beside it. */
function engineBundle() {
  return {
    name: 'lazy-engine',
    setup(build) {
      build.onResolve({ filter: /^\.\/engineEntry$/ }, () => ({ path: './engine.js', external: true }));
    },
  };
}

/** chmod +x after every (re)build; esbuild rewrites the file each time. */
function makeExecutable(outfile) {
  return {
    name: 'make-executable',
    setup(build) {
      build.onEnd((result) => {
        if (result.errors.length === 0) chmodSync(outfile, 0o755);
      });
    },
  };
}

/** Repo-relative when inside the repo, else as given. */
function shown(file) {
  const fromRoot = relative(repoRoot, file);
  return fromRoot.startsWith('..') ? file : fromRoot;
}

function kib(file) {
  return `${(statSync(file).size / 1024).toFixed(0)} KiB`;
}

const present = ENTRIES.filter((entry) => existsSync(join(repoRoot, entry.source)));
const absent = ENTRIES.filter((entry) => !present.includes(entry));

if (watch) {
  for (const entry of present) {
    const context = await esbuild.context(optionsFor(entry));
    await context.watch();
  }
  console.log(`watching: ${present.map((e) => e.name).join(', ')}`);
} else {
  const results = await Promise.allSettled(present.map((entry) => esbuild.build(optionsFor(entry))));
  let failed = false;
  results.forEach((result, index) => {
    const entry = present[index];
    if (result.status === 'fulfilled') {
      const output = outputOf(entry);
      console.log(`built ${shown(output)} (${kib(output)}) from ${entry.source}`);
    } else {
      failed = true; // esbuild has already printed the errors
      console.error(`failed: ${entry.source}`);
    }
  });
  for (const entry of absent) console.log(`skipped ${shown(outputOf(entry))}: ${entry.source} does not exist yet`);
  if (failed) process.exitCode = 1;
}
