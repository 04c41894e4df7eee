/**
 * Entry of `dist/server.js`: the Distributed Patterns language server over
 * --stdio, --node-ipc or --socket=<port> (vscode-languageserver picks the
 * transport from the arguments). The same bundle, started as a worker
 * thread, is the analysis engine's worker.
 */
import * as v8 from 'node:v8';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { version } from '../../../package.json';
import { WORKER_ROLE } from './engine';
import { FrameGuard } from './frames';

async function main(): Promise<void> {
  if (!isMainThread && (workerData as { role?: string } | undefined)?.role === WORKER_ROLE && parentPort) {
    const { runEngineWorker } = await import('./engine.js');
    runEngineWorker(parentPort, (workerData as { cancel?: SharedArrayBuffer }).cancel);
    return;
  }
  const argv = process.argv.slice(2);
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${version}\n`);
    return;
  }
  if (argv.includes('--help') || argv.includes('-h') || !argv.some((a) => /^--(stdio|node-ipc|socket|pipe)/.test(a))) {
    process.stdout.write(
      'distributed-patterns-language-server: the Distributed Patterns language server.\n\n' +
      'Usage: distributed-patterns-language-server --stdio | --node-ipc | --socket=<port> | --pipe=<name>\n',
    );
    process.exitCode = argv.includes('--help') || argv.includes('-h') ? 0 : 2;
    return;
  }
  // A long-lived process that re-analyses after every edit: have V8 keep the heap small instead of
  // letting it grow toward its limit between collections. It trades speed for memory (BENCHMARKS.md
  // has both); DPAT_SERVER_OPTIMIZE_FOR_SIZE=0 turns it off. Set before the worker starts.
  if (process.env.DPAT_SERVER_OPTIMIZE_FOR_SIZE !== '0') v8.setFlagsFromString('--optimize-for-size');
  const { createConnection, ProposedFeatures } = await import('vscode-languageserver/node');
  const { startServer } = await import('./server.js');
  // On stdio, frames pass a guard that drops a header block without a valid Content-Length
  // (the reader would otherwise stop serving for good) and says so on stderr.
  const connection = argv.includes('--stdio')
    ? createConnection(ProposedFeatures.all, process.stdin.pipe(new FrameGuard((reason) => process.stderr.write(`distributed-patterns: bad frame: ${reason}\n`))), process.stdout)
    : createConnection(ProposedFeatures.all);
  // Never let one bad file or a bug take the editor's server down.
  process.on('uncaughtException', (error) => connection.console.error(`uncaught: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${String((reason as Error)?.stack ?? reason)}`));
  // The bundle runs the engine in a worker thread started from this same file.
  const bundled = __filename.endsWith('.js');
  startServer(connection, { workerScript: bundled ? __filename : undefined, version });
}

void main();
