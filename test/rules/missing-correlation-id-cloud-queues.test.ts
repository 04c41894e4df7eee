/**
 * missing-correlation-id and cloud queues: SQS, SNS, EventBridge and Google Pub/Sub consumers are mostly bound in
 * infrastructure (Lambda event sources in SAM, CDK, Terraform; Pub/Sub push subscriptions), not in code. A send to a queue no literal
 * names and no code consumes may feed the next function of the same stack: taking it for a hop to
 * another service would be a guess, so it is not reported. A poller of the same queue in another
 * service, or a queue named by a literal, makes it a hop.
 */
import { runRuleTests } from '../support/ruleTester';

/** The transcription API queues a job (the send on line 6; `imports` go on line 1). */
const API = (queueUrl: string, imports = '') => ({
  'services/api/src/jobs.ts': `import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';${imports}

const sqs = new SQSClient({});

export async function queueJob(id: string, url: string) {
  await sqs.send(new SendMessageCommand({ QueueUrl: ${queueUrl}, MessageBody: JSON.stringify({ id, url }) }));
}
`,
});

const WORKER_POLLER = {
  'services/worker/src/poll.ts': `import { SQSClient, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const poll = () => sqs.send(new ReceiveMessageCommand({ QueueUrl: process.env.TASK_QUEUE_URL }));
`,
};

const atTheSend = [{ messageId: 'missing', file: 'services/api/src/jobs.ts', line: 6, column: 13 }];

/** A Google Pub/Sub publisher whose topic name comes from `topic` (the publish on line 6). */
const PUBSUB = (topic: string) => ({
  'services/api/src/events.ts': `import { PubSub } from '@google-cloud/pubsub';

const pubsub = new PubSub();

export async function publishEvent(name: string, data: object) {
  await pubsub.topic(${topic}).publishMessage({ json: { name, data } });
}
`,
});

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'a queue URL from an env var that no code polls: its consumer is bound in infrastructure', files: API('process.env.TASK_QUEUE_URL') },
    { name: 'a Pub/Sub topic from an env var that no code subscribes to: a push subscription is bound in infrastructure', files: PUBSUB('process.env.EVENTS_TOPIC!') },
    { name: 'a queue URL from configuration that no code polls', files: { ...API('config.taskQueueUrl', " import { config } from './config';"), 'services/api/src/config.ts': 'export const config = { taskQueueUrl: process.env.TASK_QUEUE_URL! };\n' } },
  ],
  invalid: [
    { name: 'another service polls the same queue', files: { ...API('process.env.TASK_QUEUE_URL'), ...WORKER_POLLER }, errors: atTheSend },
    {
      name: 'a Pub/Sub topic named by a literal that no code subscribes to',
      files: PUBSUB("'user-created'"),
      errors: [{ messageId: 'missing', file: 'services/api/src/events.ts', line: 6, column: 38 }],
    },
    { name: 'a queue named by a literal that no code polls', files: API("'https://sqs.eu-west-1.amazonaws.com/123456789012/transcription-tasks'"), errors: atTheSend },
  ],
});
