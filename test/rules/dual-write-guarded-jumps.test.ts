/**
 * dual-write: a write made only under `if (edited)` (a `const`) and a publish after a statement that
 * leaves whenever `edited` holds (`if (type !== 'notify' || edited) continue;`) never run in one
 * execution. Shape from evolution-api (whatsapp.baileys.service.ts:1097-1173): an edited message is
 * saved, and the loop moves on to the next message before the new-message event is sent.
 */
import { runRuleTests } from '../support/ruleTester';

const handler = (condition: string, declare = 'const') => ({
  'services/messages/src/upsert.ts': `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';

const prisma = new PrismaClient();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();

export async function upsert(messages: { id: string; type: string; edit?: string }[]) {
  for (const m of messages) {
    ${declare} edited = m.edit;
    if (edited) {
      await prisma.message.update({ where: { id: m.id }, data: { text: edited } });
    }
    if (${condition}) {
      continue;
    }
    await producer.send({ topic: 'messages.upsert', messages: [{ key: m.id, value: m.id }] });
  }
}
`,
});

const reported = [{ messageId: 'dualWrite', file: 'services/messages/src/upsert.ts', line: 16, column: 20 }];

runRuleTests('dual-write', {
  valid: [
    { name: 'the loop continues whenever the message was edited', files: handler("m.type !== 'notify' || edited") },
    { name: 'the condition is the flag alone', files: handler('edited') },
  ],
  invalid: [
    { name: 'a jump on another condition lets the edited message reach the publish', files: handler("m.type !== 'notify'"), errors: reported },
    { name: 'both must hold for the jump (`&&`): an edited message may go on', files: handler("m.type !== 'notify' && edited"), errors: reported },
    { name: 'a `let` may change between the two', files: handler("m.type !== 'notify' || edited", 'let'), errors: reported },
  ],
});
