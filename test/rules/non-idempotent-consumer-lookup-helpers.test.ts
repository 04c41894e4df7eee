/**
 * non-idempotent-consumer: existence checks through a lookup helper and around a callback, on the models
 * DEFRA's ffc-database hands out (`new Database({ ...config, modelPath }).connect()`: Sequelize models by
 * name, `db.d365.create(...)`, `db.sequelize.transaction()`).
 * - A helper named as a lookup whose body looks the written store up (`getExisting(ref)` returning what
 *   `db.d365.count({ where })` found) is the lookup: `if (existing) return` before the create dedupes it.
 * - The create may sit in a callback written inline as a call's argument (`await retry(async () => { ... })`):
 *   the check before that call still runs first.
 * - A helper that looks up another store, or the create without the check, keeps the finding.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const DATA = lines(
  "const { Database } = require('ffc-database')",
  "const db = new Database({ dialect: 'postgres', modelPath: __dirname + '/models' }).connect()",
  'module.exports = db',
);

const LOOKUPS = lines(
  "const db = require('../data')",
  'const getExisting = async (paymentReference) => {',
  '  const found = await db.d365.count({ where: { paymentReference }, limit: 1 })',
  '  return found > 0 ? { paymentReference } : null',
  '}',
  'const getScheme = async (code) => db.scheme.findOne({ where: { code } })',
  'module.exports = { getExisting, getScheme }',
);

const processing = (check: string) => lines(
  "const db = require('../data')",
  "const { getExisting, getScheme } = require('./lookups')",
  'const retry = async (fn) => fn()',
  'module.exports = async (d365) => {',
  check,
  '  await retry(async () => {',
  '    const transaction = await db.sequelize.transaction()',
  '    await db.d365.create({ paymentReference: d365.paymentReference }, { transaction })',
  '    await transaction.commit()',
  '  })',
  '}',
);

const RECEIVER = lines(
  "const { MessageReceiver } = require('ffc-messaging')",
  "const processD365 = require('../inbound/process')",
  'const start = async () => {',
  "  const receiver = new MessageReceiver({ address: 'd365', topic: 'd365', type: 'subscription' }, async (message) => {",
  '    await processD365(message.body)',
  '    await receiver.completeMessage(message)',
  '  })',
  '  await receiver.subscribe()',
  '}',
  'module.exports = { start }',
);

const workspace = (check: string) => ({
  'app/data/index.js': DATA,
  'app/inbound/lookups.js': LOOKUPS,
  'app/inbound/process.js': processing(check),
  'app/messaging/index.js': RECEIVER,
});

const reported = [{ messageId: 'unguarded', file: 'app/messaging/index.js', ...at(RECEIVER, 'new MessageReceiver'), messageIncludes: 'd365.create()' }];

runRuleTests('non-idempotent-consumer', {
  valid: [{
    name: 'a lookup helper counting the rows of the written model, checked before the callback that creates the row',
    files: workspace('  if (await getExisting(d365.paymentReference)) return'),
  }, {
    name: 'the same check through a variable',
    files: workspace(lines('  const existing = await getExisting(d365.paymentReference)', '  if (existing) return').trimEnd()),
  }],
  invalid: [{
    name: 'ffc-database models: the create with no check is repeated by a redelivery',
    files: workspace('  console.log(d365.paymentReference)'),
    errors: reported,
  }, {
    name: 'a lookup helper on another model does not tell whether this message was handled',
    files: workspace(lines('  const scheme = await getScheme(d365.schemeCode)', '  if (!scheme) return').trimEnd()),
    errors: reported,
  }],
});
