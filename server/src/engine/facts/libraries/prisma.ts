/** Prisma: `prisma.<model>.create/update/upsert`, `$transaction`, raw SQL. */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { clientFact, readFact, sqlFacts, writeFact } from './build';
import { keyedInsert } from './staticValues';
import { givenFieldsThrough } from './givenData';
import { arg, calleeName, objectLiteral, prop, propName, receiver } from '../syntax';

function model(call: Node): string | undefined {
  const recv = receiver(call);
  return recv && Node.isPropertyAccessExpression(recv) ? recv.getName() : undefined;
}

const INCREMENT = /\b(increment|decrement|multiply|push)\s*:/;

/** `createMany({ data, skipDuplicates: true })` is INSERT ... ON CONFLICT DO NOTHING: a repeat inserts nothing. */
const create: OperationAnalyzer = (call, analysis) => {
  const skipDuplicates = prop(arg(call, 0), 'skipDuplicates');
  const skips = !!skipDuplicates && skipDuplicates.getText() === 'true';
  // `create({ data: { id: event.id } })`: the primary key comes from outside, a repeat fails on it.
  const keyed = calleeName(call).getText() === 'create' && keyedInsert(prop(arg(call, 0), 'data'), /^id$/);
  const note = skips ? ' (skipDuplicates)' : keyed ? ' (keyed on a given id)' : '';
  const facts = writeFact('prisma', call, `prisma.${model(call) ?? '?'}.${calleeName(call).getText()}${note}`, !skips && !keyed, model(call));
  // Other fields it sets from the message may be the model's key or a unique field (schema.prisma decides).
  const given = !skips && !keyed && calleeName(call).getText() === 'create' ? givenFieldsThrough(prop(arg(call, 0), 'data'), analysis) : undefined;
  return given?.length ? facts.map((f) => (f.kind === 'write' ? { ...f, insertKeys: given } : f)) : facts;
};

/**
 * The primary and unique keys of each model of a Prisma schema (`schema.prisma` text): field
 * attributes `@id` and `@unique`, block attributes `@@id([a, b])` and `@@unique([a, b])`. Keyed by
 * the client's accessor name (`model AdminUser` is `prisma.adminUser`).
 */
export function prismaModelKeys(text: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  const source = text.replace(/\/\/.*$/gm, '');
  for (const m of source.matchAll(/^\s*model\s+(\w+)\s*\{([^}]*)\}/gm)) {
    const keys: string[][] = [];
    for (const line of m[2].split('\n')) {
      const field = /^\s*(\w+)\s+\w+/.exec(line);
      if (field && /@(id|unique)\b/.test(line) && !/^\s*@@/.test(line)) keys.push([field[1]]);
      const block = /^\s*@@(id|unique)\s*\(\s*(?:fields\s*:\s*)?\[([^\]]*)\]/.exec(line);
      if (block) keys.push(block[2].split(',').map((f) => f.trim().replace(/\(.*$/, '')).filter(Boolean));
    }
    out.set(m[1].charAt(0).toLowerCase() + m[1].slice(1), keys);
  }
  return out;
}
const ID_KEY = /^id$|Id$/;

function keysOf(node: Node | undefined): string[] {
  const obj = objectLiteral(node);
  return obj ? obj.getProperties().flatMap((p) => (Node.isPropertyAssignment(p) || Node.isShorthandPropertyAssignment(p) ? [propName(p.getNameNode())] : [])) : [];
}

/**
 * `updateMany({ where: { id: runId, status: 'QUEUED' }, data: { status: 'RUNNING' } })`: a
 * compare-and-set on the rows' state (a selector such as the row's id or `projectId`, and a field
 * the update changes, are both in the condition), so a second delivery of the same message matches
 * no row. A claim, like a version-conditional UPDATE. Whether the selector is the model's key does
 * not matter: the rows it selects are changed, so a repeat finds none of them.
 */
function claims(call: Node): string | undefined {
  const where = keysOf(prop(arg(call, 0), 'where'));
  const data = keysOf(prop(arg(call, 0), 'data'));
  if (!where.some((k) => !data.includes(k))) return undefined;
  return where.find((k) => !ID_KEY.test(k) && data.includes(k));
}

const update: OperationAnalyzer = (call) => {
  const data = prop(arg(call, 0), 'data');
  const inc = !!data && INCREMENT.test(data.getText());
  const claim = inc ? undefined : claims(call);
  const write = writeFact('prisma', call, `prisma.${model(call) ?? '?'}.${calleeName(call).getText()}${inc ? ' (increment)' : ''}`, inc, model(call));
  if (!claim) return write;
  const guard = { kind: 'guard' as const, node: calleeName(call), library: 'prisma', detail: `prisma.${model(call) ?? '?'}.${calleeName(call).getText()} only where ${claim} is unchanged (a claim)`, table: model(call) };
  return [guard, ...(Array.isArray(write) ? write : [write])];
};
/** An upsert is idempotent unless its `update` branch increments (a counter upserted per event). */
const upsert: OperationAnalyzer = (call) => {
  const change = prop(arg(call, 0), 'update');
  const inc = !!change && INCREMENT.test(change.getText());
  return writeFact('prisma', call, `prisma.${model(call) ?? '?'}.upsert${inc ? ' (increment)' : ''}`, inc, model(call));
};
const idempotent: OperationAnalyzer = (call) => writeFact('prisma', call, `prisma.${model(call) ?? '?'}.${calleeName(call).getText()}`, false, model(call));
const read: OperationAnalyzer = (call) => readFact('prisma', call, `prisma.${model(call) ?? '?'}.${calleeName(call).getText()}`, model(call));
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
    // nestjs-prisma: `PrismaService` extends PrismaClient; `CustomPrismaService<T>.client` is the extended client.
    'nestjs-prisma#PrismaService|instance': 'prisma.Client',
    'nestjs-prisma#CustomPrismaService|instance': 'nestjs-prisma.Custom',
    'nestjs-prisma.Custom|.client': 'prisma.Client',
  },
  operations: {
    'nestjs-prisma#PrismaModule|forRoot': (call) => clientFact('prisma', call, 'prisma', [arg(call, 0)].filter((n): n is Node => !!n)),
    'nestjs-prisma#PrismaModule|forRootAsync': (call) => clientFact('prisma', call, 'prisma', [arg(call, 0)].filter((n): n is Node => !!n)),
    '@prisma/client#PrismaClient|new': (node) => clientFact('prisma', node, 'prisma', [arg(node, 0)].filter((n): n is Node => !!n)),
    'prisma.Delegate|create': create,
    'prisma.Delegate|createMany': create,
    'prisma.Delegate|update': update,
    'prisma.Delegate|updateMany': update,
    'prisma.Delegate|updateManyAndReturn': update,
    'prisma.Delegate|upsert': upsert,
    'prisma.Delegate|delete': idempotent,
    'prisma.Delegate|deleteMany': idempotent,
    ...Object.fromEntries(['findMany', 'findFirst', 'findUnique', 'findFirstOrThrow', 'findUniqueOrThrow'].map((m) => [`prisma.Delegate|${m}`, read])),
    'prisma.Client|$executeRaw': raw,
    'prisma.Client|$executeRawUnsafe': raw,
    'prisma.Client|$queryRaw': raw,
    'prisma.Client|$queryRawUnsafe': raw,
    'prisma.Client|$transaction': (call) => ({ kind: 'tx', node: calleeName(call), library: 'prisma', detail: '$transaction' }),
  },
};
