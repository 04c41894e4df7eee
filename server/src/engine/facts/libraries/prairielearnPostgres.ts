/**
 * @prairielearn/postgres: a default pg pool behind exported functions (`sqldb.execute(sql, params)`,
 * `queryRow`, `queryRows`, `queryScalar`, ...; the same methods on a `PostgresPool`), with the SQL
 * kept beside the code in a `.sql` file of named blocks (`-- BLOCK update_s3_info`) that
 * `loadSqlEquiv(import.meta.url)` (or `__filename`) loads: `sql.update_s3_info` is that block's
 * text. The file is read, never run.
 */
import fs from 'node:fs';
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { clientFact, sqlFacts } from './build';
import { arg, calleeName, initializerOf, stringValue } from '../syntax';
import { readOptional } from '../../workspace/files';

const MODULE = '@prairielearn/postgres';

/** The functions (and `PostgresPool` methods) that run the SQL of their first argument. */
const QUERIES = ['execute', 'executeRow', 'queryRows', 'queryRow', 'queryOptionalRow', 'queryScalars', 'queryScalar', 'queryOptionalScalar',
  'queryCursor', 'queryAsync', 'queryOneRowAsync', 'queryZeroOrOneRowAsync', 'queryValidatedRows', 'queryValidatedOneRow',
  'queryValidatedZeroOrOneRow', 'queryValidatedSingleColumnRows', 'queryValidatedSingleColumnOneRow', 'queryWithClientAsync',
  'queryWithClientOneRowAsync', 'queryWithClientZeroOrOneRowAsync'];

/** `-- BLOCK name` starts a block that runs to the next one (the package's loader). */
const BLOCK = /^ *-- *BLOCK +([^ ]+) *$/;

const blockCache = new Map<string, { mtimeMs: number; blocks: Map<string, string> }>();

/** The named blocks of a `.sql` file, read once per version of the file (as config files are: size-limited); undefined when it cannot be read. */
function blocksOf(file: string): Map<string, string> | undefined {
  try {
    const { mtimeMs } = fs.statSync(file);
    const cached = blockCache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.blocks;
    const text = readOptional(file);
    if (text === undefined) return undefined;
    const blocks = new Map<string, string>();
    let name: string | undefined;
    for (const line of text.split(/\r?\n/)) {
      const m = BLOCK.exec(line);
      if (m) blocks.set(name = m[1], '');
      else if (name) blocks.set(name, `${blocks.get(name)}\n${line}`);
    }
    blockCache.set(file, { mtimeMs, blocks });
    return blocks;
  } catch {
    return undefined;
  }
}

/** `loadSqlEquiv(import.meta.url)` / `loadSqlEquiv(__filename)`: the `.sql` file beside the calling file. */
function loadedSqlFile(init: Node | undefined): string | undefined {
  if (!init || !Node.isCallExpression(init)) return undefined;
  const callee = init.getExpression();
  const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
  const given = arg(init, 0)?.getText();
  if (name !== 'loadSqlEquiv' || (given !== 'import.meta.url' && given !== '__filename')) return undefined;
  return init.getSourceFile().getFilePath().replace(/\.[cm]?[jt]sx?$/, '.sql');
}

/** The SQL an argument gives: a string, or `sql.block` of a loaded `.sql` file. */
function sqlText(node: Node | undefined): string | undefined {
  const text = stringValue(node);
  if (text !== undefined || !node || !Node.isPropertyAccessExpression(node)) return text;
  const holder = node.getExpression();
  const file = Node.isIdentifier(holder) ? loadedSqlFile(initializerOf(holder)) : undefined;
  return file ? blocksOf(file)?.get(node.getName()) : undefined;
}

const query: OperationAnalyzer = (call, analysis) => sqlFacts(MODULE, call, arg(call, 0), analysis, sqlText(arg(call, 0)));
const transaction: OperationAnalyzer = (call) => ({ kind: 'tx', node: calleeName(call), library: MODULE, detail: 'runInTransactionAsync' });

const operations: Record<string, OperationAnalyzer> = {
  [`${MODULE}#initAsync|()`]: (call) => clientFact(MODULE, call, 'postgres', [arg(call, 0)].filter((n): n is Node => !!n)),
  [`${MODULE}#PostgresPool|new`]: (call) => clientFact(MODULE, call, 'postgres', []),
  [`${MODULE}#runInTransactionAsync|()`]: transaction,
  'prairielearnPostgres.Pool|runInTransactionAsync': transaction,
};
for (const name of QUERIES) {
  operations[`${MODULE}#${name}|()`] = query;
  operations[`prairielearnPostgres.Pool|${name}`] = query;
}

export const prairielearnPostgres: LibraryTable = {
  name: MODULE,
  transitions: {
    [`${MODULE}#PostgresPool|new`]: 'prairielearnPostgres.Pool',
    [`${MODULE}#PostgresPool|instance`]: 'prairielearnPostgres.Pool',
  },
  operations,
};
