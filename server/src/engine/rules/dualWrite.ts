import { Node, type SourceFile, type ts } from 'ts-morph';
import { createRule } from './createRule';
import { describeAt } from './describe';
import { isFunctionLike } from '../facts/analysis';
import { functionLikesOf } from '../facts/walk';
import { isGuardTable, isOutboxTable } from '../facts/sql';
import type { Reached } from '../facts/effects';
import { outboxFix } from '../fixes/outbox';

export const dualWrite = createRule({
  id: 'dual-write',
  description: 'A flow that writes a datastore and publishes a message (or calls another service) must use a transactional outbox.',
  defaultSeverity: 'error',
  fixes: ['Route through a transactional outbox'],
  messages: {
    dualWrite: {
      message: 'This flow writes `{{write}}` ({{writeAt}}) and {{publish}}, but the two do not commit together: if the process dies or {{peer}} is unreachable between them, the database and the rest of the system disagree and nothing retries.',
      hint: 'Insert the {{event}} into an outbox table in the same transaction as the write, and let a relay {{deliver}} it (polling with FOR UPDATE SKIP LOCKED, or CDC).',
    },
  },
  check({ model, report }) {
    const candidates: { fn: Node; publish: Reached; write: Reached }[] = [];
    for (const { sourceFile } of model.files) {
      for (const fn of functionsOf(sourceFile)) {
        for (const c of flowsOf(fn, model.effects.of(fn))) candidates.push(c);
      }
    }
    const byPublish = new Map<unknown, typeof candidates>();
    for (const c of candidates) byPublish.set(c.publish.fact, [...(byPublish.get(c.publish.fact) ?? []), c]);
    const reportedAt = new Set<string>();
    for (const c of candidates) {
      const nested = byPublish.get(c.publish.fact)!.some((o) => o !== c && o.fn !== c.fn && c.fn.containsRange(o.fn.getPos(), o.fn.getEnd()));
      if (nested) continue;
      const at = c.publish.path.length ? calleeOf(c.publish.via) : c.publish.fact.node;
      const location = model.locationOf(at);
      const key = `${location.file}:${location.range.start.line}:${location.range.start.column}`;
      if (reportedAt.has(key)) continue;
      reportedAt.add(key);
      const isHttp = c.publish.fact.kind === 'http';
      const publishText = isHttp ? `calls service "${c.publish.fact.target}" (\`${c.publish.fact.detail}\`)` : `publishes (\`${c.publish.fact.detail}\`)`;
      report({
        messageId: 'dualWrite',
        data: {
          write: c.write.fact.detail, writeAt: describeAt(model, c.write.fact.node), publish: publishText,
          peer: isHttp ? `service "${c.publish.fact.target}"` : 'the broker',
          event: isHttp ? 'request' : 'event',
          deliver: isHttp ? 'send' : 'publish',
        },
        location,
        snippet: `${c.write.fact.detail}|${c.publish.fact.detail}`,
        related: [
          { ...model.locationOf(c.write.fact.node), message: `the datastore write: ${c.write.fact.detail}` },
          ...(c.publish.path.length ? [{ ...model.locationOf(c.publish.fact.node), message: `the publish: ${c.publish.fact.detail}` }] : []),
        ],
        fixes: () => outboxFix(model, c.fn, c.publish),
      });
    }
  },
});

/**
 * The functions of a file, kept while its syntax tree is unchanged (the
 * language server re-runs the rules after every edit; only the edited file
 * gets a new tree).
 */
const functionsByTree = new WeakMap<ts.SourceFile, Node[]>();

function functionsOf(file: SourceFile): Node[] {
  let fns = functionsByTree.get(file.compilerNode);
  if (!fns) functionsByTree.set(file.compilerNode, fns = functionLikesOf(file).filter(isFunctionLike));
  return fns;
}

/** Per effect list (the effect index keeps one list per function until an edit affects it). */
const flowsByEffects = new WeakMap<Reached[], { fn: Node; publish: Reached; write: Reached }[]>();

/** The (publish, first write) pairs of a function that is a dual-write flow on its own. */
function flowsOf(fn: Node, reached: Reached[]): { fn: Node; publish: Reached; write: Reached }[] {
  const cached = flowsByEffects.get(reached);
  if (cached) return cached;
  const out: { fn: Node; publish: Reached; write: Reached }[] = [];
  flowsByEffects.set(reached, out);
  const publishes = reached.filter((r) => (r.fact.kind === 'publish' && !r.fact.reply) || (r.fact.kind === 'http' && r.fact.target !== undefined && !['GET', 'HEAD'].includes(r.fact.method ?? '')));
  if (!publishes.length) return out;
  if (reached.some((r) => r.fact.kind === 'read' && isOutboxTable(r.fact.table))) return out; // an outbox relay
  if (isOutboxCode(fn)) return out; // an outbox relay behind a repository (OutboxService.processEvent, outbox-publisher.ts)
  // Inbox (processed-message) rows are deduplication bookkeeping, not state other services depend on.
  const writes = reached.filter((r) => r.fact.kind === 'write' && r.fact.library !== 'redis' && !isOutboxTable(r.fact.table) && !isGuardTable(r.fact.table));
  if (!writes.length) return out;
  for (const publish of publishes) {
    const throughOneCallee = publish.path.length > 0 && writes.every((w) => w.via === publish.via);
    if (throughOneCallee) continue; // the callee is the flow; it reports itself
    out.push({ fn, publish, write: writes[0] });
  }
  return out;
}

/** A function in an outbox class, function or module: the relay that publishes stored events and marks them sent. */
function isOutboxCode(fn: Node): boolean {
  const names: string[] = [fn.getSourceFile().getBaseName()];
  const named = (n: Node) => (Node.isFunctionDeclaration(n) || Node.isMethodDeclaration(n) || Node.isClassDeclaration(n)) ? n.getName() ?? '' : '';
  names.push(named(fn));
  const parent = fn.getParent();
  if (parent && Node.isVariableDeclaration(parent)) names.push(parent.getName());
  const cls = fn.getFirstAncestor((a) => Node.isClassDeclaration(a));
  if (cls) names.push(named(cls));
  return names.some((n) => /outbox/i.test(n));
}

function calleeOf(call: Node): Node {
  if (Node.isCallExpression(call) || Node.isNewExpression(call)) {
    const e = call.getExpression();
    return Node.isPropertyAccessExpression(e) ? e.getNameNode() : e;
  }
  return call;
}
