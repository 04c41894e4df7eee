/** MongoDB driver and mongoose: inserts, updates ($inc/$push are not idempotent), conditional updates as guards. */
import { Node, SyntaxKind, type VariableDeclaration } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import type { Fact } from '../facts';
import { clientFact, nestModuleOptions, readFact, writeFact } from './build';
import { givenFields, keyedInsert, literalString } from './staticValues';
import { modelKeys, modelKeysOf } from './mongooseKeys';
import { givenFieldsThrough, keyGiven } from './givenData';
import { arg, calleeName, objectLiteral, receiver, stringValue } from '../syntax';
import { isRequireCall, moduleExportsValue, requiredFile } from '../requiredModules';

/** Collection or model name of the receiver, when visible (`db.collection('x')`, `model('X', ...)`). */
function collectionName(call: Node): string | undefined {
  let recv = receiver(call);
  for (let i = 0; i < 3 && recv; i++) {
    if (Node.isCallExpression(recv) && isRequireCall(recv)) {
      // `const Certificate = require('./certificate')`: what that module exports (`mongoose.model('Certificate', ...)`).
      const file = requiredFile(recv);
      recv = file ? moduleExportsValue(file) : undefined;
      continue;
    }
    if (Node.isCallExpression(recv)) {
      const name = stringValue(arg(recv, 0));
      if (name) return name;
      recv = receiver(recv);
    } else if (Node.isIdentifier(recv) || Node.isPropertyAccessExpression(recv)) {
      const text = recv.getText();
      const decl = (Node.isPropertyAccessExpression(recv) ? recv.getNameNode() : recv).getSymbol()?.getDeclarations()[0];
      const init = decl && (Node.isVariableDeclaration(decl) || Node.isPropertyDeclaration(decl)) ? decl.getInitializer() : undefined;
      if (init && Node.isCallExpression(init)) { recv = init; continue; }
      return text.split('.').pop();
    } else break;
  }
  return undefined;
}

/** Operators whose repeat changes the document again. `$addToSet` and `$set` are idempotent; an upsert does not change that. */
const NON_IDEMPOTENT_UPDATE = /\$(inc|push|mul)\b/;

function update(library: string): OperationAnalyzer {
  return (call) => {
    const filter = arg(call, 0);
    const change = arg(call, 1);
    const name = collectionName(call);
    const facts: Fact[] = [];
    const conditional = !!filter && /\$(ne|nin|exists|lt|lte)\b/.test(filter.getText()) && /processed|handled|message|event|version|seen|seq/i.test(filter.getText());
    if (conditional) facts.push({ kind: 'guard', node: calleeName(call), library, detail: 'conditional update on the message identity' });
    const nonIdem = !!change && NON_IDEMPOTENT_UPDATE.test(change.getText()) && !conditional;
    facts.push(...writeFact(library, call, `${calleeName(call).getText()} on ${name ?? 'collection'}${nonIdem ? ' ($inc/$push)' : ''}`, nonIdem, name));
    return facts;
  };
}

/** `insertOne(doc)` / `Model.create(doc)`; keyed on an id it is given, a repeat fails on the unique `_id`. */
function insert(library: string): OperationAnalyzer {
  return (call, analysis) => {
    const name = collectionName(call);
    // The driver's primary key is `_id`; mongoose also maps a given `id` to it, and its schema may declare unique paths.
    const many = calleeName(call).getText() === 'insertMany';
    const key = many ? undefined : library === 'mongodb' ? (keyedInsert(arg(call, 0), /^_id$/) ? ['_id'] : undefined) : keyGiven(modelKeys(call), givenFieldsThrough(arg(call, 0), analysis));
    return writeFact(library, call, `${calleeName(call).getText()} into ${name ?? 'collection'}${key ? ` (keyed on a given ${key.join(', ')})` : ''}`, !key, name);
  };
}

/** `new MongoClient(url)`; the database is the one its `client.db('name')` calls select, when they agree on one. */
const mongoClient: OperationAnalyzer = (node) => {
  const holder = node.getParent();
  const database = holder && Node.isVariableDeclaration(holder) ? selectedDatabase(holder) : undefined;
  return clientFact('mongodb', node, 'mongodb', [arg(node, 0), arg(node, 1)].filter((n): n is Node => !!n), [], { database });
};

function selectedDatabase(decl: VariableDeclaration): string | undefined {
  const nameNode = decl.getNameNode();
  if (!Node.isIdentifier(nameNode)) return undefined;
  const names = new Set<string | undefined>();
  for (const call of decl.getSourceFile().getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'db' || callee.getExpression().getText() !== nameNode.getText()) continue;
    names.add(call.getArguments().length ? literalString(arg(call, 0)) : undefined);
  }
  return names.size === 1 ? [...names][0] : undefined;
}

/** True when the document a `doc.save()` saves was built with an explicit `id`/`_id`. */
function keyedConstruction(call: Node): boolean {
  let recv = receiver(call);
  if (recv && Node.isIdentifier(recv)) {
    const decl = recv.getSymbol()?.getDeclarations()[0];
    recv = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  }
  while (recv && (Node.isAwaitExpression(recv) || Node.isParenthesizedExpression(recv))) recv = recv.getExpression();
  if (!recv || !(Node.isNewExpression(recv) || Node.isCallExpression(recv))) return false;
  const data = objectLiteral(recv.getArguments()[0]);
  return keyedInsert(data) || (Node.isNewExpression(recv) && keyGiven(modelKeysOf(recv.getExpression()), givenFields(data)) !== undefined);
}

const mongooseConnect: OperationAnalyzer = (node) => clientFact('mongoose', node, 'mongodb', [arg(node, 0), arg(node, 1)].filter((n): n is Node => !!n));

export const mongodb: LibraryTable = {
  name: 'mongodb',
  transitions: {
    'mongodb#MongoClient|new': 'mongo.Client',
    'mongodb#MongoClient|connect()': 'mongo.Client',
    'mongodb#MongoClient|instance': 'mongo.Client',
    'mongo.Client|connect()': 'mongo.Client',
    'mongo.Client|db()': 'mongo.Db',
    'mongodb#Db|instance': 'mongo.Db',
    'mongo.Db|collection()': 'mongo.Collection',
    'mongodb#Collection|instance': 'mongo.Collection',
    'mongo.Client|startSession()': 'mongo.Session',
    'mongodb#ClientSession|instance': 'mongo.Session',
    'mongoose#model|()': 'mongoose.Model',
    'mongoose#Model|instance': 'mongoose.Model',
    'mongoose.Model|new': 'mongoose.NewDocument',
    // `Order.build(attrs)` (a static factory) makes a new document; other statics and finders return stored ones.
    'mongoose.Model|build()': 'mongoose.NewDocument',
    'mongoose.Model|*()': 'mongoose.Document',
    'mongoose.Document|populate()': 'mongoose.Document',
    // Query builders in a chain (`User.findById(id).session(session)`, `.lean()`, `.select('a b')`): still the documents found.
    ...Object.fromEntries(['session', 'lean', 'select', 'sort', 'limit', 'skip', 'where', 'orFail', 'hint', 'collation', 'setOptions', 'maxTimeMS', 'read']
      .map((m) => [`mongoose.Document|${m}()`, 'mongoose.Document'])),
    'mongoose.Document|exec()': 'mongoose.Document',
    'mongoose#Document|instance': 'mongoose.Document',
    'mongoose#HydratedDocument|instance': 'mongoose.Document',
    'mongoose#connection|.*': 'mongoose.Model',
    // Typegoose: a model built from a decorated class, and the types it declares models and documents with.
    '@typegoose/typegoose#getModelForClass|()': 'mongoose.Model',
    '@typegoose/typegoose#ReturnModelType|instance': 'mongoose.Model',
    '@typegoose/typegoose#DocumentType|instance': 'mongoose.Document',
  },
  operations: {
    'mongodb#MongoClient|new': mongoClient,
    'mongodb#MongoClient|connect': mongoClient,
    'mongoose#connect|()': mongooseConnect,
    '@nestjs/mongoose#MongooseModule|forRoot': mongooseConnect,
    '@nestjs/mongoose#MongooseModule|forRootAsync': (call, analysis) =>
      clientFact('mongoose', call, 'mongodb', nestModuleOptions(call, analysis, 'createMongooseOptions')),
    'mongoose#createConnection|()': mongooseConnect,
    'mongo.Collection|insertOne': insert('mongodb'),
    'mongo.Collection|insertMany': insert('mongodb'),
    'mongo.Collection|updateOne': update('mongodb'),
    'mongo.Collection|updateMany': update('mongodb'),
    'mongo.Collection|findOneAndUpdate': update('mongodb'),
    'mongo.Collection|replaceOne': (call) => writeFact('mongodb', call, 'replaceOne', false, collectionName(call)),
    'mongo.Collection|deleteOne': (call) => writeFact('mongodb', call, 'deleteOne', false, collectionName(call)),
    // Deletes and replacements by filter: repeated, they find nothing left to remove or write the same document.
    ...removals('mongo.Collection', 'mongodb', ['deleteMany', 'findOneAndDelete', 'findOneAndReplace']),
    'mongo.Collection|find': (call) => readFact('mongodb', call, `find on ${collectionName(call) ?? '?'}`, collectionName(call)),
    'mongo.Collection|findOne': (call) => readFact('mongodb', call, `findOne on ${collectionName(call) ?? '?'}`, collectionName(call)),
    'mongo.Session|withTransaction': (call) => ({ kind: 'tx', node: calleeName(call), library: 'mongodb', detail: 'withTransaction' }),
    ...Object.fromEntries(['find', 'findOne', 'findById'].map((m) => [`mongoose.Model|${m}`, (call: Node) => readFact('mongoose', call, `${m} on ${collectionName(call) ?? '?'}`, collectionName(call))])),
    'mongoose.Model|create': insert('mongoose'),
    'mongoose.Model|insertMany': insert('mongoose'),
    'mongoose.Model|updateOne': update('mongoose'),
    'mongoose.Model|updateMany': update('mongoose'),
    'mongoose.Model|findOneAndUpdate': update('mongoose'),
    'mongoose.Model|findByIdAndUpdate': update('mongoose'),
    ...removals('mongoose.Model', 'mongoose', ['deleteOne', 'deleteMany', 'findOneAndDelete', 'findByIdAndDelete', 'findOneAndReplace', 'replaceOne']),
    // A document read from the store: save() writes the fields it set (idempotent).
    'mongoose.Document|save': (call) => writeFact('mongoose', call, 'document.save()', false, collectionName(call)),
    // A new document: save() inserts, unless its id is given (a duplicate then fails on the unique _id).
    'mongoose.NewDocument|save': (call) => writeFact('mongoose', call, 'new document.save()', !keyedConstruction(call), collectionName(call)),
    'mongoose.Model|new': () => undefined,
  },
};

/** Writes that remove or replace by filter (`deleteMany on voies`): idempotent, as a repeat removes nothing more. */
function removals(type: string, library: string, methods: string[]): Record<string, (call: Node) => ReturnType<typeof writeFact>> {
  return Object.fromEntries(methods.map((m) => [`${type}|${m}`, (call: Node) => {
    const table = collectionName(call);
    return writeFact(library, call, `${m} on ${table ?? '?'}`, false, table);
  }]));
}

/** Options only a MongoDB change stream takes (`db.watch(pipeline, { resumeAfter, fullDocument: 'updateLookup' })`). */
const CHANGE_STREAM_OPTIONS = /^(resumeAfter|startAfter|startAtOperationTime|fullDocument|fullDocumentBeforeChange|showExpandedEvents)$/;

/**
 * A listener of a MongoDB change stream (`stream.on('change', fn)` where the stream is `x.watch(...)`
 * with change-stream options, or a value declared as a `ChangeStream`): it sees each change once it is
 * committed, and a stream resumed from a stored token delivers the changes after it again. A flow it
 * starts relays stored changes (change data capture), as an outbox relay does.
 */
export function isChangeStreamListener(fn: Node): boolean {
  const on = fn.getParent();
  if (!on || !Node.isCallExpression(on) || on.getArguments()[1] !== fn || stringValue(arg(on, 0)) !== 'change') return false;
  const callee = on.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'on') return false;
  let stream: Node | undefined = callee.getExpression();
  if (Node.isIdentifier(stream)) {
    const decl = stream.getSymbol()?.getDeclarations()[0];
    if (decl && Node.isVariableDeclaration(decl) && /\bChangeStream\b/.test(decl.getTypeNode()?.getText() ?? '')) return true;
    stream = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  }
  if (!stream || !Node.isCallExpression(stream)) return false;
  const watch = stream.getExpression();
  if (!Node.isPropertyAccessExpression(watch) || watch.getName() !== 'watch') return false;
  return stream.getArguments().some((a) => Node.isObjectLiteralExpression(a) && a.getProperties().some((p) => CHANGE_STREAM_OPTIONS.test((p as { getName?(): string }).getName?.() ?? '')));
}
