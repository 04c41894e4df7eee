import { runRuleTests } from '../support/ruleTester';

/** Joins lines so that fixture line N is element N-1. */
const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** A pg advisory lock on line 5, under the given comment on line 4. */
const lockUnder = (comment: string) => lines(
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  'export async function migrate() {',
  `  ${comment}`,
  "  await pool.query('SELECT pg_advisory_lock(7243)');",
  '}',
);

runRuleTests('unexplained-suppression', {
  valid: [
    {
      name: 'a directive with a rule id and a reason',
      code: lockUnder('// distributed-patterns-disable-next-line unjustified-distributed-lock -- migrations are serialised per deploy'),
    },
    {
      name: 'a directive naming two rules, comma-separated, with a reason',
      code: lockUnder('// distributed-patterns-disable-next-line unjustified-distributed-lock, dual-write -- one-off migration'),
    },
    {
      name: 'a block-comment directive with a reason',
      code: lockUnder('/* distributed-patterns-disable-next-line unjustified-distributed-lock -- serialised per deploy */'),
    },
    {
      name: 'a reason that itself contains " -- "',
      code: lockUnder('// distributed-patterns-disable-next-line unjustified-distributed-lock -- deploy-time only -- see RUNBOOK.md'),
    },
    {
      name: 'a directive in a JavaScript file',
      files: {
        'src/index.js': lines(
          "const { Pool } = require('pg');",
          'const pool = new Pool();',
          'exports.migrate = async () => {',
          '  // distributed-patterns-disable-next-line unjustified-distributed-lock -- deploy-time only',
          "  await pool.query('SELECT pg_advisory_lock(1)');",
          '};',
        ),
      },
    },
    {
      name: 'a reason is enough even when the next line has no finding',
      code: lines(
        '// distributed-patterns-disable-next-line dual-write -- kept while the outbox migration is rolled out',
        'export const x = 1;',
      ),
    },
    {
      name: 'the directive name mentioned in prose (not at the start of a comment) is not a directive',
      code: lines(
        '// To silence a finding, write distributed-patterns-disable-next-line <rule-id> -- <reason> above it.',
        'export const x = 1;',
      ),
    },
    {
      name: 'a similar directive of another tool is ignored',
      code: lines(
        '// eslint-disable-next-line no-console',
        "console.log('hello');",
      ),
    },
    {
      name: 'every shipped rule id is known',
      code: lines(
        '// distributed-patterns-disable-next-line non-idempotent-consumer, missing-correlation-id, shared-database -- fixture',
        '// distributed-patterns-disable-next-line unjustified-two-phase-commit, unjustified-distributed-lock, dual-write -- fixture',
        '// distributed-patterns-disable-next-line invalid-architecture -- fixture',
        'export const x = 1;',
      ),
    },
  ],
  invalid: [
    {
      name: 'a directive with a rule id but no reason',
      code: lockUnder('// distributed-patterns-disable-next-line unjustified-distributed-lock'),
      errors: [{ messageId: 'noReason', line: 4, column: 3, endLine: 4, endColumn: 73 }],
    },
    {
      name: 'a directive with "--" but nothing after it',
      code: lockUnder('// distributed-patterns-disable-next-line unjustified-distributed-lock --'),
      errors: [{ messageId: 'noReason', line: 4, column: 3 }],
    },
    {
      name: 'a directive with "-- " and only spaces after it',
      code: lockUnder('// distributed-patterns-disable-next-line unjustified-distributed-lock --   '),
      errors: [{ messageId: 'noReason', line: 4, column: 3 }],
    },
    {
      name: 'a directive without a rule id',
      code: lockUnder('// distributed-patterns-disable-next-line'),
      errors: [{ messageId: 'noRule', line: 4, column: 3 }],
    },
    {
      name: 'a directive with a reason but without a rule id',
      code: lockUnder('// distributed-patterns-disable-next-line -- serialised per deploy'),
      errors: [{ messageId: 'noRule', line: 4, column: 3 }],
    },
    {
      name: 'a directive with an unknown rule id',
      code: lockUnder('// distributed-patterns-disable-next-line unjustified-lock -- serialised per deploy'),
      errors: [{ messageId: 'unknownRule', line: 4, column: 3 }],
    },
    {
      name: 'an unknown rule id next to a known one',
      code: lockUnder('// distributed-patterns-disable-next-line unjustified-distributed-lock, no-dual-write -- deploy-time only'),
      errors: [{ messageId: 'unknownRule', line: 4, column: 3 }],
    },
    {
      name: 'a block-comment directive without a reason',
      code: lockUnder('/* distributed-patterns-disable-next-line unjustified-distributed-lock */'),
      errors: [{ messageId: 'noReason', line: 4, column: 3 }],
    },
    {
      name: 'a reason written without "--" is not read as a reason (one finding, not one per word)',
      code: lockUnder('// distributed-patterns-disable-next-line unjustified-distributed-lock migrations run once'),
      errors: [{ messageId: 'noReason', line: 4, column: 3 }],
    },
    {
      name: 'a directive with only prose names an unknown rule and gives no reason',
      code: lockUnder('// distributed-patterns-disable-next-line because migrations run once'),
      errors: [
        { messageId: 'unknownRule', line: 4, column: 3 },
        { messageId: 'noReason', line: 4, column: 3 },
      ],
    },
    {
      name: 'a misspelt rule id without a reason: both problems',
      code: lockUnder('// distributed-patterns-disable-next-line unjustified-distributed-locks'),
      errors: [
        { messageId: 'unknownRule', line: 4, column: 3 },
        { messageId: 'noReason', line: 4, column: 3 },
      ],
    },
    {
      name: 'each unexplained directive is reported, in every file',
      files: {
        'src/a.ts': lines(
          'export const a = 1;',
          '// distributed-patterns-disable-next-line dual-write',
          'export const b = 2;',
        ),
        'src/b.ts': lines(
          '    // distributed-patterns-disable-next-line',
          'export const c = 3;',
        ),
      },
      errors: [
        { messageId: 'noReason', file: 'src/a.ts', line: 2, column: 1 },
        { messageId: 'noRule', file: 'src/b.ts', line: 1, column: 5 },
      ],
    },
    {
      name: 'the finding cannot be silenced by a directive of its own',
      code: lines(
        '// distributed-patterns-disable-next-line unexplained-suppression -- meta',
        '// distributed-patterns-disable-next-line dual-write',
        'export const x = 1;',
      ),
      errors: [{ messageId: 'noReason', line: 2, column: 1, suppressed: false }],
    },
  ],
});
