#!/usr/bin/env node
// `npm run bench`: the speed and memory benchmark (issue "Speed and memory").
//
//   npm run bench                                  synthetic 128, 1,024 and 4,096 files + edit latency
//   npm run bench -- ../some-repo                   also a real repository (its own tsconfig.json and node_modules)
//   npm run bench -- --sizes 1024 --runs 1          pick sizes and repeats
//   npm run bench -- --edits 1000 --edit-size 1024  the memory-growth run (1,000 edits)
//   npm run bench -- --no-peers                     only this tool (no tsc/ESLint columns)
//   npm run bench -- --no-edits | --no-cold         skip a part
//   npm run bench -- --no-write                     print the table, leave BENCHMARKS.md alone
//
// Everything it makes lives in scripts/bench/.work/ (gitignored): the peers
// (TypeScript 6, TypeScript 7 native, ESLint + typescript-eslint, and the
// libraries the synthetic code imports) installed from scripts/bench/peers/
// with `npm install` (versions from its lockfile), outside the root lockfile; the generated workspaces; raw
// results as JSON. Then it prints a table and rewrites the figures section
// of BENCHMARKS.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';
import { measure, median, percentile } from './measure.mjs';
import { runEdits } from './edits.mjs';
import { pickEditFiles } from './pick.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const WORK = path.join(HERE, '.work');
const PEERS = path.join(WORK, 'peers');
const CLI = path.join(REPO, 'dist/cli.js');
const SERVER = path.join(REPO, 'dist/server.js');

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const value = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def;
};
const VALUED = new Set(['--sizes', '--runs', '--edits', '--edit-size', '--edit-on', '--seed', '--eslint-runs', '--warmup']);
const realPaths = argv.filter((a, i) => !a.startsWith('--') && !VALUED.has(argv[i - 1]));
const sizes = value('sizes', '128,1024,4096').split(',').map(Number).filter((n) => n > 0);
/** Repeats of each cold run: 3 by default, 1 on workspaces over 2,000 files (the median of 3 where a run takes seconds). */
const runsFlag = value('runs') !== undefined ? Number(value('runs')) : undefined;
const runsFor = (files) => runsFlag ?? (files > 2000 ? 1 : 3);
const eslintRuns = value('eslint-runs') !== undefined ? Number(value('eslint-runs')) : undefined;
const edits = Number(value('edits', 200));
const editSize = Number(value('edit-size', 1024));
/** A real repository to run the edits on instead of a synthetic workspace. */
const editOn = value('edit-on');
const warmup = Number(value('warmup', 10));
const seed = Number(value('seed', 1));
const withPeers = !flag('no-peers');
const withEdits = !flag('no-edits') && edits > 0;
const withCold = !flag('no-cold');
const writeMd = !flag('no-write');

const log = (s) => process.stderr.write(`${s}\n`);
const rel = (p) => path.relative(REPO, p).split(path.sep).join('/') || '.';

// ---------------------------------------------------------------- setup
function ensureBuild() {
  log('building dist/ ...');
  execFileSync(process.execPath, [path.join(REPO, 'scripts/build.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
}

function ensurePeers() {
  const lock = fs.readFileSync(path.join(HERE, 'peers/package-lock.json'));
  const stamp = createHash('sha256').update(fs.readFileSync(path.join(HERE, 'peers/package.json'))).update(lock).digest('hex');
  const stampFile = path.join(PEERS, '.installed');
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp && fs.existsSync(path.join(PEERS, 'node_modules'))) return;
  log('installing peers (TypeScript 6, TypeScript 7, ESLint + typescript-eslint, workspace libraries) into scripts/bench/.work/peers ...');
  fs.mkdirSync(PEERS, { recursive: true });
  fs.copyFileSync(path.join(HERE, 'peers/package.json'), path.join(PEERS, 'package.json'));
  fs.copyFileSync(path.join(HERE, 'peers/package-lock.json'), path.join(PEERS, 'package-lock.json'));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // `npm install` with the committed lockfile (versions as locked): `npm ci` refuses lockfiles
  // without the optional platform packages of other machines (an npm quirk with msgpackr-extract).
  const r = spawnSync(npm, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: PEERS, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('npm install of the benchmark peers failed');
  fs.writeFileSync(stampFile, stamp);
}

/** The native TypeScript 7 executable (the npm package's `tsc` is a Node wrapper that execs it). */
function tsc7Command() {
  const pkg = `@typescript/typescript-${process.platform}-${process.arch}`;
  const exe = path.join(PEERS, 'node_modules', pkg, 'lib', process.platform === 'win32' ? 'tsc.exe' : 'tsc');
  if (fs.existsSync(exe)) return [exe, []];
  return [process.execPath, [path.join(PEERS, 'node_modules/typescript7/bin/tsc')]];
}

function machine() {
  const cpus = os.cpus();
  let model = cpus[0]?.model?.trim() ?? 'unknown';
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8' });
    const m = /Model name:\s*(.+)/.exec(lscpu);
    if (m) model = m[1].trim();
  } catch {
    // not Linux
  }
  return {
    cpu: model, cores: cpus.length, memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version, os: `${os.type()} ${os.release()} ${os.arch()}`, date: new Date().toISOString().slice(0, 10),
    gnuTime: fs.existsSync('/usr/bin/time'),
    loadStart: os.loadavg()[0],
  };
}

// ---------------------------------------------------------------- measurements
async function repeat(label, n, command, args, options) {
  const results = [];
  for (let i = 0; i < n; i++) {
    const r = await measure(command, args, options);
    results.push(r);
    log(`  ${label}: ${(r.ms / 1000).toFixed(2)} s wall, ${(r.cpuMs / 1000).toFixed(2)} s CPU, ${(r.peakRssKb / 1024).toFixed(0)} MiB${r.code ? ` (exit ${r.code})` : ''}`);
  }
  return {
    ms: median(results.map((r) => r.ms)), cpuMs: median(results.map((r) => r.cpuMs)), peakRssKb: median(results.map((r) => r.peakRssKb)),
    runs: results.length, code: results[0].code, first: results[0],
  };
}

function findingsOf(stdout) {
  try {
    const json = JSON.parse(stdout);
    return json.findings.map((f) => `${f.ruleId}|${f.location?.file ?? f.file}|${JSON.stringify(f.location?.range ?? f.line)}|${f.message}`).sort();
  } catch {
    return undefined;
  }
}

async function benchWorkspace(ws) {
  const row = { name: ws.name, files: ws.files, tools: {} };
  const big = ws.files > 2000;
  const runs = runsFor(ws.files);
  const cli = (extra = []) => [process.execPath, [CLI, 'check', ws.root, '--format', 'json', ...extra]];
  log(`\n${ws.name} (${ws.files} files)`);

  const ours = await repeat('distributed-patterns (cold)', runs, ...cli(), { cwd: ws.root });
  row.tools.dpat = ours;
  row.findings = findingsOf(ours.first.stdout)?.length;

  // Cached: one run fills the cache, then re-runs on the unchanged workspace.
  const cacheFile = path.join(WORK, 'cache', `${ws.name}.json`);
  fs.rmSync(cacheFile, { force: true });
  const fill = await measure(...cli(['--cache', '--cache-location', cacheFile]), { cwd: ws.root });
  log(`  distributed-patterns (cache fill): ${(fill.ms / 1000).toFixed(2)} s`);
  const cached = await repeat('distributed-patterns (cached)', runs, ...cli(['--cache', '--cache-location', cacheFile]), { cwd: ws.root });
  row.tools.cached = cached;
  const same = JSON.stringify(findingsOf(ours.first.stdout)) === JSON.stringify(findingsOf(cached.first.stdout));
  row.cacheSameFindings = same;
  if (!same) log('  WARNING: cached findings differ from the cold run');

  if (withPeers && ws.tsconfig) {
    row.tools.tsc6 = await repeat('tsc 6 --noEmit', runs, process.execPath, [path.join(PEERS, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', ws.tsconfig], { cwd: ws.root });
    const [c7, a7] = tsc7Command();
    row.tools.tsc7 = await repeat('tsc 7 (native) --noEmit', runs, c7, [...a7, '--noEmit', '-p', ws.tsconfig], { cwd: ws.root });
    if (ws.eslint) {
      const n = eslintRuns ?? (big ? 1 : runs);
      row.eslintRuns = n;
      row.tools.eslint = await repeat('eslint (typed rules)', n, process.execPath,
        [path.join(PEERS, 'node_modules/eslint/bin/eslint.js'), '--no-warn-ignored', '--format', 'json', ...ws.eslintTargets], { cwd: ws.root, env: { NODE_OPTIONS: '--max-old-space-size=8192' } });
    }
  }
  return row;
}

// ---------------------------------------------------------------- report
const fmtS = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '–');
const fmtMs = (ms) => (Number.isFinite(ms) ? `${Math.round(ms)} ms` : '–');
const fmtMiB = (kb) => (kb ? `${Math.round(kb / 1024)} MiB` : '–');
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '–');

function tables(results) {
  return [coldTables(results), editTables(results)].filter(Boolean).join('\n\n');
}

function coldTables(results) {
  if (!results.cold.length) return '';
  const out = [];
  out.push('### Cold CLI runs (median wall time, CPU time, peak RSS)', '');
  out.push('Each cell: wall time / user+system CPU time / peak RSS. Ratios are of wall times (CPU-time ratios in brackets; TypeScript 7 runs on several threads, so its CPU time exceeds its wall time).', '');
  out.push('| workspace | files | distributed-patterns | tsc 6 `--noEmit` | tsc 7 native `--noEmit` | ESLint typed | ours / tsc 6 | ours / tsc 7 | ours / ESLint | peak RSS ours / tsc 6 |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const cell = (t) => (t ? `${fmtS(t.ms)} / ${fmtS(t.cpuMs)} / ${fmtMiB(t.peakRssKb)}` : '–');
  const both = (a, b) => (a && b ? `${ratio(a.ms, b.ms)} (${ratio(a.cpuMs, b.cpuMs)})` : '–');
  for (const r of results.cold) {
    const t = r.tools;
    out.push(`| ${r.name} | ${r.files} | ${cell(t.dpat)} | ${cell(t.tsc6)} | ${cell(t.tsc7)} | ${cell(t.eslint)} | ${both(t.dpat, t.tsc6)} | ${both(t.dpat, t.tsc7)} | ${both(t.dpat, t.eslint)} | ${ratio(t.dpat?.peakRssKb, t.tsc6?.peakRssKb)} |`);
  }
  out.push('', '### Cached re-run (`check --cache`, unchanged workspace)', '');
  out.push('| workspace | cold (wall / CPU) | cached (wall / CPU) | cached / cold (wall, CPU) | same findings |');
  out.push('|---|---:|---:|---:|---|');
  for (const r of results.cold) {
    const c = r.tools.cached;
    const d = r.tools.dpat;
    out.push(`| ${r.name} | ${fmtS(d?.ms)} / ${fmtS(d?.cpuMs)} | ${fmtS(c?.ms)} / ${fmtS(c?.cpuMs)} | ${ratio(c?.ms, d?.ms)}, ${ratio(c?.cpuMs, d?.cpuMs)} | ${r.cacheSameFindings ? 'yes' : 'NO'} |`);
  }
  return out.join('\n');
}

function editTables(results) {
  const out = [];
  if (results.edits) {
    const e = results.edits;
    out.push('', `### Edit latency in the language server (${e.workspace}, ${e.samples.length} edits after ${e.warmup} warm-up edits)`, '');
    out.push('Time from `textDocument/didChange` to the end of the analysis that includes it (the server\'s `distributedPatterns/status` "ready"; every diagnostic of that version is published by then). Includes the server\'s 10 ms typing debounce.', '');
    if (e.files) out.push(`Files edited: ${e.files.map((f) => `\`${f.rel}\` (${f.role})`).join(', ')}.`, '');
    out.push('| edit | n | p50 | p95 | p99 |');
    out.push('|---|---:|---:|---:|---:|');
    const groups = [['all', () => true], ['body-only', (s) => s.kind === 'body'], ['import-changing', (s) => s.kind === 'import'],
      ['body-only, hub file', (s) => s.kind === 'body' && s.role === 'hub'], ['body-only, leaf file', (s) => s.kind === 'body' && s.role === 'leaf'],
      ['import-changing, hub file', (s) => s.kind === 'import' && s.role === 'hub'], ['import-changing, leaf file', (s) => s.kind === 'import' && s.role === 'leaf']];
    for (const [name, pred] of groups) {
      const ms = e.samples.filter(pred).map((s) => s.ms);
      out.push(`| ${name} | ${ms.length} | ${fmtMs(percentile(ms, 50))} | ${fmtMs(percentile(ms, 95))} | ${fmtMs(percentile(ms, 99))} |`);
    }
    out.push('', '| server RSS | after startup | after warm-up | after the last edit | peak | growth over the edits |');
    out.push('|---|---:|---:|---:|---:|---:|');
    out.push(`| ${e.workspace} | ${fmtMiB(e.rss.afterStartupKb)} | ${fmtMiB(e.rss.afterWarmupKb)} | ${fmtMiB(e.rss.endKb)} | ${fmtMiB(e.rss.peakKb)} | ${(((e.rss.endKb - e.rss.afterWarmupKb) / e.rss.afterWarmupKb) * 100).toFixed(1)} % |`);
    out.push('', `Startup analysis of the workspace in the server: ${fmtS(e.startupMs)}.`);
  }
  return out.join('\n');
}

function machineText(m) {
  return `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB memory; ${m.os}; Node ${m.node}; ${m.date}. ` +
    `Peak RSS from ${m.gnuTime ? 'GNU time (`/usr/bin/time -f %M`)' : 'sampling /proc every 50 ms'}. ` +
    `Load average (1 min) at the start ${m.loadStart?.toFixed(1) ?? '?'}, at the end ${m.loadEnd?.toFixed(1) ?? '?'}: a machine shared with other work makes wall times noisy, CPU times less so.`;
}

/**
 * Rewrites the generated sections of BENCHMARKS.md (everything else in the
 * file is prose kept as it is): the cold/cached section when cold runs were
 * measured, the edit section when edits were, so `--no-cold --edits 1000`
 * leaves the cold figures of an earlier run in place.
 */
function writeBenchmarksMd(results) {
  const file = path.join(REPO, 'BENCHMARKS.md');
  const command = `\`npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}\``;
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const parts = [
    ['cold', coldTables(results), `cold runs: median of ${runsFlag ?? '3 (1 on workspaces over 2,000 files)'}${eslintRuns !== undefined ? `, ESLint ${eslintRuns}` : ''}`],
    // A non-default edit count (the 1,000-edit memory run) gets a section of its own.
    [editOn ? `edits-on-${path.basename(path.resolve(editOn))}` : edits === 200 && editSize === 1024 ? 'edits' : `edits-${edits}-on-${editSize}`, editTables(results), `${results.edits?.samples.length ?? 0} edits`],
  ];
  for (const [name, body, what] of parts) {
    if (!body) continue;
    const BEGIN = `<!-- bench:${name}:begin (written by npm run bench) -->`;
    const END = `<!-- bench:${name}:end -->`;
    const section = [BEGIN, '', machineText(results.machine), '', `Command: ${command}; ${what}.`, '', body, '', END].join('\n');
    if (!text.includes(BEGIN)) text = `${text.trimEnd()}\n\n${BEGIN}\n${END}\n`;
    text = text.slice(0, text.indexOf(BEGIN)) + section + text.slice(text.indexOf(END) + END.length);
  }
  fs.writeFileSync(file, text);
  log(`\nwrote ${rel(file)}`);
}

// ---------------------------------------------------------------- main
async function main() {
  const startedAt = Date.now();
  ensureBuild();
  if (withPeers || sizes.length || withEdits) ensurePeers();
  const wsDir = path.join(WORK, 'ws');
  const workspaces = [];
  const wanted = new Set(withCold ? sizes : []);
  if (withEdits && !editOn) wanted.add(editSize);
  const synthetic = new Map();
  for (const n of [...wanted].sort((a, b) => a - b)) {
    const root = path.join(wsDir, `synthetic-${n}`);
    const manifest = generate(root, { files: n, seed });
    fs.symlinkSync(path.relative(root, path.join(PEERS, 'node_modules')), path.join(root, 'node_modules'), 'dir');
    const ws = { name: `synthetic-${n}`, root, files: manifest.files, manifest, tsconfig: path.join(root, 'tsconfig.json'), eslint: true, eslintTargets: ['services', 'libs'] };
    synthetic.set(n, ws);
    if (withCold && sizes.includes(n)) workspaces.push(ws);
    log(`generated ${rel(root)}: ${manifest.files} files, ${manifest.services.length} services`);
  }
  for (const p of realPaths) {
    const root = path.resolve(p);
    const count = Number(execFileSync(process.execPath, ['-e', `
      const fg = require(${JSON.stringify(path.join(REPO, 'node_modules/fast-glob'))});
      console.log(fg.sync('**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}', { cwd: ${JSON.stringify(root)}, ignore: ['**/node_modules/**', '**/dist/**', '**/*.d.ts'] }).length);`], { encoding: 'utf8' }).trim());
    let tsconfig = fs.existsSync(path.join(root, 'tsconfig.json')) ? path.join(root, 'tsconfig.json') : undefined;
    if (!tsconfig && fs.existsSync(path.join(root, 'tsconfig.base.json'))) {
      // Monorepos (Nx) keep only a base config at the root: type-check every TypeScript file under it.
      tsconfig = path.join(WORK, `tsconfig-${path.basename(root)}.json`);
      fs.mkdirSync(WORK, { recursive: true });
      fs.writeFileSync(tsconfig, JSON.stringify({
        extends: path.join(root, 'tsconfig.base.json'),
        // TypeScript 6 refuses baseUrl/node10 resolution without this; TypeScript 7 drops them (its column may then show a config error).
        compilerOptions: { noEmit: true, skipLibCheck: true, composite: false, incremental: false, ignoreDeprecations: '6.0' },
        include: [`${root}/**/*.ts`, `${root}/**/*.tsx`],
        exclude: ['**/node_modules/**', '**/dist/**'],
      }, null, 2));
    }
    const eslint = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts'].some((f) => fs.existsSync(path.join(root, f)));
    workspaces.push({ name: path.basename(root), root, files: count, tsconfig, eslint, eslintTargets: ['.'] });
  }

  const results = { machine: machine(), argv, cold: [] };
  for (const ws of workspaces) results.cold.push(await benchWorkspace(ws));

  if (withEdits) {
    let ws;
    let files;
    if (editOn) {
      ws = { name: path.basename(path.resolve(editOn)), root: path.resolve(editOn) };
      // The modules most files import and handlers nothing imports, found from import statements.
      files = pickEditFiles(ws.root);
    } else {
      ws = synthetic.get(editSize);
      const m = ws.manifest;
      // Two hub files (the datastore client module every repository imports, the entry that imports every handler) and two leaves (handlers).
      files = [
        { rel: m.hubs[0], role: 'hub' }, { rel: m.leaves[0], role: 'leaf' },
        { rel: m.hubs[m.hubs.length - 1], role: 'hub' }, { rel: m.leaves[m.leaves.length - 1], role: 'leaf' },
      ];
    }
    log(`\nedit latency: ${edits} edits on ${ws.name} (${files.map((f) => f.rel).join(', ')})`);
    const r = await runEdits({ serverScript: SERVER, root: ws.root, files, edits, warmup, log, importHubs: Boolean(editOn) });
    results.edits = { workspace: ws.name, warmup, files, ...r };
  }

  results.machine.loadEnd = os.loadavg()[0];
  fs.mkdirSync(WORK, { recursive: true });
  const strip = (r) => ({ ...r, cold: r.cold.map((c) => ({ ...c, tools: Object.fromEntries(Object.entries(c.tools).map(([k, v]) => [k, { ms: v.ms, cpuMs: v.cpuMs, peakRssKb: v.peakRssKb, runs: v.runs, code: v.code }])) })) });
  fs.writeFileSync(path.join(WORK, `results-${Date.now()}.json`), JSON.stringify(strip(results), null, 2));
  const text = tables(results);
  process.stdout.write(`\n${machineText(results.machine)}\n\n${text}\n\nTotal benchmark time: ${((Date.now() - startedAt) / 60000).toFixed(1)} min\n`);
  if (writeMd) writeBenchmarksMd(results);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
