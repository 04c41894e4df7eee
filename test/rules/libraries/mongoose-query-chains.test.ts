/**
 * Mongoose query builders in a chain: `User.findById(id).session(session)`, `.lean()`, `.select(...)`
 * still give the documents found, so a `save()` on one is a write (heavens-ms-rabbitmq's
 * `vacateUserById`: a room freed over RPC, then the user saved in a session). Without the chain the
 * document is not typed and the flow's write is not seen.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const FILE = 'apps/user-service/src/services/user.service.js';
const flow = (query: string) => lines(
  "const mongoose = require('mongoose')",
  "const amqp = require('amqplib')",
  '',
  "const User = mongoose.model('User', new mongoose.Schema({ isVacated: Boolean }))",
  '',
  'async function vacateUser (userId) {',
  '  const connection = await amqp.connect(process.env.AMQP_URL)',
  '  const channel = await connection.createChannel()',
  '  const session = await mongoose.startSession()',
  `  const user = await ${query}`,
  "  channel.sendToQueue('property.remove_assignment', Buffer.from(JSON.stringify({ userId })))",
  '  user.isVacated = true',
  '  await user.save({ session })',
  '}',
  'module.exports = { vacateUser }',
);

const SESSION = flow('User.findById(userId).session(session)');
const SELECT = flow("User.findOne({ _id: userId }).select('isVacated').session(session)");

runRuleTests('dual-write', {
  valid: [{ name: 'a plain object, not a document, is saved by nothing', files: { [FILE]: flow('({ save: async () => undefined })') } }],
  invalid: [
    { name: 'findById(...).session(session): a document whose save is a write', files: { [FILE]: SESSION }, errors: [{ messageId: 'dualWrite', file: FILE, ...at(SESSION, 'sendToQueue(') }] },
    { name: 'findOne(...).select(...).session(session)', files: { [FILE]: SELECT }, errors: [{ messageId: 'dualWrite', file: FILE, ...at(SELECT, 'sendToQueue(') }] },
  ],
});
