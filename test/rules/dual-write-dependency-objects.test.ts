/**
 * dual-write through a dependencies object: a handler receives its ports as an object typed by the
 * workspace (`type Deps = { sendMessage: (...) => Promise<void> }`), and the production object of that
 * type (`export const runtimeDependencies: Deps = { sendMessage }`) says which function runs. Found on
 * mobile-id-check-async (asyncAbortSession/handlerDependencies.ts:19-24, asyncAbortSessionHandler.ts:92),
 * where the send to the outbound queue after the session update was not seen.
 */
import { runRuleTests } from '../support/ruleTester';

const SQS = `import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { PrismaClient } from '@prisma/client';

const sqs = new SQSClient({});
const prisma = new PrismaClient();

export async function sendMessage(queueUrl: string, body: object): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(body) }));
}

export async function logMessage(queueUrl: string, body: object): Promise<void> {
  console.log(queueUrl, body);
}
`;

/** The handler (lines 1-12) calls `dependencies.${call}` after its write; the production object is `deps`. */
const handler = (types: string, deps: string, call: string) => ({
  'services/sessions/src/ports.ts': SQS,
  'services/sessions/src/dependencies.ts': `import { sendMessage, logMessage } from './ports';

${types}

${deps}
`,
  'services/sessions/src/handler.ts': `import { PrismaClient } from '@prisma/client';
import { Dependencies, runtimeDependencies } from './dependencies';

const prisma = new PrismaClient();

export async function abortConstructor(dependencies: Dependencies, sessionId: string) {
  await prisma.session.update({ where: { id: sessionId }, data: { status: 'aborted' } });
  ${call}
  return { statusCode: 200 };
}

export const abort = abortConstructor.bind(null, runtimeDependencies);
`,
});

const TYPE = 'export type Dependencies = { sendMessage: (queueUrl: string, body: object) => Promise<void> };';
const FACTORY_TYPE = 'export interface Dependencies { getSendMessage: () => (queueUrl: string, body: object) => Promise<void> }';
const SEND = "await dependencies.sendMessage(process.env.OUTBOUND_QUEUE!, { sessionId, aborted: true });";

runRuleTests('dual-write', {
  valid: [
    {
      name: 'the production object holds a function that only logs',
      files: handler(TYPE, 'export const runtimeDependencies: Dependencies = { sendMessage: logMessage };', SEND),
    },
  ],
  invalid: [
    {
      name: 'the production object holds the function that sends to SQS (shorthand property)',
      files: handler(TYPE, 'const sendMessageRef = sendMessage;\nexport const runtimeDependencies: Dependencies = { sendMessage };', SEND),
      errors: [{ messageId: 'dualWrite', file: 'services/sessions/src/handler.ts', line: 8, column: 22 }],
    },
    {
      name: 'an object checked with `satisfies`, its member an arrow calling the sender',
      files: handler(TYPE, 'export const runtimeDependencies = { sendMessage: (q: string, b: object) => sendMessage(q, b) } satisfies Dependencies;', SEND),
      errors: [{ messageId: 'dualWrite', file: 'services/sessions/src/handler.ts', line: 8, column: 22 }],
    },
    {
      name: 'a generic type annotation on the production object (`Dependencies<object>`)',
      files: handler('export type Dependencies<T = object> = { sendMessage: (queueUrl: string, body: T) => Promise<void> };',
        'export const runtimeDependencies: Dependencies<object> = { sendMessage };', SEND),
      errors: [{ messageId: 'dualWrite', file: 'services/sessions/src/handler.ts', line: 8, column: 22 }],
    },
    {
      name: 'a factory member of an interface returns the sender (`const send = dependencies.getSendMessage()`)',
      files: handler(FACTORY_TYPE, 'export const runtimeDependencies: Dependencies = { getSendMessage: () => (q: string, b: object) => sendMessage(q, b) };',
        "const send = dependencies.getSendMessage();\n  await send(process.env.OUTBOUND_QUEUE!, { sessionId });"),
      errors: [{ messageId: 'dualWrite', file: 'services/sessions/src/handler.ts', line: 9, column: 9 }],
    },
  ],
});
