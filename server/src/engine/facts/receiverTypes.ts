/**
 * Receiver typing beyond declarations: what `this.client` is in a class
 * (its field, constructor parameter, an assignment in any method, or the
 * broker client a library base class is constructed with), what
 * `new Publisher(client)` wraps, and what a workspace function returns.
 * Helpers of the type follower (typeFollower.ts), which memoizes them.
 */
import { Node, SyntaxKind, type ClassDeclaration, type ClassExpression, type ConstructorDeclaration } from 'ts-morph';
import { awaitedTypeNode, declarationOf } from './syntax';
import { isFunctionLike } from './callResolution';
import { constructionSites } from './carriers';
import type { TypeFollower } from './typeFollower';

/**
 * `new OrderCreatedPublisher(stan)`: a class the analysis cannot see into
 * (it extends a library's base class) built around a broker client. Tables
 * say what such a wrapper is with a `<clientType>|wrapped` transition.
 */
export function wrappedClientType(types: TypeFollower, args: Node[], depth: number): string | undefined {
  for (const a of args) {
    const t = types.typeOf(a, depth);
    const wrapped = t ? types.transitions.get(`${t}|wrapped`) : undefined;
    if (wrapped) return wrapped;
  }
  return undefined;
}

/**
 * A member a class inherits from a library base class (`this.client` in a
 * `Listener` subclass): the broker client its construction sites pass in,
 * when they all agree on one.
 */
function inheritedClientType(types: TypeFollower, cls: Node, depth: number): string | undefined {
  if (!Node.isClassDeclaration(cls)) return undefined;
  let base: Node | undefined = cls;
  for (let i = 0; i < 5 && base && Node.isClassDeclaration(base); i++) {
    const next: Node | undefined = base.getBaseClass();
    if (!next) break;
    base = next;
  }
  if (!base || !Node.isClassDeclaration(base) || !base.getExtends()) return undefined; // no library base class
  const found = new Set<string>();
  for (const site of constructionSites(cls, types.analysis)) {
    for (const a of site.getArguments()) {
      const t = types.typeOf(a, depth);
      if (t && types.transitions.has(`${t}|wrapped`)) found.add(t);
    }
  }
  return found.size === 1 ? [...found][0] : undefined;
}

export function typeOfThisMember(types: TypeFollower, access: Node, depth: number): string | undefined {
  if (!Node.isPropertyAccessExpression(access)) return undefined;
  const name = access.getName();
  const cls = access.getFirstAncestor((a) => Node.isClassDeclaration(a) || Node.isClassExpression(a));
  if (!cls || !(Node.isClassDeclaration(cls) || Node.isClassExpression(cls))) return undefined;
  const own = memberType(types, cls, name, depth);
  if (own.declared) return own.type;
  // A member a workspace base class declares (`protected db: knex.Knex` in the base daemon): typed there.
  if (Node.isClassDeclaration(cls)) {
    let base = cls.getBaseClass();
    for (let i = 0; i < 5 && base; i++) {
      const inherited = memberType(types, base, name, depth);
      if (inherited.declared) return inherited.type;
      base = base.getBaseClass();
    }
  }
  if (!declaredInWorkspaceBase(cls, name)) return inheritedClientType(types, cls, depth);
  return undefined;
}

/**
 * The type of `this` itself (`this.create(values)`, `const self = this`): the declared `this`
 * parameter (`static createWithCtx(this: ModelStatic<M>, ...)`), else, in a class member, the
 * library class the class extends: its static side in a static member, an instance of it otherwise.
 * Arrow functions see the `this` of the function around them.
 */
export function typeOfThis(types: TypeFollower, node: Node, depth: number): string | undefined {
  let fn: Node | undefined = node.getParent();
  while (fn && (Node.isArrowFunction(fn) || !(isFunctionLike(fn) || Node.isPropertyDeclaration(fn) || Node.isClassDeclaration(fn)))) fn = fn.getParent();
  if (!fn || Node.isClassDeclaration(fn)) return undefined;
  const params = (fn as unknown as { getParameters?(): Node[] }).getParameters?.() ?? [];
  const declared = params[0] && Node.isParameterDeclaration(params[0]) && params[0].getName() === 'this' ? params[0].getTypeNode() : undefined;
  if (declared) return types.typeFromTypeNode(declared, depth);
  if (!(Node.isMethodDeclaration(fn) || Node.isGetAccessorDeclaration(fn) || Node.isSetAccessorDeclaration(fn) || Node.isPropertyDeclaration(fn))) return undefined;
  const cls = fn.getParent();
  if (!cls || !Node.isClassDeclaration(cls)) return undefined;
  const classType = types.typeOfDeclaration(cls, undefined, depth);
  if (!classType) return undefined;
  return fn.isStatic() ? classType : types.step(classType, 'instance');
}

/**
 * The type of member `name` as one class declares it: a property, a constructor parameter, or
 * `this.name = <expr>` in the constructor or another method (`async init()`). `declared` says whether
 * the class has the member at all.
 */
function memberType(types: TypeFollower, cls: ClassDeclaration | ClassExpression, name: string, depth: number): { declared: boolean; type?: string } {
  const prop = cls.getProperty(name);
  if (prop) {
    const t = types.typeOfDeclaration(prop, undefined, depth);
    if (t) return { declared: true, type: t };
  }
  // A getter (`static get lock(): Redlock { ... }`): its declared return type, else what it returns.
  const getter = cls.getGetAccessor(name);
  if (getter) {
    const t = types.typeOfDeclaration(getter, undefined, depth);
    if (t) return { declared: true, type: t };
  }
  // A constructor parameter declares a member only as a parameter property (`private readonly db: Knex`).
  const memberParam = (c: ConstructorDeclaration) => c.getParameters().find((p) => p.isParameterProperty() && p.getName() === name);
  for (const ctor of cls.getConstructors()) {
    const param = memberParam(ctor);
    if (param) {
      const t = types.typeOfDeclaration(param, undefined, depth);
      if (t) return { declared: true, type: t };
    }
  }
  // this.x = <expr> inside the constructor first, then in other methods.
  const assignments = (root: Node) => root.getDescendantsOfKind(SyntaxKind.BinaryExpression).filter((bin) => {
    const left = bin.getLeft();
    return bin.getOperatorToken().getKind() === SyntaxKind.EqualsToken && Node.isPropertyAccessExpression(left) &&
      Node.isThisExpression(left.getExpression()) && left.getName() === name;
  });
  let assigned = false;
  for (const bin of [...cls.getConstructors().flatMap(assignments), ...assignments(cls)]) {
    assigned = true;
    const t = types.typeOf(bin.getRight(), depth);
    if (t) return { declared: true, type: t };
  }
  return { declared: !!prop || !!getter || assigned || cls.getConstructors().some((c) => !!memberParam(c)) };
}

/** True when a workspace base class of `cls` declares member `name`. */
function declaredInWorkspaceBase(cls: Node, name: string): boolean {
  if (!Node.isClassDeclaration(cls)) return false;
  let base = cls.getBaseClass();
  for (let i = 0; i < 5 && base; i++) {
    if (base.getProperty(name) || base.getMethod(name) || base.getGetAccessor(name) ||
        base.getConstructors().some((c) => c.getParameters().some((p) => p.isParameterProperty() && p.getName() === name))) return true;
    base = base.getBaseClass();
  }
  return false;
}

export function returnTypeOfWorkspaceCall(types: TypeFollower, call: Node, depth: number): string | undefined {
  const fn = types.analysis.resolveCallee(call);
  if (!fn) return declaredFunctionReturn(types, call, depth);
  if (Node.isArrowFunction(fn)) {
    const body = fn.getBody();
    if (!Node.isBlock(body)) return types.typeOf(body, depth);
  }
  const declaredReturn = (fn as unknown as { getReturnTypeNode?(): Node | undefined }).getReturnTypeNode?.();
  if (declaredReturn) {
    const t = types.typeFromTypeNode(declaredReturn, depth);
    if (t) return t;
  }
  const returned: Node[] = [];
  for (const ret of fn.getDescendantsOfKind(SyntaxKind.ReturnStatement)) {
    if (ret.getFirstAncestor(isFunctionLike) !== fn) continue;
    const expr = ret.getExpression();
    if (expr) returned.push(expr);
    const t = expr ? types.typeOf(expr, depth) : undefined;
    if (t) return t;
  }
  // A factory whose result is built on what this call passes in (`(sequelize, DataTypes) => sequelize.define(...)`).
  for (const expr of returned) {
    const t = typeAtCall(types, expr, fn, call, depth, 0);
    if (t) return t;
  }
  return undefined;
}

/**
 * A call of a function handed in with a declared type (`getClient: (team: string) => Promise<WebClient | null>`, a
 * parameter, a field or a member of a dependencies type): the library type its declared return names.
 */
function declaredFunctionReturn(types: TypeFollower, call: Node, depth: number): string | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const callee = call.getExpression();
  const name = Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : Node.isIdentifier(callee) ? callee : undefined;
  const decl = name ? declarationOf(name) : undefined;
  if (!decl || !(Node.isParameterDeclaration(decl) || Node.isPropertySignature(decl) || Node.isPropertyDeclaration(decl) || Node.isVariableDeclaration(decl))) return undefined;
  const typeNode = decl.getTypeNode();
  const returned = typeNode && Node.isFunctionTypeNode(typeNode) ? typeNode.getReturnTypeNode() : undefined;
  return returned ? types.typeFromTypeNode(returned, depth) : undefined;
}

const MAX_CALL_STEPS = 6;

/**
 * The type of `expr`, returned by `fn`, with `fn`'s parameters bound to the arguments of `call`: a
 * parameter is its argument, a local const its initializer, a member or method call one step from its
 * receiver. Anything else is typed as it is everywhere.
 */
function typeAtCall(types: TypeFollower, expr: Node, fn: Node, call: Node, depth: number, steps: number): string | undefined {
  if (steps > MAX_CALL_STEPS || !Node.isCallExpression(call)) return undefined;
  let e = expr;
  while (Node.isAwaitExpression(e) || Node.isParenthesizedExpression(e) || Node.isAsExpression(e) || Node.isNonNullExpression(e)) e = e.getExpression();
  if (Node.isIdentifier(e)) {
    const decl = declarationOf(e);
    if (decl && Node.isParameterDeclaration(decl) && decl.getParent() === fn) {
      const index = (fn as unknown as { getParameters(): Node[] }).getParameters().indexOf(decl);
      const args = call.getArguments();
      const arg = index >= 0 && !args.slice(0, index + 1).some((a) => Node.isSpreadElement(a)) ? args[index] : undefined;
      return arg ? types.typeOf(arg, depth + 1) : undefined;
    }
    const init = decl && Node.isVariableDeclaration(decl) && decl.getFirstAncestor(isFunctionLike) === fn ? decl.getInitializer() : undefined;
    return init ? typeAtCall(types, init, fn, call, depth, steps + 1) : undefined;
  }
  if (Node.isCallExpression(e)) {
    const callee = e.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return undefined;
    return types.step(typeAtCall(types, callee.getExpression(), fn, call, depth, steps + 1), `${callee.getName()}()`);
  }
  if (Node.isPropertyAccessExpression(e)) return types.step(typeAtCall(types, e.getExpression(), fn, call, depth, steps + 1), `.${e.getName()}`);
  return undefined;
}

/**
 * `const { queue } = await getJobsQueue()`: member `prop` of what a workspace function returns, from its declared
 * return type (`Promise<JobsQueueHandle>`, a workspace interface or type literal) or from the object literals it
 * returns (`return { queue }`).
 */
export function memberOfWorkspaceCall(types: TypeFollower, init: Node, prop: string, depth: number): string | undefined {
  let call = init;
  while (Node.isAwaitExpression(call) || Node.isParenthesizedExpression(call)) call = call.getExpression();
  // `const connection = await this.connect(); const { channel } = connection`: the call the variable holds.
  if (Node.isIdentifier(call)) {
    const decl = declarationOf(call);
    const value = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
    return value && !Node.isIdentifier(value) ? memberOfWorkspaceCall(types, value, prop, depth) : undefined;
  }
  if (!Node.isCallExpression(call)) return undefined;
  const fn = types.analysis.resolveCallee(call);
  if (!fn) return undefined;
  const declared = awaitedTypeNode((fn as unknown as { getReturnTypeNode?(): Node | undefined }).getReturnTypeNode?.());
  const member = declared ? types.memberTypeNode(declared, prop) : undefined;
  if (member) return types.typeFromTypeNode(member, depth);
  const returned: Node[] = [];
  if (Node.isArrowFunction(fn) && !Node.isBlock(fn.getBody())) returned.push(fn.getBody());
  for (const ret of fn.getDescendantsOfKind(SyntaxKind.ReturnStatement)) {
    if (ret.getFirstAncestor(isFunctionLike) === fn && ret.getExpression()) returned.push(ret.getExpression()!);
  }
  for (let value of returned) {
    while (Node.isParenthesizedExpression(value) || Node.isAsExpression(value)) value = value.getExpression();
    if (!Node.isObjectLiteralExpression(value)) continue;
    const p = value.getProperty(prop);
    const t = p && Node.isPropertyAssignment(p) ? types.typeOf(p.getInitializer()!, depth)
      : p && Node.isShorthandPropertyAssignment(p) ? types.typeOf(p.getNameNode(), depth) : undefined;
    if (t) return t;
  }
  return undefined;
}
