/**
 * non-idempotent-consumer: an insert is idempotent by construction when it sets a primary or unique
 * key its TypeORM entity declares with decorators (`@PrimaryColumn()`, `@Column({ unique: true })`,
 * `@Index({ unique: true })`, class `@Unique([...])` / `@Index([...], { unique: true })`) from the
 * message: a redelivery collides on the key instead of adding a second row. A generated primary key,
 * plain columns, or a compound key only partly given keep the finding.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const ENTITIES = lines(
  "import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';",
  '',
  '@Entity()',
  'export class Payment {',
  '  @PrimaryColumn() orderId!: string;',
  '  @Column() amount!: number;',
  '}',
  '',
  '@Entity()',
  'export class Receipt {',
  "  @PrimaryGeneratedColumn('uuid') id!: string;",
  '  @Column({ unique: true }) eventId!: string;',
  '  @Column() orderId!: string;',
  '}',
  '',
  '@Entity()',
  "@Unique(['orderId', 'lineNo'])",
  'export class Line {',
  '  @PrimaryGeneratedColumn() id!: number;',
  '  @Column() orderId!: string;',
  '  @Column() lineNo!: number;',
  '  @Index() @Column() sku!: string;',
  '}',
);

/** A Kafka consumer whose handler body starts at line 12. */
function consumer(body: string): string {
  return lines(
    "import { Kafka } from 'kafkajs';", //                                                               1
    "import { DataSource } from 'typeorm';", //                                                          2
    "import { Line, Payment, Receipt } from './entities';", //                                           3
    '', //                                                                                               4
    "const dataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });", //        5
    "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'billing' });", //     6
    '', //                                                                                               7
    'export async function start() {', //                                                                8
    '  await consumer.run({', //                                                                         9
    '    eachMessage: async ({ message }) => {', //                                                     10
    "      const event = JSON.parse(message.value!.toString()) as { id: string; orderId: string; amount: number; lineNo: number; sku: string };", // 11
    body, //                                                                                             12
    '    },', //
    '  });', //
    '}',
  );
}

const workspace = (body: string) => ({
  'services/billing/package.json': '{ "name": "billing", "dependencies": { "typeorm": "^0.3.0", "kafkajs": "^2.0.0" } }\n',
  'services/billing/src/entities.ts': ENTITIES,
  'services/billing/src/consumer.ts': consumer(body),
});

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'save() through getRepository sets the entity\'s @PrimaryColumn from the message',
      files: workspace('      await dataSource.getRepository(Payment).save({ orderId: event.orderId, amount: event.amount });'),
    },
    {
      name: 'insert() sets a @Column({ unique: true }) from the message, through repo.create',
      files: workspace('      const repo = dataSource.getRepository(Receipt);\n      const row = repo.create({ eventId: event.id, orderId: event.orderId });\n      await repo.insert(row);'),
    },
    {
      name: 'manager.insert sets every field of a class @Unique([orderId, lineNo])',
      files: workspace('      await dataSource.manager.insert(Line, { orderId: event.orderId, lineNo: event.lineNo, sku: event.sku });'),
    },
  ],
  invalid: [
    {
      name: 'a generated primary key and plain columns: a redelivery adds a second row',
      files: workspace('      await dataSource.getRepository(Receipt).insert({ orderId: event.orderId });'),
      errors: [{ messageId: 'unguarded', file: 'services/billing/src/consumer.ts', line: 10, column: 5, messageIncludes: 'writes `Receipt.insert()` (services/billing/src/consumer.ts:12)' }],
    },
    {
      name: 'a compound unique key only partly given, and a non-unique index',
      files: workspace('      await dataSource.manager.insert(Line, { orderId: event.orderId, sku: event.sku });'),
      errors: [{ messageId: 'unguarded', file: 'services/billing/src/consumer.ts', line: 10, column: 5, messageIncludes: 'writes `manager.insert(Line)` (services/billing/src/consumer.ts:12)' }],
    },
  ],
});
