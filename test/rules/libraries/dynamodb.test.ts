/** DynamoDB: commands and document clients; conditional writes are guards. */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const HANDLER = (body: string[]) => lines(
  "import { SQSClient, ReceiveMessageCommand } from '@aws-sdk/client-sqs';",
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
  "import { DynamoDBDocumentClient, PutCommand, UpdateCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';",
  "import { randomUUID } from 'node:crypto';",
  '',
  'const sqs = new SQSClient({});',
  'const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
  '',
  'export async function poll() {',
  '  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: process.env.QUEUE_URL }));',
  '  for (const m of Messages) {',
  '    const order = JSON.parse(m.Body!);',
  ...body,
  '  }',
  '}',
);

const PUT_FRESH = HANDLER([
  "    await ddb.send(new PutCommand({ TableName: 'invoices', Item: { pk: randomUUID(), orderId: order.id, amount: order.total } }));",
]);

const PUT_CONDITIONAL = HANDLER([
  "    await ddb.send(new PutCommand({ TableName: 'invoices', Item: { pk: `ORDER#${order.id}`, amount: order.total }, ConditionExpression: 'attribute_not_exists(pk)' }));",
]);

const PUT_KEYED = HANDLER([
  "    await ddb.send(new PutCommand({ TableName: 'invoices', Item: { pk: `ORDER#${order.id}`, amount: order.total } }));",
]);

const UPDATE_ADD = HANDLER([
  "    await ddb.send(new UpdateCommand({ TableName: 'stats', Key: { pk: 'orders' }, UpdateExpression: 'ADD orderCount :one', ExpressionAttributeValues: { ':one': 1 } }));",
]);

const TRANSACT_INBOX = HANDLER([
  '    await ddb.send(new TransactWriteCommand({ TransactItems: [',
  "      { Put: { TableName: 'inbox', Item: { pk: m.MessageId }, ConditionExpression: 'attribute_not_exists(pk)' } },",
  "      { Update: { TableName: 'stats', Key: { pk: 'orders' }, UpdateExpression: 'ADD orderCount :one', ExpressionAttributeValues: { ':one': 1 } } },",
  '    ] }));',
]);

const V2_DOCUMENT_CLIENT = lines(
  "import AWS from 'aws-sdk';",
  "import { Consumer } from 'sqs-consumer';",
  '',
  'const docs = new AWS.DynamoDB.DocumentClient();',
  '',
  'export const consumer = Consumer.create({',
  '  queueUrl: process.env.QUEUE_URL!,',
  '  handleMessage: async (message) => {',
  '    const order = JSON.parse(message.Body!);',
  "    await docs.update({ TableName: 'customers', Key: { pk: order.customerId }, UpdateExpression: 'SET orderCount = orderCount + :one', ExpressionAttributeValues: { ':one': 1 } }).promise();",
  '  },',
  '});',
);

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'put with attribute_not_exists is a conditional (guarded) write', files: { 'services/billing/src/poll.ts': PUT_CONDITIONAL } },
    { name: 'put keyed on the order overwrites the same item', files: { 'services/billing/src/poll.ts': PUT_KEYED } },
    { name: 'ADD inside a transaction with an inbox put conditioned on the message id', files: { 'services/billing/src/poll.ts': TRANSACT_INBOX } },
  ],
  invalid: [
    {
      name: 'put with a generated key inserts a new item per delivery',
      files: { 'services/billing/src/poll.ts': PUT_FRESH },
      errors: [{ messageId: 'unguarded', ...at(PUT_FRESH, 'send(new Receive') }],
    },
    {
      name: 'update with ADD is an increment',
      files: { 'services/billing/src/poll.ts': UPDATE_ADD },
      errors: [{ messageId: 'unguarded', ...at(UPDATE_ADD, 'send(new Receive') }],
    },
    {
      name: 'v2 DocumentClient update SET x = x + :one in an sqs-consumer handler',
      files: { 'services/billing/src/consumer.ts': V2_DOCUMENT_CLIENT },
      errors: [{ messageId: 'unguarded', ...at(V2_DOCUMENT_CLIENT, 'handleMessage') }],
    },
  ],
});
