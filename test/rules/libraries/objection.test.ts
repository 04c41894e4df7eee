/**
 * Objection.js: models extending `Model` (through a workspace base model), their table from
 * `static tableName`; `Model.query(trx).insert()` is a write, `insert` with the row's id or
 * `.onConflict().ignore()` is idempotent, `patch` is idempotent, `increment` is not.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

/** The package's models: a base model and the invoice model (table `invoices`). */
const MODELS = {
  'packages/postgres/src/models/base-model.ts': lines(
    "import { Model } from 'objection';",
    '',
    'export default class BaseModel extends Model {',
    '  static get modelPaths() {',
    '    return [__dirname];',
    '  }',
    '}',
  ),
  'packages/postgres/src/models/invoice-model.ts': lines(
    "import BaseModel from './base-model';",
    '',
    'export default class InvoiceModel extends BaseModel {',
    "  static tableName = 'invoices';",
    '  id!: string;',
    '  orderId!: string;',
    '}',
  ),
};

/** A billing consumer that records an invoice with `write`, then announces it. */
const billing = (write: string) => lines(
  "import { Kafka } from 'kafkajs';",
  "import InvoiceModel from '../../../packages/postgres/src/models/invoice-model';",
  '',
  "const kafka = new Kafka({ brokers: ['kafka:9092'] });",
  'const producer = kafka.producer();',
  '',
  'export async function invoiceOrder(order: { id: string; eventId: string; total: number }) {',
  `  ${write}`,
  "  await producer.send({ topic: 'invoices.created', messages: [{ key: order.id, value: JSON.stringify({ orderId: order.id, correlationId: order.eventId }) }] });",
  '}',
);

/** A kafkajs consumer whose handler records an invoice with `write`. */
const consumer = (write: string) => lines(
  "import { Kafka } from 'kafkajs';",
  "import InvoiceModel from '../../../packages/postgres/src/models/invoice-model';",
  '',
  "const consumerClient = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'billing' });",
  '',
  'export async function run() {',
  "  await consumerClient.subscribe({ topic: 'orders.placed' });",
  '  await consumerClient.run({',
  '    eachMessage: async ({ message }) => {',
  '      const order = JSON.parse(message.value!.toString());',
  `      ${write}`,
  '    },',
  '  });',
  '}',
);

const INSERT = 'await InvoiceModel.query().insert({ orderId: order.id });';

runRuleTests('dual-write', {
  valid: [
    { name: 'a read of the model, then a publish', files: { ...MODELS, 'services/billing/src/invoice.ts': billing('await InvoiceModel.query().findById(order.id);') } },
  ],
  invalid: [
    {
      name: 'an insert through a model of a workspace base model, then a publish',
      files: { ...MODELS, 'services/billing/src/invoice.ts': billing(INSERT) },
      errors: [{ messageId: 'dualWrite', file: 'services/billing/src/invoice.ts', ...at(billing(INSERT), 'send('), messageIncludes: '`insert into invoices`' }],
    },
  ],
});

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'an insert that names the row (its id from the message)', files: { ...MODELS, 'services/billing/src/consumer.ts': consumer('await InvoiceModel.query().insert({ id: order.eventId, orderId: order.id });') } },
    { name: 'an insert that ignores a conflict', files: { ...MODELS, 'services/billing/src/consumer.ts': consumer("await InvoiceModel.query().insert({ orderId: order.id }).onConflict('orderId').ignore();") } },
    { name: 'a patch', files: { ...MODELS, 'services/billing/src/consumer.ts': consumer("await InvoiceModel.query().patch({ status: 'paid' }).where('orderId', order.id);") } },
  ],
  invalid: [
    {
      name: 'a plain insert',
      files: { ...MODELS, 'services/billing/src/consumer.ts': consumer(INSERT) },
      errors: [{ messageId: 'unguarded', file: 'services/billing/src/consumer.ts', ...at(consumer(INSERT), 'eachMessage'), messageIncludes: 'insert into invoices' }],
    },
    {
      name: 'an increment',
      files: { ...MODELS, 'services/billing/src/consumer.ts': consumer("await InvoiceModel.query().where('orderId', order.id).increment('attempts', 1);") } ,
      errors: [{ messageId: 'unguarded', file: 'services/billing/src/consumer.ts', ...at(consumer("await InvoiceModel.query().where('orderId', order.id).increment('attempts', 1);"), 'eachMessage'), messageIncludes: 'increment on invoices' }],
    },
  ],
});
