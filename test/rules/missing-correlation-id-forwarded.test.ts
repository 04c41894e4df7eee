/**
 * missing-correlation-id: a handler that passes the incoming message on whole (to an error or
 * dead-letter topic, `{ message: message.value.toString(), error }`) forwards it with every id it
 * carries; whether it carries one is the first publish's question. A field picked out of it
 * (`JSON.parse(message.value.toString()).orderId`) is a new message and is still judged.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const SIGNER = (body: string) => lines(
  "import { Kafka } from 'kafkajs';",
  '',
  "const kafka = new Kafka({ clientId: 'signer', brokers: ['kafka:9092'] });",
  'const producer = kafka.producer();',
  "const consumer = kafka.consumer({ groupId: 'signer' });",
  '',
  'export async function run() {',
  "  await consumer.subscribe({ topic: 'certify' });",
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  '      try {',
  '        JSON.parse(message.value!.toString());',
  '      } catch (e) {',
  `        await producer.send({ topic: 'certificate_errors', messages: [{ value: ${body} }] });`,
  '      }',
  '    },',
  '  });',
  '}',
);

const WHOLE = SIGNER('JSON.stringify({ message: message.value!.toString(), error: String(e) })');
const PICKED = SIGNER('JSON.stringify({ code: JSON.parse(message.value!.toString()).code, error: String(e) })');

const AUDIT = {
  'services/audit/src/errors.ts': lines(
    "import { Kafka } from 'kafkajs';",
    "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'audit' });",
    'export async function run() {',
    "  await consumer.subscribe({ topic: 'certificate_errors' });",
    '  await consumer.run({ eachMessage: async ({ message }) => console.log(message.value?.toString()) });',
    '}',
  ),
};

runRuleTests('missing-correlation-id', {
  valid: [{ name: 'the incoming message forwarded whole to an error topic', files: { 'services/signer/src/main.ts': WHOLE, ...AUDIT } }],
  invalid: [{
    name: 'a field picked out of the incoming message is a new message without an id',
    files: { 'services/signer/src/main.ts': PICKED, ...AUDIT },
    errors: [{ messageId: 'missing', file: 'services/signer/src/main.ts', ...at(PICKED, 'send(') }],
  }],
});

/**
 * The handler passes the message to a helper, which takes members out by destructuring and sends a reply
 * built from them: its envelope (`headers`) goes on in the body, so the reply carries the incoming ids; the
 * message key alone does not.
 */
const REPLIER = (member: 'headers' | 'key') => lines(
  "import { Kafka, type KafkaMessage } from 'kafkajs';",
  '',
  "const kafka = new Kafka({ clientId: 'quotes', brokers: ['kafka:9092'] });",
  'const producer = kafka.producer();',
  "const consumer = kafka.consumer({ groupId: 'quotes' });",
  '',
  'async function answer(msg: KafkaMessage) {',
  `  const { ${member} } = msg;`,
  `  await producer.send({ topic: 'quote-replies', messages: [{ value: JSON.stringify({ status: 'ok', request: ${member} }) }] });`,
  '}',
  '',
  'export async function run() {',
  "  await consumer.subscribe({ topic: 'quote-requests' });",
  '  await consumer.run({ eachMessage: async ({ message }) => answer(message) });',
  '}',
);

const REQUESTER = {
  'services/web/src/replies.ts': lines(
    "import { Kafka } from 'kafkajs';",
    "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'web' });",
    'export async function run() {',
    "  await consumer.subscribe({ topic: 'quote-replies' });",
    '  await consumer.run({ eachMessage: async ({ message }) => console.log(message.value?.toString()) });',
    '}',
  ),
};

runRuleTests('missing-correlation-id', {
  valid: [{ name: 'a helper the handler passes the message to sends its destructured headers on', files: { 'services/quotes/src/main.ts': REPLIER('headers'), ...REQUESTER } }],
  invalid: [{
    name: 'the helper sends only the destructured message key',
    files: { 'services/quotes/src/main.ts': REPLIER('key'), ...REQUESTER },
    errors: [{ messageId: 'missing', file: 'services/quotes/src/main.ts', ...at(REPLIER('key'), 'send(') }],
  }],
});
