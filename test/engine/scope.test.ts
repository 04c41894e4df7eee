/**
 * Scope: only production code is analysed by default. Tests, e2e apps, benchmarks, fixtures,
 * scripts, examples and generated code are left out; the architecture file's `ignores`/`include`
 * and `includeTests` change that.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSync } from '../../server/src/engine/analyze';
import { createScope, defaultKind } from '../../server/src/engine/system/scope';
import { removeWorkspace, writeWorkspace } from '../support/workspace';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** An unguarded kafkajs consumer that inserts a row on every delivery. */
const consumer = (table: string) => lines(
  "import { Kafka } from 'kafkajs';",
  "import { Pool } from 'pg';",
  '',
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
  "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'g' });",
  'export async function start() {',
  "  await consumer.subscribe({ topic: 'orders' });",
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  `    await pool.query('INSERT INTO ${table} (body) VALUES ($1)', [message.value?.toString()]);`,
  '    },',
  '  });',
  '}',
);

describe('default scope', () => {
  it('knows non-production code by its folders and file names', () => {
    const expected: Record<string, string | undefined> = {
      'src/orders/consumer.ts': undefined,
      'src/contest/entry.ts': undefined,
      'apps/api/src/latest.ts': undefined,
      'apps/api-e2e/src/support/app.ts': 'test',
      'test/helpers/kafka.ts': 'test',
      'packages/queue/src/queue.spec.ts': 'test',
      'web/src/__e2e__/api.ts': 'test',
      'web/src/server/api.servertest.ts': 'test',
      'src/orders.clienttest.tsx': 'test',
      'src/orders.latest.ts': undefined,
      'src/__mocks__/pg.ts': 'test',
      'tools/nats-test/src/publisher.ts': 'test',
      'benchmarks/publish.ts': 'benchmark',
      'src/orders.bench.ts': 'benchmark',
      'test-data/orders.ts': 'fixture',
      'src/button.stories.tsx': 'fixture',
      'scripts/backfill.ts': 'script',
      'prisma/seeds/users.ts': 'script',
      'migrations/createOrgExtensions/createOrgExtensions.js': 'script',
      'src/database/migrations/1700000000000-AddOrders.ts': 'script',
      'src/services/migration.service.ts': undefined,
      'packages/admin-cli/src/upgrades.ts': 'script',
      'packages/cli/src/server.ts': undefined,
      'examples/shop/src/consumer.ts': 'example',
      'meet-demo/src/index.js': 'example',
      'sample-app/src/index.ts': 'example',
      'spikes/kafka/index.js': 'example',
      'testapp/src/app.ts': 'test',
      'apps/test-app/src/main.ts': 'test',
      'services/demography/src/census.ts': undefined,
      'src/generated/graphql.ts': 'generated',
      'proto/orders_pb.js': 'generated',
    };
    for (const [rel, kind] of Object.entries(expected)) assert.equal(defaultKind(rel), kind, rel);
  });
  it('brings back `include` globs and folders, leaves out `ignores`, and analyses everything with includeTests', () => {
    const scope = createScope({ include: ['examples/shop'], ignores: ['apps/legacy/**'] });
    assert.equal(scope.outOfScope('examples/shop/src/consumer.ts'), undefined);
    assert.equal(scope.outOfScope('examples/other/src/consumer.ts'), 'example');
    assert.equal(scope.outOfScope('apps/legacy/src/index.ts'), 'ignored');
    const all = createScope({ includeTests: true, ignores: ['apps/legacy/**'] });
    assert.equal(all.outOfScope('test/helpers/kafka.ts'), undefined);
    assert.equal(all.outOfScope('apps/legacy/src/index.ts'), 'ignored', 'explicit ignores still apply');
    assert.notEqual(createScope({ includeTests: true }).signature, createScope().signature);
  });
});

describe('analysis scope', () => {
  const roots: string[] = [];
  after(() => roots.forEach(removeWorkspace));
  const workspace = (files: Record<string, string>) => {
    const root = writeWorkspace(files);
    roots.push(root);
    return root;
  };
  const files = {
    'package.json': JSON.stringify({ name: 'shop', private: true }),
    'src/consumer.ts': consumer('orders'),
    'test/support/consumer.ts': consumer('test_orders'),
    'scripts/replay.ts': consumer('replayed'),
    'examples/demo/consumer.ts': consumer('demo'),
  };
  const consumerFindings = (root: string, options: { includeTests?: boolean } = {}) =>
    analyzeSync({ root, ...options }).findings.filter((f) => f.ruleId === 'non-idempotent-consumer').map((f) => f.location.file).sort();

  it('reports production code only and counts what it left out', () => {
    const root = workspace(files);
    const result = analyzeSync({ root });
    assert.deepEqual(result.findings.filter((f) => f.ruleId === 'non-idempotent-consumer').map((f) => f.location.file), ['src/consumer.ts']);
    assert.deepEqual(result.outOfScope, { test: 1, script: 1, example: 1 });
  });
  it('reports test, script and example code with includeTests', () => {
    const root = workspace(files);
    assert.deepEqual(consumerFindings(root, { includeTests: true }), ['examples/demo/consumer.ts', 'scripts/replay.ts', 'src/consumer.ts', 'test/support/consumer.ts']);
  });
  it('analyses a `vendor` domain module under src/ (TypeScript), never vendored third-party code', () => {
    const root = workspace({
      'package.json': JSON.stringify({ name: 'market', private: true }),
      'src/modules/vendor/vendor.consumer.ts': consumer('vendor_payouts'),
      'src/vendor/legacy-sdk.js': consumer('sdk_rows'),
      'public/vendor/widget.ts': consumer('widget_rows'),
      'vendor/acme/client.ts': consumer('acme_rows'),
    });
    assert.deepEqual(consumerFindings(root), ['src/modules/vendor/vendor.consumer.ts']);
  });
  it('leaves out a system-test package (an end-to-end runner among its dependencies, nothing it starts); an app keeping cypress among its devDependencies stays', () => {
    const root = workspace({
      'package.json': JSON.stringify({ name: 'shop', private: true }),
      'apps/orders/package.json': JSON.stringify({ name: 'orders', scripts: { start: 'node dist/main.js' }, dependencies: { kafkajs: '2' }, devDependencies: { cypress: '13' } }),
      'apps/orders/src/consumer.ts': consumer('orders'),
      'quality/package.json': JSON.stringify({ name: 'shop-system-testing', scripts: { test: 'jest' }, dependencies: { cypress: '13', amqplib: '0.10', kafkajs: '2' } }),
      'quality/plugins/broker-plugin.ts': consumer('seeded_orders'),
      'runner/package.json': JSON.stringify({ name: 'runner', scripts: { start: 'node main.js' }, dependencies: { playwright: '1', kafkajs: '2' } }),
      'runner/src/consumer.ts': consumer('screenshots'),
    });
    assert.deepEqual(consumerFindings(root), ['apps/orders/src/consumer.ts', 'runner/src/consumer.ts']);
    assert.equal(analyzeSync({ root }).outOfScope?.test, 1);
  });
  it('leaves out `bin/` programs nothing starts; keeps those a package.json script or a Dockerfile names, and a `bin` module under src/', () => {
    const root = workspace({
      'package.json': JSON.stringify({ name: 'api', scripts: { dev: 'nodemon ./bin/cli api', 'archive:backfill': 'ts-node bin/backfillArchives.ts' } }),
      'Dockerfile': lines('FROM node:20', 'CMD ["node", "bin/worker"]'),
      'bin/cli.ts': consumer('cli_rows'),
      'bin/worker.ts': consumer('worker_rows'),
      'bin/backfillArchives.ts': consumer('archives'),
      'bin/addTwitterSource.ts': consumer('twitter_sources'),
      'src/modules/bin/recycle.consumer.ts': consumer('recycled'),
    });
    assert.deepEqual(consumerFindings(root), ['bin/backfillArchives.ts', 'bin/cli.ts', 'bin/worker.ts', 'src/modules/bin/recycle.consumer.ts']);
    assert.equal(analyzeSync({ root }).outOfScope?.script, 1);
  });
  it('analyses the modules of a `scripts/` folder that production code imports (and what they import from it); a script nothing imports, or only a test, stays out', () => {
    const root = workspace({
      'package.json': JSON.stringify({ name: 'scraper', scripts: { start: 'node lib/src/index.js' } }),
      'src/index.ts': lines("import { scrape } from './scripts/pull_blocks';", 'setInterval(() => void scrape(), 60_000);'),
      'src/scripts/pull_blocks.ts': lines("export { start as scrape } from './utils/block_consumer.js';"),
      'src/scripts/utils/block_consumer.ts': consumer('blocks'),
      'src/scripts/backfill.ts': consumer('backfilled'),
      'src/scripts/replay.ts': consumer('replayed'),
      'src/index.test.ts': lines("import { start } from './scripts/replay';", 'void start;'),
    });
    assert.deepEqual(consumerFindings(root), ['src/scripts/utils/block_consumer.ts']);
    assert.deepEqual(analyzeSync({ root }).outOfScope, { test: 1, script: 2 });
  });
  it('follows the architecture file: include brings a folder back, ignores leaves one out', () => {
    const root = workspace({
      ...files,
      'architecture.yaml': lines('include:', '  - examples/demo', 'ignores:', '  - "src/**"'),
    });
    assert.deepEqual(consumerFindings(root), ['examples/demo/consumer.ts']);
    assert.deepEqual(analyzeSync({ root }).findings.filter((f) => f.ruleId === 'invalid-architecture'), []);
  });
});
