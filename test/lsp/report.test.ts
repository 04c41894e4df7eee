/** The "Generate Review Report" request: the server writes the documents of a folder, with unsaved editor text. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GenerateReportRequest, type GenerateReportResult } from '../../server/src/lsp/protocol';
import { MARKER } from '../../server/src/report';
import { LspTestClient, SERVER, makeWorkspace, uriOf } from './lspClient';
import { GUARDED_CONSUMER, PACKAGE_JSON, UNGUARDED_CONSUMER } from './fixtures';

describe('distributedPatterns/generateReport', () => {
  let client: LspTestClient;
  let root: string;

  before(async () => {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
    root = makeWorkspace({ 'package.json': PACKAGE_JSON, 'src/consumer.ts': GUARDED_CONSUMER });
    client = new LspTestClient();
    client.settings.set(uriOf(root), { enable: true, run: 'onType', rules: {}, trace: { server: 'off' } });
    await client.initialize([root]);
  });

  after(() => client?.kill());

  test('writes the report with the open buffer\'s unsaved text, and leaves a hand-written file alone', async () => {
    const consumer = path.join(root, 'src', 'consumer.ts');
    client.open(consumer, UNGUARDED_CONSUMER); // unsaved: the disk still has the guarded version
    const handWritten = path.join(root, 'docs', 'distributed', 'contracts.md');
    fs.mkdirSync(path.dirname(handWritten), { recursive: true });
    fs.writeFileSync(handWritten, '# Our contracts\n');

    const result = await client.connection.sendRequest<GenerateReportResult>(GenerateReportRequest, { folderUri: uriOf(root) });
    const main = fileURLToPath(result.mainFileUri);
    assert.equal(path.relative(root, main).split(path.sep).join('/'), 'docs/distributed/README.md');
    assert.ok(fs.readFileSync(main, 'utf8').startsWith(MARKER));
    const findings = fs.readFileSync(path.join(root, 'docs', 'distributed', 'findings.md'), 'utf8');
    assert.match(findings, /non-idempotent-consumer/, 'the unsaved, unguarded consumer is in the findings');
    assert.deepEqual(result.skipped, [uriOf(handWritten)]);
    assert.equal(fs.readFileSync(handWritten, 'utf8'), '# Our contracts\n');

    const forced = await client.connection.sendRequest<GenerateReportResult>(GenerateReportRequest, { folderUri: uriOf(root), force: true });
    assert.deepEqual(forced.skipped, []);
    assert.ok(fs.readFileSync(handWritten, 'utf8').startsWith(MARKER));
  });

  test('an unknown folder is an error, not a crash', async () => {
    await assert.rejects(client.connection.sendRequest(GenerateReportRequest, { folderUri: 'file:///nowhere' }), /not a workspace folder/);
  });
});
