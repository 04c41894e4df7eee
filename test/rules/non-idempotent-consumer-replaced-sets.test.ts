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
