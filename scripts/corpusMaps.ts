/**
 * Renders the service map (the system model as Mermaid) of a few dev-split
 * corpus repositories into test/corpus/maps/<name>.md, from clones checked out
 * at their pinned commits. Only the rendered maps are committed, never the
 * repositories' code.
 *
 *   npm run maps -- <clones-dir> [name ...]
 *
 * Each clone must be at the commit its test/corpus/repositories/<name>.json pins.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Small dev repositories whose model has channels, calls and datastores to draw (lomray-microservices' model has none yet: its ijson calls are not channels).
export const MAP_REPOSITORIES = ['nest-microservices-demo', 'sleepr', 'ticketing-microservices'];

const ROOT = path.resolve(__dirname, '..');
const MAPS = path.join(ROOT, 'test', 'corpus', 'maps');

function main(): number {
  const [clones, ...names] = process.argv.slice(2);
  if (!clones) {
    console.error('usage: npm run maps -- <clones-dir> [name ...]');
    return 2;
  }
  fs.mkdirSync(MAPS, { recursive: true });
  const engine = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'server'], { encoding: 'utf8' }).stdout.trim() !== '';
  const producer = `${engine}${dirty ? ' with uncommitted engine changes' : ''}`;
  let failed = 0;
  for (const name of names.length ? names : MAP_REPOSITORIES) {
    const entry = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'corpus', 'repositories', `${name}.json`), 'utf8'));
    if (entry.split !== 'dev') {
      console.error(`${name}: not a dev repository; maps are drawn from the dev split only`);
      failed++;
      continue;
    }
    const clone = path.resolve(clones, name);
    const head = spawnSync('git', ['-C', clone, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
    if (head !== entry.commit) {
      console.error(`${name}: the clone is at ${head || 'no commit'}, the corpus pins ${entry.commit}`);
      failed++;
      continue;
    }
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'src', 'cli', 'main.ts'), 'model', clone, '--format', 'mermaid'], {
      cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) {
      console.error(`${name}: model failed (exit ${run.status}):\n${run.stderr}`);
      failed++;
      continue;
    }
    fs.writeFileSync(path.join(MAPS, `${name}.md`), renderPage(name, entry.repo, entry.commit, producer, run.stdout));
    console.log(`${name}: test/corpus/maps/${name}.md`);
  }
  return failed ? 1 : 0;
}

export function renderPage(name: string, repo: string, commit: string, engine: string, mermaid: string): string {
  return [
    `# Service map: ${name}`,
    '',
    `The system model of [${repo}](https://github.com/${repo}/tree/${commit}) at commit \`${commit}\` (dev split),`,
    `drawn by distributed-patterns at commit ${engine} with the command below, on a clone checked out at that commit.`,
    'Regenerate all maps with `npm run maps -- <clones-dir>`; only this rendering is kept, never the repository\'s code.',
    '',
    '```sh',
    `distributed-patterns model ${name} --format mermaid`,
    '```',
    '',
    '```mermaid',
    mermaid.trimEnd(),
    '```',
    '',
  ].join('\n');
}

if (require.main === module) process.exit(main());
