/**
 * mongoose documents: `new Model(...)`/`Model.build(...)` then `save()` inserts
 * (idempotent when the id comes with it); a document read from the store
 * (`findById`, custom finders, `populate`) is updated by `save()`.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const MODEL = lines(
  "import mongoose from 'mongoose';",
  '',
  "const Ticket = mongoose.model('Ticket', new mongoose.Schema({ title: String, price: Number, orderId: String }));",
  'export { Ticket };',
);

const CONSUMER = (body: string[]) => lines(
  "import amqp from 'amqplib';",
  "import { Ticket } from './ticket';",
  '',
  'export async function start() {',
  '  const channel = await (await amqp.connect(process.env.AMQP_URL!)).createChannel();',
  "  await channel.consume('tickets', async (msg) => {",
  '    if (!msg) return;',
  '    const data = JSON.parse(msg.content.toString());',
  ...body,
  '    channel.ack(msg);',
  '  });',
  '}',
);

const NEW_DOC = CONSUMER([
  '    const ticket = new Ticket({ title: data.title, price: data.price });',
  '    await ticket.save();',
]);

const KEYED_BUILD = CONSUMER([
  '    const ticket = Ticket.build({ id: data.id, title: data.title, price: data.price });',
  '    await ticket.save();',
]);

const FOUND_DOC = CONSUMER([
  '    const ticket = await Ticket.findById(data.ticketId).populate("order");',
  '    if (!ticket) return;',
  '    ticket.set({ orderId: data.orderId });',
  '    await ticket.save();',
]);

const files = (consumer: string) => ({ 'services/orders/src/ticket.ts': MODEL, 'services/orders/src/consumer.ts': consumer });

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'Model.build with the id from the event: a redelivery fails on the unique _id', files: files(KEYED_BUILD) },
    { name: 'save() of a document read with findById(...).populate(...) updates it', files: files(FOUND_DOC) },
  ],
  invalid: [{
    name: 'new Model(...) then save() inserts a new document per delivery',
    files: files(NEW_DOC),
    errors: [{ messageId: 'unguarded', file: 'services/orders/src/consumer.ts', ...at(NEW_DOC, 'consume') }],
  }],
});
