/**
 * dual-write and flag variables: a publish under `if (job)` where `job` starts unset and is assigned
 * only on branches that do not write runs in no execution that also writes; the same flag assigned
 * on the writing branch keeps the pair.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** A step transition: either the next job is prepared, or the customer's lock is released (a write). */
const transition = (jobBranch: string[]) => lines(
  "import { Queue } from 'bullmq';", //                                                                   1
  "import { Pool } from 'pg';", //                                                                        2
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });', //                            3
  "const queue = new Queue('transitions', { connection: { host: 'redis' } });", //                      4
  'export async function advance(customerId: string, next?: { type: string }) {', //                    5
  '  let job: { customerId: string } | undefined;', //                                                   6
  '  if (next && next.type !== "delay") {', //                                                           7
  ...jobBranch, //                                                                                        8
  '  } else {',
  "    await pool.query('UPDATE locations SET locked = false WHERE customer_id = $1', [customerId]);",
  '  }',
  "  if (next && job) await queue.add(next.type, job, { jobId: `${customerId}:${next.type}` });",
  '}',
);

runRuleTests('dual-write', {
  valid: [
    {
      name: 'the job is set only on the branch that does not write, and the publish runs only when it is set',
      files: { 'services/journeys/src/transition.ts': transition(['    job = { customerId };']) },
    },
  ],
  invalid: [
    {
      name: 'a write on the branch that sets the flag too is paired with the publish',
      files: {
        'services/journeys/src/transition.ts': transition([
          "    await pool.query('UPDATE locations SET step = $2 WHERE customer_id = $1', [customerId, next.type]);", // 8
          '    job = { customerId };', //                                                                          9
        ]),
      },
      errors: [{ messageId: 'dualWrite', file: 'services/journeys/src/transition.ts', line: 13, column: 32 }],
    },
  ],
});
