/**
 * Temporal: starting a workflow after a datastore write is a dual write (the workflow runs in
 * other processes); the start carries its workflow id, so it is not a missing correlation id;
 * activities are not consumers.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const CLIENT_START = lines(
  "import { Client } from '@temporalio/client';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  'const client = new Client();',
  '',
  'export async function placeOrder(input: { sku: string }) {',
  '  const order = await prisma.order.create({ data: { sku: input.sku } });',
  "  await client.workflow.start('fulfilOrder', { taskQueue: 'orders', workflowId: `order-${order.id}`, args: [order.id] });",
  '  return order;',
  '}',
);

const NEST_CORE_START = lines(
  "import { Injectable } from '@nestjs/common';",
  "import { InjectRepository } from '@nestjs/typeorm';",
  "import { Repository } from 'typeorm';",
  "import { TemporalService } from 'nestjs-temporal-core';",
  '',
  'class Order { id!: string; status!: string }',
  '',
  '@Injectable()',
  'export class OrderService {',
  '  constructor(@InjectRepository(Order) private readonly orders: Repository<Order>, private readonly temporal: TemporalService) {}',
  '',
  '  async create() {',
  "    const saved = await this.orders.save(this.orders.create({ status: 'PENDING' }));",
  "    await this.temporal.startWorkflow('processOrder', [saved.id], { taskQueue: 'orders', workflowId: `order_${saved.id}` });",
  '    return saved;',
  '  }',
  '}',
);

const START_ONLY = lines(
  "import { WorkflowClient } from '@temporalio/client';",
  '',
  'export async function kickOff(client: WorkflowClient, id: string) {',
  "  await client.start('nightlyReport', { taskQueue: 'reports', workflowId: `report-${id}` });",
  '}',
);

const ACTIVITY = lines(
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  '',
  '// A Temporal activity: Temporal records its completion; it is not a message consumer.',
  'export async function reserveStock(sku: string) {',
  '  await prisma.reservation.create({ data: { sku } });',
  '}',
);

runRuleTests('dual-write', {
  valid: [
    { name: 'a workflow start with no write in the flow', files: { 'services/reports/src/kickoff.ts': START_ONLY } },
  ],
  invalid: [
    {
      name: 'Prisma create, then client.workflow.start (@temporalio/client)',
      files: { 'services/orders/src/orders.ts': CLIENT_START },
      errors: [{ messageId: 'dualWrite', ...at(CLIENT_START, "start('fulfil") }],
    },
    {
      name: 'TypeORM save, then nestjs-temporal-core TemporalService.startWorkflow',
      files: { 'services/orders/src/order.service.ts': NEST_CORE_START },
      errors: [{ messageId: 'dualWrite', ...at(NEST_CORE_START, 'startWorkflow(') }],
    },
  ],
});

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'a workflow start carries its workflow id', files: { 'services/reports/src/kickoff.ts': START_ONLY, 'services/reports-worker/src/main.ts': 'export {};\n' } },
  ],
  invalid: [],
});

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'a Temporal activity is not a consumer', files: { 'services/inventory/src/activities.ts': ACTIVITY } },
  ],
  invalid: [],
});
