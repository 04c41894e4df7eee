/**
 * dual-write and a callee that writes only on its way to answering "no": `assertValid` marks the
 * intent invalid and returns false, and the flow leaves on that answer (`if (!(await
 * assertValid(id))) return false`) before it queues the valid intent. No execution both saves the
 * invalid mark and queues the job (eco-solver's validateIntent). A callee that writes and then
 * answers true, or a flow that goes on after a "no", is still one flow with the later publish.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const FILE = 'services/intents/src/validate.ts';

const flow = (answer: string, guard: string[]) => lines(
  "import { Queue } from 'bullmq';", //                                                                    1
  "import { Pool } from 'pg';", //                                                                         2
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });', //                             3
  "const queue = new Queue('intents', { connection: { host: 'redis' } });", //                              4
  'async function assertValid(id: string): Promise<boolean> {', //                                         5
  "  const { rows } = await pool.query('SELECT ok FROM intents WHERE id = $1', [id]);", //                  6
  '  if (!rows[0].ok) {', //                                                                                7
  "    await pool.query(\"UPDATE intents SET status = 'INVALID' WHERE id = $1\", [id]);", //                8
  `    return ${answer};`, //                                                                               9
  '  }', //                                                                                                10
  '  return true;', //                                                                                     11
  '}', //                                                                                                  12
  'export async function validateIntent(id: string) {', //                                               13
  ...guard, //                                                                                             14-15
  "  await queue.add('feasible', { id }, { jobId: `feasible-${id}` });", //                                16
  '  return true;',
  '}',
);

const NEGATED = ['  if (!(await assertValid(id))) {', '    return false; }'];
const CONST_ANSWER = ['  const valid = await assertValid(id);', '  if (valid === false) return false;'];
const GOES_ON = ['  const valid = await assertValid(id);', "  if (!valid) console.warn('invalid', id);"];

runRuleTests('dual-write', {
  valid: [
    { name: 'the callee writes only before `return false`, and the flow returns on `!(await call)`', files: { [FILE]: flow('false', NEGATED) } },
    { name: 'the answer kept in a const, and the flow returns on `=== false`', files: { [FILE]: flow('false', CONST_ANSWER) } },
  ],
  invalid: [
    {
      name: 'the callee writes and then answers true: the write is on the path that goes on to publish',
      files: { [FILE]: flow('true', NEGATED) },
      errors: [{ messageId: 'dualWrite', file: FILE, line: 16, column: 15 }],
    },
    {
      name: 'the flow only logs a "no" and goes on to publish',
      files: { [FILE]: flow('false', GOES_ON) },
      errors: [{ messageId: 'dualWrite', file: FILE, line: 16, column: 15 }],
    },
  ],
});
