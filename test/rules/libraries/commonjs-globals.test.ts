/**
 * Older CommonJS services: a client hung on the global object at start-up (`global.kafkaProducer =
 * producer`) and used by its bare name in another module, and modules required through
 * `module-alias` names (`require('@generics/kafka-communication')`, `_moduleAliases` in package.json).
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const KAFKA_CONFIG = lines(
  "const { Kafka } = require('kafkajs');",
  '',
  'module.exports = async () => {',
  "  const client = new Kafka({ clientId: 'mentoring', brokers: process.env.KAFKA_URL.split(',') });",
  '  const producer = client.producer();',
  '  await producer.connect();',
  '  global.kafkaProducer = producer;',
  '};',
);

const KAFKA_COMMUNICATION = lines(
  'const pushEmailToKafka = async (message) => {',
  '  const payload = { topic: process.env.NOTIFICATION_KAFKA_TOPIC, messages: [{ value: JSON.stringify(message) }] };',
  '  return await kafkaProducer.send(payload);',
  '};',
  '',
  'module.exports = { pushEmailToKafka };',
);

const SESSIONS = (requireName: string) => lines(
  "const { Pool } = require('pg');",
  `const kafkaCommunication = require('${requireName}');`,
  '',
  'const pool = new Pool();',
  '',
  'exports.create = async (session) => {',
  "  await pool.query('INSERT INTO sessions (title) VALUES ($1)', [session.title]);",
  "  await kafkaCommunication.pushEmailToKafka({ type: 'email', email: { to: session.mentorEmail } });",
  '};',
);

const files = (requireName: string, aliases: boolean) => ({
  'src/package.json': JSON.stringify({ name: 'mentoring', main: 'app.js', ...(aliases ? { _moduleAliases: { '@generics': 'generics' } } : {}) }),
  'src/configs/kafka.js': KAFKA_CONFIG,
  'src/generics/kafka-communication.js': KAFKA_COMMUNICATION,
  'src/services/sessions.js': SESSIONS(requireName),
});

const atTheCall = (requireName: string) => [{ messageId: 'dualWrite', file: 'src/services/sessions.js', ...at(SESSIONS(requireName), 'pushEmailToKafka') }];

runRuleTests('dual-write', {
  valid: [
    { name: 'an alias package.json does not declare: the module is not found, nothing is claimed', files: files('@generics/kafka-communication', false) },
  ],
  invalid: [
    {
      name: 'the producer read by its bare name from the global object, the module required by a relative path',
      files: files('../generics/kafka-communication', false),
      errors: atTheCall('../generics/kafka-communication'),
    },
    {
      name: 'the same module required through a module-alias name',
      files: files('@generics/kafka-communication', true),
      errors: atTheCall('@generics/kafka-communication'),
    },
  ],
});
