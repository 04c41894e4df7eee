/**
 * Shared pieces of the real-editor runners: fixture workspaces, the bundled
 * extension-host suite, code-server on loopback, and timeouts.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { log, repoRoot, withoutOuterNpm } from './setup.mjs';

export { log, repoRoot };

/** Where screenshots, logs and the packaged .vsix of a run are kept (gitignored). */
export const artifactsRoot = path.join(repoRoot, 'test-artifacts', 'editor');
export const workspacesRoot = path.join(repoRoot, 'test', 'editor', 'workspaces');

/** The quiet editor profile every run starts from. */
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': 'off',
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'files.autoSave': 'off',
  'window.restoreWindows': 'none',
  // The fixtures have no node_modules: TypeScript's own "cannot find module"
  // squiggles would only get in the way of ours.
  'typescript.validate.enable': false,
  'javascript.validate.enable': false,
};

/** Rejects with `what timed out after N s` unless `promise` settles first. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A fresh folder for one run; its subfolders stand in for HOME and the XDG dirs. */
export function makeRunDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dpat-${prefix}-`));
  for (const sub of ['home', 'xdg-config', 'xdg-data', 'xdg-cache', 'xdg-state', 'user-data/User', 'extensions', 'workspaces']) {
    fs.mkdirSync(path.join(dir, sub), { recursive: true });
  }
  fs.writeFileSync(path.join(dir, 'user-data', 'User', 'settings.json'), `${JSON.stringify(USER_SETTINGS, null, 2)}\n`);
  return dir;
}

/** Environment of the editor processes: Node 24 first on PATH, home and XDG dirs inside the run folder. */
export function editorEnv(host, runDir, extra = {}) {
  const env = {
    ...withoutOuterNpm(process.env),
    PATH: `${path.dirname(host.node24Bin)}${path.delimiter}${process.env.PATH}`,
    HOME: path.join(runDir, 'home'),
    XDG_CONFIG_HOME: path.join(runDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(runDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(runDir, 'xdg-cache'),
    XDG_STATE_HOME: path.join(runDir, 'xdg-state'),
    ...extra,
  };
  // Variables of an outer VS Code / Electron would confuse the one started here.
  for (const name of Object.keys(env)) {
    if (/^(VSCODE_|ELECTRON_)/.test(name)) delete env[name];
  }
  return env;
}

/**
 * The fixture workspace folders, one per scenario: `test/editor/workspaces/<name>/`.
 * A `fixture.json` with `{ "copyOf": "<repo-relative folder>" }` starts the
 * workspace as a copy of that folder (e.g. examples/checkout); the scenario
 * folder's other files are laid over it.
 */
export function listWorkspaces(prefix) {
  return fs.readdirSync(workspacesRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith(prefix))
    .map((entry) => entry.name)
    .sort();
}

/** Copies fixture workspace `name` into `targetRoot/name` and returns that path. */
export function materialiseWorkspace(name, targetRoot) {
  const source = path.join(workspacesRoot, name);
  const target = path.join(targetRoot, name);
  fs.rmSync(target, { recursive: true, force: true });
  const fixtureFile = path.join(source, 'fixture.json');
  const fixture = fs.existsSync(fixtureFile) ? JSON.parse(fs.readFileSync(fixtureFile, 'utf8')) : {};
  if (fixture.copyOf) {
    const base = path.resolve(repoRoot, fixture.copyOf);
    if (!base.startsWith(repoRoot + path.sep) || !fs.existsSync(base)) throw new Error(`${name}/fixture.json: copyOf ${fixture.copyOf} is not a folder of the repo`);
    fs.cpSync(base, target, { recursive: true, filter: (file) => !/[\\/](node_modules|dist|\.dpat-cache)$/.test(file) });
  }
  fs.cpSync(source, target, { recursive: true, filter: (file) => path.basename(file) !== 'fixture.json' });
  return target;
}

/** Runs an npm script of the root package (quietly; its output goes to `logFile`). */
export function npmRun(args, logFile, timeoutMs = 5 * 60_000) {
  const fd = fs.openSync(logFile, 'a');
  const result = spawnSync('npm', args, { cwd: repoRoot, stdio: ['ignore', fd, fd], timeout: timeoutMs, killSignal: 'SIGKILL' });
  fs.closeSync(fd);
  if (result.status !== 0) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    throw new Error(`npm ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}):\n${tail}`);
  }
}

/**
 * Bundles the extension-host suite (mocha included, `vscode` left to the host)
 * into `<dir>/index.js`, unminified with a source map beside it. The extension
 * host formats stack traces itself and ignores source maps, so a failure's
 * `index.js:LINE` is looked up in that file (esbuild marks each source file).
 */
export async function bundleSuite(dir) {
  const esbuild = await import('esbuild');
  fs.mkdirSync(dir, { recursive: true });
  const outfile = path.join(dir, 'index.js');
  await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: ['test/editor/suite/index.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'linked',
    // mocha's parallel mode resolves worker files at run time; the suite runs serially.
    logLevel: 'error',
  });
  return outfile;
}

/** Installs a .vsix into an extensions dir with code-server's CLI. */
export function installExtension(host, runDir, vsix, logFile) {
  const env = editorEnv(host, runDir);
  const fd = fs.openSync(logFile, 'a');
  const result = spawnSync(host.node24Bin, [host.codeServer,
    '--extensions-dir', path.join(runDir, 'extensions'),
    '--user-data-dir', path.join(runDir, 'user-data'),
    '--install-extension', vsix,
  ], { env, stdio: ['ignore', fd, fd], timeout: 120_000, killSignal: 'SIGKILL' });
  fs.closeSync(fd);
  if (result.status !== 0) throw new Error(`code-server --install-extension ${path.basename(vsix)} failed; see ${logFile}`);
}

/**
 * Starts code-server on 127.0.0.1 with a port the OS picks, in its own process
 * group, and waits for /healthz. Returns { url, port, stop() }.
 */
export async function startCodeServer(host, runDir, { smokeTestDriver = true, env: extraEnv = {}, logFile } = {}) {
  const args = [host.codeServer,
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', path.join(runDir, 'user-data'),
    '--extensions-dir', path.join(runDir, 'extensions'),
  ];
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(host.node24Bin, args, {
    env: editorEnv(host, runDir, extraEnv),
    cwd: runDir,
    detached: true, // own process group, so stop() ends the extension hosts and language servers too
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  let exited = false;
  child.on('exit', () => { exited = true; });
  const stop = async () => {
    if (exited || child.pid === undefined) return;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
    const deadline = Date.now() + 5000;
    while (!exited && Date.now() < deadline) await sleep(100);
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
  };
  registerCleanup(stop);

  const port = await withTimeout((async () => {
    for (;;) {
      if (exited) throw new Error(`code-server exited early; see ${logFile}`);
      const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(fs.readFileSync(logFile, 'utf8'));
      if (match) return Number(match[1]);
      await sleep(100);
    }
  })(), 60_000, 'code-server start');
  const url = `http://127.0.0.1:${port}`;
  await withTimeout((async () => {
    for (;;) {
      try {
        const response = await fetch(`${url}/healthz`);
        if (response.ok) return;
      } catch { /* not yet */ }
      await sleep(100);
    }
  })(), 30_000, 'code-server /healthz');
  return { url, port, stop };
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Chromium flags for this machine: headless, no sandbox (root), no background network. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const cleanups = [];
/** Runs at the end of a run (runCleanups), and on exit, SIGINT, SIGTERM or SIGHUP. */
export function registerCleanup(fn) {
  cleanups.push(fn);
}
/** Runs the registered cleanups, newest first, and forgets them. */
export async function runCleanups() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try { await fn(); } catch { /* best effort */ }
  }
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    void runCleanups().finally(() => process.exit(130));
  });
}
process.once('exit', () => {
  // Nothing asynchronous runs here; the stop functions signal their process group synchronously first.
  for (const fn of cleanups.splice(0).reverse()) {
    try { void Promise.resolve(fn()).catch(() => {}); } catch { /* ignore */ }
  }
});

/** Calls `onLine` for each complete line appended to `file` (polled); returns a function that flushes and stops. */
export function tailFile(file, onLine) {
  let offset = 0;
  let rest = '';
  let stopped = false;
  const poll = () => {
    if (!fs.existsSync(file)) return;
    const size = fs.statSync(file).size;
    if (size <= offset) return;
    const fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(size - offset);
    fs.readSync(fd, buffer, 0, buffer.length, offset);
    fs.closeSync(fd);
    offset = size;
    const lines = (rest + buffer.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  };
  const timer = setInterval(poll, 250);
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    poll();
    if (rest) onLine(rest);
  };
}

/** Counts in the unit runner's style. */
export function summaryLine(passed, failed, skipped = 0) {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

/** Writes `{ passed, failed, skipped }` for the aggregating runner. */
export function writeCounts(file, counts) {
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(counts)}\n`);
}
