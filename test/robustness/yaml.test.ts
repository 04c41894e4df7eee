/**
 * Fault suite, YAML limits: an alias bomb or a huge generated document is refused on its tokens with a
 * problem at the line where the limit is crossed, in the engine and in the language server; aliases under
 * the limit resolve to the anchor YAML says they do.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadArchitecture } from '../../server/src/engine/architecture/load';
import { MAX_YAML_ALIASES, MAX_YAML_NODES } from '../../server/src/engine/architecture/yamlBudget';
import { runCli as runCliInProcess } from '../../server/src/cli/runCli';
import { capture } from '../cli/helpers';
import { LspTestClient, uriOf } from '../lsp/lspClient';
import { findingKeys, makeWorkspace, remove } from './helpers';

/** About 800 KB: one anchor, then 200,000 aliases of it in a flow sequence. */
function aliasBomb(count = 200_000): string {
  return `version: 1\nshared: &a { kind: postgres }\nlist: [${Array(count).fill('*a').join(', ')}]\n`;
}

describe('limits on the architecture file', () => {
  test('200,000 aliases of one anchor: one problem at the line of alias 1,001, nothing else read', () => {
    const text = aliasBomb();
    assert.ok(text.length > 790_000);
    const result = loadArchitecture(text, 'architecture.yaml');
    assert.equal(result.architecture, undefined);
    assert.equal(result.problems.length, 1);
    const [problem] = result.problems;
    assert.equal(problem!.messageId, 'tooLarge');
    assert.match(problem!.message, new RegExp(`more than ${MAX_YAML_ALIASES} aliases`));
    assert.equal(problem!.range.start.line, 3);
    // Alias 1,001 starts after "list: [" and 1,000 "*a, " items.
    assert.equal(problem!.range.start.column, 'list: ['.length + 1 + MAX_YAML_ALIASES * 4);
  });

  test('aliases on their own lines (the shape that took minutes): the problem points at that line', () => {
    const lines = ['version: 1', 'services:', '  a: &svc { paths: [src] }'];
    for (let i = 0; i < 4000; i++) lines.push(`  s${i}: *svc`);
    const result = loadArchitecture(`${lines.join('\n')}\n`, 'architecture.yaml');
    assert.equal(result.problems.length, 1);
    assert.equal(result.problems[0]!.range.start.line, 3 + MAX_YAML_ALIASES + 1);
  });

  test('a generated document with more values than the limit is refused the same way', () => {
    const text = `version: 1\nnumbers: [${Array(MAX_YAML_NODES + 10).fill('1').join(', ')}]\n`;
    const result = loadArchitecture(text, 'architecture.yaml');
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0]!.message, new RegExp(`more than ${MAX_YAML_NODES} values`));
    assert.equal(result.problems[0]!.range.start.line, 2);
  });

  test('under the limit, every alias resolves to the last anchor of its name before it', () => {
    const lines = ['version: 1', 'services:', '  first: &svc { paths: [a] }'];
    for (let i = 0; i < 300; i++) lines.push(`  s${i}: *svc`);
    lines.push('  second: &svc { paths: [b] }', '  last: *svc');
    const result = loadArchitecture(`${lines.join('\n')}\n`, 'architecture.yaml');
    const services = result.architecture!.services;
    assert.equal(services.length, 303);
    assert.deepEqual(services.find((s) => s.name === 's299')!.paths, ['a']);
    assert.deepEqual(services.find((s) => s.name === 'last')!.paths, ['b']);
  });

  test('check: an alias bomb is one invalid-architecture finding, the other findings as in a clean run', async () => {
    const root = makeWorkspace();
    const run = async () => {
      const c = capture(root);
      await runCliInProcess(['check', '--format', 'json'], c.io);
      return findingKeys(c.stdout());
    };
    const clean = await run();
    fs.writeFileSync(path.join(root, 'architecture.yaml'), aliasBomb());
    const bombed = await run();
    assert.deepEqual(bombed.filter((k) => k.startsWith('invalid-architecture')), ['invalid-architecture architecture.yaml:3']);
    assert.deepEqual(bombed.filter((k) => !k.startsWith('invalid-architecture')), clean);
    remove(root);
  });
});

describe('limits in the language server', () => {
  let client: LspTestClient;
  let root: string;
  before(async () => {
    root = makeWorkspace();
    client = new LspTestClient();
    client.settings.set(uriOf(root), { enable: true, run: 'onType', rules: {}, trace: { server: 'off' } });
    await client.initialize([root]);
  });
  after(() => {
    client?.kill();
    remove(root);
  });

  test('an open architecture.yaml with 200,000 aliases gets its diagnostic at the line', async () => {
    const file = path.join(root, 'architecture.yaml');
    fs.writeFileSync(file, 'version: 1\n');
    const text = aliasBomb();
    client.open(file, text);
    const diagnostics = await client.waitForDiagnostics(file, (ds) => ds.some((d) => d.code === 'invalid-architecture'), 'the alias limit diagnostic');
    const d = diagnostics.find((x) => x.code === 'invalid-architecture')!;
    assert.equal(d.range.start.line, 2, '0-based line of the list');
    assert.match(typeof d.message === 'string' ? d.message : d.message.value, /more than 1000 aliases/);
  });
});
