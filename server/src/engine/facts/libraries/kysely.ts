/**
 * Kysely: `new Kysely<DB>({ dialect })` (the pool inside the dialect is the client, counted by its own
 * table), `db.insertInto('t').values(...)` (`.onConflict((oc) => oc.doNothing())` on a message/event id
 * column is an inbox guard; `doUpdateSet` and MySQL's `onDuplicateKeyUpdate` make an idempotent
 * upsert; `insertIgnoreInto`/`.ignore()` an insert that skips repeats), `db.updateTable('t').set(...)`
 * (`eb('n', '+', 1)` or `sql\`n + 1\`` is an increment), `db.deleteFrom`, `db.selectFrom`
 * (`executeTakeFirst` reads one row), raw `sql\`...\`` and transactions
 * (`db.transaction().execute(async (trx) => ...)`, where `trx` is a Kysely of its own).
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import type { Fact } from '../facts';
import { sqlFacts, writeFact } from './build';
import { isGuardTable } from '../sql';
import { arg, calleeName, chainedCalls, chainedCallTexts as chainAfter, stringValue } from '../syntax';

const LIBRARY = 'kysely';

/** `'users'`, `'users as u'` or `'public.users'`: the table, without its alias. */
function tableOf(call: Node): string | undefined {
  return stringValue(arg(call, 0))?.replace(/\s+as\s+\w+$/i, '').trim();
}


function insert(ignoreByName: boolean): OperationAnalyzer {
  return (call) => {
    const table = tableOf(call);
    const chain = chainAfter(call);
    const conflict = chain.find((c) => c.startsWith('onConflict('));
    const ignore = ignoreByName || chain.some((c) => c.startsWith('ignore(')) || /\.doNothing\(/.test(conflict ?? '');
    const upsert = /\.doUpdateSet\(/.test(conflict ?? '') || chain.some((c) => c.startsWith('onDuplicateKeyUpdate('));
    const facts: Fact[] = [];
    if (ignore && (isGuardTable(table) || /message|event|idempot|dedup/i.test(conflict ?? ''))) {
      facts.push({ kind: 'guard', node: calleeName(call), library: LIBRARY, detail: `insert into ${table ?? '?'} on conflict do nothing`, table });
    }
    const note = ignore ? ' on conflict do nothing' : upsert ? ' on conflict do update' : '';
    facts.push(...writeFact(LIBRARY, call, `insert into ${table ?? '?'}${note}`, !ignore && !upsert, table));
    return facts;
  };
}

/** `set({ n: sql\`n + 1\` })` or `set((eb) => ({ n: eb('n', '+', 1) }))`. */
const INCREMENT = /sql`[^`]*\w+\s*[+-]\s*(\d|\$\{)|\beb\(\s*['"]\w+['"]\s*,\s*['"][+-]['"]|\(\s*['"]\w+['"]\s*,\s*['"][+-]['"]\s*,/;

const update: OperationAnalyzer = (call) => {
  const table = tableOf(call);
  const set = chainedCalls(call).find((c) => c.name === 'set');
  const inc = !!set && INCREMENT.test(set.args.map((a) => a.getText()).join(','));
  return writeFact(LIBRARY, call, `update ${table ?? '?'}${inc ? ' (increment)' : ''}`, inc, table);
};

const del: OperationAnalyzer = (call) => writeFact(LIBRARY, call, `delete from ${tableOf(call) ?? '?'}`, false, tableOf(call));

const select: OperationAnalyzer = (call) => {
  const table = tableOf(call);
  const oneRow = chainedCalls(call, 24).some((c) => /^executeTakeFirst(OrThrow)?$/.test(c.name));
  return { kind: isGuardTable(table) ? 'guard' : 'read', node: calleeName(call), library: LIBRARY, detail: `select from ${table ?? '?'}`, table, ...(oneRow ? { oneRow } : {}) };
};

const rawSql: OperationAnalyzer = (node, a) => (Node.isTaggedTemplateExpression(node) ? sqlFacts(LIBRARY, node, node.getTemplate(), a) : undefined);

export const kysely: LibraryTable = {
  name: LIBRARY,
  transitions: {
    'kysely#Kysely|new': 'kysely.Db',
    'kysely#Kysely|instance': 'kysely.Db',
    'kysely#Transaction|instance': 'kysely.Db',
    'kysely#ControlledTransaction|instance': 'kysely.Db',
    'kysely#QueryCreator|instance': 'kysely.Db',
    'kysely.Db|withSchema()': 'kysely.Db',
    'kysely.Db|withPlugin()': 'kysely.Db',
    'kysely.Db|withoutPlugins()': 'kysely.Db',
    'kysely.Db|withTables()': 'kysely.Db',
    'kysely.Db|with()': 'kysely.Db',
    'kysely.Db|withRecursive()': 'kysely.Db',
    'kysely.Db|transaction()': 'kysely.TxBuilder',
    'kysely.TxBuilder|setIsolationLevel()': 'kysely.TxBuilder',
    'kysely.TxBuilder|setAccessMode()': 'kysely.TxBuilder',
    'kysely.TxBuilder|execute():param0': 'kysely.Db',
    'kysely.Db|connection()': 'kysely.Connection',
    'kysely.Connection|execute():param0': 'kysely.Db',
  },
  operations: {
    'kysely.Db|insertInto': insert(false),
    'kysely.Db|insertIgnoreInto': insert(true),
    'kysely.Db|replaceInto': (call) => writeFact(LIBRARY, call, `replace into ${tableOf(call) ?? '?'}`, false, tableOf(call)),
    'kysely.Db|mergeInto': (call) => writeFact(LIBRARY, call, `merge into ${tableOf(call) ?? '?'}`, false, tableOf(call)),
    'kysely.Db|updateTable': update,
    'kysely.Db|deleteFrom': del,
    'kysely.Db|selectFrom': select,
    'kysely.TxBuilder|execute': (call) => ({ kind: 'tx', node: calleeName(call), library: LIBRARY, detail: 'transaction' }),
    'kysely#sql|()': rawSql,
  },
};
