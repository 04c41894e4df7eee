/**
 * Registrations made once per element of a list of handler objects:
 *
 *   export const workers: Worker[] = [bannerAdded, cdc, ...notificationWorkers];
 *   workers.forEach((worker) => workerSubscribe(pubsub, worker.subscription, (m) => worker.handler(m)));
 *   function workerSubscribe(pubsub, subscription, handler) { pubsub.subscription(subscription).on('message', (m) => handler(m)); }
 *
 * The library call inside the wrapper sees only parameters; the wrapper's call site sees only the
 * loop variable. Each object literal of the list (followed through consts, imports, default
 * exports and spreads) is one registration: the channel is the member the call site gives as the
 * channel (`worker.subscription`), the handler the member it calls or passes (`worker.handler`).
 * The object is where the finding points: it is what a developer edits. Lists are read through a
 * workspace index, so an edit of a listed file re-analyses the registration.
 */
import { Node, SyntaxKind, type ObjectLiteralExpression, type SourceFile } from 'ts-morph';
import type { Analysis } from './analysis';
import { isFunctionLike } from './analysis';
import { callSites, functionName } from './carriers';
import { declarationOf } from './syntax';

const MAX_OBJECTS = 400;
const MAX_LIST_DEPTH = 4;

export interface ElementRegistration {
  /** Where the finding points: the object's channel member (`subscription: 'api-cdc'`), or the object. */
  reportAt: Node;
  /** The object's handler function, when it can be seen. */
  handler: Node | undefined;
  /** The object's channel expression (`'api-cdc'`), or the call site's own channel argument. */
  channel: Node | undefined;
  /** The wrapper's call site (its callee names the registration in a message). */
  site: Node;
}

/**
 * The per-object registrations behind `registration` (a library call inside a wrapper function):
 * `handlerExpr` is what it registers (a wrapper parameter, or a function calling one), `channelExpr`
 * the channel it names (a wrapper parameter, or anything else). Undefined when the wrapper's call
 * sites do not take their handler from the elements of a list.
 */
export function elementRegistrations(registration: Node, handlerExpr: Node | undefined, channelExpr: Node | undefined, analysis: Analysis): ElementRegistration[] | undefined {
  const wrapper = registration.getFirstAncestor(isFunctionLike);
  if (!wrapper || !handlerExpr) return undefined;
  const params = (wrapper as unknown as { getParameters(): Node[] }).getParameters();
  const handlerIndex = params.indexOf(calledParameter(handlerExpr, params, analysis) as Node);
  if (handlerIndex < 0) return undefined;
  const channelIndex = channelExpr && Node.isIdentifier(channelExpr) ? params.indexOf(declarationOf(channelExpr) as Node) : -1;
  const name = functionName(wrapper);
  if (!name) return undefined;
  const dependent = registration.getSourceFile();
  const out: ElementRegistration[] = [];
  for (const site of callSites(wrapper, name, analysis, dependent)) {
    const args = site.getArguments();
    const given = args[handlerIndex];
    const channelArg = channelIndex >= 0 ? args[channelIndex] : undefined;
    const member = memberCalled(given, analysis);
    if (!member) continue;
    const list = listOf(member.element);
    if (!list) continue;
    const key = channelArg && Node.isPropertyAccessExpression(channelArg) && sameName(channelArg.getExpression(), member.element) ? channelArg.getName() : undefined;
    for (const obj of objectsOf(list, analysis, dependent, 0, new Set())) {
      const keyProp = key ? obj.getProperty(key) : undefined;
      out.push({
        site,
        reportAt: keyProp && Node.isPropertyAssignment(keyProp) ? keyProp.getNameNode() : obj,
        handler: memberFunction(obj, member.name, analysis),
        channel: key ? (keyProp && Node.isPropertyAssignment(keyProp) ? keyProp.getInitializer() : undefined) : channelArg,
      });
      if (out.length >= MAX_OBJECTS) return out;
    }
  }
  return out.length ? out : undefined;
}

/** The wrapper parameter a registered expression runs: the parameter itself, or one a registered function calls. */
function calledParameter(expr: Node, params: Node[], analysis: Analysis): Node | undefined {
  if (Node.isIdentifier(expr)) {
    const decl = declarationOf(expr);
    if (decl && params.includes(decl)) return decl;
  }
  const fn = analysis.functionFrom(expr);
  if (!fn) return undefined;
  for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    const decl = Node.isIdentifier(callee) ? declarationOf(callee) : undefined;
    if (decl && params.includes(decl)) return decl;
  }
  return undefined;
}

/** `worker.handler` given, or called in the function given (`(m) => worker.handler(m)`): the element variable and the member. */
function memberCalled(given: Node | undefined, analysis: Analysis): { element: Node; name: string } | undefined {
  if (!given) return undefined;
  if (Node.isPropertyAccessExpression(given) && Node.isIdentifier(given.getExpression())) return { element: given.getExpression(), name: given.getName() };
  const fn = analysis.functionFrom(given);
  if (!fn) return undefined;
  for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || !Node.isIdentifier(callee.getExpression())) continue;
    const decl = declarationOf(callee.getExpression());
    // The element is declared outside the function (the loop's variable), not one of its own locals.
    if (decl && !fn.containsRange(decl.getPos(), decl.getEnd()) && listOf(callee.getExpression())) return { element: callee.getExpression(), name: callee.getName() };
  }
  return undefined;
}

const sameName = (a: Node, b: Node) => Node.isIdentifier(a) && declarationOf(a) === declarationOf(b);

/** The list an element variable iterates: `list.forEach((el) => ...)` (or `map`), `for (const el of list)`. */
function listOf(element: Node): Node | undefined {
  const decl = declarationOf(element);
  if (!decl) return undefined;
  if (Node.isParameterDeclaration(decl)) {
    const fn = decl.getParent();
    const call = fn?.getParent();
    if (!call || !Node.isCallExpression(call) || call.getArguments()[0] !== fn) return undefined;
    const callee = call.getExpression();
    return Node.isPropertyAccessExpression(callee) && /^(forEach|map|flatMap)$/.test(callee.getName()) ? callee.getExpression() : undefined;
  }
  if (Node.isVariableDeclaration(decl)) {
    const stmt = decl.getParent()?.getParent();
    return stmt && Node.isForOfStatement(stmt) ? stmt.getExpression() : undefined;
  }
  return undefined;
}

/** The object literals a list holds, through consts, imports, default exports and spreads. */
function objectsOf(expr: Node, analysis: Analysis, dependent: SourceFile, depth: number, seen: Set<Node>): ObjectLiteralExpression[] {
  const out: ObjectLiteralExpression[] = [];
  if (depth > MAX_LIST_DEPTH) return out;
  const value = valueOf(expr, analysis, dependent, seen);
  if (!value) return out;
  if (Node.isObjectLiteralExpression(value)) return [value];
  if (!Node.isArrayLiteralExpression(value)) return out;
  for (const el of value.getElements()) {
    const inner = Node.isSpreadElement(el) ? el.getExpression() : el;
    const next = Node.isSpreadElement(el) ? depth + 1 : depth;
    out.push(...objectsOf(inner, analysis, dependent, next, seen));
    if (out.length >= MAX_OBJECTS) break;
  }
  return out;
}

/** What an expression holds: a literal itself, or the literal a const (maybe imported, maybe a default export) is initialized with. */
function valueOf(expr: Node, analysis: Analysis, dependent: SourceFile, seen: Set<Node>): Node | undefined {
  let e = unwrap(expr);
  if (Node.isObjectLiteralExpression(e) || Node.isArrayLiteralExpression(e)) return e;
  for (let i = 0; i < 3 && Node.isIdentifier(e); i++) {
    const decl = declarationOf(e);
    if (!decl || seen.has(decl)) return undefined;
    seen.add(decl);
    if (Node.isVariableDeclaration(decl)) return literalValues(analysis).get(decl, dependent)[0];
    if (Node.isExportAssignment(decl)) e = unwrap(decl.getExpression());
    else return undefined;
    if (Node.isObjectLiteralExpression(e) || Node.isArrayLiteralExpression(e)) return e;
  }
  return undefined;
}

function unwrap(n: Node): Node {
  let e = n;
  while (Node.isParenthesizedExpression(e) || Node.isAsExpression(e) || Node.isSatisfiesExpression(e) || Node.isNonNullExpression(e)) e = e.getExpression();
  return e;
}

/** Consts initialized with an object or array literal, by declaration (an edit of their file re-analyses who read them). */
function literalValues(analysis: Analysis) {
  return analysis.index<Node>('literal-values', /=\s*[[{]/, (sf) => {
    const out: [object, Node][] = [];
    for (const d of sf.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
      const init = d.getInitializer();
      const v = init ? unwrap(init) : undefined;
      if (v && (Node.isObjectLiteralExpression(v) || Node.isArrayLiteralExpression(v))) out.push([d, v]);
    }
    return out;
  });
}

/** The function an object holds under `name`: a method, a function-valued property, or a reference to one. */
function memberFunction(obj: ObjectLiteralExpression, name: string, analysis: Analysis): Node | undefined {
  const p = obj.getProperty(name);
  if (!p) return undefined;
  if (Node.isMethodDeclaration(p)) return p;
  if (Node.isPropertyAssignment(p)) return analysis.functionFrom(p.getInitializer());
  if (Node.isShorthandPropertyAssignment(p)) return analysis.functionFrom(p.getNameNode());
  return undefined;
}
