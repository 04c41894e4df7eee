/**
 * non-idempotent-consumer: an existence check before a write (rules/existenceCheckGuard.ts). The
 * handler looks the row up in the store it writes and writes only when nothing was found: a
 * redelivery finds the first delivery's row. A lookup in another store, a write on the branch where
 * the row was found, or a lookup whose result decides nothing keep the finding.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const MODELS = lines(
  "import { Schema, model } from 'mongoose';",
  "export const Customer = model('Customer', new Schema({ externalId: String, name: String, visits: Number }));",
  "export const Account = model('Account', new Schema({ ownerId: String, active: Boolean }));",
);

/** A Kafka consumer whose handler body starts at line 10. */
function consumer(body: string): string {
  return lines(
    "import { Kafka } from 'kafkajs';", //                                                              1
    "import { Account, Customer } from './models';", //                                                 2
    "import { assertNew, assertOwner, customers, ingest } from './customers';", //                   3
    "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'crm' });", //         4
    '', //                                                                                              5
    'export async function start() {', //                                                               6
    '  await consumer.run({', //                                                                        7
    '    eachMessage: async ({ message }) => {', //                                                    8
    "      const event = JSON.parse(message.value!.toString()) as { id: string; name: string };", //    9
    body, //                                                                                           10
    '    },', //
    '  });', //
    '}',
  );
}

/** A service the handler calls: its own lookup and its own create. */
const SERVICE = lines(
  "import { Account, Customer } from './models';",
  'export const customers = {',
  '  findByExternalId: (externalId: string) => Customer.findOne({ externalId }).exec(),',
  '  create: (externalId: string, name: string) => Customer.create({ externalId, name }),',
  '};',
  '',
  '/** Creates the customer once, then opens its account in another store. */',
  'export async function ingest(externalId: string, name: string) {',
  '  const exists = await Customer.findOne({ externalId });',
  '  if (exists) return;',
  '  await Customer.create({ externalId, name });',
  '  await openAccount(externalId);',
  '}',
  '',
  'async function openAccount(ownerId: string) {',
  '  await Account.create({ ownerId, active: true });',
  '}',
  '',
  '/** Throws when the customer already exists. */',
  'export async function assertNew(externalId: string) {',
  '  const found = await Customer.findOne({ externalId });',
  "  if (found) throw new Error('customer exists');",
  '}',
  '',
  '/** Throws when the owner is unknown: a validation, not a deduplication. */',
  'export async function assertOwner(ownerId: string) {',
  "  if (!(await Customer.findOne({ externalId: ownerId }))) throw new Error('unknown owner');",
  '}',
);

const workspace = (body: string) => ({
  'services/crm/package.json': '{ "name": "crm", "dependencies": { "mongoose": "^8.0.0", "kafkajs": "^2.0.0" } }\n',
  'services/crm/src/models.ts': MODELS,
  'services/crm/src/customers.ts': SERVICE,
  'services/crm/src/consumer.ts': consumer(body),
});

/** The create after `if (!isNil(seen)) return;` (lodash's nullish test). */
const NIL_CHECKED = lines(
  '      const seen = await Customer.findOne({ externalId: event.id });',
  '      if (!isNil(seen)) return;',
  '      await Customer.create({ externalId: event.id, name: event.name });',
);

/** A repository class whose own method looks the row up and creates it only when missing, both on `this`. */
const REPOSITORY = lines(
  "import { EntityRepository } from '@mikro-orm/postgresql';",
  'export class Customer { id!: number; externalId!: string; name!: string; }',
  'export class CustomerRepository extends EntityRepository<Customer> {',
  '  findByExternalId(externalId: string) { return this.findOne({ externalId }); }',
  '  async addOrSkip(externalId: string, name: string) {',
  '    const found = await this.findByExternalId(externalId);',
  '    if (found) return found;',
  '    const customer = this.create({ externalId, name });',
  '    await this.persistAndFlush(customer);',
  '    return customer;',
  '  }',
  '}',
);

const reported = (line: number) => [{ messageId: 'unguarded', file: 'services/crm/src/consumer.ts', line, column: 5 }];

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'found, updated in place; not found, created (an application-level upsert on the same model)',
      files: workspace(lines(
        '      const existing = await Customer.findOne({ externalId: event.id }).exec();',
        '      if (existing) {',
        '        existing.name = event.name;',
        '        await existing.save();',
        '      } else {',
        '        await Customer.create({ externalId: event.id, name: event.name });',
        '      }',
      )),
    },
    {
      name: 'a lookup of many rows: the first one found is updated, else one is created (`rows && rows[0]`)',
      files: workspace(lines(
        '      const rows = await Customer.find({ externalId: event.id });',
        '      if (rows && rows[0]) {',
        '        rows[0].name = event.name;',
        '        await rows[0].save();',
        '      } else {',
        '        await Customer.create({ externalId: event.id, name: event.name });',
        '      }',
      )),
    },
    {
      name: 'an early return when a lookup of many rows found some (`rows.length > 0`)',
      files: workspace(lines(
        '      const rows = await Customer.find({ externalId: event.id });',
        '      if (rows.length > 0) return;',
        '      await Customer.create({ externalId: event.id, name: event.name });',
      )),
    },
    {
      name: 'an early return when a nullish test of the lookup says the row exists (`!isNil(found)`)',
      files: { ...workspace(''), 'services/crm/src/consumer.ts': `import { isNil } from 'lodash';\n${consumer(NIL_CHECKED)}` },
    },
    {
      name: 'an early return when the row exists',
      files: workspace(lines(
        '      const seen = await Customer.findOne({ externalId: event.id });',
        '      if (seen != null) return;',
        '      await Customer.create({ externalId: event.id, name: event.name });',
      )),
    },
    {
      name: 'the create only under `if (!found)`, the lookup awaited in the condition itself',
      files: workspace(lines(
        '      if (!(await Customer.exists({ externalId: event.id }))) {',
        '        await Customer.create({ externalId: event.id, name: event.name });',
        '      }',
      )),
    },
    {
      name: 'a service lookup and a service create: the check is on the same receiver in the handler',
      files: workspace(lines(
        '      const existing = await customers.findByExternalId(event.id);',
        '      if (existing === null) await customers.create(event.id, event.name);',
      )),
    },
    {
      name: 'a check in a function on the way guards what follows it: the flow writes the checked store after the check, so a repeat stops there',
      files: workspace('      await ingest(event.id, event.name);'),
    },
    {
      name: 'a validator called before the create throws when the row exists',
      files: workspace(lines(
        '      await assertNew(event.id);',
        '      await Customer.create({ externalId: event.id, name: event.name });',
      )),
    },
    {
      name: 'a repository method that looks its own row up on `this` and creates it only when missing',
      files: {
        'services/crm/package.json': '{ "name": "crm", "dependencies": { "@mikro-orm/postgresql": "^6.0.0", "kafkajs": "^2.0.0" } }\n',
        'services/crm/src/customer.repository.ts': REPOSITORY,
        'services/crm/src/consumer.ts': lines(
          "import { Kafka } from 'kafkajs';",
          "import { CustomerRepository } from './customer.repository';",
          "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'crm' });",
          'export async function start(customers: CustomerRepository) {',
          '  await consumer.run({',
          '    eachMessage: async ({ message }) => {',
          "      const event = JSON.parse(message.value!.toString()) as { id: string; name: string };",
          '      await customers.addOrSkip(event.id, event.name);',
          '    },',
          '  });',
          '}',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'a validator that throws when the row is missing does not stop a repeat',
      files: workspace(lines(
        '      await assertOwner(event.id);',
        '      await Customer.create({ externalId: event.id, name: event.name });',
      )),
      errors: reported(8),
    },
    {
      name: 'the lookup is in another store: it does not tell whether this message was handled',
      files: workspace(lines(
        '      const account = await Account.findOne({ ownerId: event.id });',
        '      if (!account) return;',
        '      await Customer.create({ externalId: event.id, name: event.name });',
      )),
      errors: reported(8),
    },
    {
      name: 'the create runs on the branch where the row was found',
      files: workspace(lines(
        '      const existing = await Customer.findOne({ externalId: event.id });',
        '      if (existing) await Customer.create({ externalId: event.id, name: `${event.name} (copy)` });',
      )),
      errors: reported(8),
    },
    {
      name: 'found rows and another condition together: the else branch also runs when a row was found',
      files: workspace(lines(
        '      const rows = await Customer.find({ externalId: event.id });',
        '      if (rows[0] && event.name === rows[0].name) {',
        "        console.log('unchanged');",
        '      } else {',
        '        await Customer.create({ externalId: event.id, name: event.name });',
        '      }',
      )),
      errors: reported(8),
    },
    {
      name: 'a lookup whose result decides nothing',
      files: workspace(lines(
        '      const existing = await Customer.findOne({ externalId: event.id });',
        "      console.log('existing', existing);",
        '      await Customer.create({ externalId: event.id, name: event.name });',
      )),
      errors: reported(8),
    },
  ],
});
