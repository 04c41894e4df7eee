/**
 * tRPC clients: `client.router.procedure.mutate(input)` is an HTTP POST to the server the client's
 * link names (`httpBatchLink({ url })`), `.query(input)` a GET; the link's `headers()` are the
 * carriers of every call. Shape from litlyx (payments/src/trcp_client.ts, WebhookController.ts:127).
 */
import { runRuleTests } from '../../support/ruleTester';
import { PAYMENTS_SERVICE, at, lines } from './helpers';

/** A tRPC client of the payments service; `headers` is the body of its link's `headers()`. */
const client = (headers: string) => lines(
  "import { createTRPCClient, httpBatchLink } from '@trpc/client';",
  '',
  'export const payments = createTRPCClient<any>({',
  '  links: [',
  '    httpBatchLink({',
  '      url: process.env.PAYMENTS_SERVICE_URL as string,',
  `      async headers() { return { ${headers} }; },`,
  '    }),',
  '  ],',
  '});',
);

const ORDERS = lines(
  "import { PrismaClient } from '@prisma/client';",
  "import { payments } from './client';",
  '',
  'const prisma = new PrismaClient();',
  '',
  'export async function placeOrder(id: string, amount: number) {',
  '  await prisma.order.create({ data: { id, amount } });',
  '  await payments.charges.create.mutate({ orderId: id, amount });',
  '}',
);

const ORDERS_QUERY = ORDERS.replace('payments.charges.create.mutate({ orderId: id, amount })', 'payments.charges.byOrder.query({ orderId: id })');

const files = (source: string, headers = 'authorization: `Bearer ${process.env.TOKEN}`') => ({
  'services/orders/src/client.ts': client(headers),
  'services/orders/src/orders.ts': source,
  ...PAYMENTS_SERVICE,
});

runRuleTests('dual-write', {
  valid: [
    { name: 'a tRPC query after the write reads, it changes nothing', files: files(ORDERS_QUERY) },
  ],
  invalid: [
    {
      name: 'a tRPC mutation of the payments service after the write',
      files: files(ORDERS),
      errors: [{ messageId: 'dualWrite', file: 'services/orders/src/orders.ts', ...at(ORDERS, 'mutate') }],
    },
  ],
});

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'the link sets a correlation header on every call', files: files(ORDERS, "'x-correlation-id': crypto.randomUUID()") },
  ],
  invalid: [
    {
      name: 'the link sets only an authorization header',
      files: files(ORDERS),
      errors: [{ messageId: 'missing', file: 'services/orders/src/orders.ts', ...at(ORDERS, 'mutate') }],
    },
  ],
});
