import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli/runCli';
import type { Finding } from '../../server/src/engine/types';
import { capture, fakeEngine, finding, workspace } from './helpers';

const version: string = require('../../package.json').version;

const error = (line = 1): Finding => finding({ line, severity: 'error' });
const warning = (line = 1): Finding => finding({ line, severity: 'warning', ruleId: 'dual-write' });
const info = (line = 1): Finding => finding({ line, severity: 'info', ruleId: 'missing-correlation-id' });

async function check(findings: Finding[], args: string[] = []) {
  const root = workspace({ 'src/orders/consumer.ts': 'export {};\n' });
  const out = capture(root);
  const engine = fakeEngine(findings);
  const code = await runCli(['check', ...args], out.io, engine);
  return { code, stdout: out.stdout(), stderr: out.stderr(), engine, root };
}

describe('exit codes', () => {
  it('0 when there are no findings', async () => {
    const r = await check([]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(r.engine.calls.length, 1);
  });

  it('1 when a finding has severity error', async () => {
    const r = await check([warning(), error(5)]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✖ 2 problems \(1 error, 1 warning\)/);
  });

  it('0 for warnings and infos without --max-warnings', async () => {
    assert.equal((await check([warning(1), warning(2), info(3)])).code, 0);
  });

  it('1 when warnings exceed --max-warnings, 0 when they do not', async () => {
    assert.equal((await check([warning(1), warning(2)], ['--max-warnings', '1'])).code, 1);
    assert.equal((await check([warning(1), warning(2)], ['--max-warnings', '2'])).code, 0);
    assert.equal((await check([warning(1)], ['--max-warnings', '0'])).code, 1);
    assert.equal((await check([info(1), info(2)], ['--max-warnings', '0'])).code, 0, 'infos never count');
    assert.equal((await check([warning(1)], ['--max-warnings', '-1'])).code, 0, '-1 means no limit');
  });

  it('0 when every error is suppressed', async () => {
    const r = await check([finding({ suppressed: { kind: 'inSource', justification: 'reviewed' } })]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /No problems found \(1 suppressed\)/);
  });

  for (const [name, args, message] of [
    ['an unknown option', ['--frobnicate'], /^error: unknown option '--frobnicate'/],
    ['a bad --format value', ['--format', 'xml'], /^error: option '-f, --format <format>' argument 'xml' is invalid/],
    ['a non-numeric --max-warnings', ['--max-warnings', 'many'], /^error: option '--max-warnings <n>' argument 'many' is invalid/],
    ['a negative --max-warnings', ['--max-warnings', '-3'], /argument '-3' is invalid/],
    ['a path that does not exist', ['no/such/dir'], /^error: path does not exist: no\/such\/dir$/m],
    ['a missing --architecture file', ['--architecture', 'nope.yaml'], /^error: --architecture file does not exist: nope\.yaml$/m],
    ['a missing baseline', ['--baseline', 'baseline.json'], /^error: baseline baseline\.json does not exist; create it with --update-baseline$/m],
    ['--update-baseline without --baseline', ['--update-baseline'], /^error: --update-baseline needs --baseline <file>$/m],
  ] as const) {
    it(`2 with a one-line message and a --help hint for ${name}`, async () => {
      const r = await check([error()], [...args]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 2, `message + hint, got:\n${r.stderr}`);
      assert.equal(lines[1], 'Run "distributed-patterns check --help" for usage.');
      assert.equal(r.stdout, '');
      assert.equal(r.engine.calls.length, 0, 'the engine does not run on a usage error');
    });
  }

  it('2 for an unknown command, and for no command at all', async () => {
    const root = workspace();
    const unknown = capture(root);
    assert.equal(await runCli(['frob'], unknown.io, fakeEngine([])), 2);
    assert.match(unknown.stderr(), /^error: unknown command 'frob'\nRun "distributed-patterns --help" for usage\.\n$/);
    const none = capture(root);
    assert.equal(await runCli([], none.io, fakeEngine([])), 2);
    assert.match(none.stderr(), /Usage: distributed-patterns/);
  });

  it('2 when the engine throws', async () => {
    const root = workspace();
    const out = capture(root);
    const code = await runCli(['check'], out.io, {
      analyze: async () => {
        throw new Error('boom');
      },
    });
    assert.equal(code, 2);
    assert.equal(out.stderr(), 'error: analysis failed: boom\n');
  });

  it('0 for --help and --version, printed on stdout', async () => {
    const root = workspace();
    const help = capture(root);
    assert.equal(await runCli(['check', '--help'], help.io, fakeEngine([])), 0);
    assert.match(help.stdout(), /Usage: distributed-patterns check \[options\] \[paths\.\.\.\]/);
    assert.match(help.stdout(), /Examples:\n/);
    assert.match(help.stdout(), /--max-warnings <n>/);
    const top = capture(root);
    assert.equal(await runCli(['--help'], top.io, fakeEngine([])), 0);
    assert.match(top.stdout(), /check \[options\] \[paths\.\.\.\]/);
    const v = capture(root);
    assert.equal(await runCli(['--version'], v.io, fakeEngine([])), 0);
    assert.equal(v.stdout(), `${version}\n`);
  });
});

describe('check options', () => {
  it('uses the cwd as root by default and a single directory argument as the root', async () => {
    const root = workspace({ 'services/orders/a.ts': '', 'services/billing/b.ts': '' });
    const engine = fakeEngine([]);
    await runCli(['check'], capture(root).io, engine);
    await runCli(['check', 'services/orders'], capture(root).io, engine);
    await runCli(['check', 'services/orders/a.ts', 'services/billing'], capture(root).io, engine);
    await runCli(['check', 'services/orders', '--root', '.'], capture(root).io, engine);
    assert.deepEqual(
      engine.calls.map((c) => [c.root, c.paths]),
      [
        [root, undefined],
        [path.join(root, 'services/orders'), undefined],
        [root, [path.join(root, 'services/orders/a.ts'), path.join(root, 'services/billing')]],
        [root, [path.join(root, 'services/orders')]],
      ],
    );
  });

  it('passes --architecture as an absolute path', async () => {
    const root = workspace({ 'arch/system.yaml': 'services: {}\n' });
    const engine = fakeEngine([]);
    assert.equal(await runCli(['check', '--architecture', 'arch/system.yaml'], capture(root).io, engine), 0);
    assert.equal(engine.calls[0]!.architectureFile, path.join(root, 'arch/system.yaml'));
  });

  it('--output-file writes the report there (without colours) and nothing on stdout', async () => {
    const root = workspace();
    const out = capture(root, { isTTY: true });
    const code = await runCli(['check', '--format', 'json', '--output-file', 'reports/dp.json'], out.io, fakeEngine([error()]));
    assert.equal(code, 1, 'the exit code still reflects the findings');
    assert.equal(out.stdout(), '');
    const report = JSON.parse(fs.readFileSync(path.join(root, 'reports/dp.json'), 'utf8'));
    assert.equal(report.findings.length, 1);

    await runCli(['check', '-o', 'out.txt'], capture(root, { isTTY: true }).io, fakeEngine([error()]));
    assert.ok(!fs.readFileSync(path.join(root, 'out.txt'), 'utf8').includes('\u001b['));
  });

  it('colours stylish output only on a TTY, unless --no-color / --color say otherwise', async () => {
    const root = workspace();
    const run = async (isTTY: boolean, args: string[] = []) => {
      const out = capture(root, { isTTY });
      await runCli(['check', ...args], out.io, fakeEngine([error()]));
      return out.stdout().includes('\u001b[');
    };
    assert.equal(await run(true), true);
    assert.equal(await run(false), false);
    assert.equal(await run(true, ['--no-color']), false);
    assert.equal(await run(false, ['--color']), true);
  });

  it('passes engine log messages to stderr only with --verbose', async () => {
    const root = workspace();
    const logging = {
      async analyze(options: import('../../server/src/engine/api').AnalyzeOptions) {
        options.log?.('skipped data/huge.ts: too large');
        return { root: options.root, findings: [], rules: [], filesAnalyzed: 0, skipped: [] };
      },
    };
    const quiet = capture(root);
    await runCli(['check'], quiet.io, logging);
    assert.equal(quiet.stderr(), '');
    const verbose = capture(root);
    await runCli(['check', '--verbose'], verbose.io, logging);
    assert.equal(verbose.stderr(), 'skipped data/huge.ts: too large\n');
  });

  it('selects the formatter with --format', async () => {
    const root = workspace();
    const sarif = capture(root);
    await runCli(['check', '--format', 'sarif'], sarif.io, fakeEngine([error()]));
    assert.equal(JSON.parse(sarif.stdout()).version, '2.1.0');
    const json = capture(root);
    await runCli(['check', '-f', 'json'], json.io, fakeEngine([error()]));
    assert.deepEqual(JSON.parse(json.stdout()).summary, { errors: 1, warnings: 0, infos: 0, suppressed: 0 });
  });
});
