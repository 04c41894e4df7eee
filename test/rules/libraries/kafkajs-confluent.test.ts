/** Confluent's `@confluentinc/kafka-javascript` exposes the kafkajs API under `KafkaJS`: its producers and consumers are kafkajs ones. */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const PUBLISHER = lines(
  "import { KafkaJS } from '@confluentinc/kafka-javascript';",
  '',
  'type Producer = KafkaJS.Producer;',
  '',
  'export class UserEvents {',
  '  private readonly producer: Producer;',
  '  constructor() {',
  "    this.producer = new KafkaJS.Kafka({ kafkaJS: { brokers: ['kafka:9092'] } }).producer();",
  '  }',
  '  async userCreated(id: string) {',
  "    await this.producer.send({ topic: 'user.created', messages: [{ key: id, value: JSON.stringify({ id }) }] });",
  '  }',
  '}',
);

const CONSUMER = lines(
  "import { KafkaJS } from '@confluentinc/kafka-javascript';",
  '',
  "const consumer = new KafkaJS.Kafka({ kafkaJS: { brokers: ['kafka:9092'] } }).consumer({ kafkaJS: { groupId: 'mail' } });",
  'export async function run() {',
  "  await consumer.subscribe({ topic: 'user.created' });",
  '  await consumer.run({ eachMessage: async ({ message }) => console.log(message.value?.toString()) });',
  '}',
);

runRuleTests('missing-correlation-id', {
  valid: [],
  invalid: [{
    name: 'a send through KafkaJS.Kafka to a topic another service consumes, without an id',
    files: { 'services/users/src/events.ts': PUBLISHER, 'services/mail/src/consumer.ts': CONSUMER },
    errors: [{ messageId: 'missing', file: 'services/users/src/events.ts', ...at(PUBLISHER, 'send(') }],
  }],
});
