/**
 * Library clients kept in a container: a BullMQ `Queue` taken from a `Record<Name, Queue>` field,
 * from a `Map<string, Queue>` with `get`, from a `Queue[]` with `find`, or from an object literal of queues is a queue, so
 * `add` on it is a publish. A container of values the code does not type (`Record<string, any>`)
 * is not taken for one.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const SERVICE = (field: string, pick: string) => lines(
  "import { Queue } from 'bullmq';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  '',
  "export enum Queues { Prices = 'prices', Swaps = 'swaps' }",
  '',
  'export class Indexer {',
  `  ${field}`,
  '',
  '  async store(deposit: { id: string; amount: number }) {',
  '    await prisma.deposit.create({ data: deposit });',
  `    const q = ${pick};`,
  "    await q.add('price', { depositId: deposit.id });",
  '  }',
  '}',
);

const RECORD = SERVICE(
  "private queues = Object.fromEntries(Object.values(Queues).map((n) => [n, new Queue(n)])) as Record<Queues, Queue>;",
  'this.queues[Queues.Prices]',
);
const MAP = SERVICE('private queues = new Map<string, Queue>();', "this.queues.get('prices')!");
const LITERAL = SERVICE("private queues = { prices: new Queue('prices'), swaps: new Queue('swaps') };", "this.queues['prices']");
const FIND = SERVICE('private queues: Queue[] = [];', "this.queues.find((queue) => queue.name === 'prices')!");
const FIND_UNTYPED = SERVICE('private queues: any[] = [];', "this.queues.find((queue) => queue.name === 'prices')");
const UNTYPED = SERVICE('private queues: Record<string, any> = {};', "this.queues['prices']");
/** The element used directly as the receiver: `this.queues[name].add(...)`. */
const DIRECT = lines(
  "import { Queue } from 'bullmq';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  "const queues: Record<string, Queue> = { prices: new Queue('prices') };",
  '',
  'export async function store(deposit: { id: string }) {',
  '  await prisma.deposit.create({ data: deposit });',
  "  await queues['prices'].add('price', { depositId: deposit.id });",
  '}',
);

const FILE = 'services/indexer/src/indexer.ts';

runRuleTests('dual-write', {
  valid: [
    { name: 'a container whose values are not typed holds nothing the analysis knows', files: { [FILE]: UNTYPED } },
    { name: 'find on an array whose elements are not typed', files: { [FILE]: FIND_UNTYPED } },
  ],
  invalid: [
    { name: 'a queue taken from a Record<Name, Queue> field', files: { [FILE]: RECORD }, errors: [{ messageId: 'dualWrite', file: FILE, ...at(RECORD, 'add(') }] },
    { name: 'a queue taken from a Map<string, Queue> with get', files: { [FILE]: MAP }, errors: [{ messageId: 'dualWrite', file: FILE, ...at(MAP, 'add(') }] },
    { name: 'a queue taken from an object literal of queues', files: { [FILE]: LITERAL }, errors: [{ messageId: 'dualWrite', file: FILE, ...at(LITERAL, 'add(') }] },
    { name: 'a queue picked from a Queue[] field with find', files: { [FILE]: FIND }, errors: [{ messageId: 'dualWrite', file: FILE, ...at(FIND, 'add(') }] },
    { name: 'an element used directly as the receiver', files: { [FILE]: DIRECT }, errors: [{ messageId: 'dualWrite', file: FILE, ...at(DIRECT, 'add(') }] },
  ],
});

/**
 * A memoizing factory in a CommonJS module (ban-plateforme's `lib/util/queue.cjs`): an untyped `new Map()`
 * filled with `queues.set(name, new Queue(name))` and read with `queues.get(name)`, imported by an ES module
 * that registers a Bull processor on `queue('compose')`. A Map filled with values of two kinds is not typed.
 */
const FACTORY = (second: string) => lines(
  "const Queue = require('bull')",
  "const Redis = require('ioredis')",
  '',
  'const queues = new Map()',
  '',
  'function queue(name) {',
  '  if (!queues.has(name)) {',
  '    queues.set(name, new Queue(name, process.env.REDIS_URL))',
  `    ${second}`,
  '  }',
  '  return queues.get(name)',
  '}',
  '',
  'module.exports = queue',
);
const WORKER = lines(
  "import queue from './lib/util/queue.cjs'",
  "import { MongoClient } from 'mongodb'",
  '',
  'const client = new MongoClient(process.env.MONGO_URL)',
  '',
  "queue('compose').process(2, async (job) => {",
  "  await client.db().collection('communes').insertOne({ code: job.data.code })",
  '})',
);
const PACKAGE = JSON.stringify({ name: 'ban', version: '1.0.0', type: 'module', scripts: { worker: 'node worker.js' } });

runRuleTests('non-idempotent-consumer', {
  valid: [{
    name: 'a Map filled with a queue and a Redis client: its values are not one kind',
    files: { 'package.json': PACKAGE, 'lib/util/queue.cjs': FACTORY("queues.set(`${name}:events`, new Redis(process.env.REDIS_URL))"), 'worker.js': WORKER },
  }],
  invalid: [{
    name: 'a Bull queue from an untyped Map filled by a memoizing factory',
    files: { 'package.json': PACKAGE, 'lib/util/queue.cjs': FACTORY(''), 'worker.js': WORKER },
    errors: [{ messageId: 'unguarded', file: 'worker.js', ...at(WORKER, 'process(') }],
  }],
});
