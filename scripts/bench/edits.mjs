// Edit latency in the language server: starts `node dist/server.js --stdio`
// on a workspace, waits for the startup analysis, opens a few hub and leaf
// files and sends scripted `didChange` edits one at a time, timing each from
// the didChange to the end of the analysis that includes it (the server's
// `distributedPatterns/status` "ready", after which every diagnostic of that
// version has been published). Samples the server's RSS (main thread and the
// analysis worker thread share the process) along the way.
//
// Edit kinds, rotated over the files:
//   body    a statement inserted in a function body (positions below it move)
//   import  an import added at the top of the file (the module graph changes)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { treeRssKb } from './measure.mjs';

class LspClient {
  constructor(child) {
    this.child = child;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Set();
    this.buffer = Buffer.alloc(0);
    child.stdout.on('data', (chunk) => this.onData(chunk));
  }

  onData(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.onMessage(body);
    }
  }

  onMessage(msg) {
    const at = performance.now();
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      p?.(msg.result);
      return;
    }
    if (msg.id !== undefined && msg.method) {
      // Server → client requests (progress creation, registrations, configuration): answer empty.
      this.write({ jsonrpc: '2.0', id: msg.id, result: msg.method === 'workspace/configuration' ? (msg.params.items ?? []).map(() => null) : null });
      return;
    }
    for (const l of [...this.listeners]) l(msg, at);
  }

  write(msg) {
    const body = Buffer.from(JSON.stringify(msg));
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method, params) {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** Resolves with the first notification `pred` accepts, and the time it arrived. */
  waitFor(pred, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.listeners.delete(l); reject(new Error(`timed out after ${timeoutMs} ms`)); }, timeoutMs);
      const l = (msg, at) => {
        // An analysis that failed ends the wait too, with the server's message.
        if (msg.method === 'distributedPatterns/status' && msg.params?.state === 'error') {
          clearTimeout(timer);
          this.listeners.delete(l);
          reject(new Error(`the server reported an error: ${msg.params.message}`));
          return;
        }
        if (!pred(msg)) return;
        clearTimeout(timer);
        this.listeners.delete(l);
        resolve({ msg, at });
      };
      this.listeners.add(l);
    });
  }
}

const isReady = (m) => m.method === 'distributedPatterns/status' && m.params?.state === 'ready';

/** The edits of one file: body-only and import-changing variants of its current text for edit number k. */
export function editorFor(rel, text, importTargets) {
  const lines = text.split('\n');
  // First line that opens a function body (ends with `{` after a `)`, or `=> {`).
  let bodyLine = lines.findIndex((l) => /(\)|=>)\s*(:\s*[^=]+)?\{\s*$/.test(l) && !/^\s*(export\s+)?(interface|class|type|enum)\b/.test(l));
  if (bodyLine < 0) bodyLine = lines.length - 1;
  const indent = (/^\s*/.exec(lines[bodyLine + 1] ?? '')?.[0] ?? '  ') || '  ';
  const lastImport = lines.reduce((acc, l, i) => (/^import\b/.test(l) ? i : acc), -1);
  const depth = rel.split('/').length - 3; // services/<svc>/src/... -> relative prefix to src
  const toSrc = depth <= 1 ? './' : '../'.repeat(depth - 1);
  // Each edit changes one thing on top of the file's current text: a body-only edit replaces the
  // inserted statement and keeps the added import, an import-changing edit the other way round.
  let statement = [];
  let imported = [];
  const current = () => [...lines.slice(0, lastImport + 1), ...imported, ...lines.slice(lastImport + 1, bodyLine + 1), ...statement, ...lines.slice(bodyLine + 1)].join('\n');
  return {
    body(k) {
      statement = [`${indent}console.debug('edit ${k}');`];
      return current();
    },
    import(k) {
      // Alternate between two modules so the import graph changes on every edit.
      if (importTargets) {
        imported = [`import * as edit${k} from '${importTargets[k % 2]}';`, `void edit${k};`];
        return current();
      }
      const target = k % 2 ? `${toSrc}infra/redis` : `${toSrc}infra/amqp`;
      const name = k % 2 ? 'redisConnection' : 'openChannel';
      imported = [`import { ${name} as edit${k} } from '${target}';`, `void edit${k};`];
      return current();
    },
  };
}

/**
 * options: { serverScript, root, files: [{ rel, role: 'hub'|'leaf' }], edits, warmup, timeoutMs, log, importHubs }
 * Resolves { samples: [{ k, kind, role, rel, ms }], startupMs, rss: { afterStartupKb, afterWarmupKb, endKb, peakKb } }
 */
export async function runEdits({ serverScript, root, files, edits = 200, warmup = 10, timeoutMs = 10 * 60_000, log = () => {}, importHubs = false }) {
  const child = spawn(process.execPath, [serverScript, '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.on('data', (d) => { if (process.env.DPAT_TRACE_RUNS) process.stderr.write(d); });
  const client = new LspClient(child);
  let peakKb = 0;
  const sampler = setInterval(() => { peakKb = Math.max(peakKb, treeRssKb(child.pid)); }, 100);
  try {
    const rootUri = pathToFileURL(root).href;
    const started = performance.now();
    const firstReady = client.waitFor(isReady, timeoutMs);
    await client.request('initialize', {
      processId: process.pid, rootUri, capabilities: {},
      workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
      initializationOptions: { statusNotifications: true, clientWatchesFiles: true, settings: { enable: true, run: 'onType' } },
    });
    client.notify('initialized', {});
    await firstReady;
    const startupMs = performance.now() - started;
    const afterStartupKb = treeRssKb(child.pid);

    const docs = files.map(({ rel, role }) => {
      const abs = path.join(root, rel);
      const text = fs.readFileSync(abs, 'utf8');
      const uri = pathToFileURL(abs).href;
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
      // On a real repository, import-changing edits import the hub files (relative to the edited file).
      const hubs = importHubs ? files.filter((f) => f.role === 'hub' && f.rel !== rel).map((f) => {
        const spec = path.posix.relative(path.posix.dirname(rel), f.rel).replace(/\.ts$/, '');
        return spec.startsWith('.') ? spec : `./${spec}`;
      }) : undefined;
      return { rel, role, uri, version: 1, editor: editorFor(rel, text, hubs?.length ? [hubs[0], hubs[hubs.length - 1]] : undefined) };
    });
    // An open of unchanged files starts no analysis; give the server a moment to read them.
    await new Promise((r) => setTimeout(r, 300));

    const samples = [];
    let afterWarmupKb = afterStartupKb;
    const kinds = ['body', 'import'];
    for (let k = 0; k < warmup + edits; k++) {
      const doc = docs[k % docs.length];
      const kind = kinds[Math.floor(k / docs.length) % kinds.length];
      const text = doc.editor[kind](k);
      doc.version++;
      const ready = client.waitFor(isReady, timeoutMs);
      const t0 = performance.now();
      client.notify('textDocument/didChange', { textDocument: { uri: doc.uri, version: doc.version }, contentChanges: [{ text }] });
      const { at } = await ready;
      if (k >= warmup) samples.push({ k, kind, role: doc.role, rel: doc.rel, ms: at - t0 });
      if (k === warmup - 1) afterWarmupKb = treeRssKb(child.pid);
      if ((k + 1) % 50 === 0) log(`  ${k + 1 - Math.min(k + 1, warmup)}/${edits} edits`);
    }
    const endKb = treeRssKb(child.pid);
    peakKb = Math.max(peakKb, endKb);
    await Promise.race([client.request('shutdown', null), new Promise((r) => setTimeout(r, 5000))]);
    client.notify('exit', null);
    return { samples, startupMs, rss: { afterStartupKb, afterWarmupKb, endKb, peakKb } };
  } finally {
    clearInterval(sampler);
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  }
}
