/**
 * non-idempotent-consumer: an insert is idempotent by construction when it sets a primary or unique
 * key its TypeORM entity declares with decorators (`@PrimaryColumn()`, `@Column({ unique: true })`,
 * `@Index({ unique: true })`, class `@Unique([...])` / `@Index([...], { unique: true })`) from the
 * message: a redelivery collides on the key instead of adding a second row. A generated primary key,
 * plain columns, or a compound key only partly given keep the finding. The same for mongoose: `unique: true`
 * on a schema path, a compound `schema.index({...}, { unique: true })`, and NestJS `@Prop({ unique: true })`
 * on the `@Schema()` class a `Model<XDocument>` names.
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
function consumer(body: string, extraImport = ''): string {
  return lines(
    "import { Kafka } from 'kafkajs';", //                                                               1
    "import { DataSource } from 'typeorm';", //                                                          2
    "import { Line, Payment, Receipt } from './entities';", //                                           3
    extraImport, //                                                                                      4
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

const workspace = (body: string, extraImport = '') => ({
  'services/billing/package.json': '{ "name": "billing", "dependencies": { "typeorm": "^0.3.0", "kafkajs": "^2.0.0" } }\n',
  'services/billing/src/entities.ts': ENTITIES,
  'services/billing/src/consumer.ts': consumer(body, extraImport),
});

const MONGOOSE_MODELS = lines(
  "import { Schema, model } from 'mongoose';",
  '',
  'const paymentSchema = new Schema({ orderId: { type: String, required: true, unique: true }, amount: Number });',
  'export const Payment = model(\'Payment\', paymentSchema);',
  '',
  'const lineSchema = new Schema({ orderId: String, lineNo: Number, sku: { type: String, index: true } });',
  'lineSchema.index({ orderId: 1, lineNo: 1 }, { unique: true });',
  'export const Line = model(\'Line\', lineSchema);',
);

const NEST_SCHEMA = lines(
  "import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';",
  "import { HydratedDocument } from 'mongoose';",
  '',
  '@Schema()',
  'export class Receipt {',
  '  @Prop({ required: true, unique: true }) eventId!: string;',
  '  @Prop() orderId!: string;',
  '}',
  'export type ReceiptDocument = HydratedDocument<Receipt>;',
  'export const ReceiptSchema = SchemaFactory.createForClass(Receipt);',
);

/** A NestJS RMQ handler (manual ack) writing through an injected mongoose model; the write is on line 15. */
function nestHandler(write: string): string {
  return lines(
    "import { Controller } from '@nestjs/common';", //                                         1
    "import { Ctx, EventPattern, Payload, RmqContext } from '@nestjs/microservices';", //      2
    "import { InjectModel } from '@nestjs/mongoose';", //                                      3
    "import { Model } from 'mongoose';", //                                                    4
    "import { Receipt, ReceiptDocument } from './receipt.schema';", //                         5
    '', //                                                                                     6
    '@Controller()', //                                                                        7
    'export class ReceiptsController {', //                                                   8
    '  constructor(@InjectModel(Receipt.name) private readonly receipts: Model<ReceiptDocument>) {}', // 9
    '', //                                                                                    10
    "  @EventPattern('payment.captured')", //                                                 11
    '  async onCaptured(@Payload() event: { id: string; orderId: string }, @Ctx() ctx: RmqContext) {', // 12
    '    const channel = ctx.getChannelRef();', //                                           13
    '    const message = ctx.getMessage();', //                                              14
    `    ${write}`, //                                                                         15
    '    channel.ack(message);', //                                                           16
    '  }', //
    '}',
  );
}

const mongooseWorkspace = (body: string) => ({
  'services/billing/package.json': '{ "name": "billing", "dependencies": { "mongoose": "^8.0.0", "kafkajs": "^2.0.0" } }\n',
  'services/billing/src/entities.ts': MONGOOSE_MODELS,
  'services/billing/src/consumer.ts': consumer(body),
});

const nestWorkspace = (write: string, payload = '{ id: string; orderId: string }') => ({
  'services/receipts/package.json': '{ "name": "receipts", "dependencies": { "@nestjs/mongoose": "^10.0.0", "mongoose": "^8.0.0", "@nestjs/microservices": "^10.0.0" } }\n',
  'services/receipts/src/receipt.schema.ts': NEST_SCHEMA,
  'services/receipts/src/receipts.controller.ts': nestHandler(write).replace('event: { id: string; orderId: string }', `event: ${payload}`),
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
    {
      name: 'a repository method inserts its parameter; its only caller gives a literal setting the @Column({ unique: true })',
      files: {
        ...workspace('      await new ReceiptRepository().create({ eventId: event.id, orderId: event.orderId });', "import { ReceiptRepository } from './receipt.repository';"),
        'services/billing/src/receipt.repository.ts': lines(
          "import { DataSource } from 'typeorm';",
          "import { Receipt } from './entities';",
          "const dataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });",
          'export class ReceiptRepository {',
          '  private readonly repo = dataSource.getRepository(Receipt);',
          '  async create(body: { eventId: string; orderId: string }) {',
          '    return this.repo.insert(body);',
          '  }',
          '}',
        ),
      },
    },
    {
      name: 'mongoose Model.create sets a schema path declared unique: true',
      files: mongooseWorkspace('      await Payment.create({ orderId: event.orderId, amount: event.amount });'),
    },
    {
      name: 'mongoose new Model(...).save() sets every field of a compound unique schema.index',
      files: mongooseWorkspace('      await new Line({ orderId: event.orderId, lineNo: event.lineNo, sku: event.sku }).save();'),
    },
    {
      name: 'NestJS @InjectModel: create sets a @Prop({ unique: true }) of the @Schema class behind HydratedDocument',
      files: nestWorkspace('await this.receipts.create({ eventId: event.id, orderId: event.orderId });'),
    },
    {
      name: 'the unique key set through a spread of the payload whose type requires it',
      files: nestWorkspace('await this.receipts.create({ ...event, receivedAt: new Date() });', '{ eventId: string; orderId: string }'),
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
    {
      name: 'mongoose: a non-unique index and a compound unique index only partly given',
      files: mongooseWorkspace('      await Line.create({ orderId: event.orderId, sku: event.sku });'),
      errors: [{ messageId: 'unguarded', file: 'services/billing/src/consumer.ts', line: 10, column: 5, messageIncludes: 'writes `create into Line` (services/billing/src/consumer.ts:12)' }],
    },
    {
      name: 'NestJS @InjectModel: create sets only a @Prop that is not unique',
      files: nestWorkspace('await this.receipts.create({ orderId: event.orderId });'),
      errors: [{ messageId: 'unguarded', file: 'services/receipts/src/receipts.controller.ts', line: 11, column: 4, messageIncludes: '(services/receipts/src/receipts.controller.ts:15)' }],
    },
    {
      name: 'a spread of a payload whose type makes the unique key optional does not give it',
      files: nestWorkspace('await this.receipts.create({ ...event, receivedAt: new Date() });', '{ eventId?: string; orderId: string }'),
      errors: [{ messageId: 'unguarded', file: 'services/receipts/src/receipts.controller.ts', line: 11, column: 4 }],
    },
  ],
});
