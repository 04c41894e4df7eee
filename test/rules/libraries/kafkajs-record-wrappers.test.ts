/**
 * kafkajs sends through a wrapper that takes the whole record (`pushPayload(payload)` →
 * `producer.send(payload)`): the topic is the one each caller puts in the record (`clearCache(key)`
 * builds the record and calls the wrapper). A topic named by an env
 * var that the service itself subscribes to (`topics: [process.env.CACHE_TOPIC].filter(Boolean)`)
 * is its own channel, not a hop to another service.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const KAFKA = lines(
  "import { Kafka } from 'kafkajs';",
  '',
  "const kafka = new Kafka({ clientId: 'users', brokers: ['kafka:9092'] });",
  'export const producer = kafka.producer();',
  "const consumer = kafka.consumer({ groupId: 'users' });",
  'const cache = new Map<string, unknown>();',
  '',
  'export async function listen() {',
  '  const topics = [process.env.CACHE_TOPIC].filter(Boolean) as string[];',
  '  await consumer.subscribe({ topics });',
  '  await consumer.run({ eachMessage: async ({ message }) => { cache.delete(String(message.value)); } });',
  '}',
);

const PRODUCER = (topicVar: string) => lines(
  "import { producer } from './kafka';",
  '',
  'const pushPayload = async (payload: { topic: string; messages: { value: string }[] }) => producer.send(payload);',
  '',
  'export async function clearCache(key: string) {',
  `  const payload = { topic: process.env.${topicVar}!, messages: [{ value: key }] };`,
  '  return pushPayload(payload);',
  '}',
);

const FORMS = lines(
  "import { clearCache } from './producer';",
  '',
  'export async function saveForm(id: string) {',
  '  await clearCache(`form:${id}`);',
  '}',
);

const files = (topicVar: string) => ({
  'services/users/src/kafka.ts': KAFKA,
  'services/users/src/producer.ts': PRODUCER(topicVar),
  'services/users/src/forms.ts': FORMS,
  'services/mail/src/main.ts': 'export const port = 3001;\n',
});

runRuleTests('missing-correlation-id', {
  valid: [{ name: 'a record whose topic is the env var the service itself subscribes to: its own cache channel', files: files('CACHE_TOPIC') }],
  invalid: [{
    name: 'a record whose topic is an env var no code subscribes to: taken to go to another service',
    files: files('MAIL_TOPIC'),
    errors: [{ messageId: 'missing', file: 'services/users/src/producer.ts', ...at(PRODUCER('MAIL_TOPIC'), 'send(') }],
  }],
});
