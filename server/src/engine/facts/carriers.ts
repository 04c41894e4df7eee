/**
 * Publish wrappers: `emitMessage(topic, message) { this.client.emit(topic, message) }`.
 * The publish inside sees only a parameter, so whether the message carries a
 * correlation id is decided where the wrapper is called. This resolves a
 * publish fact's `carrierParams` at those call sites (through wrappers of
 * wrappers, a bounded number of levels), so a finding lands on the line that
 * builds the message.
 */
import { Node, SyntaxKind, type CallExpression, type ClassDeclaration, type NewExpression, type SourceFile } from 'ts-morph';
import type { CorrelationState, Fact } from './facts';
import type { Analysis } from './analysis';
import { inspectCarrier } from './libraries/carrierInspection';
import { entityIdKeysIn } from './libraries/entityIds';
import { isEmptyBody } from './libraries/staticValues';
import { declarationOf, parameterOf } from './syntax';

const MAX_WRAPPER_DEPTH = 3;
const MAX_SITES = 200;

export interface CallSiteCorrelation {
  /** The call site (its callee name node), where a finding points. */
  node: Node;
  /** The wrapper called there. */
  wrapper: string;
  correlation: CorrelationState;
  values: Node[];
  /** The caller gives the message body nothing (no argument, `null`, `{}`): it names an event and carries no data. */
  emptyBody?: boolean;
  /** With no correlation id: the entity ids the caller's message carries (`orderId`), which tie it to its flow. */
  entityIds?: string[];
}

/** The state at each call site of the wrapper(s) a publish's message comes from; empty when there are none to see. */
export function correlationAtCallSites(fact: Fact, analysis: Analysis): CallSiteCorrelation[] {
  if (!fact.carrierParams?.length) return [];
  return resolve(fact.carrierParams, analysis, 0, new Set(), new Set(fact.payloadParams));
}

/** `payload`: the parameters among `params` that give the message body (not its envelope). */
function resolve(params: Node[], analysis: Analysis, depth: number, seen: Set<Node>, payload: ReadonlySet<Node>): CallSiteCorrelation[] {
  if (depth >= MAX_WRAPPER_DEPTH) return [];
  const byFn = new Map<Node, number[]>();
  for (const p of params) {
    const fn = p.getParent();
    if (!fn || seen.has(fn)) continue;
    const index = (fn as unknown as { getParameters?(): Node[] }).getParameters?.().indexOf(p) ?? -1;
    if (index < 0) continue;
    byFn.set(fn, [...(byFn.get(fn) ?? []), index]);
  }
  const out: CallSiteCorrelation[] = [];
  for (const [fn, indexes] of byFn) {
    seen.add(fn);
    const name = functionName(fn);
    if (!name) continue;
    const fnParams = (fn as unknown as { getParameters(): Node[] }).getParameters();
    const bodyIndexes = indexes.filter((i) => payload.has(fnParams[i]!));
    for (const site of callSites(fn, name, analysis)) {
      const args = site.getArguments();
      const values: Node[] = [];
      const innerParams: Node[] = [];
      const innerPayload = new Set<Node>();
      let state: CorrelationState = 'absent';
      for (const i of indexes) {
        const a = args[i];
        if (!a) continue; // not passed: nothing carried
        if (Node.isSpreadElement(a)) { state = 'unknown'; continue; }
        const content = inspectCarrier(a);
        values.push(...content.values);
        innerParams.push(...(content.params ?? []));
        if (bodyIndexes.includes(i)) (content.params ?? []).forEach((p) => innerPayload.add(p));
        if (!content.closed) state = 'unknown';
      }
      const callee = site.getExpression();
      const at = Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : callee;
      const emptyBody = bodyIndexes.length > 0 && bodyIndexes.every((i) => isEmptyBody(args[i]));
      if (values.length) out.push({ node: at, wrapper: name, correlation: 'present', values });
      else if (innerParams.length) {
        // A wrapper of the wrapper: follow its callers instead.
        out.push(...resolve(innerParams, analysis, depth + 1, seen, innerPayload));
      } else {
        const entityIds = state === 'absent' ? entityIdKeysIn(indexes.map((i) => args[i])) : [];
        out.push({ node: at, wrapper: name, correlation: state, values, ...(emptyBody ? { emptyBody } : {}), ...(entityIds.length ? { entityIds } : {}) });
      }
    }
  }
  return out;
}

/** The argument given for a parameter at each call site of its function (first MAX_SITES); empty when none is found. */
export function argumentsAtCallSites(param: Node, analysis: Analysis): { site: CallExpression; arg: Node | undefined }[] {
  const fn = param.getParent();
  const index = fn ? (fn as unknown as { getParameters?(): Node[] }).getParameters?.().indexOf(param) ?? -1 : -1;
  const name = fn && index >= 0 ? functionName(fn) : undefined;
  if (!fn || !name) return [];
  return callSites(fn, name, analysis).map((site) => ({ site, arg: site.getArguments()[index] }));
}

/**
 * Like argumentsAtCallSites, through wrappers of wrappers: a call site whose argument is itself a
 * parameter of the function around it (`publishEvent(topic, e) { return this.publish(topic, e) }`)
 * stands for that function's call sites, up to `depth` more levels.
 */
export function argumentsThroughWrappers(param: Node, analysis: Analysis, depth = 2): { site: CallExpression; arg: Node | undefined }[] {
  const out: { site: CallExpression; arg: Node | undefined }[] = [];
  for (const entry of argumentsAtCallSites(param, analysis)) {
    const outer = depth > 0 ? parameterOf(entry.arg) : undefined;
    const further = outer ? argumentsThroughWrappers(outer, analysis, depth - 1) : [];
    if (further.length) out.push(...further);
    else out.push(entry);
  }
  return out;
}

export function functionName(fn: Node): string | undefined {
  if (Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn)) return fn.getName();
  const parent = fn.getParent();
  if (parent && (Node.isVariableDeclaration(parent) || Node.isPropertyAssignment(parent) || Node.isPropertyDeclaration(parent))) return parent.getName();
  return undefined;
}

/**
 * Calls of a workspace function, found by name and confirmed by symbol resolution (first
 * MAX_SITES); `dependent` is the file whose facts depend on the answer.
 */
export function callSites(fn: Node, name: string, analysis: Analysis, dependent?: SourceFile): CallExpression[] {
  // Explicit type arguments may sit between the name and the call: `consume<PaymentEvent>(queue, ...)`.
  const needle = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\s*(?:<[^;()]*?>\\s*)?\\(`);
  const index = analysis.index<CallExpression>(`calls:${name}`, needle, (sf) => {
    const out: [object, CallExpression][] = [];
    for (const call of sf.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      const calleeName = Node.isPropertyAccessExpression(callee) ? callee.getName() : Node.isIdentifier(callee) ? callee.getText() : undefined;
      if (calleeName !== name) continue;
      for (const target of analysis.resolveCallees(call)) out.push([target, call]);
    }
    return out;
  });
  return index.get(fn, dependent).slice(0, MAX_SITES);
}

/** `new C(...)` expressions of a workspace class (first MAX_SITES); the class's file depends on them. */
export function constructionSites(cls: Node, analysis: Analysis): NewExpression[] {
  const index = analysis.index('constructions', /\bnew\s/, (sf) => {
    const out: [Node, NewExpression][] = [];
    sf.forEachDescendant((n) => {
      if (!Node.isNewExpression(n)) return;
      const e = n.getExpression();
      if (!Node.isIdentifier(e)) return;
      const decl = declarationOf(e);
      if (decl && Node.isClassDeclaration(decl)) out.push([decl, n]);
    });
    return out;
  }, { nameOf: (key) => (Node.isClassDeclaration(key as Node) ? (key as ClassDeclaration).getName() : undefined) });
  return (index.get(cls, cls.getSourceFile()) as NewExpression[]).slice(0, MAX_SITES);
}
