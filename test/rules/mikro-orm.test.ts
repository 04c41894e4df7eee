/**
 * MikroORM (libraries/mikroorm.ts) as the rules see it: the EntityManager's and repositories' writes,
 * its transactions and raw SQL, read through an injected `EntityManager` and an `EntityRepository<T>`.
 */
import { runRuleTests } from '../support/ruleTester';

/** Joins lines so that fixture line N is element N-1. */
const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** An order service: the write (line 11), then a Kafka publish (line 12). */
const orders = (write: string) => lines(
  "import { EntityManager } from '@mikro-orm/postgresql';",
  "import { Kafka } from 'kafkajs';",
  "import { Order } from './order.entity';",
  '',
  "const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();",
  '',
  'export class OrderService {',
  '  constructor(private readonly em: EntityManager) {}',
  '  async place(customerId: string, correlationId: string) {',
  '    const order = this.em.create(Order, { customerId });',
  `    ${write}`,
  "    await producer.send({ topic: 'orders.placed', messages: [{ value: JSON.stringify({ id: order.id }), headers: { correlationId } }] });",
  '  }',
  '}',
);
const entity = 'export class Order { id!: string; customerId!: string; }\n';

runRuleTests('dual-write', {
  valid: [
    {
      name: 'persist alone stages the entity: nothing is written before the publish',
      files: { 'src/orders.ts': orders('this.em.persist(order);'), 'src/order.entity.ts': entity },
    },
  ],
  invalid: [
    {
      name: 'em.persistAndFlush then a Kafka publish',
      files: { 'src/orders.ts': orders('await this.em.persistAndFlush(order);'), 'src/order.entity.ts': entity },
      errors: [{ messageId: 'dualWrite', file: 'src/orders.ts', line: 12, column: 20, messageIncludes: 'This flow writes `Order.persistAndFlush()`' }],
    },
    {
      name: 'em.nativeInsert with the entity class',
      files: { 'src/orders.ts': orders('await this.em.nativeInsert(Order, { customerId });'), 'src/order.entity.ts': entity },
      errors: [{ messageId: 'dualWrite', file: 'src/orders.ts', line: 12, column: 20, messageIncludes: 'This flow writes `Order.nativeInsert()`' }],
    },
    {
      name: 'a repository of the entity (EntityRepository<Order>) through em.getRepository',
      files: { 'src/orders.ts': orders('await this.em.getRepository(Order).nativeUpdate({ customerId }, { customerId });'), 'src/order.entity.ts': entity },
      errors: [{ messageId: 'dualWrite', file: 'src/orders.ts', line: 12, column: 20, messageIncludes: 'This flow writes `Order.nativeUpdate()`' }],
    },
  ],
});

runRuleTests('unjustified-distributed-lock', {
  valid: [],
  invalid: [
    {
      name: 'an advisory lock taken through em.execute inside em.transactional (the function name held in a constant)',
      code: lines(
        "import { EntityManager } from '@mikro-orm/core';",
        'export class Locks {',
        '  constructor(private readonly em: EntityManager) {}',
        '  run(key: number, job: () => Promise<void>) {',
        '    return this.em.transactional(async (manager) => {',
        "      const fnName = 'pg_advisory_xact_lock';",
        '      await manager.execute(`SELECT ${fnName}(?)`, [key]);',
        '      await job();',
        '    });',
        '  }',
        '}',
      ),
      errors: [{ messageId: 'databaseLock', line: 7, column: 21, messageIncludes: '`pg_advisory_xact_lock()`' }],
    },
  ],
});
