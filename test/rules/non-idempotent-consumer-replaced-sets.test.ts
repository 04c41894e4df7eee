/**
 * non-idempotent-consumer: a handler that deletes a store's rows and then inserts them again from the
 * message replaces the set on every delivery: a redelivery ends where the first left off. An insert with
 * no delete before it, or after a delete of another store, repeats.
 */
import { runRuleTests } from '../support/ruleTester';

/** A Kafka consumer (line 8) that runs `body` for each flash-sale update. */
const consumer = (body: string) => ({
  'services/orders/src/flash-sales.consumer.ts': `import { Kafka } from 'kafkajs';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'orders' });

export async function start() {
  await consumer.run({
    eachMessage: async ({ message }) => {
      const sale = JSON.parse(message.value!.toString()) as { id: string; products: { sku: string; price: number }[] };
${body}
    },
  });
}
`,
});

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'the sale\'s products are deleted, then created again from the message',
      files: consumer(`      await prisma.flashSaleProduct.deleteMany({ where: { saleId: sale.id } });
      await prisma.flashSaleProduct.createMany({ data: sale.products.map((p) => ({ ...p, saleId: sale.id })) });`),
    },
  ],
  invalid: [
    {
      name: 'created with no delete before it',
      files: consumer('      await prisma.flashSaleProduct.createMany({ data: sale.products.map((p) => ({ ...p, saleId: sale.id })) });'),
      errors: [{ messageId: 'unguarded', line: 9, column: 5 }],
    },
    {
      name: 'the delete is of another store',
      files: consumer(`      await prisma.cartItem.deleteMany({ where: { saleId: sale.id } });
      await prisma.flashSaleProduct.createMany({ data: sale.products.map((p) => ({ ...p, saleId: sale.id })) });`),
      errors: [{ messageId: 'unguarded', line: 9, column: 5 }],
    },
    {
      name: 'the delete comes after the insert',
      files: consumer(`      await prisma.flashSaleProduct.createMany({ data: sale.products.map((p) => ({ ...p, saleId: sale.id })) });
      await prisma.flashSaleProduct.deleteMany({ where: { saleId: sale.id, price: 0 } });`),
      errors: [{ messageId: 'unguarded', line: 9, column: 5 }],
    },
  ],
});

/**
 * The same with the MongoDB driver and Mongoose: `deleteMany` of the commune's streets (run together in
 * a `Promise.all`) before their `insertMany` (ban-plateforme's composition job), and a Mongoose model's
 * `deleteMany` before its `insertMany`.
 */
const mongoConsumer = (body: string) => ({
  'services/addresses/src/compose.consumer.ts': `import { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { model, Schema } from 'mongoose';

const db = new MongoClient(process.env.MONGO_URL!).db();
const Street = model('Street', new Schema({ code: String, name: String }));
const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'compose' });

export async function start() {
  await consumer.run({
    eachMessage: async ({ message }) => {
      const commune = JSON.parse(message.value!.toString()) as { code: string; streets: { name: string }[] };
${body}
    },
  });
}
`,
});
const STREETS = "commune.streets.map((s) => ({ ...s, code: commune.code }))";

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'MongoDB: the streets are deleted (in a Promise.all), then inserted again from the message',
      files: mongoConsumer(`      await Promise.all([db.collection('streets').deleteMany({ code: commune.code }), db.collection('numbers').deleteMany({ code: commune.code })]);
      await db.collection('streets').insertMany(${STREETS});`),
    },
    {
      name: "Mongoose: the model's documents are deleted, then inserted again",
      files: mongoConsumer(`      await Street.deleteMany({ code: commune.code });
      await Street.insertMany(${STREETS});`),
    },
  ],
  invalid: [
    {
      name: 'MongoDB: inserted with no delete before it',
      files: mongoConsumer(`      await db.collection('streets').insertMany(${STREETS});`),
      errors: [{ messageId: 'unguarded', line: 11, column: 5 }],
    },
  ],
});
