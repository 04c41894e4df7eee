/**
 * dual-write and a write that records the send itself: a scheduled reminder job sends, then sets
 * `reminder_email_sent` (or `notifiedAt`) on the row. If the write fails, the next run sends again:
 * at-least-once, the order an outbox relay uses. A business state set after the send (`published`),
 * and a state write made before the send, are still reported.
 */
import { runRuleTests } from '../support/ruleTester';

/** The reminder job: optionally a write first (line 9), the send (line 10), then `after` (line 11), then optionally a writer function. */
const reminders = (after: string, opts: { before?: string; writer?: string } = {}) => ({
  'services/sessions/src/reminders.ts': `import { Pool } from 'pg';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';

const pool = new Pool();
const sqs = new SQSClient({});
const NOTIFY_QUEUE = process.env.NOTIFY_QUEUE_URL!;

export async function remind(sessionId: string, email: string) {
  ${opts.before ?? '// nothing saved before the send'}
  await sqs.send(new SendMessageCommand({ QueueUrl: NOTIFY_QUEUE, MessageBody: JSON.stringify({ template: 'reminder', email }) }));
  ${after}
}
${opts.writer ?? ''}`,
});

const DYNAMO_WRITER = `
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
const dynamo = DynamoDBDocumentClient.from({} as never);

async function markReminded(sessionId: string) {
  const command = new UpdateCommand({
    TableName: 'sessions',
    Key: { sessionId },
    UpdateExpression: 'SET reminderEmailSent = :sent',
    ExpressionAttributeValues: { ':sent': true },
  });
  await dynamo.send(command);
}
`;

/** A store method that saves the record it is given: the flow names the fields at its call. */
const STORE_WRITER = `
const store = {
  async save(row: Record<string, unknown>) {
    await pool.query('UPDATE sessions SET data = $1 WHERE id = $2', [JSON.stringify(row), row.id]);
  },
};
`;

const atTheSend = [{ messageId: 'dualWrite', file: 'services/sessions/src/reminders.ts', line: 10, column: 13 }];

runRuleTests('dual-write', {
  valid: [
    { name: 'SQL: SET reminder_email_sent = true after the send', files: reminders("await pool.query('UPDATE sessions SET reminder_email_sent = true WHERE id = $1', [sessionId]);") },
    { name: 'a DynamoDB writer whose update expression sets the sent flag', files: reminders('await markReminded(sessionId);', { writer: DYNAMO_WRITER }) },
    { name: "a scan's watermark given to the store method that saves the row (lastCheckedDate)", files: reminders('await store.save({ id: sessionId, email, lastCheckedDate: new Date().toISOString() });', { writer: STORE_WRITER }) },
    { name: "a scan's watermark set after the send (last_checked_at)", files: reminders("await pool.query('UPDATE sessions SET last_checked_at = now() WHERE id = $1', [sessionId]);") },
  ],
  invalid: [
    {
      name: 'a business state set after the send: the event announces what may not be saved',
      files: reminders("await pool.query('UPDATE sessions SET published = true WHERE id = $1', [sessionId]);"),
      errors: atTheSend,
    },
    {
      name: 'a state write before the send: the marker after it does not make the send its bookkeeping',
      files: reminders("await pool.query('UPDATE sessions SET reminder_email_sent = true WHERE id = $1', [sessionId]);", { before: "await pool.query(\"UPDATE sessions SET state = 'EXPIRED' WHERE id = $1\", [sessionId]);" }),
      errors: atTheSend,
    },
  ],
});
