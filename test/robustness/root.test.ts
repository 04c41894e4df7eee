/**
 * `check path/to/file.ts` from an unrelated working directory analyses the
 * file's project, not the working directory; a limit on files scanned stops
 * a run over too many files with a message naming it.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli/runCli';
import { capture, workspace } from '../cli/helpers';
import { UNGUARDED_CONSUMER } from './unguardedConsumer';

const CONSUMER = UNGUARDED_CONSUMER;

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** An unrelated working directory full of other sources (each would be a finding if analysed). */
function elsewhere(): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`junk/c${i}.ts`] = CONSUMER;
  const dir = workspace(files);
  dirs.push(dir);
  return dir;
}

async function checkFrom(cwd: string, ...args: string[]) {
  const c = capture(cwd);
  const code = await runCli(['check', '--format', 'json', ...args], c.io);
  return { code, json: JSON.parse(c.stdout() || '{}'), err: c.stderr() };
}

describe('root discovery for file arguments', () => {
  for (const [marker, files] of [
    ['architecture.yaml', { 'architecture.yaml': 'services: {}\n' }],
    ['a package.json with workspaces', { 'package.json': JSON.stringify({ name: 'acme', private: true, workspaces: ['services/*'] }) }],
    ['.git', { '.git/HEAD': 'ref: refs/heads/main\n' }],
  ] as const) {
    it(`the nearest folder with ${marker} is the root`, async () => {
      const project = workspace({ ...files, 'services/orders/src/consumer.ts': CONSUMER, 'services/orders/src/other.ts': 'export const x = 1;\n' });
      dirs.push(project);
      const cwd = elsewhere();
      const r = await checkFrom(cwd, path.join(project, 'services/orders/src/consumer.ts'));
      assert.equal(r.json.root, project);
      assert.equal(r.json.filesAnalyzed, 2, 'the project, not the 30 files of the working directory');
      assert.deepEqual([...new Set(r.json.findings.map((f: { location: { file: string } }) => f.location.file))], ['services/orders/src/consumer.ts']);
    });
  }

  it('without a marker: the current directory when the file is inside it (unchanged), else the file\'s folder', async () => {
    const cwd = elsewhere();
    const inside = await checkFrom(cwd, 'junk/c1.ts');
    assert.equal(inside.json.root, cwd);
    assert.equal(inside.json.filesAnalyzed, 30);
    const loose = workspace({ 'lib/consumer.ts': CONSUMER });
    dirs.push(loose);
    const outside = await checkFrom(cwd, path.join(loose, 'lib/consumer.ts'));
    assert.equal(outside.json.root, path.join(loose, 'lib'));
    assert.equal(outside.json.filesAnalyzed, 1);
  });
});

describe('a limit on files scanned', () => {
  it('--max-files: the first files in path order, and a message naming the limit', async () => {
    const cwd = elsewhere();
    const r = await checkFrom(cwd, '--max-files', '10');
    assert.equal(r.json.filesAnalyzed, 10);
    const message = `found 30 source files under ${cwd}, more than the limit of 10: only the first 10 in path order are analysed; check a project folder, pass --root, or raise --max-files`;
    assert.deepEqual(r.json.notices, [{ kind: 'configuration', message }]);
    assert.match(r.err, new RegExp(`warning: found 30 source files .* more than the limit of 10`));
    assert.match((await checkFrom(cwd, '--max-files', '0')).err, /argument '0' is invalid/);
  });
});
