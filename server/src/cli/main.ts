/**
 * Executable entry of `distributed-patterns` / `dpat` (bundled to dist/cli.js;
 * the build adds the `#!/usr/bin/env node` banner).
 */
import { runCli } from './runCli';

process.setSourceMapsEnabled(true);

// `dpat check | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
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
