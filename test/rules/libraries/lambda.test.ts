/**
 * AWS Lambda event handlers recognized by their `aws-lambda` event or handler type: SQS, SNS and
 * DynamoDB-stream handlers are consumers whose source redelivers; API Gateway handlers and
 * helpers taking the same event are not. Amazon SES sends are e-mails.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const SQS_SES = lines(
  "import { SQSEvent } from 'aws-lambda';",
  "import { SES } from 'aws-sdk';",
  '',
  'const ses = new SES();',
  '',
  'export async function handler(event: SQSEvent) {',
  '  for (const record of event.Records) {',
  '    const order = JSON.parse(record.body);',
  "    await ses.sendEmail({ Destination: { ToAddresses: [order.email] }, Message: { Body: { Text: { Data: 'ok' } }, Subject: { Data: 'Order' } }, Source: 'shop@example.com' }).promise();",
  '  }',
  '}',
);

/** The same handler, its event type imported from `aws-lambda/trigger/sqs` and the variable typed `Handler`. */
const SQS_SES_TRIGGER = lines(
  "import type { Handler } from 'aws-lambda';",
  "import { SQSEvent } from 'aws-lambda/trigger/sqs';",
  "import { SES } from 'aws-sdk';",
  '',
  'const ses = new SES();',
  '',
  'export const handler: Handler = async (event: SQSEvent) => {',
  '  for (const record of event.Records) {',
  '    const order = JSON.parse(record.body);',
  "    await ses.sendEmail({ Destination: { ToAddresses: [order.email] }, Message: { Body: { Text: { Data: 'ok' } }, Subject: { Data: 'Order' } }, Source: 'shop@example.com' }).promise();",
  '  }',
  '};',
);

const SNS_DYNAMO_PUT = lines(
  "import type { SNSEvent } from 'aws-lambda';",
  "import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';",
  '',
  'const db = new DynamoDBClient({});',
  '',
  'export const handler = async (event: SNSEvent): Promise<void> => {',
  '  for (const r of event.Records) {',
  "    await db.send(new PutItemCommand({ TableName: 'events', Item: { pk: { S: `#${Date.now()}` }, body: { S: r.Sns.Message } } }));",
  '  }',
  '};',
);

const STREAM_HANDLER_TYPE = lines(
  "import { DynamoDBStreamHandler } from 'aws-lambda';",
  "import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';",
  '',
  'const ses = new SESv2Client({});',
  '',
  'export const onUserCreated: DynamoDBStreamHandler = async (event) => {',
  '  for (const r of event.Records) {',
  "    await ses.send(new SendEmailCommand({ Destination: { ToAddresses: [r.dynamodb?.NewImage?.email?.S ?? ''] }, Content: {} }));",
  '  }',
  '};',
);

const SQS_GUARDED_BY_HELPER_ONLY = lines(
  "import { SQSEvent } from 'aws-lambda';",
  "import { SES } from 'aws-sdk';",
  '',
  'const ses = new SES();',
  '',
  '// Not exported: a helper taking the event, not the entry point.',
  'async function notifyAll(event: SQSEvent) {',
  "  for (const r of event.Records) await ses.sendEmail({ Destination: { ToAddresses: [r.body] }, Message: { Body: {}, Subject: { Data: 'x' } }, Source: 'a@b.c' }).promise();",
  '}',
  'void notifyAll;',
);

const API_GATEWAY = lines(
  "import { APIGatewayProxyEvent } from 'aws-lambda';",
  "import { SES } from 'aws-sdk';",
  '',
  'const ses = new SES();',
  '',
  'export async function handler(event: APIGatewayProxyEvent) {',
  "  await ses.sendEmail({ Destination: { ToAddresses: [event.body ?? ''] }, Message: { Body: {}, Subject: { Data: 'x' } }, Source: 'a@b.c' }).promise();",
  '  return { statusCode: 200, body: "" };',
  '}',
);

const SQS_LOG_ONLY = lines(
  "import { SQSEvent } from 'aws-lambda';",
  '',
  'export const handler = async (event: SQSEvent) => {',
  '  for (const r of event.Records) console.log(r.body);',
  '};',
);

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'a function taking an SQSEvent that is not exported is a helper, not the Lambda entry point', files: { 'services/mailer/src/notify.ts': SQS_GUARDED_BY_HELPER_ONLY } },
    { name: 'an API Gateway handler is request/response, not a message consumer', files: { 'services/mailer/src/api.ts': API_GATEWAY } },
    { name: 'an SQS Lambda handler that only logs has no side effect', files: { 'services/mailer/src/log.ts': SQS_LOG_ONLY } },
  ],
  invalid: [
    {
      name: 'exported SQS Lambda handler sending an SES e-mail (aws-sdk v2) per record',
      files: { 'services/mailer/src/handler.ts': SQS_SES },
      errors: [{ messageId: 'unguarded', ...at(SQS_SES, 'handler('), severity: 'error' }],
    },
    {
      name: 'exported SNS Lambda handler (arrow in an exported const) inserting an item with a time-based key',
      files: { 'services/events/src/handler.ts': SNS_DYNAMO_PUT },
      errors: [{ messageId: 'unguarded', ...at(SNS_DYNAMO_PUT, 'handler =') }],
    },
    {
      name: 'variable declared as a DynamoDBStreamHandler sending an e-mail through SES v2',
      files: { 'services/users/src/stream.ts': STREAM_HANDLER_TYPE },
      errors: [{ messageId: 'unguarded', ...at(STREAM_HANDLER_TYPE, 'onUserCreated') }],
    },
    {
      name: "the event type imported from the trigger's own module (aws-lambda/trigger/sqs), the handler typed Handler",
      files: { 'services/mailer/src/trigger.ts': SQS_SES_TRIGGER },
      errors: [{ messageId: 'unguarded', ...at(SQS_SES_TRIGGER, 'handler:') }],
    },
  ],
});
