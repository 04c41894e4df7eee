/** The server's engine adapter: worker failures and hangs never stop later analyses. */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine, isAnalysedSource } from '../../server/src/lsp/engine';
import { makeWorkspace } from './lspClient';
import { PACKAGE_JSON, UNGUARDED_CONSUMER } from './fixtures';

describe('engine adapter', () => {
  test('a worker that hangs is abandoned after the timeout; after three failures the engine runs in process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-engine-'));
    const silent = path.join(dir, 'silent-worker.js');
    fs.writeFileSync(silent, "require('node:worker_threads').parentPort.on('message', () => {});\n");
    const logs: string[] = [];
    const engine = createEngine({ workerScript: silent, timeoutMs: 300, log: (m) => logs.push(m) });
    const root = makeWorkspace({ 'package.json': PACKAGE_JSON, 'src/consumer.ts': UNGUARDED_CONSUMER });
    const request = { root, overlays: new Map<string, string>() };
    for (let i = 0; i < 3; i++) await assert.rejects(engine.analyze(request), /took longer than/);
    const output = await engine.analyze(request);
    assert.deepEqual(output.findings.map((f) => f.ruleId), ['non-idempotent-consumer']);
    assert.ok(logs.some((l) => /analysing in the server process/.test(l)), logs.join('\n'));
    await engine.dispose();
  });

  test('a worker that cannot start fails the request instead of hanging', async () => {
    const engine = createEngine({ workerScript: path.join(os.tmpdir(), 'does-not-exist', 'worker.js'), log: () => undefined });
    await assert.rejects(engine.analyze({ root: os.tmpdir(), overlays: new Map() }));
    await engine.dispose();
  });

  test('which files a folder analysis reads', () => {
    assert.equal(isAnalysedSource('src/a.ts'), true);
    assert.equal(isAnalysedSource('services/x/src/b.mjs'), true);
    assert.equal(isAnalysedSource('node_modules/x/index.js'), false);
    assert.equal(isAnalysedSource('dist/server.js'), false);
    assert.equal(isAnalysedSource('src/types.d.ts'), false);
    assert.equal(isAnalysedSource('architecture.yaml'), false);
    assert.equal(isAnalysedSource('../elsewhere/a.ts'), false);
  });
});
