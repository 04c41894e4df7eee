/** Prisma: `prisma.<model>.create/update/upsert`, `$transaction`, raw SQL. */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { clientFact, keyedInsert, sqlFacts, writeFact } from './build';
import { arg, calleeName, prop, receiver } from '../syntax';

function model(call: Node): string | undefined {
  const recv = receiver(call);
  return recv && Node.isPropertyAccessExpression(recv) ? recv.getName() : undefined;
}

const INCREMENT = /\b(increment|decrement|multiply|push)\s*:/;

/** `createMany({ data, skipDuplicates: true })` is INSERT ... ON CONFLICT DO NOTHING: a repeat inserts nothing. */
const create: OperationAnalyzer = (call) => {
  const skipDuplicates = prop(arg(call, 0), 'skipDuplicates');
  const skips = !!skipDuplicates && skipDuplicates.getText() === 'true';
  // `create({ data: { id: event.id } })`: the primary key comes from outside, a repeat fails on it.
  const keyed = calleeName(call).getText() === 'create' && keyedInsert(prop(arg(call, 0), 'data'), /^id$/);
  const note = skips ? ' (skipDuplicates)' : keyed ? ' (keyed on a given id)' : '';
  return writeFact('prisma', call, `prisma.${model(call) ?? '?'}.${calleeName(call).getText()}${note}`, !skips && !keyed, model(call));
};
const update: OperationAnalyzer = (call) => {
  const data = prop(arg(call, 0), 'data');
  const inc = !!data && INCREMENT.test(data.getText());
  return writeFact('prisma', call, `prisma.${model(call) ?? '?'}.${calleeName(call).getText()}${inc ? ' (increment)' : ''}`, inc, model(call));
};
/** An upsert is idempotent unless its `update` branch increments (a counter upserted per event). */
const upsert: OperationAnalyzer = (call) => {
  const change = prop(arg(call, 0), 'update');
  const inc = !!change && INCREMENT.test(change.getText());
  return writeFact('prisma', call, `prisma.${model(call) ?? '?'}.upsert${inc ? ' (increment)' : ''}`, inc, model(call));
};
const idempotent: OperationAnalyzer = (call) => writeFact('prisma', call, `prisma.${model(call) ?? '?'}.${calleeName(call).getText()}`, false, model(call));
const raw: OperationAnalyzer = (node, a) => {
  if (Node.isTaggedTemplateExpression(node)) return sqlFacts('prisma', node, node.getTemplate(), a);
  return sqlFacts('prisma', node, arg(node, 0), a);
};

export const prisma: LibraryTable = {
  name: 'prisma',
  transitions: {
    '@prisma/client#PrismaClient|new': 'prisma.Client',
    '@prisma/client#PrismaClient|instance': 'prisma.Client',
    'prisma.Client|.*': 'prisma.Delegate',
    'prisma.Client|$transaction():param0': 'prisma.Client',
    'prisma.Client|$extends()': 'prisma.Client',
    '@prisma/client#Prisma|.TransactionClient': '@prisma/client#PrismaClient',
  },
  operations: {
    '@prisma/client#PrismaClient|new': (node) => clientFact('prisma', node, 'prisma', [arg(node, 0)].filter((n): n is Node => !!n)),
    'prisma.Delegate|create': create,
    'prisma.Delegate|createMany': create,
    'prisma.Delegate|update': update,
    'prisma.Delegate|updateMany': update,
    'prisma.Delegate|upsert': upsert,
    'prisma.Delegate|delete': idempotent,
    'prisma.Delegate|deleteMany': idempotent,
    'prisma.Client|$executeRaw': raw,
    'prisma.Client|$executeRawUnsafe': raw,
    'prisma.Client|$queryRaw': raw,
    'prisma.Client|$queryRawUnsafe': raw,
    'prisma.Client|$transaction': (call) => ({ kind: 'tx', node: calleeName(call), library: 'prisma', detail: '$transaction' }),
  },
};
