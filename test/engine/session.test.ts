/**
 * The incremental engine: a run after an edit reparses and re-analyses only
 * what the edit can affect, and always reports what a fresh analysis of the
 * same texts reports.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisSession, CancelledError } from '../../server/src/engine/session';
import { analyzeSystem } from '../../server/src/engine/analyze';
import type { AnalysisResult } from '../../server/src/engine/api';
import { removeWorkspace, writeWorkspace } from '../support/workspace';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const ROOT_PACKAGE = JSON.stringify({ name: 'acme', private: true, workspaces: ['services/*', 'libs/*'] });

const SHARED_POOL = lines(
  "import { Pool } from 'pg';",
  '',
  'export const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });',
);

/** Two services importing one shared pg client, an unguarded consumer and an unrelated file. */
const FILES: Record<string, string> = {
  'package.json': ROOT_PACKAGE,
  'libs/db/src/index.ts': SHARED_POOL,
  'services/orders/package.json': JSON.stringify({ name: 'orders' }),
  'services/orders/src/repo.ts': lines(
    "import { pool } from '../../../libs/db/src';",
    '',
    "export const saveOrder = (id: string) => pool.query('INSERT INTO orders (id) VALUES ($1)', [id]);",
  ),
  'services/orders/src/consumer.ts': lines(
    "import { Kafka } from 'kafkajs';",
    "import { saveOrder } from './repo';",
    '',
    "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'orders' });",
    'export async function start() {',
    '  await consumer.run({',
    '    eachMessage: async ({ message }) => {',
    '      await saveOrder(String(message.value));',
    '    },',
    '  });',
    '}',
  ),
  'services/orders/src/money.ts': lines(
    'export function cents(amount: number): number {',
    '  return Math.round(amount * 100);',
    '}',
  ),
  'services/billing/package.json': JSON.stringify({ name: 'billing' }),
  'services/billing/src/repo.ts': lines(
    "import { pool } from '../../../libs/db/src';",
    '',
    "export const unpaid = () => pool.query('SELECT * FROM invoices WHERE paid = false');",
  ),
};

const roots: string[] = [];
after(() => roots.forEach(removeWorkspace));

function workspace(): string {
  const root = writeWorkspace(FILES);
  roots.push(root);
  return root;
}

/** What a finding list says, without volatile fields (fixes are built only when asked). */
function summary(result: AnalysisResult): string[] {
  return result.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.range.start.line}:${f.location.range.start.column} ${f.fingerprint} ${f.message}`);
}

function fresh(root: string, overlays: Map<string, string>): string[] {
  return summary(analyzeSystem({ root, overlays }).result);
}

describe('analysis session', () => {
  test('a changed file is re-analysed, an unchanged one is not; nothing is redone without a change', () => {
    const root = workspace();
    const session = new AnalysisSession({ root });
    const first = session.run();
    assert.equal(first.stats.analysed.length, 5, 'the first run analyses every source file');
    assert.equal(first.stats.full, true);

    const again = session.run();
    assert.deepEqual(again.stats.parsed, []);
    assert.deepEqual(again.stats.analysed, []);
    assert.deepEqual(summary(again.result), summary(first.result));

    // A body-only edit of a file nothing imports: only that file.
    const money = path.join(root, 'services/orders/src/money.ts');
    const edited = FILES['services/orders/src/money.ts'].replace('return Math.round', 'const factor = 100;\n  return Math.round');
    const afterLeaf = session.run({ overlays: new Map([[money, edited]]) });
    assert.deepEqual(afterLeaf.stats.parsed, ['services/orders/src/money.ts']);
    assert.deepEqual(afterLeaf.stats.analysed, ['services/orders/src/money.ts']);
    assert.equal(afterLeaf.stats.full, false);

    // An edit of a module others import: it and its importers, not the other service's files.
    const repo = path.join(root, 'services/orders/src/repo.ts');
    const overlays = new Map([[money, edited], [repo, FILES['services/orders/src/repo.ts'] + '// touched\n']]);
    const afterRepo = session.run({ overlays });
    assert.deepEqual(afterRepo.stats.parsed, ['services/orders/src/repo.ts']);
    assert.deepEqual(afterRepo.stats.analysed.sort(), ['services/orders/src/consumer.ts', 'services/orders/src/repo.ts']);
    assert.deepEqual(summary(afterRepo.result), fresh(root, overlays));
  });

  test('editing the shared client module away removes the shared-database finding in the other service', () => {
    const root = workspace();
    const session = new AnalysisSession({ root });
    const shared = (r: AnalysisResult) => r.findings.filter((f) => f.ruleId === 'shared-database').map((f) => f.location.file).sort();
    assert.deepEqual(shared(session.run().result), ['services/billing/src/repo.ts', 'services/orders/src/repo.ts']);

    // Billing stops importing the shared client: the finding in orders' file goes too (one user left).
    const billing = path.join(root, 'services/billing/src/repo.ts');
    const ownClient = lines(
      "import { Pool } from 'pg';",
      '',
      'const pool = new Pool({ connectionString: process.env.BILLING_DATABASE_URL });',
      "export const unpaid = () => pool.query('SELECT * FROM invoices WHERE paid = false');",
    );
    const overlays = new Map([[billing, ownClient]]);
    const edited = session.run({ overlays });
    assert.deepEqual(shared(edited.result), []);
    assert.ok(!edited.stats.analysed.includes('services/orders/src/repo.ts'), 'the other service\'s file is not re-analysed');
    assert.deepEqual(summary(edited.result), fresh(root, overlays));

    // Undo (the buffer closes unsaved): the findings come back.
    assert.deepEqual(shared(session.run().result), ['services/billing/src/repo.ts', 'services/orders/src/repo.ts']);
  });

  test('a call added in another file brings a lock method nothing called back into use, as a fresh analysis does', () => {
    const root = writeWorkspace({
      'services/ai/package.json': JSON.stringify({ name: 'ai', scripts: { start: 'node dist/main.js' } }),
      'services/ai/src/redis.service.ts': lines(
        "import Redis from 'ioredis';",
        'export class RedisService {',
        '  private readonly redis = new Redis(process.env.REDIS_URL!);',
        '  async acquireLock(resource: string) {',
        "    return this.redis.set(`lock:${resource}`, '1', 'PX', 5000, 'NX');",
        '  }',
        '}',
      ),
      'services/ai/src/app.module.ts': lines("import { RedisService } from './redis.service';", 'export const providers = [RedisService];'),
      'services/ai/src/jobs.ts': lines("import { RedisService } from './redis.service';", 'export async function run(redis: RedisService) {', '  return redis;', '}'),
    });
    roots.push(root);
    const session = new AnalysisSession({ root });
    const locks = (r: AnalysisResult) => r.findings.filter((f) => f.ruleId === 'unjustified-distributed-lock').length;
    assert.equal(locks(session.run().result), 0);
    const jobs = path.join(root, 'services/ai/src/jobs.ts');
    const overlays = new Map([[jobs, lines("import { RedisService } from './redis.service';", 'export async function run(redis: RedisService) {', "  return redis.acquireLock('nightly');", '}')]]);
    const edited = session.run({ overlays });
    assert.equal(locks(edited.result), 1);
    assert.deepEqual(summary(edited.result), fresh(root, overlays));
  });

  test('removing the client from the shared module removes the findings in both services', () => {
    const root = workspace();
    const session = new AnalysisSession({ root });
    session.run();
    const lib = path.join(root, 'libs/db/src/index.ts');
    const overlays = new Map([[lib, 'export const pool = { query: async (_sql: string, _args?: unknown[]) => [] };\n']]);
    const edited = session.run({ overlays });
    assert.deepEqual(edited.result.findings.filter((f) => f.ruleId === 'shared-database'), []);
    assert.deepEqual(edited.stats.analysed.sort(), [
      'libs/db/src/index.ts', 'services/billing/src/repo.ts', 'services/orders/src/consumer.ts', 'services/orders/src/repo.ts',
    ]);
    assert.deepEqual(summary(edited.result), fresh(root, overlays));
  });

  test('files created and deleted on disk are picked up by a rescan', () => {
    const root = workspace();
    const session = new AnalysisSession({ root });
    const before = session.run();
    const added = path.join(root, 'services/billing/src/consumer.ts');
    fs.writeFileSync(added, FILES['services/orders/src/consumer.ts'].replace("'orders'", "'billing'"));
    const noRescan = session.run();
    assert.deepEqual(summary(noRescan.result), summary(before.result), 'without a rescan the file list is the last one');
    const rescanned = session.run({ rescan: true });
    assert.ok(rescanned.stats.parsed.includes('services/billing/src/consumer.ts'));
    assert.deepEqual(summary(rescanned.result), fresh(root, new Map()));
    fs.rmSync(added);
    const removed = session.run({ rescan: true });
    assert.deepEqual(summary(removed.result), summary(before.result));
  });

  test('a cancelled run leaves the session usable; the next run finishes the work', () => {
    const root = workspace();
    const session = new AnalysisSession({ root });
    let polls = 0;
    assert.throws(() => session.run({ isCancelled: () => ++polls > 3 }), CancelledError);
    const next = session.run();
    assert.ok(next.stats.analysed.length > 0 && next.stats.analysed.length < 5, `resumes where it stopped (${next.stats.analysed.length})`);
    assert.deepEqual(summary(next.result), fresh(root, new Map()));
  });

  test('a sequence of edits on the bundled example gives what a fresh analysis gives after each', () => {
    const root = path.resolve(__dirname, '../../examples/checkout');
    const session = new AnalysisSession({ root });
    session.run();
    const sources = session.run().result.findings.map((f) => f.location.file).filter((f, i, all) => all.indexOf(f) === i).sort();
    assert.ok(sources.length >= 3);
    const overlays = new Map<string, string>();
    const edits: ((text: string) => string)[] = [
      (t) => t.replace(/\{\n/, '{\n  const edited = 1;\n'), // a statement in the first body
      (t) => `import { randomUUID as editUuid } from 'node:crypto';\n${t}`, // an import
      (t) => t.replace(/await [^;]*\.send\(/, 'await Promise.resolve(('), // a publish removed
      (t) => t, // back to the disk text below
    ];
    for (const [i, rel] of sources.entries()) {
      const abs = path.join(root, rel);
      const disk = fs.readFileSync(abs, 'utf8');
      for (const [k, edit] of edits.entries()) {
        if (k === edits.length - 1) overlays.delete(abs);
        else overlays.set(abs, edit(overlays.get(abs) ?? disk));
        const { result } = session.run({ overlays });
        assert.deepEqual(summary(result), fresh(root, overlays), `${rel}, edit ${k + 1} (file ${i + 1})`);
      }
    }
  });

  test('an implementation the consumer reaches through an interface is followed across edits of files it does not import', () => {
    const root = writeWorkspace({
      'package.json': JSON.stringify({ name: 'svc' }),
      'src/handler.ts': 'export interface Handler { handle(value: string): Promise<void>; }\n',
      'src/consumer.ts': lines(
        "import { Kafka } from 'kafkajs';",
        "import type { Handler } from './handler';",
        '',
        "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'svc' });",
        'export async function start(handler: Handler) {',
        '  await consumer.run({ eachMessage: async ({ message }) => { await handler.handle(String(message.value)); } });',
        '}',
      ),
      'src/audit.ts': lines(
        "import type { Handler } from './handler';",
        'export class AuditHandler implements Handler {',
        '  async handle(value: string) { console.log(value); }',
        '}',
      ),
      'src/billing.ts': lines(
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        'export class BillingHandler {',
        "  async handle(value: string) { await pool.query('INSERT INTO invoices (ref) VALUES ($1)', [value]); }",
        '}',
      ),
    });
    roots.push(root);
    const session = new AnalysisSession({ root });
    const consumerFindings = (r: AnalysisResult) => r.findings.filter((f) => f.ruleId === 'non-idempotent-consumer').length;
    assert.equal(consumerFindings(session.run().result), 0);

    // A body-only edit of an implementation: the consumer, which does not import it, is re-analysed.
    const audit = path.join(root, 'src/audit.ts');
    const overlays = new Map([[audit, lines(
      "import type { Handler } from './handler';",
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      'export class AuditHandler implements Handler {',
      "  async handle(value: string) { await pool.query('INSERT INTO reviews (ref) VALUES ($1)', [value]); }",
      '}',
    )]]);
    const edited = session.run({ overlays });
    assert.ok(edited.stats.analysed.includes('src/consumer.ts'));
    assert.equal(consumerFindings(edited.result), 1);
    assert.deepEqual(summary(edited.result), fresh(root, overlays));

    // A class that starts implementing the interface (its header changes).
    overlays.delete(audit);
    const billing = path.join(root, 'src/billing.ts');
    overlays.set(billing, fs.readFileSync(billing, 'utf8')
      .replace("import { Pool } from 'pg';", "import { Pool } from 'pg';\nimport type { Handler } from './handler';")
      .replace('export class BillingHandler {', 'export class BillingHandler implements Handler {'));
    const implemented = session.run({ overlays });
    assert.equal(consumerFindings(implemented.result), 1);
    assert.deepEqual(summary(implemented.result), fresh(root, overlays));
  });

  test('a half-typed import (no module specifier yet) does not stop the analysis', () => {
    const root = workspace();
    const session = new AnalysisSession({ root });
    const before = session.run();
    const money = path.join(root, 'services/orders/src/money.ts');
    const overlays = new Map([[money, `import { randomUUID } from\n${FILES['services/orders/src/money.ts']}`]]);
    const typing = session.run({ overlays });
    assert.deepEqual(summary(typing.result), fresh(root, overlays));
    assert.equal(typing.result.findings.length, before.result.findings.length);
  });

  test('a workspace function that appears in an edit is followed from its callers', () => {
    const root = writeWorkspace({
      'package.json': JSON.stringify({ name: 'svc' }),
      'src/store.ts': 'export const ready = true;\n',
      'src/consumer.ts': lines(
        "import { Kafka } from 'kafkajs';",
        "import * as store from './store';",
        '',
        "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'svc' });",
        'export async function start() {',
        '  await consumer.run({ eachMessage: async ({ message }) => { await store.persist(String(message.value)); } });',
        '}',
      ),
    });
    roots.push(root);
    const session = new AnalysisSession({ root });
    const unguarded = (r: AnalysisResult) => r.findings.filter((f) => f.ruleId === 'non-idempotent-consumer').length;
    assert.equal(unguarded(session.run().result), 0);
    const store = path.join(root, 'src/store.ts');
    const overlays = new Map([[store, lines(
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      'export const ready = true;',
      "export async function persist(value: string) { await pool.query('INSERT INTO events (body) VALUES ($1)', [value]); }",
    )]]);
    const edited = session.run({ overlays });
    assert.deepEqual(summary(edited.result), fresh(root, overlays));
    assert.equal(unguarded(edited.result), 1);
  });
});
