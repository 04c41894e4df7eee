/**
 * kafka-node (`new Producer(client).send([{ topic, messages }])`, `new ConsumerGroup(options, topics).on('message', fn)`,
 * also through a client hung on `global` by a connect function) and pg-boss (`boss.send(name, data)`,
 * `boss.work(name, handler)`: a handler taken as run once, since retries depend on the sender's retryLimit).
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const KAFKA = lines(
  "const kafka = require('kafka-node');",
  '',
  'const connect = function () {',
  '  const Producer = kafka.Producer;',
  '  const client = new kafka.KafkaClient({ kafkaHost: process.env.KAFKA_URL });',
  '  const producer = new Producer(client);',
  '  return { kafkaProducer: producer, kafkaClient: client };',
  '};',
  '',
  'module.exports = connect;',
);

const BOOT = lines(
  "global.kafkaClient = require('./kafka')();",
);

const PRODUCER = lines(
  "const Project = require('./project');",
  '',
  'async function completeProject(id) {',
  "  await Project.findOneAndUpdate({ _id: id }, { $set: { status: 'completed' } });",
  "  kafkaClient.kafkaProducer.send([{ topic: 'project.completed', messages: JSON.stringify({ id }) }], () => {});",
  '}',
  '',
  'module.exports = { completeProject };',
);

const MODEL = lines(
  "const mongoose = require('mongoose');",
  '',
  "module.exports = mongoose.model('Project', new mongoose.Schema({ status: String }));",
);

const CONSUMER = lines(
  "const kafka = require('kafka-node');",
  "const Certificate = require('./certificate');",
  '',
  "const consumer = new kafka.ConsumerGroup({ kafkaHost: process.env.KAFKA_URL, groupId: 'certificates', autoCommit: true }, 'project.completed');",
  "consumer.on('message', async function (message) {",
  '  const event = JSON.parse(message.value);',
  '  await Certificate.create({ projectId: event.id, issuedAt: new Date() });',
  '});',
);

const CERTIFICATE = lines(
  "const mongoose = require('mongoose');",
  '',
  "module.exports = mongoose.model('Certificate', new mongoose.Schema({ projectId: String, issuedAt: Date }));",
);

const BOSS_FLOW = lines(
  "import PgBoss from 'pg-boss';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  'const boss = new PgBoss(process.env.DATABASE_URL!);',
  '',
  'export async function createItem(title: string) {',
  '  const item = await prisma.item.create({ data: { title } });',
  "  await boss.send('indexItem', { id: item.id, correlationId: item.id });",
  '  return item;',
  '}',
  '',
  'export async function startWorker() {',
  "  await boss.work('indexItem', async (job: { data: { id: string } }) => {",
  '    await prisma.searchEntry.create({ data: { itemId: job.data.id } });',
  '  });',
  '}',
);

const project = { 'services/projects/src/kafka.js': KAFKA, 'services/projects/src/app.js': BOOT, 'services/projects/src/project.js': MODEL, 'services/projects/src/complete.js': PRODUCER };

runRuleTests('dual-write', {
  valid: [],
  invalid: [
    {
      name: 'a Mongoose update, then kafka-node send through a client hung on global',
      files: project,
      errors: [{ messageId: 'dualWrite', file: 'services/projects/src/complete.js', ...at(PRODUCER, 'send('), messageIncludes: 'producer.send to "project.completed"' }],
    },
    {
      name: 'a Prisma create, then a pg-boss send (pg-boss writes the job on its own connection)',
      files: { 'services/items/src/items.ts': BOSS_FLOW },
      errors: [{ messageId: 'dualWrite', file: 'services/items/src/items.ts', ...at(BOSS_FLOW, "send('indexItem'"), messageIncludes: 'send "indexItem"' }],
    },
  ],
});

runRuleTests('non-idempotent-consumer', {
  valid: [{ name: 'a pg-boss handler: retries depend on the sender, so it is taken as run once', files: { 'services/items/src/items.ts': BOSS_FLOW } }],
  invalid: [{
    name: "a kafka-node ConsumerGroup 'message' handler creating a document",
    files: { 'services/certificates/src/consumer.js': CONSUMER, 'services/certificates/src/certificate.js': CERTIFICATE },
    errors: [{ messageId: 'unguarded', file: 'services/certificates/src/consumer.js', ...at(CONSUMER, "on('message'"), messageIncludes: 'writes `create into Certificate`' }],
  }],
});
