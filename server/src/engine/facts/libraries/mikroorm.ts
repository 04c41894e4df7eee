/**
 * MikroORM (`@mikro-orm/*`): the EntityManager (`MikroORM.init()`'s `orm.em`, an injected
 * `EntityManager` / `SqlEntityManager`, `em.fork()`, the `em` a `transactional` callback is given)
 * and entity repositories (`EntityRepository<Order>`, `em.getRepository(Order)`).
 * Writes: `persistAndFlush` / `flush` (the unit of work), `insert` / `insertMany` / `nativeInsert`
 * (not idempotent unless the data carries the row's id), `nativeUpdate`, `nativeDelete`, `upsert`,
 * `removeAndFlush`. `persist` only stages an entity: the write is the `flush` that follows.
 * Reads: `find*`, `count`. Raw SQL: `em.execute(sql)` and the connection's `execute(sql)`.
 * Transactions: `transactional(fn)`, `begin` / `commit`. Clients: `MikroORM.init(options)` and
 * NestJS `MikroOrmModule.forRoot(options)` / `forRootAsync`.
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { clientFact, namesTheRow, nestModuleOptions, readFact, sqlFacts, writeFact } from './build';
import { arg, calleeName, prop, stringValue } from '../syntax';
import { entityNodeOf } from './typeorm';

const EM = 'mikroorm.EntityManager';
const REPO = 'mikroorm.Repository';
const CONNECTION = 'mikroorm.Connection';
const ORM = 'mikroorm.ORM';

/** The packages exporting MikroORM's classes: the core and each driver. */
const PACKAGES = ['@mikro-orm/core', '@mikro-orm/postgresql', '@mikro-orm/mysql', '@mikro-orm/mariadb', '@mikro-orm/sqlite',
  '@mikro-orm/better-sqlite', '@mikro-orm/libsql', '@mikro-orm/mssql', '@mikro-orm/mongodb', '@mikro-orm/knex'];

/** The entity a call works on: the manager's first argument (`em.nativeInsert(Order, data)`), or the repository's entity. */
function entityOf(call: Node, onManager: boolean): string | undefined {
  return (onManager ? arg(call, 0) : entityNodeOf(call))?.getText();
}

/** `insert` / `nativeInsert` / `persistAndFlush` of data that does not carry its row's id: a repeat adds a second row. */
const write = (verb: string, onManager: boolean, inserts: boolean): OperationAnalyzer => (call) => {
  // The manager's entity-class argument comes first, except for the unit-of-work calls that take entities.
  const takesEntities = /^(persistAndFlush|removeAndFlush|flush)$/.test(verb);
  const created = takesEntities ? newEntity(arg(call, 0)) : undefined;
  const entity = created?.entity ?? (takesEntities && onManager ? undefined : entityOf(call, onManager));
  const data = onManager && !takesEntities ? arg(call, 1) : created?.data ?? arg(call, 0);
  const fresh = verb === 'persistAndFlush' ? !!created : inserts;
  return writeFact('mikro-orm', call, `${entity ?? (onManager ? 'em' : 'repository')}.${verb}()`, inserts && fresh && !namesTheRow(data), entity);
};

/** A freshly built entity, `new Order(...)`, `em.create(Order, {...})` or `repo.create({...})` (directly or through a const): its class and data. */
function newEntity(a: Node | undefined): { entity?: string; data?: Node } | undefined {
  let node = a;
  if (node && Node.isIdentifier(node)) {
    const decl = node.getSymbol()?.getDeclarations()[0];
    node = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  }
  if (node && Node.isNewExpression(node)) return { entity: node.getExpression().getText(), data: arg(node, 0) };
  // `em.create(Order, data)` names the class; a repository's `repo.create(data)` takes only the data.
  if (node && Node.isCallExpression(node) && /\.create$/.test(node.getExpression().getText())) {
    return node.getArguments().length >= 2 ? { entity: arg(node, 0)?.getText(), data: arg(node, 1) } : { data: arg(node, 0) };
  }
  return undefined;
}

const read = (onManager: boolean): OperationAnalyzer => (call) =>
  readFact('mikro-orm', call, `${entityOf(call, onManager) ?? (onManager ? 'em' : 'repository')}.${calleeName(call).getText()}()`, entityOf(call, onManager));

const tx = (detail: string): OperationAnalyzer => (call) => ({ kind: 'tx', node: calleeName(call), library: 'mikro-orm', detail });

const rawSql: OperationAnalyzer = (call, analysis) => sqlFacts('mikro-orm', call, arg(call, 0), analysis);

/** The store behind the options: the driver class (`driver: PostgreSqlDriver`) or v5's `type: 'postgresql'`. */
function storeOf(options: Node[]): string {
  const said = options.map((o) => `${prop(o, 'driver')?.getText() ?? ''} ${stringValue(prop(o, 'type')) ?? ''}`).join(' ');
  if (/mongo/i.test(said)) return 'mongodb';
  if (/mysql|maria/i.test(said)) return 'mysql';
  if (/sqlite|libsql/i.test(said)) return 'sqlite';
  if (/mssql|sqlserver/i.test(said)) return 'mssql';
  return 'postgres';
}

const init: OperationAnalyzer = (call) => {
  const options = arg(call, 0) ? [arg(call, 0)!] : [];
  return clientFact('mikro-orm', call, storeOf(options), options);
};

const nestModule: OperationAnalyzer = (call, analysis) => {
  const options = nestModuleOptions(call, analysis, 'createMikroOrmOptions');
  return clientFact('mikro-orm', call, storeOf(options), options);
};

const MANAGER_WRITES: [string, boolean][] = [
  ['persistAndFlush', true], ['flush', false], ['insert', true], ['insertMany', true], ['nativeInsert', true],
  ['nativeUpdate', false], ['nativeDelete', false], ['upsert', false], ['upsertMany', false], ['removeAndFlush', false],
];
const READS = ['find', 'findOne', 'findOneOrFail', 'findAll', 'findAndCount', 'findByCursor', 'count'];

function transitions(): Record<string, string> {
  const out: Record<string, string> = {
    [`${ORM}|.em`]: EM,
    [`${EM}|fork()`]: EM,
    [`${EM}|transactional():param0`]: EM,
    [`${EM}|getRepository()`]: REPO,
    [`${EM}|getConnection()`]: CONNECTION,
    [`${EM}|getKnex()`]: 'knex.Knex',
    [`${REPO}|getEntityManager()`]: EM,
  };
  for (const p of PACKAGES) {
    out[`${p}#MikroORM|init()`] = ORM;
    out[`${p}#MikroORM|instance`] = ORM;
    for (const cls of ['EntityManager', 'SqlEntityManager']) out[`${p}#${cls}|instance`] = EM;
    out[`${p}#EntityRepository|instance`] = REPO;
  }
  return out;
}

function operations(): Record<string, OperationAnalyzer> {
  const out: Record<string, OperationAnalyzer> = {};
  for (const [verb, inserts] of MANAGER_WRITES) {
    out[`${EM}|${verb}`] = write(verb, true, inserts);
    out[`${REPO}|${verb}`] = write(verb, false, inserts);
  }
  for (const m of READS) {
    out[`${EM}|${m}`] = read(true);
    out[`${REPO}|${m}`] = read(false);
  }
  out[`${EM}|transactional`] = tx('transaction');
  out[`${EM}|begin`] = tx('BEGIN');
  out[`${EM}|commit`] = tx('COMMIT');
  out[`${EM}|execute`] = rawSql;
  out[`${CONNECTION}|execute`] = rawSql;
  for (const p of PACKAGES) out[`${p}#MikroORM|init`] = init;
  out['@mikro-orm/nestjs#MikroOrmModule|forRoot'] = nestModule;
  out['@mikro-orm/nestjs#MikroOrmModule|forRootAsync'] = nestModule;
  return out;
}

export const mikroorm: LibraryTable = { name: 'mikro-orm', transitions: transitions(), operations: operations() };
