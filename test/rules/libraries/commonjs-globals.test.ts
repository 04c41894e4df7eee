/**
 * Older CommonJS services: a client hung on the global object at start-up (`global.kafkaProducer =
 * producer`) and used by its bare name in another module, and modules required through
 * `module-alias` names (`require('@generics/kafka-communication')`, `_moduleAliases` in package.json),
 * and a library client class taken out of a workspace module by destructuring `require`.
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

/** A BullMQ queue subclass exported from a module and taken out of a re-exporting index by destructuring `require`. */
const MAIL_QUEUE = lines(
  "const { Queue } = require('bullmq');",
  '',
  'class MailQueue extends Queue {',
  '  constructor(connection) {',
  "    super('mail', { connection });",
  '  }',
  '}',
  '',
  'module.exports = { MailQueue };',
);

const QUEUES_INDEX = lines(
  "const { MailQueue } = require('./MailQueue');",
  '',
  'module.exports = { MailQueue };',
);

const INVITES = lines(
  "const { Pool } = require('pg');",
  "const { MailQueue } = require('../queues');",
  '',
  'const pool = new Pool();',
  'const mail = new MailQueue({ host: process.env.REDIS_HOST });',
  '',
  'exports.invite = async (email) => {',
  "  await pool.query('INSERT INTO invites (email) VALUES ($1)', [email]);",
  "  await mail.add('invite', { email });",
  '};',
);

runRuleTests('dual-write', {
  valid: [],
  invalid: [{
    name: 'a queue class required through a re-exporting index (destructuring require in JavaScript) is a queue',
    files: {
      'package.json': '{ "name": "pages", "dependencies": { "bullmq": "5.0.0", "pg": "8.0.0" } }\n',
      'api/queues/MailQueue.js': MAIL_QUEUE,
      'api/queues/index.js': QUEUES_INDEX,
      'api/services/invites.js': INVITES,
    },
    errors: [{ messageId: 'dualWrite', file: 'api/services/invites.js', ...at(INVITES, 'add(') }],
  }],
});
