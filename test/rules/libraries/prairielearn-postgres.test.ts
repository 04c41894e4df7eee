/**
 * @prairielearn/postgres: `sqldb.execute(sql.block, params)` (and `queryRow`, `queryRows`, ...) runs
 * the SQL of a named block of the `.sql` file beside the calling file, which
 * `loadSqlEquiv(import.meta.url)` loads (`-- BLOCK update_s3_info`). The package counts as the
 * library also in the monorepo that holds its source (a workspace package of that name).
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

/** The workspace package's source: a default pool whose methods are exported bound. */
const PACKAGE = {
  'packages/postgres/package.json': JSON.stringify({ name: '@prairielearn/postgres', version: '1.0.0', main: 'src/index.ts' }),
  'packages/postgres/src/index.ts': lines(
    "import pg from 'pg';",
    'export class PostgresPool {',
    '  private pool = new pg.Pool();',
    '  async execute(sql: string, params: Record<string, unknown>) { await this.pool.query(sql, Object.values(params)); }',
    '  async queryRow(sql: string, params: Record<string, unknown>) { return (await this.pool.query(sql, Object.values(params))).rows[0]; }',
    '}',
    'const defaultPool = new PostgresPool();',
    'export const execute = defaultPool.execute.bind(defaultPool);',
    'export const queryRow = defaultPool.queryRow.bind(defaultPool);',
    'export function loadSqlEquiv(_url: string): Record<string, string> { return {}; }',
  ),
};

const SQL = lines(
  '-- BLOCK select_job',
  'SELECT * FROM grading_jobs WHERE id = $id',
  '',
  '-- BLOCK update_s3_info',
  'UPDATE grading_jobs',
  'SET s3_bucket = $s3_bucket',
  'WHERE id = $id',
);

/** A flow that runs `block` and then sends the job to SQS. */
const flow = (block: string) => lines(
  "import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';",
  "import * as sqldb from '@prairielearn/postgres';",
  '',
  'const sql = sqldb.loadSqlEquiv(import.meta.url);',
  'const sqs = new SQSClient({});',
  '',
  'export async function submit(id: string, bucket: string) {',
  `  await sqldb.execute(sql.${block}, { id, s3_bucket: bucket });`,
  '  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.JOBS_QUEUE_URL, MessageBody: JSON.stringify({ id }) }));',
  '}',
);

const files = (block: string, withPackage: boolean) => ({
  ...(withPackage ? PACKAGE : {}),
  'apps/web/package.json': JSON.stringify({ name: 'web', dependencies: { '@prairielearn/postgres': 'workspace:^' } }),
  'apps/web/src/grading.ts': flow(block),
  'apps/web/src/grading.sql': SQL,
});

const UPDATE = flow('update_s3_info');

runRuleTests('dual-write', {
  valid: [
    { name: 'the block the flow runs is a SELECT', files: files('select_job', true) },
    { name: 'a block the .sql file does not have is unknown SQL, not a write', files: files('missing_block', true) },
  ],
  invalid: [
    {
      name: 'the UPDATE of a named block, then an SQS send (the package installed)',
      files: files('update_s3_info', false),
      errors: [{ messageId: 'dualWrite', file: 'apps/web/src/grading.ts', ...at(UPDATE, 'send('), messageIncludes: '`UPDATE grading_jobs`' }],
    },
    {
      name: 'the same with the package\'s source in the workspace',
      files: files('update_s3_info', true),
      errors: [{ messageId: 'dualWrite', file: 'apps/web/src/grading.ts', ...at(UPDATE, 'send('), messageIncludes: '`UPDATE grading_jobs`' }],
    },
  ],
});
