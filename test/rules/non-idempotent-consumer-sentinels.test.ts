/**
 * non-idempotent-consumer and sentinel markers: a handler that looks a record up and stops unless a
 * field still holds the value the record was created with (`if (submission.sendReceipt !== 'unknown')
 * return;`), then sends and calls a function whose update sets that field (`SET SendReceipt = :r`),
 * stops a redelivered message at the check. The same check on the message's own field is a filter,
 * and a flow that never sets the field guards nothing.
 */
import { runRuleTests } from '../support/ruleTester';

/** Store helpers: a lookup, and an update that sets SendReceipt (or another attribute). */
const utils = (attribute: string) => `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const sqs = new SQSClient({});

export const retrieveSubmission = async (id: string) => {
  const result = await db.send(new GetCommand({ TableName: 'Vault', Key: { Id: id } }));
  return result.Item ? { sendReceipt: result.Item.SendReceipt as string } : undefined;
};

export const enqueueProcessing = async (id: string): Promise<string> => {
  const out = await sqs.send(new SendMessageCommand({ QueueUrl: process.env.PROCESSING_QUEUE_URL, MessageBody: JSON.stringify({ id }) }));
  return out.MessageId ?? '';
};

export const updateReceipt = async (id: string, receipt: string) => {
  await db.send(new UpdateCommand({ TableName: 'Vault', Key: { Id: id }, UpdateExpression: 'SET ${attribute} = :r', ExpressionAttributeValues: { ':r': receipt } }));
};
`;

/** An SQS Lambda (handler on line 4) that checks `check` before sending and marking. */
const handler = (check: string) => `import type { SQSEvent } from 'aws-lambda';
import { enqueueProcessing, retrieveSubmission, updateReceipt } from './utils';

export const handler = async (event: SQSEvent): Promise<void> => {
  for (const record of event.Records) {
    const message = JSON.parse(record.body) as { id: string; type: string };
    const submission = await retrieveSubmission(message.id);
    if (submission === undefined || ${check}) {
      return;
    }
    const receipt = await enqueueProcessing(message.id);
    await updateReceipt(message.id, receipt);
  }
};
`;

const files = (check: string, attribute = 'SendReceipt') => ({
  'lambdas/file-upload/src/utils.ts': utils(attribute),
  'lambdas/file-upload/src/main.ts': handler(check),
});

const atTheHandler = [{ messageId: 'unguarded', file: 'lambdas/file-upload/src/main.ts', line: 4, column: 14 }];

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: "a looked-up record's field still at its sentinel, set by the update the flow calls", files: files("submission.sendReceipt !== 'unknown'") },
  ],
  invalid: [
    { name: "the same check on the message's own field is a filter", files: files("message.type !== 'unknown'"), errors: atTheHandler },
    { name: 'the update sets another attribute: the check guards nothing', files: files("submission.sendReceipt !== 'unknown'", 'ProcessedAt'), errors: atTheHandler },
  ],
});

/**
 * A collection field already holding what the flow adds: the handler looks the vehicle up, stops when its
 * `plates` already hold one from this issuer, then adds one and saves (`check`, `added` vary).
 */
const plates = (check: string, added = 'plates') => ({
  'lambdas/plates/src/store.ts': `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const sqs = new SQSClient({});

export type Vehicle = { id: string; plates?: { issuer: string }[]; notes?: { issuer: string }[] };

export const getVehicle = async (id: string) => (await db.send(new GetCommand({ TableName: 'Vehicles', Key: { id } }))).Item as Vehicle;
export const format = (v: Vehicle): Vehicle => ({ ...v });
export const saveVehicle = async (v: Vehicle) => {
  await db.send(new PutCommand({ TableName: 'Vehicles', Item: v }));
};
export const printPlate = async (v: Vehicle) => {
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.DOC_GEN_QUEUE_URL, MessageBody: JSON.stringify(v) }));
};
`,
  'lambdas/plates/src/main.ts': `import type { SQSEvent } from 'aws-lambda';
import { format, getVehicle, printPlate, saveVehicle } from './store';

const ISSUER = 'batch';

export const handler = async (event: SQSEvent): Promise<void> => {
  for (const record of event.Records) {
    const message = JSON.parse(record.body) as { id: string; tags: string[] };
    const vehicle = format(await getVehicle(message.id));
    if (${check}) {
      return;
    }
    vehicle.${added} = vehicle.${added} ?? [];
    vehicle.${added}.push({ issuer: ISSUER });
    await saveVehicle(vehicle);
    await printPlate(vehicle);
  }
};
`,
});

const atThePlatesHandler = [{ messageId: 'unguarded', file: 'lambdas/plates/src/main.ts', line: 6, column: 14 }];

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: "the looked-up record's collection already holds what the flow adds", files: plates('vehicle.plates?.some((p) => p.issuer === ISSUER) ?? false') },
  ],
  invalid: [
    { name: "a membership test on the message's own collection is a filter", files: plates("message.tags.includes('batch')"), errors: atThePlatesHandler },
    { name: 'the flow adds to another collection: the check guards nothing', files: plates('vehicle.plates?.some((p) => p.issuer === ISSUER) ?? false', 'notes'), errors: atThePlatesHandler },
  ],
});
