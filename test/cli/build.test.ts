import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, workspace } from './helpers';

const version: string = require('../../package.json').version;

// Builds into a temporary directory so a parallel test using dist/ is never disturbed.
describe('bundled CLI (scripts/build.mjs)', { timeout: 120_000 }, () => {
  let outdir = '';
  let cli = '';

  before(() => {
    outdir = workspace();
    const build = spawnSync(process.execPath, ['scripts/build.mjs', '--outdir', outdir], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, `build failed:\n${build.stdout}\n${build.stderr}`);
    cli = path.join(outdir, 'cli.js');
  });

  after(() => fs.rmSync(outdir, { recursive: true, force: true }));

  const run = (args: string[], cwd = REPO_ROOT) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });

  it('is an executable script with a node shebang and a source map', () => {
    const head = fs.readFileSync(cli, 'utf8').split('\n', 1)[0];
    assert.equal(head, '#!/usr/bin/env node');
    assert.ok((fs.statSync(cli).mode & 0o111) !== 0, 'executable bit set');
    assert.ok(fs.existsSync(`${cli}.map`));
  });

  it('runs --help, --version and rejects unknown options with exit code 2', () => {
    const help = run(['--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Usage: distributed-patterns/);
    const checkHelp = run(['check', '--help']);
    assert.equal(checkHelp.status, 0, checkHelp.stderr);
    assert.match(checkHelp.stdout, /--format <format>/);
    const v = run(['--version']);
    assert.equal(v.stdout, `${version}\n`);
    const bad = run(['check', '--nope']);
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /^error: unknown option '--nope'\nRun "distributed-patterns check --help" for usage\.\n$/);
  });

  it('checks a workspace end to end with the real engine and writes valid JSON', () => {
    const ws = workspace({ 'package.json': '{"name":"empty"}\n', 'src/index.ts': 'export const x = 1;\n' });
    const r = run(['check', '--format', 'json'], ws);
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
    const report = JSON.parse(r.stdout);
    assert.equal(report.version, version);
    assert.equal(report.root, ws);
    assert.equal(r.stderr, '', 'nothing on stderr when it is not a TTY');
  });

  it('loads the engine bundle only to analyse: --version and a cache hit never load it', () => {
    const ws = workspace({ 'package.json': '{"name":"empty"}\n', 'src/index.ts': 'export const x = 1;\n' });
    const cacheFile = path.join(ws, '.dpat-cache');
    const first = run(['check', '--format', 'json', '--cache', '--cache-location', cacheFile], ws);
    assert.ok(first.status === 0 || first.status === 1, first.stderr);
    // Swap the engine for a file that throws when loaded, with the same size and times (the cache's engine identity).
    const engine = path.join(outdir, 'engine.js');
    const real = fs.readFileSync(engine);
    const stat = fs.statSync(engine);
    const trap = Buffer.alloc(real.length, ' ');
    trap.write("throw new Error('the engine bundle was loaded');");
    fs.writeFileSync(engine, trap);
    fs.utimesSync(engine, stat.atime, stat.mtime);
    try {
      assert.equal(run(['--version']).stdout, `${version}\n`);
      const hit = run(['check', '--format', 'json', '--cache', '--cache-location', cacheFile], ws);
      assert.equal(hit.status, first.status, hit.stderr);
      assert.deepEqual(JSON.parse(hit.stdout).findings, JSON.parse(first.stdout).findings);
      const miss = run(['check', '--format', 'json'], ws);
      assert.match(miss.stderr, /the engine bundle was loaded/);
    } finally {
      fs.writeFileSync(engine, real);
    }
  });
});
