/**
 * non-idempotent-consumer and a requeue onto the queue object the handler consumes from: a Bull
 * processor that, on its last attempt, adds the job's own data back to the same queue
 * (`eventQueue.add(job.data)` inside `eventQueue.process(...)`, lisk-service's blockchain indexer)
 * puts the same message back; it is no new publish, whatever the queue's name. A job of other data, or
 * the same data on another queue object, is still a publish the redelivery repeats.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const FILE = 'services/indexer/shared/messageProcessor.js';
const PROCESSOR = (send: string) => lines(
  "const MessageQueue = require('bull')",
  '',
  'const eventQueue = new MessageQueue(process.env.EVENT_QUEUE, process.env.REDIS_URL)',
  'const otherQueue = new MessageQueue(process.env.OTHER_QUEUE, process.env.REDIS_URL)',
  '',
  'eventQueue.process(async (job) => {',
  '  try {',
  '    await deleteBlock(job.data.header)',
  '  } catch (err) {',
  `    if (job.attemptsMade === job.opts.attempts - 1) await ${send}`,
  '  }',
  '})',
  '',
  'async function deleteBlock (header) {',
  '  console.log(header)',
  '}',
);

const SAME = PROCESSOR('eventQueue.add(job.data)');
const OTHER_QUEUE = PROCESSOR('otherQueue.add({ height: job.data.header.height })');

runRuleTests('non-idempotent-consumer', {
  valid: [{ name: "the job's own data added back to the queue it is consumed from, from a catch", files: { [FILE]: SAME } }],
  invalid: [{ name: 'new data sent to another queue from the same catch', files: { [FILE]: OTHER_QUEUE }, errors: [{ messageId: 'unguarded', file: FILE, ...at(OTHER_QUEUE, 'process(') }] }],
});

/**
 * A NestJS RMQ handler (manual ack) whose shared helper takes the `RmqContext` and, when the work fails,
 * publishes the raw incoming message's content again with a retry-count header to a queue named in
 * configuration: the same message, sent back, whatever the queue is called.
 */
const NEST_FILE = 'apps/worker/src/reset.controller.ts';
const NEST_CONTROLLER = (resent: string) => lines(
  "import { Controller } from '@nestjs/common';",
  "import { Ctx, EventPattern, Payload, RmqContext } from '@nestjs/microservices';",
  "import type { Channel, Message } from 'amqplib';",
  '',
  '@Controller()',
  'export class ResetController {',
  '  private readonly queue = process.env.RESET_QUEUE!;',
  '',
  "  @EventPattern('reset-account')",
  '  async onReset(@Payload() event: { id: string }, @Ctx() context: RmqContext) {',
  '    await this.handle(context, async () => console.log(event.id));',
  '  }',
  '',
  '  private async handle(context: RmqContext, work: () => Promise<void>) {',
  '    const channel: Channel = context.getChannelRef();',
  '    const originalMsg = context.getMessage() as Message;',
  "    const retries = Number(originalMsg.properties.headers?.['x-retry-count'] ?? 0);",
  '    try {',
  '      await work();',
  '      channel.ack(originalMsg);',
  '    } catch (error) {',
  `      channel.publish('', this.queue, ${resent}, { headers: { 'x-retry-count': retries + 1 }, persistent: true });`,
  '      channel.ack(originalMsg);',
  '    }',
  '  }',
  '}',
);
const NEST_MAIN = lines(
  "import { NestFactory } from '@nestjs/core';",
  "import { Transport } from '@nestjs/microservices';",
  "import { AppModule } from './app.module';",
  '',
  'async function bootstrap() {',
  "  const app = await NestFactory.createMicroservice(AppModule, { transport: Transport.RMQ, options: { urls: [process.env.RMQ_URL!], queue: 'reset', noAck: false } });",
  '  await app.listen();',
  '}',
  'bootstrap();',
);

runRuleTests('non-idempotent-consumer', {
  valid: [{
    name: "the raw message of the handler's RmqContext published again from a catch, to a queue named in configuration",
    files: { [NEST_FILE]: NEST_CONTROLLER('originalMsg.content'), 'apps/worker/src/main.ts': NEST_MAIN },
  }],
  invalid: [{
    name: 'a new message built in the same catch',
    files: { [NEST_FILE]: NEST_CONTROLLER("Buffer.from(JSON.stringify({ failed: true, at: Date.now() }))"), 'apps/worker/src/main.ts': NEST_MAIN },
    errors: [{ messageId: 'unguarded', file: NEST_FILE, ...at(NEST_CONTROLLER(''), 'EventPattern(') }],
  }],
});

/**
 * A BullMQ worker that defers a job while its group is busy: it adds the same job again, its own name,
 * data and options (`queue.add(job.name, job.data, { ...job.opts, delay: 5000 })`), to a queue held in
 * a field (eco-solver's GroupedJobsProcessor). That is the job put back, not a new message, wherever
 * the queue points; a job of a new name with the same data is a new message.
 */
const GROUPED_FILE = 'src/intents/grouped.worker.ts';
const GROUPED = (add: string) => lines(
  "import { Job, Queue, Worker } from 'bullmq';",
  '',
  'export class GroupedWorker {',
  '  private readonly active = new Set<string>();',
  "  private readonly queue = new Queue(process.env.DEFER_QUEUE!, { connection: { host: 'redis' } });",
  "  readonly worker = new Worker('intents', (job: Job) => this.process(job), { connection: { host: 'redis' } });",
  '',
  '  async process(job: Job) {',
  '    const group = job.data.chainId as string;',
  '    if (this.active.has(group)) {',
  `      await ${add};`,
  '      return { delayed: true };',
  '    }',
  '    this.active.add(group);',
  '  }',
  '}',
);
const DEFERRED = GROUPED('this.queue.add(job.name, job.data, { ...job.opts, delay: 5_000 })');
const NEW_JOB = GROUPED("this.queue.add('group-busy', job.data, { delay: 5_000 })");

runRuleTests('non-idempotent-consumer', {
  valid: [{ name: 'the same job (its name, data and options) added again with a delay', files: { [GROUPED_FILE]: DEFERRED } }],
  invalid: [{
    name: 'a job of a new name carrying the same data',
    files: { [GROUPED_FILE]: NEW_JOB },
    errors: [{ messageId: 'unguarded', file: GROUPED_FILE, ...at(NEW_JOB, "Worker('intents'") }],
  }],
});
