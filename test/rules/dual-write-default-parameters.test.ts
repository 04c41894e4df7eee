/**
 * dual-write through seams: a handler builder whose parameters default to the production functions
 * (`buildHandler(send = sendToSqs, store = storeEvent)`, tests pass fakes) runs those defaults. With
 * the SDK v2 SQS client imported as `aws-sdk/clients/sqs` and `@aws/dynamodb-data-mapper` writes.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const AWS = lines(
  "import DynamoDB from 'aws-sdk/clients/dynamodb';",
  "import Sqs from 'aws-sdk/clients/sqs';",
  "import { DataMapper } from '@aws/dynamodb-data-mapper';",
  '',
  'export const dynamoMapper = new DataMapper({ client: new DynamoDB() });',
  'const sqs = new Sqs();',
  '',
  'export function sendToSqs(queueUrl: string, message: object) {',
  '  return sqs.sendMessage({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }).promise();',
  '}',
);

const HANDLER = (args: string, seam = ' = sendToSqs') => lines(
  "import { dynamoMapper, sendToSqs } from './aws';",
  '',
  'const storeEvent = async (event: { id: string }) => { await dynamoMapper.put(Object.assign(new Map(), event)); };',
  '',
  'export function buildHandler(',
  `  send: (url: string, m: object) => Promise<unknown>${seam},`,
  '  store: (event: { id: string }) => Promise<void> = storeEvent,',
  ') {',
  '  return async (body: string) => {',
  '    const event = JSON.parse(body);',
  '    await store(event);',
  '    await send(process.env.QueueUrl!, { id: event.id });',
  "    return { statusCode: 200 };",
  '  };',
  '}',
  '',
  `export const handler = buildHandler(${args});`,
);

const FILES = (args: string, seam?: string) => ({
  'services/purchases/src/aws.ts': AWS,
  'services/purchases/src/notification.ts': HANDLER(args, seam),
});

runRuleTests('dual-write', {
  valid: [{
    name: 'a seam without a default: what it runs is whatever its caller passes, not seen here',
    files: FILES('(url: string, m: object) => Promise.resolve({ url, m })', ''),
  }],
  invalid: [{
    name: 'defaults of a handler builder: the DataMapper put, then the SQS send',
    files: FILES(''),
    errors: [{ messageId: 'dualWrite', file: 'services/purchases/src/notification.ts', ...at(HANDLER(''), 'send(process') }],
  }],
});
