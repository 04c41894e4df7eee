/**
 * tRPC server procedures: a resolver's `ctx` is what the server's context creator returns.
 * `initTRPC.context<typeof createTRPCContext>().create()` names the creator (also through a type
 * alias `Context = Awaited<ReturnType<typeof createTRPCContext>>`), and
 * `protectedProcedure.mutation(async ({ ctx, input }) => ctx.prisma.order.create(...))` reads its
 * members. The creator's returned object gives each member's value (`prisma`, `db`), also through a
 * workspace function it returns or spreads (`return createInnerTRPCContext({ session })`), so the
 * type follower can type `ctx.prisma` like the client it holds. Members a middleware adds on the way
 * (`next({ ctx: { session } })`) are not read.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { Analysis } from './analysis';
import { isFunctionLike } from './analysis';
import { declarationOf } from './syntax';

/** Resolver and middleware registrations whose callback receives `{ ctx }`. */
const RESOLVER = /^(query|mutation|subscription|use)$/;

/** The one key of the context-creator index. */
const CREATORS = {};

/**
 * The value a tRPC context member holds (`prisma` in `ctx.prisma`: an expression, or the shorthand
 * assignment `{ prisma }`), when `target` is a resolver's `ctx` (`({ ctx }) =>` or `opts.ctx`) and the
 * workspace's context creator returns that member.
 */
export function trpcContextMember(target: Node, member: string, analysis: Analysis): Node | undefined {
  const resolver = resolverOf(target);
  if (!resolver) return undefined;
  const creators = analysis.index('trpc-context', /initTRPC/, contextCreators).get(CREATORS, target.getSourceFile());
  if (!creators.length) return undefined;
  const nearest = [...creators].sort((a, b) => sharedPrefix(b, target) - sharedPrefix(a, target))[0];
  return memberOf(nearest, member, analysis, 0);
}

/** The resolver callback whose context `target` is: the identifier `ctx` bound from its first parameter, or `opts.ctx`. */
function resolverOf(target: Node): Node | undefined {
  let param: Node | undefined;
  if (Node.isIdentifier(target) && target.getText() === 'ctx') {
    const decl = target.getSymbol()?.getDeclarations()[0];
    if (decl && Node.isBindingElement(decl) && (decl.getPropertyNameNode()?.getText() ?? decl.getName()) === 'ctx') param = decl.getParent()?.getParent();
  } else if (Node.isPropertyAccessExpression(target) && target.getName() === 'ctx' && Node.isIdentifier(target.getExpression())) {
    param = target.getExpression().getSymbol()?.getDeclarations()[0];
  }
  if (!param || !Node.isParameterDeclaration(param)) return undefined;
  const fn = param.getParent();
  if (!fn || !isFunctionLike(fn) || (fn as unknown as { getParameters(): Node[] }).getParameters()[0] !== param) return undefined;
  const call = fn.getParent();
  if (!call || !Node.isCallExpression(call) || !call.getArguments().includes(fn)) return undefined;
  const callee = call.getExpression();
  return Node.isPropertyAccessExpression(callee) && RESOLVER.test(callee.getName()) ? fn : undefined;
}

/** Each `initTRPC.context<T>()` of a file, as the function T names. */
function contextCreators(file: import('ts-morph').SourceFile): [object, Node][] {
  const out: [object, Node][] = [];
  for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'context' || callee.getExpression().getText() !== 'initTRPC') continue;
    const typeArg = call.getTypeArguments()[0];
    const creator = typeArg && creatorNamedBy(typeArg, 0);
    if (creator) out.push([CREATORS, creator]);
  }
  return out;
}

/** The function a context type names: `typeof createContext`, directly or inside `Awaited<ReturnType<...>>` or a type alias. */
function creatorNamedBy(typeNode: Node, depth: number): Node | undefined {
  if (depth > 3) return undefined;
  const query = Node.isTypeQuery(typeNode) ? typeNode : typeNode.getFirstDescendantByKind(SyntaxKind.TypeQuery);
  if (query) {
    const decl = declarationOf(query.getExprName());
    const fn = decl && (isFunctionLike(decl) ? decl : Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined);
    return fn && isFunctionLike(fn) ? fn : undefined;
  }
  if (Node.isTypeReference(typeNode)) {
    const alias = declarationOf(typeNode.getTypeName());
    const aliased = alias && Node.isTypeAliasDeclaration(alias) ? alias.getTypeNode() : undefined;
    return aliased ? creatorNamedBy(aliased, depth + 1) : undefined;
  }
  return undefined;
}

/** The value of `member` in the object `fn` returns (or a workspace function it returns or spreads returns). */
function memberOf(fn: Node, member: string, analysis: Analysis, depth: number): Node | undefined {
  if (depth > 3) return undefined;
  for (const value of returnedValues(fn)) {
    const found = memberOfValue(value, member, analysis, depth);
    if (found) return found;
  }
  return undefined;
}

function memberOfValue(value: Node, member: string, analysis: Analysis, depth: number): Node | undefined {
  let v: Node = value;
  while (Node.isAwaitExpression(v) || Node.isParenthesizedExpression(v) || Node.isAsExpression(v) || Node.isSatisfiesExpression(v)) v = v.getExpression();
  if (Node.isCallExpression(v)) {
    const callee = analysis.resolveCallee(v);
    return callee ? memberOf(callee, member, analysis, depth + 1) : undefined;
  }
  if (Node.isIdentifier(v)) {
    const decl = declarationOf(v);
    const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
    return init ? memberOfValue(init, member, analysis, depth + 1) : undefined;
  }
  if (!Node.isObjectLiteralExpression(v)) return undefined;
  // A later property wins over an earlier one and over a spread before it.
  for (const p of [...v.getProperties()].reverse()) {
    if (Node.isPropertyAssignment(p) && p.getName() === member) return p.getInitializer();
    // `{ prisma }`: the assignment itself, whose value symbol (not the property's) the follower types.
    if (Node.isShorthandPropertyAssignment(p) && p.getName() === member) return p;
    if (Node.isSpreadAssignment(p)) {
      const spread = memberOfValue(p.getExpression(), member, analysis, depth + 1);
      if (spread) return spread;
    }
  }
  return undefined;
}

/** What a function returns: its expression body, or the expressions of its own `return` statements. */
function returnedValues(fn: Node): Node[] {
  const body = (fn as unknown as { getBody?(): Node | undefined }).getBody?.();
  if (!body) return [];
  if (!Node.isBlock(body)) return [body];
  return body.getDescendantsOfKind(SyntaxKind.ReturnStatement)
    .filter((r) => r.getFirstAncestor(isFunctionLike) === fn)
    .flatMap((r) => (r.getExpression() ? [r.getExpression()!] : []));
}

/** How many leading path segments two nodes' files share (the creator of the resolver's own app first). */
function sharedPrefix(a: Node, b: Node): number {
  const pa = a.getSourceFile().getFilePath().split('/');
  const pb = b.getSourceFile().getFilePath().split('/');
  let i = 0;
  while (i < pa.length && i < pb.length && pa[i] === pb[i]) i++;
  return i;
}
