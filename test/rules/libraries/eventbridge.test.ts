/** Amazon EventBridge: `PutEventsCommand` (SDK v3) and `putEvents` (v2 / aggregated client). */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const PUT_BARE = lines(
  "import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';",
  '',
  'const client = new EventBridgeClient({});',
  '',
  'export async function orderPlaced(order: { id: string; total: number }) {',
  '  await client.send(new PutEventsCommand({',
  "    Entries: [{ Source: 'orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ orderId: order.id, total: order.total }) }],",
  '  }));',
  '}',
);

const PUT_CORRELATED = lines(
  "import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';",
  '',
  'const client = new EventBridgeClient({});',
  '',
  'export async function orderPlaced(order: { id: string }, correlationId: string) {',
  '  const command = new PutEventsCommand({',
  "    Entries: [{ Source: 'orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ orderId: order.id, correlationId }) }],",
  '  });',
  '  await client.send(command);',
  '}',
);

const V2_DUAL_WRITE = lines(
  "import { EventBridge } from 'aws-sdk';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  'const events = new EventBridge();',
  '',
  'export async function placeOrder(input: { total: number }, correlationId: string) {',
  '  const order = await prisma.order.create({ data: { total: input.total } });',
  '  await events.putEvents({',
  "    Entries: [{ Source: 'orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ id: order.id, correlationId }) }],",
  '  }).promise();',
  '  return order;',
  '}',
);

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'PutEventsCommand whose Detail carries the correlation id (command in a const)', files: { 'services/orders/src/events.ts': PUT_CORRELATED } },
    { name: 'v2 putEvents whose Detail carries the correlation id', files: { 'services/orders/src/events.ts': V2_DUAL_WRITE } },
  ],
  invalid: [{
    name: 'PutEventsCommand whose Detail has no correlation id',
    files: { 'services/orders/src/events.ts': PUT_BARE },
    errors: [{ messageId: 'missing', ...at(PUT_BARE, 'send(') }],
  }],
});

runRuleTests('dual-write', {
  valid: [{ name: 'an EventBridge publish with no datastore write', files: { 'services/orders/src/events.ts': PUT_BARE } }],
  invalid: [{
    name: 'prisma create then putEvents, no outbox',
    files: { 'services/orders/src/events.ts': V2_DUAL_WRITE },
    errors: [{ messageId: 'dualWrite', ...at(V2_DUAL_WRITE, 'putEvents') }],
  }],
});
