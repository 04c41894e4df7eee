/** TypeORM: DataSource, repositories and entity managers; NestJS TypeOrmModule. */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { clientFact, nestModuleOptions, readFact, sqlFacts, writeFact } from './build';
import { arg, calleeName, prop, receiver, stringValue } from '../syntax';
import { givenFields } from './staticValues';
import { givenFieldsThrough, keyGiven } from './givenData';
import { entityClass, entityKeys } from './typeormKeys';

/** Entity name of a repository receiver: `getRepository(X)`, `Repository<X>`, `@InjectRepository(X)`. */
function entityOf(call: Node): string | undefined {
  return entityNodeOf(call)?.getText();
}

/** The node naming a repository receiver's entity (a type argument or a call argument); MikroORM repositories are read the same way. */
export function entityNodeOf(call: Node): Node | undefined {
  const recv = receiver(call);
  if (!recv) return undefined;
  if (Node.isCallExpression(recv)) return arg(recv, 0);
  const nameNode = Node.isPropertyAccessExpression(recv) ? recv.getNameNode() : recv;
  let decl: Node | undefined;
  try { decl = nameNode.getSymbol()?.getDeclarations()[0]; } catch { decl = undefined; }
  if (!decl) {
    // this.x where x is a constructor parameter property
    const cls = recv.getFirstAncestor((n) => Node.isClassDeclaration(n));
    if (cls && Node.isClassDeclaration(cls) && Node.isPropertyAccessExpression(recv)) decl = cls.getConstructors()[0]?.getParameter(recv.getName());
  }
  if (decl && (Node.isParameterDeclaration(decl) || Node.isPropertyDeclaration(decl))) {
    const typeNode = decl.getTypeNode();
    if (typeNode && Node.isTypeReference(typeNode)) {
      const t = typeNode.getTypeArguments()[0];
      if (t) return t;
    }
    const init = Node.isPropertyDeclaration(decl) ? decl.getInitializer() : undefined;
    if (init && Node.isCallExpression(init)) return arg(init, 0);
  }
  // `const repo = dataSource.getRepository(X)`
  const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  if (init && Node.isCallExpression(init) && /getRepository$/.test(init.getExpression().getText())) return arg(init, 0);
  return undefined;
}

/** For EntityManager calls the entity is the first argument. */
function managerEntity(call: Node): string | undefined {
  return arg(call, 0)?.getText();
}

const repoWrite = (nonIdempotent: boolean | ((call: Node) => boolean)): OperationAnalyzer => (call, analysis) => {
  const entity = entityOf(call);
  const ni = typeof nonIdempotent === 'function' ? nonIdempotent(call) : nonIdempotent;
  // An insert that sets a primary or unique key its entity declares from outside collides on a repeat.
  const key = ni && /^(save|insert)$/.test(calleeName(call).getText()) ? keyGiven(entityKeys(entityClass(entityNodeOf(call))), givenFieldsThrough(arg(call, 0), analysis, insertedData)) : undefined;
  const note = key ? ` (keyed on ${key.join(', ')})` : '';
  return writeFact('typeorm', call, `${entity ?? 'repository'}.${calleeName(call).getText()}()${note}`, ni && !key, entity);
};

const repoRead: OperationAnalyzer = (call) => readFact('typeorm', call, `${entityOf(call) ?? 'repository'}.${calleeName(call).getText()}()`, entityOf(call));

/** The data an insert sets: an object literal, or the one given to `repo.create({...})`, directly or through a const. */
function insertedData(a: Node | undefined): Node | undefined {
  let node = a;
  if (node && Node.isIdentifier(node)) {
    const decl = node.getSymbol()?.getDeclarations()[0];
    const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
    if (init && Node.isCallExpression(init)) node = init;
  }
  if (node && Node.isAwaitExpression(node)) node = node.getExpression();
  if (node && Node.isCallExpression(node) && /\.create$/.test(node.getExpression().getText())) return arg(node, 0);
  return a;
}
const managerWrite = (nonIdempotent: boolean): OperationAnalyzer => (call) => {
  const entity = managerEntity(call);
  const key = nonIdempotent && calleeName(call).getText() === 'insert' ? keyGiven(entityKeys(entityClass(arg(call, 0))), givenFields(insertedData(arg(call, 1)))) : undefined;
  const note = key ? ` (keyed on ${key.join(', ')})` : '';
  return writeFact('typeorm', call, `manager.${calleeName(call).getText()}(${entity ?? ''})${note}`, nonIdempotent && !key, entity);
};

/** The entity class of `Order.create({...})` (a BaseEntity's static factory) or `new Order(...)`, when written so. */
function createdEntity(a: Node | undefined): string | undefined {
  const made = a && Node.isCallExpression(a) ? a.getExpression() : a && Node.isNewExpression(a) ? a.getExpression() : undefined;
  if (made && Node.isIdentifier(made)) return a && Node.isNewExpression(a) && /^[A-Z]/.test(made.getText()) ? made.getText() : undefined;
  return made && Node.isPropertyAccessExpression(made) && made.getName() === 'create' && /^[A-Z]\w*$/.test(made.getExpression().getText()) ? made.getExpression().getText() : undefined;
}

/** `save` inserts when given a freshly created entity or object literal; otherwise it may be an update. */
function saveInserts(call: Node): boolean {
  const a = arg(call, 0);
  if (!a) return false;
  if (Node.isObjectLiteralExpression(a) || Node.isNewExpression(a)) return !/\bid\s*:/.test(a.getText());
  if (Node.isCallExpression(a)) return /\.create$/.test(a.getExpression().getText());
  if (Node.isIdentifier(a)) {
    const decl = a.getSymbol()?.getDeclarations()[0];
    const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
    if (init && (Node.isNewExpression(init) || (Node.isCallExpression(init) && /\.create$/.test(init.getExpression().getText())) || Node.isObjectLiteralExpression(init))) return true;
  }
  return false;
}

const dataSource: OperationAnalyzer = (node) => {
  const opts = arg(node, 0);
  const type = stringValue(prop(opts, 'type'));
  return clientFact('typeorm', node, type === 'mysql' || type === 'mariadb' ? 'mysql' : type === 'mongodb' ? 'mongodb' : 'postgres', opts ? [opts] : []);
};

/** NestJS `TypeOrmModule.forRoot(options)` / `forRootAsync({ useFactory })`. */
const nestTypeOrm: OperationAnalyzer = (call, analysis) => {
  const configs = nestModuleOptions(call, analysis, 'createTypeOrmOptions');
  const type = configs.map((c) => stringValue(prop(c, 'type'))).find((t) => t !== undefined);
  return clientFact('typeorm', call, type === 'mysql' || type === 'mariadb' ? 'mysql' : type === 'mongodb' ? 'mongodb' : 'postgres', configs);
};

export const typeorm: LibraryTable = {
  name: 'typeorm',
  transitions: {
    'typeorm#DataSource|new': 'typeorm.DataSource',
    'typeorm#DataSource|instance': 'typeorm.DataSource',
    'typeorm#Connection|instance': 'typeorm.DataSource',
    'typeorm#createConnection|()': 'typeorm.DataSource',
    'typeorm#getManager|()': 'typeorm.EntityManager',
    'typeorm#getRepository|()': 'typeorm.Repository',
    'typeorm.DataSource|getRepository()': 'typeorm.Repository',
    'typeorm.DataSource|.manager': 'typeorm.EntityManager',
    'typeorm.DataSource|createQueryRunner()': 'typeorm.QueryRunner',
    'typeorm.DataSource|transaction():param0': 'typeorm.EntityManager',
    'typeorm.DataSource|transaction():param1': 'typeorm.EntityManager',
    'typeorm#QueryRunner|instance': 'typeorm.QueryRunner',
    'typeorm.QueryRunner|.manager': 'typeorm.EntityManager',
    'typeorm#EntityManager|instance': 'typeorm.EntityManager',
    'typeorm.EntityManager|getRepository()': 'typeorm.Repository',
    'typeorm.EntityManager|transaction():param0': 'typeorm.EntityManager',
    'typeorm.EntityManager|transaction():param1': 'typeorm.EntityManager',
    'typeorm#Repository|instance': 'typeorm.Repository',
    'typeorm.Repository|.manager': 'typeorm.EntityManager',
    // Entity subscriber events (`afterInsert({ entity, manager }: InsertEvent<User>)`): the manager
    // and query runner of the transaction that made the change.
    ...Object.fromEntries(['InsertEvent', 'UpdateEvent', 'RemoveEvent', 'SoftRemoveEvent', 'RecoverEvent', 'LoadEvent', 'TransactionCommitEvent']
      .map((e) => [`typeorm#${e}|instance`, 'typeorm.EntityEvent'])),
    'typeorm.EntityEvent|.manager': 'typeorm.EntityManager',
    'typeorm.EntityEvent|.queryRunner': 'typeorm.QueryRunner',
  },
  operations: {
    'typeorm#DataSource|new': dataSource,
    'typeorm#createConnection|()': dataSource,
    '@nestjs/typeorm#TypeOrmModule|forRoot': nestTypeOrm,
    '@nestjs/typeorm#TypeOrmModule|forRootAsync': nestTypeOrm,
    ...Object.fromEntries(['find', 'findBy', 'findOne', 'findOneBy', 'findAndCount', 'findOneOrFail', 'findOneByOrFail'].map((m) => [`typeorm.Repository|${m}`, repoRead])),
    'typeorm.Repository|save': repoWrite(saveInserts),
    'typeorm.Repository|insert': repoWrite(true),
    'typeorm.Repository|increment': repoWrite(true),
    'typeorm.Repository|decrement': repoWrite(true),
    'typeorm.Repository|update': repoWrite(false),
    'typeorm.Repository|upsert': repoWrite(false),
    'typeorm.Repository|delete': repoWrite(false),
    'typeorm.Repository|query': (call, a) => sqlFacts('typeorm', call, arg(call, 0), a),
    'typeorm.EntityManager|save': (call) => {
      const second = arg(call, 1);
      // `manager.save(Order.create({...}))` / `manager.save(new Order())`: a new entity of that class.
      const created = second ? undefined : createdEntity(arg(call, 0));
      const entity = second ? managerEntity(call) : created;
      const inserts = (!!second && Node.isObjectLiteralExpression(second)) || !!created;
      const key = inserts ? keyGiven(entityKeys(entityClass(arg(call, 0))), givenFields(second)) : undefined;
      return writeFact('typeorm', call, `manager.save(${entity ?? ''})${key ? ` (keyed on ${key.join(', ')})` : ''}`, inserts && !key, entity);
    },
    'typeorm.EntityManager|insert': managerWrite(true),
    'typeorm.EntityManager|increment': managerWrite(true),
    'typeorm.EntityManager|decrement': managerWrite(true),
    'typeorm.EntityManager|update': managerWrite(false),
    'typeorm.EntityManager|upsert': managerWrite(false),
    'typeorm.EntityManager|delete': managerWrite(false),
    'typeorm.EntityManager|query': (call, a) => sqlFacts('typeorm', call, arg(call, 0), a),
    'typeorm.DataSource|query': (call, a) => sqlFacts('typeorm', call, arg(call, 0), a),
    'typeorm.QueryRunner|query': (call, a) => sqlFacts('typeorm', call, arg(call, 0), a),
    'typeorm.DataSource|transaction': (call) => ({ kind: 'tx', node: calleeName(call), library: 'typeorm', detail: 'transaction' }),
    'typeorm.EntityManager|transaction': (call) => ({ kind: 'tx', node: calleeName(call), library: 'typeorm', detail: 'transaction' }),
    'typeorm.QueryRunner|startTransaction': (call) => ({ kind: 'tx', node: calleeName(call), library: 'typeorm', detail: 'startTransaction' }),
    'typeorm.QueryRunner|commitTransaction': (call) => ({ kind: 'tx', node: calleeName(call), library: 'typeorm', detail: 'commitTransaction' }),
  },
};
