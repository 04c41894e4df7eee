/**
 * Sequelize (v6 and sequelize-typescript) and `@nestjs/sequelize`. Models are
 * classes extending `Model` (static `create/update/destroy...`, instances with
 * `save/increment`, sequelize-typescript's `$create/$add/$set/$remove`) or `sequelize.define(...)`;
 * `Model.scope(...)` and a static helper's `this: ModelStatic<M>` are the model. `create` with an explicit id,
 * `upsert`, `findOrCreate` and `bulkCreate({ ignoreDuplicates })` are
 * idempotent; `increment`/`decrement` are not. DEFRA's ffc-database wrapper hands out the same models.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { clientFact, namesTheRow, nestModuleOptions, readFact, sqlFacts, writeFact } from './build';
import { arg, calleeName, objectLiteral, prop, receiver, stringValue } from '../syntax';

const MODULES = ['sequelize', 'sequelize-typescript'];

/** The model a call runs on: the class name (`Order.create`), `define('orders')`, or the receiver text. */
function modelName(call: Node): string | undefined {
  const recv = receiver(call);
  if (!recv) return undefined;
  // `this.create(...)` in a model's own method: that model; in a helper typed `this: ModelStatic<M>`, whichever model calls it.
  if (Node.isThisExpression(recv)) {
    const fn = recv.getFirstAncestor((a) => Node.isMethodDeclaration(a) || Node.isFunctionDeclaration(a) || Node.isFunctionExpression(a));
    const params = fn && (Node.isMethodDeclaration(fn) || Node.isFunctionDeclaration(fn) || Node.isFunctionExpression(fn)) ? fn.getParameters() : [];
    return params[0]?.getName() === 'this' ? undefined : recv.getFirstAncestorByKind(SyntaxKind.ClassDeclaration)?.getName();
  }
  if (Node.isIdentifier(recv)) {
    const decl = recv.getSymbol()?.getDeclarations()[0];
    if (decl && Node.isVariableDeclaration(decl)) {
      const init = decl.getInitializer();
      if (init && Node.isCallExpression(init) && /\.define$/.test(init.getExpression().getText())) return stringValue(arg(init, 0));
    }
    return recv.getText();
  }
  return Node.isPropertyAccessExpression(recv) ? recv.getName() : recv.getText().slice(0, 40);
}

const write = (verb: string, nonIdempotent: boolean | ((call: Node) => boolean)): OperationAnalyzer => (call) => {
  const model = modelName(call);
  const ni = typeof nonIdempotent === 'function' ? nonIdempotent(call) : nonIdempotent;
  return writeFact('sequelize', call, `${model ?? 'Model'}.${verb}()`, ni, model);
};

/** `Model.update(values, { where })`: a literal `x + 1` (sequelize.literal) is an increment. */
const staticUpdate: OperationAnalyzer = (call) => {
  const inc = /literal\([^)]*[+-]\s*\d/.test(arg(call, 0)?.getText() ?? '');
  return writeFact('sequelize', call, `${modelName(call) ?? 'Model'}.update()${inc ? ' (increment)' : ''}`, inc, modelName(call));
};

const client = (call: Node) => {
  const opts = (call as unknown as { getArguments(): Node[] }).getArguments();
  const options = opts.map((o) => objectLiteral(o)).find((o) => o !== undefined);
  const dialect = stringValue(prop(options, 'dialect')) ?? stringValue(opts[0])?.split(':')[0];
  return clientFact('sequelize', call, storeOf(dialect), opts);
};

function storeOf(dialect: string | undefined): string {
  if (!dialect) return 'sql';
  if (/^postgres/.test(dialect)) return 'postgres';
  if (/^(mysql|mariadb)/.test(dialect)) return 'mysql';
  if (/^(mssql|sqlserver)/.test(dialect)) return 'mssql';
  return dialect;
}

const transitions: Record<string, string> = {};
const operations: Record<string, OperationAnalyzer> = {};
for (const m of MODULES) {
  transitions[`${m}#Sequelize|new`] = 'sequelize.Sequelize';
  transitions[`${m}#Sequelize|instance`] = 'sequelize.Sequelize';
  transitions[`${m}#*|new`] = 'sequelize.Sequelize'; // CommonJS `const Sequelize = require('sequelize')`
  transitions[`${m}#Model|instance`] = 'sequelize.Instance';
  transitions[`${m}#Model|build()`] = 'sequelize.NewInstance';
  transitions[`${m}#Model|new`] = 'sequelize.NewInstance';
  transitions[`${m}#Model|create()`] = 'sequelize.Instance';
  transitions[`${m}#Model|findByPk()`] = 'sequelize.Instance';
  transitions[`${m}#Model|findOne()`] = 'sequelize.Instance';
  transitions[`${m}#Model|findOrCreate()`] = 'sequelize.Instance';
  transitions[`${m}#Transaction|instance`] = 'sequelize.Transaction';
  // `User.scope('withTeam').findOne()`: a scoped model is the model; `this: ModelStatic<M>` in a static helper is one.
  transitions[`${m}#Model|scope()`] = `${m}#Model`;
  transitions[`${m}#Model|unscoped()`] = `${m}#Model`;
  transitions[`${m}#ModelStatic|instance`] = `${m}#Model`;
  transitions[`${m}#ModelCtor|instance`] = `${m}#Model`;
  operations[`${m}#Sequelize|new`] = client;
  operations[`${m}#*|new`] = client;
  const model = `${m}#Model`;
  operations[`${model}|create`] = write('create', (call) => !namesTheRow(arg(call, 0)));
  operations[`${model}|bulkCreate`] = write('bulkCreate', (call) => !/ignoreDuplicates\s*:\s*true|updateOnDuplicate\s*:/.test(arg(call, 1)?.getText() ?? ''));
  operations[`${model}|upsert`] = write('upsert', false);
  operations[`${model}|findOrCreate`] = write('findOrCreate', false);
  operations[`${model}|update`] = staticUpdate;
  operations[`${model}|increment`] = write('increment', true);
  operations[`${model}|decrement`] = write('decrement', true);
  operations[`${model}|destroy`] = write('destroy', false);
  operations[`${model}|restore`] = write('restore', false);
  for (const verb of ['findAll', 'findOne', 'findByPk', 'count', 'findAndCountAll']) operations[`${model}|${verb}`] = (call) => readFact('sequelize', call, `${modelName(call) ?? 'Model'}.${verb}()`, modelName(call));
}
// DEFRA's ffc-database: `new Database({ ...dbConfig, modelPath }).connect()` loads the model files and returns them by name,
// beside the `sequelize` instance (`db.d365.update(...)`, `db.sequelize.transaction()`).
transitions['ffc-database#Database|new'] = 'ffc-database.Database';
transitions['ffc-database#Database|instance'] = 'ffc-database.Database';
transitions['ffc-database.Database|connect()'] = 'ffc-database.Models';
transitions['ffc-database.Models|.sequelize'] = 'sequelize.Sequelize';
transitions['ffc-database.Models|.*'] = 'sequelize#Model';
operations['ffc-database#Database|new'] = client;
transitions['sequelize.Sequelize|define()'] = 'sequelize#Model';
// Sequelize 5's `sequelize.import(path)` loads a model-definition module: a model.
transitions['sequelize.Sequelize|import()'] = 'sequelize#Model';
transitions['sequelize.Sequelize|transaction():param0'] = 'sequelize.Transaction';
operations['sequelize.Instance|save'] = write('save', false);
operations['sequelize.Instance|update'] = write('update', false);
operations['sequelize.Instance|destroy'] = write('destroy', false);
operations['sequelize.Instance|increment'] = write('increment', true);
operations['sequelize.Instance|decrement'] = write('decrement', true);
// sequelize-typescript association helpers: `$create` inserts an associated row; `$add`/`$set`/`$remove` link or unlink rows.
operations['sequelize.Instance|$create'] = write('$create', true);
operations['sequelize.Instance|$add'] = write('$add', false);
operations['sequelize.Instance|$set'] = write('$set', false);
operations['sequelize.Instance|$remove'] = write('$remove', false);
operations['sequelize.NewInstance|save'] = write('save (insert)', (call) => {
  const recv = receiver(call);
  const decl = recv && Node.isIdentifier(recv) ? recv.getSymbol()?.getDeclarations()[0] : undefined;
  const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  return !(init && Node.isCallExpression(init) && namesTheRow(arg(init, 0)));
});
operations['sequelize.Sequelize|query'] = (call, a) => sqlFacts('sequelize', call, arg(call, 0), a);
operations['sequelize.Sequelize|transaction'] = (call) => ({ kind: 'tx', node: calleeName(call), library: 'sequelize', detail: 'transaction' });
operations['sequelize.Transaction|commit'] = (call) => ({ kind: 'tx', node: calleeName(call), library: 'sequelize', detail: 'commit' });
operations['@nestjs/sequelize#SequelizeModule|forRoot'] = (call, analysis) => {
  const opts = nestModuleOptions(call, analysis, 'createSequelizeOptions');
  return clientFact('sequelize', call, storeOf(stringValue(prop(opts[0], 'dialect'))), opts);
};
operations['@nestjs/sequelize#SequelizeModule|forRootAsync'] = operations['@nestjs/sequelize#SequelizeModule|forRoot'];

export const sequelize: LibraryTable = { name: 'sequelize', transitions, operations };
