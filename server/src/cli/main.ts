/**
 * Executable entry of `distributed-patterns` / `dpat` (bundled to dist/cli.js;
 * the build adds the `#!/usr/bin/env node` banner).
 */
import { outputErrorMessage } from './errors';
import { runCli } from './runCli';

process.setSourceMapsEnabled(true);

// Output that cannot be written (a closed pipe, a full disk, `> /dev/full`) fails the run with exit 2, the code
// for "the tool could not do its job", never with an uncaught exception and exit 1 (which means "error findings").
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  process.stderr.write(`error: ${outputErrorMessage(error)}\n`);
  process.exit(2);
});

runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  // https://no-color.org: a non-empty NO_COLOR turns colours off.
  isTTY: Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'],
  stderrIsTTY: Boolean(process.stderr.isTTY),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
