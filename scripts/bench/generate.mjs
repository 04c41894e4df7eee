// Synthetic workspace generator for the benchmark: N services × M files of
// message-driven Node code (kafkajs, amqplib, pg, BullMQ, NestJS), a few
// shared libraries, a realistic import graph (hub modules imported by many
// files, leaf handlers imported by the service entry), .env files and a root
// tsconfig.json that `tsc --noEmit` and typed ESLint accept.
//
// Deterministic: the same (files, seed) always writes byte-identical files.
//
//   node scripts/bench/generate.mjs <outDir> [--files 1024] [--seed 1]
//
// Most files are ordinary code (domain types, mappers, validation, helpers);
// about a third touch a broker or a datastore, like a real service. Some
// consumers dedupe on the message id and some do not, some services share a
// database client, some flows write and publish without an outbox, so every
// rule has work to do.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** mulberry32: a small deterministic PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICE_NAMES = ['orders', 'payments', 'inventory', 'shipping', 'billing', 'catalog', 'customers', 'notifications',
  'ledger', 'pricing', 'returns', 'fraud', 'loyalty', 'search', 'reviews', 'accounts'];
const ENTITY_NAMES = ['order', 'payment', 'invoice', 'shipment', 'refund', 'customer', 'product', 'coupon', 'cart', 'stock',
  'account', 'transfer', 'review', 'ticket', 'parcel', 'quote', 'charge', 'booking', 'voucher', 'address'];

const pascal = (s) => s.replace(/(^|[-_])(\w)/g, (_, __, c) => c.toUpperCase());
const camel = (s) => { const p = pascal(s); return p[0].toLowerCase() + p.slice(1); };

/** Plans the shape of a workspace of about `total` source files. */
export function plan(total) {
  const services = total <= 160 ? 4 : total <= 1200 ? 16 : 32;
  const libFiles = total <= 160 ? 8 : 24;
  const perService = Math.max(12, Math.floor((total - libFiles) / services));
  return { services, libFiles, perService };
}

// Kinds of per-entity modules, in the order they are drawn from; weights make
// most of the code ordinary and about a third messaging/datastore code.
const KINDS = [
  ['domain', 3], ['util', 3], ['mapper', 2], ['validation', 2], ['dto', 2],
  ['repository', 2], ['consumer', 1], ['handler', 1], ['worker', 1], ['controller', 1], ['service', 1], ['client', 1],
];

function pick(rand, items) {
  return items[Math.floor(rand() * items.length)];
}

function weighted(rand) {
  const sum = KINDS.reduce((n, [, w]) => n + w, 0);
  let r = rand() * sum;
  for (const [k, w] of KINDS) {
    if ((r -= w) < 0) return k;
  }
  return KINDS[0][0];
}

/** Writes the workspace; returns { files, services, hubs, leaves } (root-relative paths). */
export function generate(outDir, { files: total = 1024, seed = 1 } = {}) {
  const rand = prng(seed * 7919 + total);
  const { services, libFiles, perService } = plan(total);
  fs.rmSync(outDir, { recursive: true, force: true });
  const written = [];
  const write = (rel, text) => {
    const abs = path.join(outDir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
    if (/\.ts$/.test(rel)) written.push(rel);
  };

  // ---- root
  write('package.json', JSON.stringify({
    name: `bench-workspace-${total}`, private: true, version: '1.0.0',
    workspaces: ['services/*', 'libs/*'],
  }, null, 2) + '\n');
  write('tsconfig.json', JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'preserve', moduleResolution: 'bundler', strict: true, noEmit: true,
      skipLibCheck: true, experimentalDecorators: true, esModuleInterop: true, types: ['node'],
      paths: { '@bench/*': ['./libs/*/src/index.ts'] },
    },
    include: ['services/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
  }, null, 2) + '\n');
  write('eslint.config.mjs', [
    "import tseslint from 'typescript-eslint';",
    '',
    '// Typed rules only: the point is the cost of type-aware linting.',
    'export default tseslint.config({',
    "  files: ['services/*/src/**/*.ts', 'libs/*/src/**/*.ts'],",
    '  languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },',
    "  plugins: { '@typescript-eslint': tseslint.plugin },",
    '  rules: {',
    "    '@typescript-eslint/no-floating-promises': 'error',",
    "    '@typescript-eslint/no-misused-promises': 'error',",
    "    '@typescript-eslint/await-thenable': 'error',",
    "    '@typescript-eslint/require-await': 'error',",
    '  },',
    '});',
    '',
  ].join('\n'));

  // ---- shared libraries
  const libs = [];
  write('libs/shared-db/package.json', JSON.stringify({ name: '@bench/shared-db', version: '1.0.0', main: 'src/index.ts' }, null, 2) + '\n');
  write('libs/shared-db/src/index.ts', `import { Pool } from 'pg';

/** One pool for every service that imports it: the legacy monolith's database. */
export const sharedPool = new Pool({ connectionString: process.env.LEGACY_DATABASE_URL, max: 20 });

export async function legacyQuery<T extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  const result = await sharedPool.query<T>(text, values);
  return result.rows;
}
`);
  write('libs/common/package.json', JSON.stringify({ name: '@bench/common', version: '1.0.0', main: 'src/index.ts' }, null, 2) + '\n');
  const commonModules = [];
  for (let i = 0; i < libFiles - 2; i++) {
    const name = `helper-${i}`;
    commonModules.push(name);
    const prev = i > 0 ? `import { normalize${i - 1} } from './helper-${i - 1}';\n\n` : '';
    write(`libs/common/src/${name}.ts`, `${prev}export interface Envelope${i}<T> {
  id: string;
  correlationId?: string;
  causationId?: string;
  occurredAt: string;
  payload: T;
}

export function normalize${i}(value: string): string {
  return ${i > 0 ? `normalize${i - 1}(value)` : 'value'}.trim().toLowerCase().replace(/\\s+/g, '-');
}

export function envelope${i}<T>(payload: T, correlationId?: string): Envelope${i}<T> {
  return { id: \`\${Date.now()}-\${Math.random().toString(36).slice(2)}\`, correlationId, occurredAt: new Date().toISOString(), payload };
}

export function retryDelay${i}(attempt: number, baseMs = ${100 + i}): number {
  return Math.min(30_000, baseMs * 2 ** attempt) + Math.floor(Math.random() * baseMs);
}
`);
  }
  write('libs/common/src/index.ts', commonModules.map((m) => `export * from './${m}';`).join('\n') + '\n');
  libs.push('libs/common/src/index.ts', 'libs/shared-db/src/index.ts');

  const hubs = [];
  const leaves = [];
  const serviceNames = [];
  for (let s = 0; s < services; s++) {
    const svc = s < SERVICE_NAMES.length ? SERVICE_NAMES[s] : `${SERVICE_NAMES[s % SERVICE_NAMES.length]}-${Math.floor(s / SERVICE_NAMES.length) + 1}`;
    serviceNames.push(svc);
    const base = `services/${svc}`;
    const usesSharedDb = s % 4 === 1;
    // Pairs of services pointing at one database through their own env (a shared-database finding).
    const dbName = s % 5 === 3 ? SERVICE_NAMES[(s - 1) % SERVICE_NAMES.length].replace(/-/g, '_') : svc.replace(/-/g, '_');
    write(`${base}/package.json`, JSON.stringify({
      name: `@bench/${svc}`, version: '1.0.0', private: true, main: 'src/main.ts',
      dependencies: { kafkajs: '^2.2.4', amqplib: '^0.10.9', pg: '^8.16.3', bullmq: '^5.63.0', '@nestjs/common': '^11.1.9', '@nestjs/microservices': '^11.1.9', '@bench/common': '1.0.0' },
    }, null, 2) + '\n');
    write(`${base}/.env`, `DATABASE_URL=postgres://app:app@postgres:5432/${dbName}\nKAFKA_BROKERS=kafka:9092\nAMQP_URL=amqp://rabbitmq:5672\nREDIS_HOST=redis\n`);

    // Infrastructure hubs.
    write(`${base}/src/infra/db.ts`, `import { Pool, type PoolClient } from 'pg';

export const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

export async function withTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
`);
    write(`${base}/src/infra/kafka.ts`, `import { Kafka, type Consumer, type Producer } from 'kafkajs';

export const kafka = new Kafka({ clientId: '${svc}', brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(',') });
export const producer: Producer = kafka.producer();

export function createConsumer(groupId: string): Consumer {
  return kafka.consumer({ groupId });
}
`);
    write(`${base}/src/infra/amqp.ts`, `import * as amqp from 'amqplib';

export async function openChannel(): Promise<amqp.Channel> {
  const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://localhost');
  return connection.createChannel();
}
`);
    write(`${base}/src/infra/redis.ts`, `export const redisConnection = {
  host: process.env.REDIS_HOST ?? 'localhost',
  port: Number(process.env.REDIS_PORT ?? 6379),
};
`);
    hubs.push(`${base}/src/infra/db.ts`, `${base}/src/infra/kafka.ts`);

    // Per-entity modules.
    const modules = []; // { rel, kind, entity, exports }
    const fixed = 6; // infra x4, main, app.module
    const count = Math.max(6, perService - fixed);
    const domainsSoFar = [];
    for (let i = 0; i < count; i++) {
      const kind = i < 4 ? ['domain', 'repository', 'consumer', 'service'][i] : weighted(rand);
      const entity = `${ENTITY_NAMES[i % ENTITY_NAMES.length]}-${i}`;
      const E = pascal(entity);
      const e = camel(entity);
      const topic = `${svc}.${entity}`;
      // Every entity module imports the domain module it is about (earlier ones) and a few helpers.
      const dom = domainsSoFar.length ? pick(rand, domainsSoFar) : undefined;
      const helperImports = [];
      const nHelpers = Math.floor(rand() * 3);
      for (let h = 0; h < nHelpers; h++) helperImports.push(pick(rand, commonModules));
      const helper = helperImports[0] ?? commonModules[0];
      const hIdx = helper.split('-')[1];
      const commonImport = `import { envelope${hIdx}, normalize${hIdx} } from '@bench/common';\n`;
      const domImport = dom ? `import { type ${dom.E}, validate${dom.E} } from '../domain/${dom.entity}';\n` : '';
      const repos = modules.filter((m) => m.kind === 'repository');
      const repo = repos.length ? pick(rand, repos) : undefined;
      let rel;
      let text;
      switch (kind) {
        case 'domain':
          rel = `${base}/src/domain/${entity}.ts`;
          text = `${commonImport}
export interface ${E} {
  id: string;
  customerId: string;
  amountCents: number;
  currency: 'EUR' | 'USD' | 'GBP';
  status: 'pending' | 'confirmed' | 'cancelled';
  lines: Array<{ sku: string; quantity: number; unitCents: number }>;
  createdAt: string;
}

export function validate${E}(value: unknown): ${E} {
  if (typeof value !== 'object' || value === null) throw new Error('${entity}: not an object');
  const v = value as Partial<${E}>;
  if (typeof v.id !== 'string' || !v.id) throw new Error('${entity}: id is required');
  if (typeof v.amountCents !== 'number' || v.amountCents < 0) throw new Error('${entity}: amountCents must be >= 0');
  return { ...v, id: normalize${hIdx}(v.id), lines: v.lines ?? [] } as ${E};
}

export function total${E}(item: ${E}): number {
  return item.lines.reduce((sum, line) => sum + line.quantity * line.unitCents, 0);
}

export function wrap${E}(item: ${E}, correlationId?: string) {
  return envelope${hIdx}(item, correlationId);
}
`;
          domainsSoFar.push({ entity, E });
          break;
        case 'util':
          rel = `${base}/src/util/${entity}.ts`;
          text = `${commonImport}${domImport}
export function format${E}Amount(cents: number, currency = 'EUR'): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);
}

export function chunk${E}<T>(items: T[], size = ${8 + (i % 5)}): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function slug${E}(value: string): string {
  return normalize${hIdx}(value).slice(0, 64);
}
${dom ? `
export function describe${E}(item: ${dom.E}): string {
  return \`\${item.id} (\${item.status}) \${format${E}Amount(item.amountCents, item.currency)}\`;
}
` : ''}`;
          break;
        case 'mapper':
        case 'dto':
        case 'validation':
          rel = `${base}/src/${kind === 'dto' ? 'dto' : kind === 'mapper' ? 'mappers' : 'validation'}/${entity}.${kind}.ts`;
          text = `${commonImport}${domImport}
export interface ${E}${pascal(kind)}Row {
  id: string;
  customer_id: string;
  amount_cents: string;
  currency: string;
  status: string;
  created_at: Date;
}

export function from${E}Row(row: ${E}${pascal(kind)}Row) {
  return {
    id: row.id,
    customerId: row.customer_id,
    amountCents: Number(row.amount_cents),
    currency: row.currency,
    status: row.status,
    createdAt: row.created_at.toISOString(),
  };
}

export function check${E}(input: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const key of ['id', 'customerId', 'amountCents']) {
    if (!(key in input)) problems.push(\`\${key} is missing\`);
  }
  if (typeof input.id === 'string' && normalize${hIdx}(input.id) !== input.id) problems.push('id is not normalized');
  return problems;
}
${dom ? `
export function parse${E}(raw: string): ${dom.E} {
  return validate${dom.E}(JSON.parse(raw));
}
` : ''}`;
          break;
        case 'repository':
          rel = `${base}/src/repositories/${entity}.repository.ts`;
          text = `import { pool, withTransaction } from '../infra/db';
${usesSharedDb && i % 3 === 0 ? "import { legacyQuery } from '@bench/shared-db';\n" : ''}${commonImport}
type ${E}Record = { id: string; customer_id: string; amount_cents: string; status: string };

export async function insert${E}(id: string, customerId: string, amountCents: number): Promise<void> {
  await pool.query('INSERT INTO ${entity.replace(/-/g, '_')}s (id, customer_id, amount_cents, status) VALUES ($1, $2, $3, $4)', [normalize${hIdx}(id), customerId, amountCents, 'pending']);
}

export async function find${E}(id: string): Promise<${E}Record | undefined> {
  const result = await pool.query<${E}Record>('SELECT id, customer_id, amount_cents, status FROM ${entity.replace(/-/g, '_')}s WHERE id = $1', [id]);
  return result.rows[0];
}

export async function confirm${E}(id: string): Promise<void> {
  await withTransaction(async (client) => {
    await client.query('UPDATE ${entity.replace(/-/g, '_')}s SET status = $2 WHERE id = $1', [id, 'confirmed']);
  });
}
${usesSharedDb && i % 3 === 0 ? `
export async function legacy${E}(id: string): Promise<number> {
  const rows = await legacyQuery<{ n: number }>('SELECT count(*) AS n FROM legacy_${entity.replace(/-/g, '_')} WHERE id = $1', [id]);
  return rows[0]?.n ?? 0;
}
` : ''}`;
          break;
        case 'consumer': {
          rel = `${base}/src/consumers/${entity}.consumer.ts`;
          const guarded = i % 3 === 1;
          const r = repo ?? { E: 'Noop', entity: '' };
          text = `import type { EachMessagePayload } from 'kafkajs';
import { createConsumer, producer } from '../infra/kafka';
import { pool } from '../infra/db';
${repo ? `import { insert${r.E} } from '../repositories/${r.entity}.repository';\n` : ''}${commonImport}
export async function start${E}Consumer(): Promise<void> {
  const consumer = createConsumer('${svc}-${entity}');
  await consumer.connect();
  await consumer.subscribe({ topic: '${topic}.requested', fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }: EachMessagePayload) => {
      const body = JSON.parse(message.value?.toString() ?? '{}') as { id: string; customerId: string; amountCents: number };
      const correlationId = message.headers?.['correlation-id']?.toString();
${guarded ? `      const seen = await pool.query('INSERT INTO processed_messages (message_id) VALUES ($1) ON CONFLICT DO NOTHING', [body.id]);
      if (seen.rowCount === 0) return;
` : ''}      ${repo ? `await insert${r.E}(body.id, body.customerId, body.amountCents);` : `await pool.query('INSERT INTO ${entity.replace(/-/g, '_')}_log (id) VALUES ($1)', [body.id]);`}
      await producer.send({
        topic: '${topic}.accepted',
        messages: [{ key: body.id, value: JSON.stringify(envelope${hIdx}(body, correlationId))${i % 2 ? `, headers: { 'correlation-id': correlationId ?? body.id }` : ''} }],
      });
    },
  });
}
`;
          leaves.push(rel);
          break;
        }
        case 'handler': {
          rel = `${base}/src/handlers/${entity}.handler.ts`;
          text = `import type { Channel, ConsumeMessage } from 'amqplib';
import { pool } from '../infra/db';
${commonImport}
export const ${e.toUpperCase().replace(/-/g, '_')}_QUEUE = '${topic}.commands';

export async function start${E}Handler(channel: Channel): Promise<void> {
  await channel.assertQueue(${e.toUpperCase().replace(/-/g, '_')}_QUEUE, { durable: true });
  await channel.prefetch(10);
  await channel.consume(${e.toUpperCase().replace(/-/g, '_')}_QUEUE, async (msg: ConsumeMessage | null) => {
    if (!msg) return;
    try {
      const command = JSON.parse(msg.content.toString()) as { id: string; delta: number };
      await pool.query('UPDATE ${entity.replace(/-/g, '_')}s SET quantity = quantity + $2 WHERE id = $1', [normalize${hIdx}(command.id), command.delta]);
      channel.ack(msg);
    } catch (error) {
      console.error('${entity} command failed', error);
      channel.nack(msg, false, true);
    }
  });
}
`;
          leaves.push(rel);
          break;
        }
        case 'worker': {
          rel = `${base}/src/workers/${entity}.worker.ts`;
          text = `import { Queue, Worker, type Job } from 'bullmq';
import { redisConnection } from '../infra/redis';
${repo ? `import { insert${repo.E} } from '../repositories/${repo.entity}.repository';\n` : "import { pool } from '../infra/db';\n"}${commonImport}
export interface ${E}Job {
  id: string;
  customerId: string;
  amountCents: number;
}

export const ${e}Queue = new Queue<${E}Job>('${topic}', { connection: redisConnection });

export async function enqueue${E}(job: ${E}Job): Promise<void> {
  await ${e}Queue.add('${entity}', job, { jobId: \`${entity}:\${job.id}\` });
}

export function start${E}Worker(): Worker<${E}Job> {
  return new Worker<${E}Job>('${topic}', async (job: Job<${E}Job>) => {
    ${repo ? `await insert${repo.E}(job.data.id, job.data.customerId, job.data.amountCents);` : `await pool.query('INSERT INTO ${entity.replace(/-/g, '_')}_jobs (id) VALUES ($1)', [job.data.id]);`}
    return normalize${hIdx}(job.data.id);
  }, { connection: redisConnection, concurrency: 4 });
}
`;
          leaves.push(rel);
          break;
        }
        case 'controller':
          rel = `${base}/src/controllers/${entity}.controller.ts`;
          text = `import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { pool } from '../infra/db';
${commonImport}
interface ${E}Event {
  id: string;
  customerId: string;
  points: number;
}

@Controller()
export class ${E}Controller {
  @EventPattern('${topic}.changed')
  async on${E}Changed(@Payload() event: ${E}Event): Promise<void> {
    await pool.query('UPDATE ${entity.replace(/-/g, '_')}_points SET points = points + $2 WHERE customer_id = $1', [normalize${hIdx}(event.customerId), event.points]);
  }
}
`;
          leaves.push(rel);
          break;
        case 'service':
          rel = `${base}/src/services/${entity}.service.ts`;
          text = `import { Body, Controller, Injectable, Post } from '@nestjs/common';
import { pool } from '../infra/db';
import { producer } from '../infra/kafka';
${commonImport}${domImport}
@Controller('${entity}s')
export class ${E}HttpController {
  constructor(private readonly service: ${E}Service) {}

  @Post()
  async create(@Body() body: { id: string; customerId: string; amountCents: number; correlationId: string }): Promise<void> {
    await this.service.create(body.id, body.customerId, body.amountCents, body.correlationId);
  }
}

@Injectable()
export class ${E}Service {
  async create(id: string, customerId: string, amountCents: number, correlationId: string): Promise<void> {
    await pool.query('INSERT INTO ${entity.replace(/-/g, '_')}s (id, customer_id, amount_cents) VALUES ($1, $2, $3)', [id, customerId, amountCents]);
    await producer.send({
      topic: '${topic}.created',
      messages: [{ key: id, value: JSON.stringify(envelope${hIdx}({ id, customerId, amountCents }, correlationId)), headers: { 'correlation-id': correlationId } }],
    });
  }
${dom ? `
  check(raw: unknown): ${dom.E} {
    return validate${dom.E}(raw);
  }
` : ''}}
`;
          break;
        case 'client':
          rel = `${base}/src/clients/${entity}.client.ts`;
          text = `${commonImport}
const BASE_URL = process.env.${SERVICE_NAMES[(s + 1) % SERVICE_NAMES.length].toUpperCase().replace(/-/g, '_')}_SERVICE_URL ?? 'http://localhost:3000';

export async function fetch${E}(id: string): Promise<unknown> {
  const response = await fetch(\`\${BASE_URL}/${entity}s/\${encodeURIComponent(normalize${hIdx}(id))}\`, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(2_000),
  });
  if (!response.ok) throw new Error(\`${entity} \${id}: \${response.status}\`);
  return response.json();
}
`;
          break;
      }
      write(rel, text);
      modules.push({ rel, kind, entity, E, e });
    }

    // Module and entry (hubs that import many leaves).
    const controllers = modules.filter((m) => m.kind === 'controller');
    const providers = modules.filter((m) => m.kind === 'service');
    write(`${base}/src/app.module.ts`, `import { Module } from '@nestjs/common';
${controllers.map((m) => `import { ${m.E}Controller } from './controllers/${m.entity}.controller';`).join('\n')}
${providers.map((m) => `import { ${m.E}Service } from './services/${m.entity}.service';`).join('\n')}

@Module({
  controllers: [${controllers.map((m) => `${m.E}Controller`).join(', ')}],
  providers: [${providers.map((m) => `${m.E}Service`).join(', ')}],
})
export class AppModule {}
`);
    const consumers = modules.filter((m) => m.kind === 'consumer');
    const handlers = modules.filter((m) => m.kind === 'handler');
    const workers = modules.filter((m) => m.kind === 'worker');
    write(`${base}/src/main.ts`, `import { producer } from './infra/kafka';
import { openChannel } from './infra/amqp';
${consumers.map((m) => `import { start${m.E}Consumer } from './consumers/${m.entity}.consumer';`).join('\n')}
${handlers.map((m) => `import { start${m.E}Handler } from './handlers/${m.entity}.handler';`).join('\n')}
${workers.map((m) => `import { start${m.E}Worker } from './workers/${m.entity}.worker';`).join('\n')}

export async function main(): Promise<void> {
  await producer.connect();
  const channel = await openChannel();
${consumers.map((m) => `  await start${m.E}Consumer();`).join('\n')}
${handlers.map((m) => `  await start${m.E}Handler(channel);`).join('\n')}
${workers.map((m) => `  start${m.E}Worker();`).join('\n')}
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`);
    hubs.push(`${base}/src/main.ts`);
  }

  const manifest = { files: written.length, services: serviceNames, hubs, leaves, seed, requested: total };
  fs.writeFileSync(path.join(outDir, 'bench-manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

// CLI
if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const out = args.find((a) => !a.startsWith('--'));
  const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : def; };
  if (!out) {
    console.error('usage: node scripts/bench/generate.mjs <outDir> [--files N] [--seed S]');
    process.exit(2);
  }
  const m = generate(path.resolve(out), { files: opt('files', 1024), seed: opt('seed', 1) });
  console.log(`wrote ${m.files} source files, ${m.services.length} services, to ${out}`);
}
