/**
 * One finding per root cause: what the rules share to report an effect once, where it is, with
 * the flows that reach it (its entry points) as related locations, and to pick the headline
 * effect of a handler (the most consequential one).
 */
import { Node, type SourceFile, type ts } from 'ts-morph';
import { isFunctionLike } from '../facts/analysis';
import { functionLikesOf } from '../facts/walk';
import type { Fact } from '../facts/facts';
import type { Reached } from '../facts/effects';
import type { RelatedLocation } from '../types';
import type { SystemModel } from '../model';
import { channelNamedAt, consumersInCode, type HopIndex } from '../facts/hops';
import { calleeName } from '../facts/syntax';
import { isReply } from '../facts/replies';

/**
 * The functions of a file, kept while its syntax tree is unchanged (the
 * language server re-runs the rules after every edit; only the edited file
 * gets a new tree).
 */
const functionsByTree = new WeakMap<ts.SourceFile, Node[]>();

export function functionsOf(file: SourceFile): Node[] {
  let fns = functionsByTree.get(file.compilerNode);
  if (!fns) functionsByTree.set(file.compilerNode, fns = functionLikesOf(file).filter(isFunctionLike));
  return fns;
}

/** A function that reaches a fact through calls, and the functions it passes through. */
export interface Caller {
  fn: Node;
  path: Node[];
  /** The call in `fn` through which the fact is reached. */
  via: Node;
}

/** For each of `targets`, the workspace functions that reach it through at least one call (its callers, direct or not). */
export function callersOf(model: SystemModel, targets: ReadonlySet<Fact>): Map<Fact, Caller[]> {
  const out = new Map<Fact, Caller[]>();
  if (!targets.size) return out;
  for (const fn of mayReach(model, targets)) {
    for (const r of model.effects.of(fn)) {
      if (!r.path.length || !targets.has(r.fact)) continue;
      const list = out.get(r.fact);
      if (list) list.push({ fn, path: r.path, via: r.via });
      else out.set(r.fact, [{ fn, path: r.path, via: r.via }]);
    }
  }
  return out;
}

/**
 * The workspace functions from which a call chain can lead to one of `targets`, in file order:
 * one step of every function's calls, then the reverse closure from the functions that produce a
 * target themselves. A superset of the callers, so that only their summaries are computed (a
 * summary of every function of a large workspace costs far more than one step of each).
 */
function mayReach(model: SystemModel, targets: ReadonlySet<Fact>): Node[] {
  const all: Node[] = [];
  const callersOfFn = new Map<Node, Node[]>();
  const reached = new Set<Node>();
  for (const { sourceFile } of model.files) {
    for (const fn of functionsOf(sourceFile)) {
      all.push(fn);
      const { direct, callees } = model.effects.step(fn, targets);
      if (direct) reached.add(fn);
      for (const callee of callees) {
        const list = callersOfFn.get(callee);
        if (list) list.push(fn);
        else callersOfFn.set(callee, [fn]);
      }
    }
  }
  const queue = [...reached];
  while (queue.length) {
    for (const caller of callersOfFn.get(queue.pop()!) ?? []) {
      if (reached.has(caller)) continue;
      reached.add(caller);
      queue.push(caller);
    }
  }
  return all.filter((fn) => reached.has(fn));
}

/**
 * The outermost callers: a caller that another one passes through (a service method a route
 * calls) or that sits inside another (a callback of a scheduler) is not an entry point. Consumer
 * handlers always are: a handler is a flow of its own.
 */
export function outermost(callers: Caller[], consumers: Map<Node, Fact>): Node[] {
  const fns = [...new Set(callers.map((c) => c.fn))];
  return fns.filter((g) => consumers.has(g) || !callers.some((c) => c.fn !== g && (c.path.includes(g) || (c.fn.getSourceFile() === g.getSourceFile() && c.fn.getPos() <= g.getPos() && g.getEnd() <= c.fn.getEnd()))));
}

/** The consumer registration of each handler function. */
export function consumersByHandler(model: SystemModel): Map<Node, Fact> {
  const out = new Map<Node, Fact>();
  for (const f of model.facts) if (f.kind === 'consumer' && f.handler && !out.has(f.handler)) out.set(f.handler, f);
  return out;
}

/** Entry points as related locations: consumer handlers first, then the other outermost callers (at most five). */
export function entryPoints(model: SystemModel, callers: Caller[], consumers: Map<Node, Fact>): RelatedLocation[] {
  const sorted = outermost(callers, consumers).sort((a, b) => Number(consumers.has(b)) - Number(consumers.has(a)));
  return sorted.slice(0, 5).map((g) => ({
    ...model.locationOf(nameOf(g)),
    message: consumers.has(g) ? `reached from the ${consumers.get(g)!.detail}` : `reached from ${nameOf(g).getText().slice(0, 60)}`,
  }));
}

export function nameOf(fn: Node): Node {
  const named = fn as unknown as { getNameNode?(): Node | undefined };
  const n = named.getNameNode?.();
  if (n) return n;
  const parent = fn.getParent();
  if (parent && (Node.isVariableDeclaration(parent) || Node.isPropertyAssignment(parent))) return parent.getNameNode();
  return fn;
}

/** A write to a table named as a log (`action_log`, `ActionLog`, `audit_events`, `analytics`, `OrderActivity`, `timeline`), not `catalog` or `blog`. */
const APPEND_ONLY_WORD = /^(logs?|audits?|history|histories|trails?|analytics|metrics?|telemetry|tracking|activity|activities|timeline)$/i;

export function isAppendOnly(fact: Fact): boolean {
  if (fact.kind !== 'write') return false;
  if (writtenByLogger(fact.node)) return true;
  if (!fact.table) return false;
  const words = wordsOf(fact.table);
  const last = words[words.length - 1] ?? '';
  return APPEND_ONLY_WORD.test(last) || /^audit/i.test(words[0] ?? '') || (/^entr(y|ies)$/i.test(last) && words.some((w) => /^(log|audit)$/i.test(w)));
}

const wordsOf = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).filter(Boolean);

/**
 * A write made by a logger: in a class named as one (`AutopilotDbLoggerService`, `AuditLogService`,
 * `AuditTrailWriter`; not `AuditHandler`) or
 * in a function whose name starts with the verb `log` (`logAction`, `logEvent`; not `login`). What it
 * writes is a record of what happened, whatever its table is called.
 */
function writtenByLogger(node: Node): boolean {
  const fn = node.getFirstAncestor((a) => isFunctionLike(a));
  const fnName = fn ? (fn as unknown as { getName?(): string | undefined }).getName?.() : undefined;
  if (fnName && /^log$/i.test(wordsOf(fnName)[0] ?? '')) return true;
  const cls = node.getFirstAncestor((a) => Node.isClassDeclaration(a));
  const clsName = cls && Node.isClassDeclaration(cls) ? cls.getName() : undefined;
  return !!clsName && wordsOf(clsName).some((w) => /^(logger|log|trail)$/i.test(w));
}

/**
 * How much a repeat of an effect costs, lowest first: a payment, then an e-mail/SMS/push, an
 * HTTP call that changes something, a publish, a datastore write, and last an append-only row.
 */
export function consequence(fact: Fact): number {
  switch (fact.kind) {
    case 'sideEffect': return fact.library === 'stripe' || /payment|charge/i.test(fact.detail) ? 0 : 1;
    case 'http': return 2;
    case 'publish': return 3;
    case 'write': return isAppendOnly(fact) ? 5 : 4;
    default: return 6;
  }
}

/** Names that ask rather than tell (`getUser`, `checkWallet`, `findOrder`, `kafkaTopics.getUser`). */
const QUERY_NAME = /^(get|find|fetch|load|list|read|search|count|check|verify|validate|is|has|exists)(?![a-z])/;

/**
 * A request/response send (NestJS `client.send`, an amqplib send with `replyTo`) that asks rather
 * than tells: its pattern or queue, or a segment of it, is named as a query (`send(kafkaTopics.getUser, { id })`,
 * `'order-to-customer-findCustomerStatus'`, `sendRPCRequest('get_user_by_id', ...)`)
 * or the function making it is (a gateway's
 * `getUserById`). A read over RPC, like an HTTP GET: not a change another service commits, and
 * nothing a redelivery repeats harmfully.
 */
export function isQuery(r: Reached): boolean {
  if (r.fact.kind !== 'publish' || !r.fact.request) return false;
  const call = r.fact.node.getFirstAncestor((a) => Node.isCallExpression(a));
  const pattern = call && Node.isCallExpression(call) ? call.getArguments()[0] : undefined;
  // The queue an RPC wrapper's caller names (`sendRPCRequest('get_user_by_id', ...)`).
  const named = r.path.length ? channelNamedAt(r.fact, calleeName(r.via)) : undefined;
  // A pattern is read segment by segment (`saga-topic-order-to-customer-findCustomerStatus` ends in a query).
  const names = [...[...patternNames(pattern), ...(named ? [named] : [])].flatMap((n) => [n, ...n.split(/[-_.:/\s]+/)]), calleeName(r.via).getText(), ...r.path.map((f) => nameOf(f).getText())];
  return names.some((n) => QUERY_NAME.test(n));
}

/** Effects that change something: a handler reaching none of them only answers. */
const CHANGES = new Set<Fact['kind']>(['write', 'publish', 'http', 'sideEffect']);

/**
 * A request whose reply the caller waits for (Nest `client.send`) served only by handlers in the
 * workspace that change nothing (no write, no publish other than the reply, no state-changing HTTP
 * call, no side effect): a read over RPC, whatever its pattern is named. Unknown handlers (none
 * found, or one outside the code) keep it a change.
 */
export function isReadOnlyRequest(model: SystemModel, hops: HopIndex, r: Reached): boolean {
  if (r.fact.kind !== 'publish' || !r.fact.request) return false;
  const handlers = consumersInCode(r.fact, model.serviceOf(r.fact.node)?.name, hops);
  if (!handlers?.length || handlers.some((c) => !c.handler)) return false;
  return handlers.every((c) => !model.effects.of(c.handler!).some((e) => CHANGES.has(e.fact.kind) && !isReply(e)
    && !(e.fact.kind === 'http' && ['GET', 'HEAD'].includes(e.fact.method ?? ''))));
}

/**
 * The names a NestJS message pattern gives: a string (`'get_user'`), the last member of a
 * constant (`kafkaTopics.getUser`), or the string values of an object pattern
 * (`{ cmd: 'get_product_by_id' }`, `{ role: 'user', cmd: 'find' }`).
 */
function patternNames(pattern: Node | undefined): string[] {
  if (!pattern) return [];
  if (Node.isStringLiteral(pattern) || Node.isNoSubstitutionTemplateLiteral(pattern)) return [pattern.getLiteralText()];
  if (Node.isObjectLiteralExpression(pattern)) {
    return pattern.getProperties().flatMap((p) => {
      const init = Node.isPropertyAssignment(p) ? p.getInitializer() : undefined;
      return init && (Node.isStringLiteral(init) || Node.isNoSubstitutionTemplateLiteral(init)) ? [init.getLiteralText()] : init ? patternNames(init) : [];
    });
  }
  return [pattern.getText().split('.').pop() ?? ''];
}

/** At most this many call sites are listed with a finding. */
const MAX_CALL_SITES = 20;

/**
 * Where a fact is reached through workspace helpers (a lock or a two-phase commit taken through a
 * wrapper): one call per calling function, the nearest to the fact first (the wrapper's own layers,
 * then the business flows that call them), calls from the fact's own file last.
 */
export function callSitesOf(fact: Fact, callers: Caller[]): Caller[] {
  const own = fact.node.getSourceFile();
  const byFunction = new Map<Node, Caller>();
  for (const c of callers) {
    const seen = byFunction.get(c.fn);
    if (!seen || c.path.length < seen.path.length) byFunction.set(c.fn, c);
  }
  // One per place: nested functions reach the lock through the same call.
  const at = (c: Caller) => `${c.via.getSourceFile().getFilePath()}:${calleeName(c.via).getStart()}`;
  const sites = [...new Map([...byFunction.values()].map((c) => [at(c), c])).values()].sort((a, b) =>
    Number(a.via.getSourceFile() === own) - Number(b.via.getSourceFile() === own) || a.path.length - b.path.length);
  return sites.slice(0, MAX_CALL_SITES);
}
