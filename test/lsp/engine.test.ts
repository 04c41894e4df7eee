/** The server's engine adapter: worker failures and hangs never stop later analyses. */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine, isAnalysedSource, Sessions } from '../../server/src/lsp/engine';
import { analyzeSync } from '../../server/src/engine/analyze';
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

  test('after the output the caller has, only files whose findings changed are sent again', () => {
    const root = makeWorkspace({
      'package.json': PACKAGE_JSON,
      'src/a.ts': UNGUARDED_CONSUMER,
      'src/b.ts': UNGUARDED_CONSUMER.replace(/'orders'/g, "'billing'"),
    });
    const sessions = new Sessions();
    const files = (o: { findings: { location: { file: string } }[] }) => [...new Set(o.findings.map((f) => f.location.file))].sort();
    const first = sessions.run({ root, overlays: new Map() }, () => undefined);
    assert.deepEqual(files(first), ['src/a.ts', 'src/b.ts']);
    assert.deepEqual(first.unchangedFiles, []);

    const same = sessions.run({ root, overlays: new Map(), since: first.output }, () => undefined);
    assert.deepEqual(same.findings, []);
    assert.deepEqual(same.unchangedFiles.sort(), ['src/a.ts', 'src/b.ts']);

    // An edit that moves a's finding down a line: a is sent, b is not.
    const a = path.join(root, 'src/a.ts');
    const overlays = new Map([[a, `// a comment\n${UNGUARDED_CONSUMER}`]]);
    const edited = sessions.run({ root, overlays, since: same.output }, () => undefined);
    assert.deepEqual(files(edited), ['src/a.ts']);
    assert.deepEqual(edited.unchangedFiles, ['src/b.ts']);
    const fresh = analyzeSync({ root, overlays }).findings.filter((f) => f.location.file === 'src/a.ts');
    assert.deepEqual(edited.findings.map((f) => f.location), fresh.map((f) => f.location));

    // An output id the engine did not produce last (a restarted worker, a dropped result): everything again.
    const full = sessions.run({ root, overlays, since: first.output }, () => undefined);
    assert.deepEqual(files(full), ['src/a.ts', 'src/b.ts']);
    assert.deepEqual(full.unchangedFiles, []);

    // A forgotten folder starts over: a fresh session analyses every file and sends everything.
    sessions.forget(root);
    const again = sessions.run({ root, overlays, since: full.output }, () => undefined);
    assert.equal(again.stats.full, true);
    assert.equal(again.stats.analysed.length, 2);
    assert.deepEqual(files(again), ['src/a.ts', 'src/b.ts']);
  });
});
