/** Completion and hover in architecture.yaml, driven by the JSON Schema, on half-typed documents. */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { architectureCompletions } from '../../server/src/lsp/architecture/completion';
import { architectureHover } from '../../server/src/lsp/architecture/hover';
import { RULE_IDS } from '../../server/src/engine/rules';

/** Completion labels at the `|` in `text`. */
function complete(text: string, snippets = false): string[] {
  return completeItems(text, snippets).map((i) => i.label);
}

function completeItems(text: string, snippets = false) {
  const offset = text.indexOf('|');
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  const character = before.length - before.lastIndexOf('\n') - 1;
  return architectureCompletions(text.replace('|', ''), { line, character }, snippets);
}

function hover(text: string): string | undefined {
  const offset = text.indexOf('|');
  const before = text.slice(0, offset);
  const result = architectureHover(text.replace('|', ''), { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 });
  return result ? (result.contents as { value: string }).value : undefined;
}

const SERVICES = 'services:\n  orders:\n    paths: [services/orders]\n  payments:\n    paths: [services/payments]\n';

describe('architecture.yaml completion', () => {
  test('top-level keys, without the ones already there', () => {
    assert.deepEqual(complete('|').sort(), ['apis', 'asyncapi', 'channels', 'datastores', 'decisions', 'ignores', 'include', 'rules', 'services', 'system', 'version', 'workflows']);
    assert.ok(!complete(`${SERVICES}|`).includes('services'));
    assert.ok(complete(`${SERVICES}da|`).includes('datastores'));
  });

  test('keys of a named entry (a service), required first, with descriptions', () => {
    const items = completeItems('services:\n  orders:\n    |');
    assert.deepEqual(items.map((i) => i.label), ['paths', 'owner', 'why']);
    assert.equal(items[0].sortText?.[0], '0', 'required key sorts first');
    assert.match((items[1].documentation as { value: string }).value, /team that owns the service/);
    assert.deepEqual(complete('services:\n  orders:\n    paths: [a]\n    |\n    owner: x\n'), ['why']);
  });

  test('inserting a key: scalars get "key: ", mappings and lists a new indented line (as snippets when supported)', () => {
    const items = completeItems('datastores:\n  db:\n    |');
    const edit = (label: string) => (items.find((i) => i.label === label)!.textEdit as { newText: string }).newText;
    assert.equal(edit('kind'), 'kind: ');
    assert.equal(edit('connection'), 'connection:\n  ');
    const steps = completeItems('workflows:\n  saga:\n    |', true).find((i) => i.label === 'steps')!;
    assert.equal((steps.textEdit as { newText: string }).newText, 'steps:\n  - $0');
    assert.equal(steps.insertTextFormat, 2);
  });

  test('the typed prefix is replaced', () => {
    const item = completeItems('datastores:\n  db:\n    ki|').find((i) => i.label === 'kind')!;
    assert.deepEqual((item.textEdit as { range: unknown }).range, { start: { line: 2, character: 4 }, end: { line: 2, character: 6 } });
  });

  test('enum values', () => {
    assert.deepEqual(complete('datastores:\n  db:\n    kind: |'), ['postgres', 'mysql', 'mongodb', 'redis', 'dynamodb', 'sqlite', 'mssql', 'elasticsearch', 'other']);
    assert.ok(complete('channels:\n  c:\n    broker: ka|').includes('kafka'));
    assert.deepEqual(complete('channels:\n  c:\n    delivery: |'), ['at-most-once', 'at-least-once', 'exactly-once']);
  });

  test('keys inside sequence items (workflow steps, decisions)', () => {
    assert.deepEqual(complete('workflows:\n  saga:\n    steps:\n      - |'), ['name', 'service', 'action', 'compensation']);
    assert.deepEqual(complete('workflows:\n  saga:\n    steps:\n      - name: a\n        |'), ['service', 'action', 'compensation']);
    assert.ok(complete('decisions:\n  - |').includes('justification'));
    assert.ok(complete('decisions:\n  - flow: x\n    pattern: |').includes('two-phase-commit'));
    // A new item does not inherit the previous item's keys.
    assert.ok(complete('workflows:\n  saga:\n    steps:\n      - name: a\n        service: orders\n      - |').includes('service'));
  });

  test('service names where a field refers to a service', () => {
    assert.deepEqual(complete(`${SERVICES}channels:\n  order.created:\n    producer: |`), ['orders', 'payments']);
    assert.deepEqual(complete(`${SERVICES}channels:\n  order.created:\n    consumers:\n      - |`), ['orders', 'payments']);
    assert.deepEqual(complete(`${SERVICES}datastores:\n  db:\n    owner: |`), ['orders', 'payments']);
    assert.deepEqual(complete(`${SERVICES.replace('  payments:', '  payments:\n    owner: |')}`), [], 'a service owner is a team, not a service');
  });

  test('rule ids and severities under rules:', () => {
    assert.deepEqual(complete('rules:\n  |').sort(), [...RULE_IDS].sort());
    assert.deepEqual(complete('rules:\n  dual-write: |'), ['error', 'warning', 'info', 'off']);
  });

  test('nothing in comments, unknown sections or flow collections', () => {
    assert.deepEqual(complete('# |'), []);
    assert.deepEqual(complete('services: # |'), []);
    assert.deepEqual(complete('x-custom:\n  |'), []);
    assert.deepEqual(complete('services:\n  orders:\n    paths: [|'), []);
  });
});

describe('architecture.yaml hover', () => {
  test('a key shows its title and description', () => {
    assert.match(hover('datastores:\n  db:\n    ki|nd: postgres')!, /\*\*kind\*\* — Kind\n\nThe datastore technology\.\n\nAllowed values: `postgres`/);
    assert.match(hover('workflows:\n  saga:\n    steps:\n      - compen|sation: refund')!, /compensation/i);
    assert.match(hover('rules:\n  dual-wr|ite: off')!, /publishes a message/);
  });

  test('an enum value shows the field it belongs to', () => {
    assert.match(hover('channels:\n  c:\n    delivery: at-least-on|ce')!, /^`at-least-once` — \*\*delivery\*\*/);
  });

  test('nothing on unknown keys or free text', () => {
    assert.equal(hover('nonsense:\n  fo|o: 1'), undefined);
    assert.equal(hover('system: chec|kout'), undefined);
  });
});
