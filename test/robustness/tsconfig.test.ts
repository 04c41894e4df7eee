/**
 * A tsconfig `paths` entry of the wrong type (or a tsconfig that is not valid
 * JSON) is left out with a message naming it; the other aliases still
 * resolve, and the analysis runs.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeSync } from '../../server/src/engine/analyze';
import { AnalysisSession } from '../../server/src/engine/session';
import { removeWorkspace, writeWorkspace } from '../support/workspace';

const roots: string[] = [];
after(() => roots.forEach(removeWorkspace));

/** An unguarded consumer whose insert goes through `@db/orders`, an alias only tsconfig `paths` defines. */
const FILES: Record<string, string> = {
  'src/db/orders.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const saveOrder = (id: string) => pool.query('INSERT INTO orders (id) VALUES ($1)', [id]);\n",
  'src/consumer.ts': [
    "import { Kafka } from 'kafkajs';",
    "import { saveOrder } from '@db/orders';",
    "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'orders' });",
    'export async function start() {',
    "  await consumer.subscribe({ topic: 'order.created' });",
    '  await consumer.run({ eachMessage: async ({ message }) => { await saveOrder(String(message.value)); } });',
    '}',
    '',
  ].join('\n'),
};

const tsconfig = (paths: unknown) => JSON.stringify({ compilerOptions: { baseUrl: '.', paths } });

function workspace(paths: unknown): string {
  const root = writeWorkspace({ ...FILES, 'tsconfig.json': tsconfig(paths) });
  roots.push(root);
  return root;
}

const consumerFindings = (r: { findings: { ruleId: string; location: { file: string } }[] }) =>
  r.findings.filter((f) => f.ruleId === 'non-idempotent-consumer' && f.location.file === 'src/consumer.ts').length;

describe('tsconfig paths of the wrong type', () => {
  it('a string instead of an array: that entry is skipped with a message, the other aliases work', () => {
    const logs: string[] = [];
    const result = analyzeSync({ root: workspace({ '@db/*': ['src/db/*'], '@bad/*': 'src/bad/*' }), log: (m) => logs.push(m) });
    assert.equal(consumerFindings(result), 1, 'the alias that is valid still resolves');
    const message = 'tsconfig.json: compilerOptions.paths["@bad/*"] must be an array of strings, not a string ("src/bad/*"); this alias is ignored';
    assert.deepEqual(result.notices, [{ kind: 'configuration', file: 'tsconfig.json', message }]);
    assert.ok(logs.includes(message));
  });

  it('paths that is not an object, and items that are not strings', () => {
    assert.deepEqual(analyzeSync({ root: workspace('src/*') }).notices?.map((n) => n.message),
      ['tsconfig.json: compilerOptions.paths is not an object of path patterns; ignored']);
    assert.deepEqual(analyzeSync({ root: workspace({ '@db/*': ['src/db/*'], '@n/*': [1], '@o/*': null }) }).notices?.map((n) => n.message), [
      'tsconfig.json: compilerOptions.paths["@n/*"] must be an array of strings, not an array with a non-string item; this alias is ignored',
      'tsconfig.json: compilerOptions.paths["@o/*"] must be an array of strings, not null; this alias is ignored',
    ]);
  });

  it('a session (the server) follows the tsconfig from broken to fixed: no stale result', () => {
    const root = workspace({ '@db/*': 'src/db/*' });
    const session = new AnalysisSession({ root });
    const broken = session.run().result;
    assert.equal(consumerFindings(broken), 0, 'the alias is ignored: the insert is not seen');
    assert.equal(broken.notices?.length, 1);
    const overlays = new Map([[path.join(root, 'tsconfig.json'), tsconfig({ '@db/*': ['src/db/*'] })]]);
    const fixed = session.run({ overlays }).result;
    assert.equal(consumerFindings(fixed), 1);
    assert.deepEqual(fixed.notices, []);
  });
  it("a session follows a package's tsconfig from malformed to fixed: its baseUrl then resolves", () => {
    const nested = Object.fromEntries(Object.entries(FILES).map(([rel, text]) => [`services/orders/${rel}`, text.replace("'@db/orders'", "'src/db/orders'")]));
    const root = writeWorkspace({ ...nested, 'services/orders/tsconfig.json': '{ "compilerOptions": { "baseUrl": "./" ' });
    roots.push(root);
    const session = new AnalysisSession({ root });
    const count = (r: { findings: { ruleId: string; location: { file: string } }[] }) =>
      r.findings.filter((f) => f.ruleId === 'non-idempotent-consumer' && f.location.file === 'services/orders/src/consumer.ts').length;
    const broken = session.run().result;
    assert.equal(count(broken), 0, 'the baseUrl import resolves to nothing: the insert is not seen');
    assert.deepEqual(broken.notices?.map((n) => n.message), ["services/orders/tsconfig.json: not a valid tsconfig ('}' expected.); its baseUrl and paths are ignored"]);
    const overlays = new Map([[path.join(root, 'services/orders/tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: './' } })]]);
    const fixed = session.run({ overlays }).result;
    assert.equal(count(fixed), 1);
    assert.deepEqual(fixed.notices, []);
  });
});
