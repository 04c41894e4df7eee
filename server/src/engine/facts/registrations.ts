/**
 * Registration wrappers: `register(queue, processor) { new Worker(queue, metricWrapper(processor)) }`.
 * The registration inside sees only a parameter, so the handler it registers is the function each
 * caller of the wrapper passes. This finds those call sites (through wrappers of wrappers, a
 * bounded number of levels): one registration per call site, reported there, with the caller's
 * arguments standing for the wrapper's parameters.
 */
import { Node, SyntaxKind, type CallExpression, type NewExpression } from 'ts-morph';
import type { Analysis } from './analysis';
import { isFunctionLike } from './analysis';
import { callSites, constructionSites, functionName } from './carriers';
import { declarationOf } from './syntax';
import { unwrap } from './channelIdentity';

const MAX_WRAPPER_DEPTH = 2;

export interface RegistrationSite {
  /** The call of the wrapper, or the `new` of a subclass that registers in its constructor (its callee name is where a finding points). */
  site: CallExpression | NewExpression;
  /** The function passed there as the handler, when it can be seen. */
  handler: Node | undefined;
  /** An expression of the registration, as the caller gives it (a wrapper parameter becomes the caller's argument). */
  argument(expr: Node | undefined): Node | undefined;
}

/**
 * The call sites that register a handler through the function enclosing `registration`, when the
 * handler expression is one of that function's parameters, directly or as an argument of a call
 * that wraps it (`metricWrapper(processor, name)`). Undefined when it is not a parameter.
 */
export function registrationSites(registration: Node, handlerExpr: Node | undefined, analysis: Analysis, depth = 0): RegistrationSite[] | undefined {
  if (!handlerExpr || depth >= MAX_WRAPPER_DEPTH) return undefined;
  const fn = registration.getFirstAncestor(isFunctionLike);
  if (!fn) return undefined;
  const params = (fn as unknown as { getParameters(): Node[] }).getParameters();
  const index = handlerParamIndex(handlerExpr, params);
  if (index < 0) return undefined;
  // A subclass constructor that registers through `super(queueName, processor)`: its `new` expressions are the calls.
  const cls = Node.isConstructorDeclaration(fn) ? fn.getParent() : undefined;
  const name = cls ? undefined : functionName(fn);
  if (!name && !cls) return undefined;
  const sites = cls ? constructionSites(cls, analysis) : callSites(fn, name!, analysis, registration.getSourceFile());
  const out: RegistrationSite[] = [];
  for (const site of sites) {
    const args = site.getArguments();
    const argument = (expr: Node | undefined): Node | undefined => {
      const i = expr ? params.findIndex((p) => isParam(expr, p)) : -1;
      return i >= 0 ? args[i] : expr;
    };
    const given = args[index];
    const further = registrationSites(site, given, analysis, depth + 1);
    if (further) {
      out.push(...further.map((f) => ({ ...f, argument: (e: Node | undefined) => f.argument(argument(e)) })));
      continue;
    }
    out.push({ site, handler: analysis.functionFrom(given), argument });
  }
  return out;
}

function handlerParamIndex(expr: Node, params: Node[]): number {
  let e: Node = expr;
  while (Node.isParenthesizedExpression(e) || Node.isAsExpression(e)) e = e.getExpression();
  // `const wrapped = this.wrapProcessor(processor); new Worker(q, wrapped)`: the wrapping call held in a const.
  const held = Node.isIdentifier(e) && !params.some((p) => isParam(e, p)) ? declarationOf(e) : undefined;
  const init = held && Node.isVariableDeclaration(held) ? held.getInitializer() : undefined;
  if (init && Node.isCallExpression(init)) e = init;
  const direct = params.findIndex((p) => isParam(e, p));
  if (direct >= 0 || !Node.isCallExpression(e)) return direct;
  // A higher-order wrapper around the handler: `metricWrapper(processor, queueName)`, `processor.bind(this)`.
  const callee = e.getExpression();
  const candidates = [...e.getArguments(), ...(Node.isPropertyAccessExpression(callee) && callee.getName() === 'bind' ? [callee.getExpression()] : [])];
  for (const a of candidates) {
    const i = params.findIndex((p) => isParam(a, p));
    if (i >= 0) return i;
  }
  return -1;
}

function isParam(expr: Node, param: Node): boolean {
  if (!Node.isIdentifier(expr)) return false;
  try {
    return expr.getSymbol()?.getDeclarations()[0] === param;
  } catch {
    return false;
  }
}

/**
 * `subscribe(func) { channel.consume(q, async (msg) => { try { await func(msg) } finally { ack } }) }`:
 * a handler registered inside a wrapper that calls a parameter of the wrapper runs the function the
 * wrapper's callers pass. Only for a call made in the handler itself (`flow`), of a parameter of a
 * function that encloses it, when every caller passes the same function: several callers passing
 * different functions (a shared `registerConsumer(config, handler)`) register one handler each, on
 * queues of their own, and merged into this one they would mix effects of unrelated queues.
 */
export function functionPassedToWrapper(call: Node, flow: Node, analysis: Analysis): Node | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const callee = unwrap(call.getExpression());
  if (!Node.isIdentifier(callee)) return undefined;
  const param = declarationOf(callee);
  if (!param || !Node.isParameterDeclaration(param)) return undefined;
  const wrapper = param.getParent();
  if (!wrapper || wrapper === flow || !flow.getAncestors().includes(wrapper)) return undefined;
  const name = functionName(wrapper);
  if (!name) return undefined;
  const index = (wrapper as unknown as { getParameters(): Node[] }).getParameters().indexOf(param);
  const passed = new Set<Node>();
  for (const site of callSites(wrapper, name, analysis, call.getSourceFile())) {
    const fn = analysis.functionFrom(site.getArguments()[index]);
    if (fn) passed.add(fn);
  }
  return passed.size === 1 ? [...passed][0] : undefined;
}

/** Calls a thin adapter may make beside the handler it runs: logging, offsets, acknowledgements, tracing. */
const ADAPTER_CALL = /(^|\.)(log|logger|console|debug|info|warn|error)\b|commit|ack|heartbeat|metric|span|trace/i;

/**
 * A shared consumer wrapper whose inline handler only runs the function its caller passes (`runConsumer(config,
 * topics, handler)` with `eachMessage: async (p) => { await handler(p); await commitOffsets(p) }`), called by
 * several services with functions of their own: one registration per call site, whose handler is the function
 * passed there. The inline handler must be thin: besides the call of the wrapper's parameter it may only log,
 * commit or acknowledge (calls inside a `throw` do not count), so that nothing it does of its own (a guard, a
 * write) is lost when the caller's function stands for it. Undefined when it is not such an adapter.
 */
export function thinAdapterSites(handler: Node | undefined, analysis: Analysis): RegistrationSite[] | undefined {
  if (!handler || !isFunctionLike(handler)) return undefined;
  const calls = handler.getDescendantsOfKind(SyntaxKind.CallExpression).filter((c) => c.getFirstAncestor(isFunctionLike) === handler && !c.getFirstAncestorByKind(SyntaxKind.ThrowStatement));
  let param: Node | undefined;
  let paramCall: Node | undefined;
  for (const c of calls) {
    const callee = c.getExpression();
    const decl = Node.isIdentifier(callee) ? declarationOf(callee) : undefined;
    if (decl && Node.isParameterDeclaration(decl) && decl.getParent() !== handler && handler.getAncestors().includes(decl.getParent()!)) {
      if (param && param !== decl) return undefined;
      param = decl;
      paramCall = callee;
    } else if (!ADAPTER_CALL.test(callee.getText())) return undefined;
  }
  // The wrapper's call sites, through wrappers of wrappers, as for a handler it registers directly.
  return param ? registrationSites(param, paramCall, analysis) : undefined;
}
