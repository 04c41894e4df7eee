/**
 * Node's subpath imports (`"imports": { "#connectors/*": { "dev-import": "./src/connectors/*",
 * "default": "./build/connectors/*" } }` in package.json): `import { SearchService } from
 * '#connectors/searchService.js'` names a file of the package, found on matters-server (an SQS
 * Lambda handler calling its indexer through such an import). Without the mapping the import does
 * not resolve and the handler's writes are not seen.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const manifest = (imports: unknown) => JSON.stringify({ name: 'server', type: 'module', ...(imports ? { imports } : {}) }, null, 2);

const CONDITIONS = { '#connectors/*': { 'dev-import': './src/connectors/*', default: './build/connectors/*' } };
/** Only the built output is named: the source is looked for where it usually is (without `build/`, under `src/`). */
const BUILT_ONLY = { '#connectors/*': './build/connectors/*' };

const SERVICE = lines(
  "import pg from 'pg';",
  '',
  'const pool = new pg.Pool();',
  '',
  'export class SearchService {',
  '  async indexTags(tagIds: string[]) {',
  "    await pool.query('INSERT INTO search_index_tag (id) VALUES ($1)', [tagIds[0]]);",
  '  }',
  '}',
);

const HANDLER_FILE = 'src/handlers/searchIndexTags.ts';
const HANDLER = lines(
  "import type { SQSEvent } from 'aws-lambda';",
  "import { SearchService } from '#connectors/searchService.js';",
  '',
  'const searchService = new SearchService();',
  '',
  'export const handler = async (event: SQSEvent) => {',
  '  const tagIds = event.Records.map(({ body }) => JSON.parse(body).tagId);',
  '  await searchService.indexTags(tagIds);',
  '};',
);

const files = (imports: unknown) => ({ 'package.json': manifest(imports), 'src/connectors/searchService.ts': SERVICE, [HANDLER_FILE]: HANDLER });
const reported = { messageId: 'unguarded', file: HANDLER_FILE, ...at(HANDLER, 'handler') };

runRuleTests('non-idempotent-consumer', {
  valid: [{ name: 'no imports field: the specifier names nothing in the workspace', files: files(undefined) }],
  invalid: [
    { name: 'a subpath import with conditions, the source first', files: files(CONDITIONS), errors: [reported] },
    { name: 'a subpath import into built output only', files: files(BUILT_ONLY), errors: [reported] },
  ],
});
