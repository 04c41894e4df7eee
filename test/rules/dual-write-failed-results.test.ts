/**
 * dual-write: a publish in the branch taken because the write's own result says it failed
 * (`if (result.isError)`, `const { error } = ...; if (error)`) reports that failure; it is not
 * the announcement of a saved change. Found on mobile-id-check-async (asyncAbortSessionHandler.ts:61-66),
 * where a conditional DynamoDB update returns a Result and its error branch sends an error audit event.
 */
import { runRuleTests } from '../support/ruleTester';

const HEAD = `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';

const prisma = new PrismaClient();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();

type Result<T> = { isError: true; error: string } | { isError: false; value: T };

async function updateSession(id: string): Promise<Result<string>> {
  try {
    await prisma.session.update({ where: { id, status: 'active' }, data: { status: 'aborted' } });
    return { isError: false, value: id };
  } catch {
    return { isError: true, error: 'conditional check failed' };
  }
}

async function saveSession(id: string): Promise<{ error?: string; ok: boolean }> {
  await prisma.session.create({ data: { id } });
  return { ok: true };
}
`;

/** An abort handler (from line 23): `body`, then `after`. */
const abort = (body: string, after = '') => ({
  'services/sessions/src/abort.ts': `${HEAD}
export async function abort(id: string) {
${body}
${after}
}
`,
});

const UPDATE = '  const result = await updateSession(id);\n';

const AUDIT = "await producer.send({ topic: 'audit', messages: [{ key: id, value: 'ABORT_FAILED' }] });";

runRuleTests('dual-write', {
  valid: [
    {
      name: 'an error audit event sent in the branch where the Result says the update failed',
      files: abort(`${UPDATE}  if (result.isError) {\n    ${AUDIT}\n    return;\n  }`),
    },
    {
      name: 'the failure told by a negated success flag (`!result.ok`)',
      files: abort(`  const saved = await saveSession(id);\n  if (!saved.ok) {\n    ${AUDIT}\n  }`),
    },
    {
      name: 'the failure told by a destructured `error` (a `{ data, error }` reply)',
      files: abort(`  const { error } = await saveSession(id);\n  if (error) {\n    ${AUDIT}\n  }`),
    },
  ],
  invalid: [
    {
      name: 'the event sent once the Result says the update succeeded is the dual write',
      files: abort(`${UPDATE}  if (result.isError) {\n    ${AUDIT}\n    return;\n  }`,
        "  await producer.send({ topic: 'sessions.aborted', messages: [{ key: id, value: id }] });"),
      errors: [{ messageId: 'dualWrite', line: 29, column: 18 }],
    },
    {
      name: 'a branch on the success of the result is the flow itself',
      files: abort(`${UPDATE}  if (!result.isError) {\n    ${AUDIT}\n  }`),
      errors: [{ messageId: 'dualWrite', line: 26, column: 20 }],
    },
    {
      name: 'a branch on another value is not the failure of the write',
      files: abort(`${UPDATE}  if (id.startsWith('x')) {\n    ${AUDIT}\n  }`),
      errors: [{ messageId: 'dualWrite', line: 26, column: 20 }],
    },
  ],
});
