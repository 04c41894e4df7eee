/**
 * Callback registries: function values kept in a container and called later from it.
 *
 * - A class field (or module variable) Set, array or Map filled by a registration method:
 *   `subscribe(handler) { this.handlers.add(handler) }`, later run as
 *   `for (const h of this.handlers) await h(event)`, `this.handlers.forEach((h) => h(e))`,
 *   `this.handlers.get(type)?.(e)` or `const h = this.handlers.get(type); await h(e)`.
 *   The functions it runs are those put in the container (`add`, `push`, `unshift`, `set(k, fn)`,
 *   `container[k] = fn`, or its initializer): a function given directly, or, when the value is a
 *   parameter of the registration method, the function each caller of that method passes.
 * - A handler map: an object literal of functions dispatched by key (`handlers[type](msg)`).
 *
 * The call then runs each function found (at most MAX_CALLBACKS). Nothing is guessed: a container
 * whose values are not functions the code shows (a parameter nobody passes a function to) adds nothing.
 */
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { Analysis } from './analysis';
import type { FunctionLike } from './callResolution';
import { callSites, functionName } from './carriers';
import { parameterOf } from './syntax';

const MAX_CALLBACKS = 8;
const ADDERS = new Set(['add', 'push', 'unshift', 'set']);
const GETTERS = new Set(['get', 'values']);

/**
 * The functions a call of a registry element runs; undefined when the callee is not one.
 * `complete` is false when some value put in the registry is not a function the code shows (or
 * there were more than MAX_CALLBACKS): the call may run something else as well.
 */
export function registeredCallees(call: CallExpression, analysis: Analysis): { fns: FunctionLike[]; complete: boolean } | undefined {
  const container = containerOf(unwrap(call.getExpression()));
  if (!container) return undefined;
  const decl = declarationOf(container);
  if (!decl) return undefined;
  const fns: FunctionLike[] = [];
  let complete = true;
  const push = (fn: FunctionLike | undefined) => {
    if (!fn || fns.length >= MAX_CALLBACKS) complete = false;
    else if (!fns.includes(fn)) fns.push(fn);
  };
  for (const value of storedValues(decl)) {
    const fn = analysis.functionFrom(value);
    const param = fn ? undefined : parameterRead(value);
    const registration = param?.getParent();
    const index = registration ? (registration as unknown as { getParameters(): Node[] }).getParameters().indexOf(param!) : -1;
    const name = registration ? functionName(registration) : undefined;
    if (fn || !registration || !name || index < 0) {
      push(fn);
      continue;
    }
    const sites = callSites(registration, name, analysis, call.getSourceFile());
    if (!sites.length) complete = false;
    for (const site of sites) push(analysis.functionFrom(site.getArguments()[index]));
  }
  return { fns, complete };
}

function unwrap(e: Node): Node {
  while (Node.isParenthesizedExpression(e) || Node.isNonNullExpression(e) || Node.isAsExpression(e) || Node.isAwaitExpression(e)) e = e.getExpression();
  return e;
}

/**
 * The container expression a callee takes its function from: `h` bound by `for (const h of
 * C)`, by `C.forEach((h) => ...)` or by `const h = C.get(k)`; `C.get(k)` or `C[k]` called directly.
 */
function containerOf(callee: Node): Node | undefined {
  if (Node.isElementAccessExpression(callee)) return callee.getExpression();
  if (Node.isCallExpression(callee)) return lookup(callee);
  if (!Node.isIdentifier(callee)) return undefined;
  let decl: Node | undefined;
  try {
    decl = callee.getSymbol()?.getDeclarations()[0];
  } catch {
    return undefined;
  }
  if (!decl) return undefined;
  if (Node.isVariableDeclaration(decl)) {
    const list = decl.getParent();
    const statement = list?.getParent();
    if (statement && Node.isForOfStatement(statement) && statement.getInitializer() === list) return elementsOf(statement.getExpression());
    const init = decl.getInitializer();
    return init ? lookup(unwrap(init)) : undefined;
  }
  if (Node.isParameterDeclaration(decl)) {
    const fn = decl.getParent();
    const call = fn?.getParent();
    if (!fn || !(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) || fn.getParameters()[0] !== decl) return undefined;
    if (!call || !Node.isCallExpression(call) || call.getArguments()[0] !== fn) return undefined;
    const forEach = call.getExpression();
    if (Node.isPropertyAccessExpression(forEach) && forEach.getName() === 'forEach') return forEach.getExpression();
  }
  return undefined;
}

/** `C.get(k)`, `C[k]` (a Map or a handler map): C. */
function lookup(e: Node): Node | undefined {
  if (Node.isBinaryExpression(e) && e.getOperatorToken().getKind() === SyntaxKind.QuestionQuestionToken) return lookup(unwrap(e.getLeft()));
  if (Node.isElementAccessExpression(e)) return e.getExpression();
  if (Node.isCallExpression(e)) {
    const callee = e.getExpression();
    if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'get') return callee.getExpression();
  }
  return undefined;
}

/** What a for-of iterates: `C`, `C.values()`, `C.get(k) ?? []` (a Map of handler lists), `[...C]`. */
function elementsOf(e: Node): Node {
  e = unwrap(e);
  if (Node.isBinaryExpression(e) && e.getOperatorToken().getKind() === SyntaxKind.QuestionQuestionToken) return elementsOf(e.getLeft());
  if (Node.isArrayLiteralExpression(e) && e.getElements().length === 1) {
    const only = e.getElements()[0];
    if (Node.isSpreadElement(only)) return elementsOf(only.getExpression());
  }
  if (Node.isCallExpression(e)) {
    const callee = e.getExpression();
    if (Node.isPropertyAccessExpression(callee) && GETTERS.has(callee.getName())) return unwrap(callee.getExpression());
  }
  return e;
}

/** The field or variable a container expression names (`this.handlers`, `handlers`), when the workspace declares it. */
function declarationOf(container: Node): Node | undefined {
  const c = unwrap(container);
  if (!Node.isIdentifier(c) && !(Node.isPropertyAccessExpression(c) && c.getExpression().getKind() === SyntaxKind.ThisKeyword)) return undefined;
  let decl: Node | undefined;
  try {
    decl = (Node.isPropertyAccessExpression(c) ? c.getNameNode() : c).getSymbol()?.getDeclarations()[0];
  } catch {
    return undefined;
  }
  if (!decl || decl.getSourceFile().isDeclarationFile()) return undefined;
  return Node.isPropertyDeclaration(decl) || Node.isVariableDeclaration(decl) ? decl : undefined;
}

/** The values put in a container: its initializer's elements, and what its class (or file) adds to it. */
function storedValues(decl: Node): Node[] {
  const out: Node[] = [];
  const init = (decl as unknown as { getInitializer(): Node | undefined }).getInitializer();
  if (init) out.push(...initialValues(unwrap(init)));
  const scope = Node.isPropertyDeclaration(decl) ? decl.getParent() : decl.getSourceFile();
  const name = (decl as unknown as { getName(): string }).getName();
  const refersToDecl = (n: Node) => {
    try {
      return (Node.isPropertyAccessExpression(n) ? n.getNameNode() : n).getSymbol()?.getDeclarations()[0] === decl;
    } catch {
      return false;
    }
  };
  const kind = Node.isPropertyDeclaration(decl) ? SyntaxKind.PropertyAccessExpression : SyntaxKind.Identifier;
  for (const ref of scope.getDescendantsOfKind(kind)) {
    const text = Node.isPropertyAccessExpression(ref) ? ref.getName() : ref.getText();
    if (text !== name || ref === (decl as unknown as { getNameNode(): Node }).getNameNode() || !refersToDecl(ref)) continue;
    out.push(...addedThrough(ref));
  }
  return out;
}

function initialValues(init: Node): Node[] {
  if (Node.isObjectLiteralExpression(init)) {
    return init.getProperties().flatMap((p): Node[] =>
      Node.isPropertyAssignment(p) ? [p.getInitializerOrThrow()] : Node.isShorthandPropertyAssignment(p) ? [p.getNameNode()] : Node.isMethodDeclaration(p) ? [p] : []);
  }
  if (Node.isArrayLiteralExpression(init)) return init.getElements().filter((e) => !Node.isSpreadElement(e));
  if (Node.isNewExpression(init)) {
    const first = init.getArguments()[0];
    return first && Node.isArrayLiteralExpression(first) ? first.getElements().filter((e) => !Node.isSpreadElement(e)) : [];
  }
  return [];
}

/** Values added through one reference of the container: `C.add(fn)`, `C.set(k, fn)`, `C.get(k)?.push(fn)`, `C[k] = fn`. */
function addedThrough(ref: Node): Node[] {
  let target: Node = ref;
  const parent = ref.getParent();
  if (parent && Node.isElementAccessExpression(parent) && parent.getExpression() === ref) {
    const assign = parent.getParent();
    if (assign && Node.isBinaryExpression(assign) && assign.getLeft() === parent && assign.getOperatorToken().getKind() === SyntaxKind.EqualsToken) return [assign.getRight()];
    return [];
  }
  // A Map of handler lists: `C.get(k)!.push(fn)`.
  if (parent && Node.isPropertyAccessExpression(parent) && parent.getName() === 'get' && parent.getParent() && Node.isCallExpression(parent.getParent()!)) {
    target = unwrap(parent.getParent()!);
    const holder = parent.getParent()!.getParent();
    if (holder && (Node.isNonNullExpression(holder) || Node.isParenthesizedExpression(holder))) target = holder;
  }
  const access = target.getParent();
  if (!access || !Node.isPropertyAccessExpression(access) || access.getExpression() !== target || !ADDERS.has(access.getName())) return [];
  const call = access.getParent();
  if (!call || !Node.isCallExpression(call) || call.getExpression() !== access) return [];
  const args = call.getArguments();
  return access.getName() === 'set' ? args.slice(1, 2) : args;
}

/** The parameter an expression reads (`handler` in `subscribe(handler) { this.handlers.add(handler) }`). */
function parameterRead(value: Node): Node | undefined {
  return parameterOf(unwrap(value));
}
