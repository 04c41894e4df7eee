/** The built CLI on the bundled example: exit codes, stylish locations, JSON content, SARIF validity. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, validateSarif } from './helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const EXAMPLE = path.join(REPO_ROOT, 'examples', 'checkout');
const CODE_RULES = ['non-idempotent-consumer', 'missing-correlation-id', 'shared-database', 'unjustified-two-phase-commit', 'unjustified-distributed-lock', 'dual-write'];

function cli(args: string[], cwd = REPO_ROOT) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

describe('distributed-patterns CLI on examples/checkout', { timeout: 240_000 }, () => {
  it('prints every code rule with file:line:col and a fix hint, and exits 1', () => {
    const run = cli(['check', 'examples/checkout']);
    assert.equal(run.status, 1, run.stderr);
    for (const rule of CODE_RULES) assert.match(run.stdout, new RegExp(`\\d+:\\d+\\s+(error|warning)\\s+.+\\s${rule}\\n`), rule);
    assert.match(run.stdout, /→ /);
    assert.match(run.stdout, /examples\/checkout\/services\/payments\/src\/main\.ts/);
  });

  it('writes JSON with one or more findings per code rule and none on the clean files', () => {
    const run = cli(['check', 'examples/checkout', '--format', 'json']);
    const out = JSON.parse(run.stdout) as { findings: { ruleId: string; location: { file: string } }[] };
    for (const rule of CODE_RULES) assert.ok(out.findings.some((f) => f.ruleId === rule), rule);
    assert.ok(!out.findings.some((f) => f.location.file.endsWith('outbox/outbox-relay.ts')));
  });

  it('writes SARIF 2.1.0 that the SARIF multitool (with GitHub rules) accepts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-sarif-'));
    const file = path.join(dir, 'out.sarif');
    const run = cli(['check', 'examples/checkout', '--format', 'sarif', '--output-file', file]);
    assert.equal(run.status, 1, run.stderr);
    const log = fs.readFileSync(file, 'utf8');
    const parsed = JSON.parse(log);
    assert.equal(parsed.version, '2.1.0');
    assert.ok(parsed.runs[0].results.length >= CODE_RULES.length);
    const serious = validateSarif(log).filter((r) => (r.level ?? 'warning') !== 'note' && r.level !== 'none');
    assert.deepEqual(serious.map((r) => `${r.ruleId} ${JSON.stringify(r.message.arguments)}`), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the code rules running when the architecture file is broken', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-broken-'));
    fs.cpSync(EXAMPLE, dir, { recursive: true });
    const archPath = path.join(dir, 'architecture.yaml');
    const lines = fs.readFileSync(archPath, 'utf8').split('\n');
    const ownerLine = lines.findIndex((l) => /^\s+owner: orders\s*$/.test(l));
    assert.ok(ownerLine > 0, 'the example declares an owner: orders line');
    lines[ownerLine] = lines[ownerLine].replace('owner: orders', 'owner: order-service');
    fs.writeFileSync(archPath, lines.join('\n'));
    const run = cli(['check', dir, '--format', 'json']);
    const out = JSON.parse(run.stdout) as { findings: { ruleId: string; location: { file: string; range: { start: { line: number } } } }[] };
    const arch = out.findings.filter((f) => f.ruleId === 'invalid-architecture');
    assert.ok(arch.some((f) => f.location.file === 'architecture.yaml' && f.location.range.start.line === ownerLine + 1),
      JSON.stringify(arch.map((f) => f.location)));
    assert.ok(out.findings.some((f) => f.ruleId === 'non-idempotent-consumer'));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exits 2 with a usage message on an unknown format', () => {
    const run = cli(['check', 'examples/checkout', '--format', 'xml']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /format/);
  });
});
