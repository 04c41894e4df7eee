/**
 * A client handed out by a function taken from a module by destructuring a dynamic import
 * (`const { getSqsClient } = await import('./initSqs.js'); getSqsClient().send(...)`) or a
 * `require` (`const { getProducer } = require('./kafka')`): the function is the module's export.
 * Shape from autumn (server/src/queue/queueUtils.ts:93, initSqs.ts:33).
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const SQS_MODULE = lines(
  "import { SQSClient } from '@aws-sdk/client-sqs';",
  '',
  'const sqsClient = new SQSClient({});',
  'export const getSqsClient = (): SQSClient => sqsClient;',
  'export const QUEUE_URL = process.env.SQS_QUEUE_URL || "";',
);

const flow = (load: string) => lines(
  "import { SendMessageCommand } from '@aws-sdk/client-sqs';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  '',
  'export async function updateProduct(id: string, name: string) {',
  '  await prisma.product.update({ where: { id }, data: { name } });',
  `  ${load}`,
  '  await getSqsClient().send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: JSON.stringify({ name: "products.updated", id }) }));',
  '}',
);

const DYNAMIC = flow("const { getSqsClient, QUEUE_URL } = await import('./initSqs.js');");
const REQUIRED = flow("const { getSqsClient, QUEUE_URL } = require('./initSqs');");
const STATIC = flow('').replace("import { SendMessageCommand }", "import { getSqsClient, QUEUE_URL } from './initSqs';\nimport { SendMessageCommand }");

runRuleTests('dual-write', {
  valid: [],
  invalid: [
    {
      name: 'baseline: a static import',
      files: { 'services/billing/src/initSqs.ts': SQS_MODULE, 'services/billing/src/products.ts': STATIC },
      errors: [{ messageId: 'dualWrite', file: 'services/billing/src/products.ts', ...at(STATIC, 'send(') }],
    },
    {
      name: 'the SQS client from a dynamically imported getter',
      files: { 'services/billing/src/initSqs.ts': SQS_MODULE, 'services/billing/src/products.ts': DYNAMIC },
      errors: [{ messageId: 'dualWrite', file: 'services/billing/src/products.ts', ...at(DYNAMIC, 'send(') }],
    },
    {
      name: 'the SQS client from a required getter',
      files: { 'services/billing/src/initSqs.ts': SQS_MODULE, 'services/billing/src/products.ts': REQUIRED },
      errors: [{ messageId: 'dualWrite', file: 'services/billing/src/products.ts', ...at(REQUIRED, 'send(') }],
    },
  ],
});
