/**
 * unjustified-distributed-lock and a justification written at the lock: a comment leading the statement
 * that takes it (or a statement around it) saying what it locks and what it prevents, in at least fifteen
 * words, or the doc comment of the function that takes it. A one-line restatement and `// acquire lock`
 * leave the finding.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const tips = (...comment: string[]) => lines(
  "import { Pool, PoolClient } from 'pg';",
  '',
  'export const pool = new Pool();',
  '',
  'export async function platformTipsAccount(client: PoolClient, hostId: number) {',
  "  const existing = await client.query('SELECT id FROM accounts WHERE host_id = $1', [hostId]);",
  '  if (existing.rows[0]) return existing.rows[0];',
  ...comment.map((c) => `  ${c}`),
  '  if (client) {',
  "    await client.query('SELECT pg_advisory_lock(42, $1)', [hostId]);",
  '  }',
  "  return (await client.query('INSERT INTO accounts (host_id) VALUES ($1) RETURNING id', [hostId])).rows[0];",
  '}',
);

const EXPLAINED = [
  '// First-time creation only: serialize concurrent creates for this host so two racing tips',
  "// can't both insert a platform-tips account (which would split tips across accounts).",
];

const DOC = lines(
  "import Redis from 'ioredis';",
  'const redis = new Redis();',
  '/**',
  ' * Takes the nightly report lock so that only one replica builds the report: building it twice',
  ' * sends every customer two e-mails.',
  ' */',
  'export async function lockNightlyReport(): Promise<boolean> {',
  "  return (await redis.set('lock:nightly-report', '1', 'PX', 60000, 'NX')) === 'OK';",
  '}',
);

const files = (text: string, file = 'services/billing/src/tips.ts') => ({ 'services/billing/package.json': JSON.stringify({ name: 'billing', scripts: { start: 'node dist/main.js' } }), [file]: text });

runRuleTests('unjustified-distributed-lock', {
  valid: [
    { name: 'a comment above the block that takes the lock says what it serializes and why', files: files(tips(...EXPLAINED)) },
    { name: "the function's doc comment says what the lock prevents", files: files(DOC, 'services/billing/src/report.ts') },
  ],
  invalid: [
    { name: 'no comment', files: files(tips()), errors: [{ messageId: 'lock', file: 'services/billing/src/tips.ts', ...at(tips(), 'query(\'SELECT pg_advisory') }] },
    {
      name: 'a one-line restatement records no decision',
      files: files(tips('// Use a distributed lock to prevent concurrent account creation')),
      errors: [{ messageId: 'lock', file: 'services/billing/src/tips.ts', ...at(tips('// Use a distributed lock to prevent concurrent account creation'), 'query(\'SELECT pg_advisory') }],
    },
    { name: '`// acquire lock` says neither what nor why', files: files(tips('// acquire lock')), errors: [{ messageId: 'lock', file: 'services/billing/src/tips.ts', ...at(tips('// acquire lock'), 'query(\'SELECT pg_advisory') }] },
  ],
});
