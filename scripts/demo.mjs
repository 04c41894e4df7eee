// Runs the built CLI on the example workspace, the way a user would:
//   npm run demo   (builds first)
// The example contains deliberate mistakes, so exit code 1 is the expected outcome.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join('dist', 'cli.js');
const example = 'examples/checkout';

if (!existsSync(join(repoRoot, cli))) {
  console.error(`${cli} is missing; build it first with "npm run build" (or run "npm run demo", which builds).`);
  process.exit(2);
}

console.log(`$ distributed-patterns check ${example}`);
const run = spawnSync(process.execPath, [cli, 'check', example], { cwd: repoRoot, stdio: 'inherit' });

if (run.error) {
  console.error(`could not run the CLI: ${run.error.message}`);
  process.exit(2);
}
if (run.status === null) {
  console.error(`the CLI was killed by ${run.signal}`);
  process.exit(1);
}

const code = run.status;
const explanation =
  code === 1
    ? `exit code 1 means findings at error severity were found — expected here: ${example} contains deliberate mistakes.`
    : code === 0
      ? `exit code 0 means no findings at error severity (the example's deliberate mistakes were expected to produce some).`
      : `exit code ${code} means the CLI could not run the check (usage or internal error, see above).`;
console.log(`\ndistributed-patterns ${explanation}`);
process.exit(code === 0 || code === 1 ? 0 : code);
