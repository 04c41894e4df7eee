/**
 * non-idempotent-consumer and dead-letter senders: a handler that parks a failed message through a
 * function named as a dead-letter sender (`publishToDLQ(event, error)`) repeats no business effect
 * when redelivered; the same publish through a function named for an event is reported.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const HANDLER = (sender: string) => lines(
  "import { Kafka } from 'kafkajs';",
  '',
  "const kafka = new Kafka({ brokers: ['kafka:9092'] });",
  'const producer = kafka.producer();',
  "const consumer = kafka.consumer({ groupId: 'people' });",
  '',
  `async function ${sender}(event: unknown, error: string) {`,
  "  await producer.send({ topic: process.env.FAILED_TOPIC!, messages: [{ value: JSON.stringify(event), headers: { error } }] });",
  '}',
  '',
  'export async function run(handle: (e: unknown) => Promise<boolean>) {',
  "  await consumer.subscribe({ topic: 'person.changed' });",
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  '      const event = JSON.parse(message.value!.toString());',
  "      if (!(await handle(event))) await " + sender + "(event, 'handler failed');",
  '    },',
  '  });',
  '}',
);

const DLQ = HANDLER('publishToDLQ');
const EVENT = HANDLER('publishPersonFailed');

runRuleTests('non-idempotent-consumer', {
  valid: [{ name: 'a failed message parked through publishToDLQ', files: { 'services/people/src/consumer.ts': DLQ } }],
  invalid: [{
    name: 'the same publish through a function named for an event',
    files: { 'services/people/src/consumer.ts': EVENT },
    errors: [{ messageId: 'unguarded', file: 'services/people/src/consumer.ts', ...at(EVENT, 'eachMessage') }],
  }],
});
