/**
 * Which library operation a call is (`producer.send(...)` on a
 * `kafkajs.Producer` → the kafkajs table's recognizer for `send`): the
 * receiver's (or callee's) library type, from the type follower, looked up
 * in the tables' operations. Also the method names any operation needs, so
 * that calls with other names are skipped before their receiver is typed.
 */
import { Node, SyntaxKind, ts } from 'ts-morph';
import type { OperationAnalyzer } from './libraries/table';
import type { MorphContext, TypeFollower } from './typeFollower';
import { declarationOf } from './syntax';

/**
 * A workspace class extending another whose own constructor calls `super(...)`: constructing it is
 * that `super` call (with the constructor's arguments), recognized there, not `new` on the base with
 * the subclass's arguments.
 */
function constructsThroughSuper(decl: ts.Node): boolean {
  if (!ts.isClassDeclaration(decl) && !ts.isClassExpression(decl)) return false;
  if (!decl.heritageClauses?.some((h) => h.token === ts.SyntaxKind.ExtendsKeyword)) return false;
  if (decl.getSourceFile().isDeclarationFile) return false;
  return decl.members.some((m) => ts.isConstructorDeclaration(m) && !!m.body);
}

export class OperationLookup {
  /**
   * Every method name a `receiver.name(...)` call needs for operationOf to
   * find an operation (`producer.send` → `send`, namespace members, mapped
   * namespace members); undefined when some operation matches any name.
   * Calls with other names (`items.map`, `console.log`) are skipped before
   * the receiver's type is resolved.
   */
  readonly operationNames: Set<string> | undefined;

  constructor(private readonly operations: ReadonlyMap<string, OperationAnalyzer>, private readonly types: TypeFollower) {
    const names = new Set<string>();
    let anyName = false;
    for (const key of this.operations.keys()) {
      const bar = key.lastIndexOf('|');
      const op = key.slice(bar + 1);
      if (op === '*') anyName = true;
      names.add(op);
      const hash = key.indexOf('#');
      if (op === '()' && hash >= 0 && hash < bar) names.add(key.slice(hash + 1, bar));
    }
    for (const key of types.transitions.keys()) {
      const member = /\|\.([^|]+)$/.exec(key);
      if (member) names.add(member[1]);
    }
    this.operationNames = anyName ? undefined : names;
  }

  operationOf(node: Node): OperationAnalyzer | undefined {
    if (Node.isNewExpression(node)) {
      // `new QueueWorker(name, connection, processor)`: its constructor's `super(...)` is the library's construction.
      const decl = declarationOf(node.getExpression());
      if (decl && constructsThroughSuper(decl.compilerNode)) return undefined;
      return this.operationFor(true, undefined, this.types.typeOf(node.getExpression()));
    }
    if (!Node.isCallExpression(node) && !Node.isTaggedTemplateExpression(node)) return undefined;
    const callee = Node.isTaggedTemplateExpression(node) ? node.getTag() : node.getExpression();
    if (Node.isSuperExpression(callee)) return this.operationFor(true, undefined, this.types.baseClassType(callee, 0));
    if (Node.isPropertyAccessExpression(callee)) return this.operationFor(false, callee.getName(), this.types.typeOf(callee.getExpression()));
    return this.operationFor(false, undefined, this.types.typeOf(callee));
  }

  /**
   * operationOf on the compiler node when the expression it types is an
   * identifier (`producer` in `producer.send(...)`, `fetch` in `fetch(...)`):
   * `[op]`, without wrapping the call; undefined when operationOf must decide.
   */
  rawOperationOf(raw: ts.Node, context: MorphContext): [OperationAnalyzer | undefined] | undefined {
    const kind = raw.kind;
    const callee = kind === SyntaxKind.TaggedTemplateExpression ? (raw as ts.TaggedTemplateExpression).tag : (raw as ts.CallExpression | ts.NewExpression).expression;
    const member = kind !== SyntaxKind.NewExpression && callee.kind === SyntaxKind.PropertyAccessExpression ? (callee as ts.PropertyAccessExpression) : undefined;
    const typed = member ? member.expression : callee;
    if (typed.kind !== SyntaxKind.Identifier) return undefined;
    if (kind === SyntaxKind.NewExpression) {
      let symbol = context.typeChecker.compilerObject.getSymbolAtLocation(typed);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = context.typeChecker.compilerObject.getAliasedSymbol(symbol);
      const decl = symbol?.declarations?.[0];
      if (decl && constructsThroughSuper(decl)) return [undefined];
    }
    const t = this.types.typeOfRawIdentifier(typed as ts.Identifier, context);
    return [this.operationFor(kind === SyntaxKind.NewExpression, member?.name.getText(), t)];
  }

  /** The operation of `new T(...)` (isNew), `t.member(...)` (member), or `t(...)`, for a type t. */
  private operationFor(isNew: boolean, member: string | undefined, t: string | undefined): OperationAnalyzer | undefined {
    // An untyped receiver: only the operations a table recognizes by the call's own shape (`?|set`, see redis.ts).
    if (!t) return !isNew && member !== undefined ? this.operations.get(`?|${member}`) : undefined;
    if (isNew) return this.operations.get(`${t}|new`);
    if (member === undefined) return this.operations.get(`${t}|()`);
    const op = this.operations.get(`${t}|${member}`) ?? this.operations.get(`${t}|*`);
    if (op) return op;
    if (t.endsWith('#*') || t.endsWith('#default')) return this.operations.get(`${this.types.namespaceMember(t, member)}|()`);
    return undefined;
  }

}
