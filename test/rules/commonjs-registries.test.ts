/**
 * CommonJS registries, found on originprotocol-dshop: Bull queues built from `require('bull')` (or a
 * local stand-in when Redis is not configured), kept in an array and exported under computed names
 * (`module.exports[`${queue.name}Queue`] = queue` in a `for...of`), taken as `queues['txQueue']` or
 * destructured; and Sequelize models loaded by the sequelize-cli index (`sequelize['import'](file)`
 * for each file of the folder, `db[model.name] = model`), taken by destructuring or as
 * `require('../models').Transaction`. Each member of such a registry is one of
 * the values assigned to it, so `Transaction.create` is a write and `txQueue.add` a publish.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const MODELS = lines(
  "const fs = require('fs')",
  "const path = require('path')",
  "const Sequelize = require('sequelize')",
  '',
  'const db = {}',
  'const sequelize = new Sequelize(process.env.DATABASE_URL)',
  '',
  'fs.readdirSync(__dirname)',
  "  .filter((file) => file !== 'index.js')",
  '  .forEach((file) => {',
  "    const model = sequelize['import'](path.join(__dirname, file))",
  '    db[model.name] = model',
  '  })',
  '',
  'db.sequelize = sequelize',
  'module.exports = db',
);

const TRANSACTION_MODEL = lines(
  'module.exports = (sequelize, DataTypes) => sequelize.define(\'Transaction\', { status: DataTypes.STRING })',
);

const QUEUES = (queueModule: string) => lines(
  `const Queue = process.env.REDIS_URL ? require('${queueModule}') : require('./fallbackQueue')`,
  '',
  'const all = [',
  "  new Queue('tx', process.env.REDIS_URL),",
  "  new Queue('makeOffer', process.env.REDIS_URL),",
  ']',
  '',
  'module.exports = {}',
  'for (const queue of all) {',
  '  module.exports[`${queue.name}Queue`] = queue',
  '}',
);

const FALLBACK = lines(
  'class FallbackQueue {',
  '  constructor (name) { this.name = name }',
  '  add (data) { return this.processor({ data }) }',
  '  process (fn) { this.processor = fn }',
  '}',
  'module.exports = FallbackQueue',
);

const ROUTE_FILE = 'backend/routes/crypto.js';
const ROUTE = lines(
  "const { Transaction } = require('../models')",
  "const { txQueue } = require('../queues/queues')",
  '',
  'async function pay (req, res) {',
  "  const tx = await Transaction.create({ status: 'pending' })",
  '  await txQueue.add({ txId: tx.id })',
  '  res.json({ id: tx.id })',
  '}',
  'module.exports = { pay }',
);

const PROCESSOR_FILE = 'backend/queues/txProcessor.js';
const PROCESSOR = lines(
  "const { Transaction } = require('../models')",
  "const queues = require('./queues')",
  '',
  'async function processor (job) {',
  "  await Transaction.create({ status: 'confirmed' })",
  '}',
  '',
  'function attachToQueue () {',
  "  const queue = queues['txQueue']",
  '  queue.process(processor)',
  '}',
  'module.exports = { attachToQueue }',
);

const files = (queueModule = 'bull') => ({
  'backend/models/index.js': MODELS,
  'backend/models/transaction.js': TRANSACTION_MODEL,
  'backend/queues/queues.js': QUEUES(queueModule),
  'backend/queues/fallbackQueue.js': FALLBACK,
  [ROUTE_FILE]: ROUTE,
  [PROCESSOR_FILE]: PROCESSOR,
});

runRuleTests('dual-write', {
  valid: [{ name: 'the same code when both sides of the choice are local modules', files: files('./otherQueue') }],
  invalid: [
    { name: 'a model of the sequelize-cli index, then a queue of the exported registry', files: files(), errors: [{ messageId: 'dualWrite', file: ROUTE_FILE, ...at(ROUTE, 'add(') }] },
    {
      name: 'a model taken straight off the require: require(...).Transaction',
      files: { ...files(), [ROUTE_FILE]: ROUTE.replace("const { Transaction } = require('../models')", "const Transaction = require('../models').Transaction") },
      errors: [{ messageId: 'dualWrite', file: ROUTE_FILE, ...at(ROUTE, 'add(') }],
    },
  ],
});

runRuleTests('non-idempotent-consumer', {
  valid: [],
  invalid: [{ name: "a processor attached to queues['txQueue'] inserts a row", files: files(), errors: [{ messageId: 'unguarded', file: PROCESSOR_FILE, ...at(PROCESSOR, 'process(') }] }],
});
