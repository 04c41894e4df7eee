/**
 * A branch that runs because a call failed, told by the call's own result rather than by an
 * exception: `const r = await repo.update(...); if (r.isError) { ... }` (Result types: `isError`,
 * `isErr()`, `!r.ok`, `!r.success`, `r.isLeft()`), or `const { error } = await db.from(t).insert(...);
 * if (error) { ... }` (Supabase, `{ data, error }` replies). What runs there handles the failure
 * (an error audit event, a compensation), like a `catch` block: it is not the other half of the
 * call's flow, since the call did not do what it was asked.
 */
import { Node, SyntaxKind } from 'ts-morph';

/** Members of a result that say it failed when true. */
const FAILED_MEMBER = /^(isError|isErr|isFailure|isFailed|failed|isLeft|error|err|errors|failure)$/;
/** Members of a result that say it succeeded when true (a failure when negated). */
const OK_MEMBER = /^(ok|isOk|success|succeeded|isSuccess|isRight|isOK)$/;
/** Names a destructured failure is bound to. */
const FAILED_BINDING = /^(error|err|errors|failure)$/;

/**
 * True when `later` runs only in a branch whose condition says the result of the call holding
 * `earlier` (assigned to a `const` in `fn`) failed.
 */
export function inFailedResultBranch(earlier: Node, later: Node, fn: Node): boolean {
  const decl = earlier.getFirstAncestor((a) => Node.isVariableDeclaration(a) || a === fn);
  if (!decl || !Node.isVariableDeclaration(decl) || !resultOfCall(decl.getInitializer(), earlier)) return false;
  const statement = decl.getFirstAncestorByKind(SyntaxKind.VariableStatement);
  if (!statement || statement.getDeclarationKind() !== 'const') return false;
  const names = boundNames(decl);
  if (!names.size) return false;
  for (let child: Node = later, n = later.getParent(); n && n !== fn; child = n, n = n.getParent()) {
    if (!Node.isIfStatement(n) || child !== n.getThenStatement() || n.containsRange(earlier.getPos(), earlier.getEnd())) continue;
    if (saysFailed(n.getExpression(), names)) return true;
  }
  return false;
}

/** The initializer is the call (awaited or not) that holds `earlier`. */
function resultOfCall(init: Node | undefined, earlier: Node): boolean {
  let e = init;
  while (e && (Node.isAwaitExpression(e) || Node.isParenthesizedExpression(e) || Node.isAsExpression(e))) e = e.getExpression();
  return !!e && Node.isCallExpression(e) && e.containsRange(earlier.getPos(), earlier.getEnd());
}

/** `r` for `const r = ...`; `{ error }` / `{ error: e }` bindings for a destructured failure (kind 'binding'). */
function boundNames(decl: Node & { getNameNode(): Node }): Map<string, 'result' | 'binding'> {
  const name = decl.getNameNode();
  const out = new Map<string, 'result' | 'binding'>();
  if (Node.isIdentifier(name)) out.set(name.getText(), 'result');
  else if (Node.isObjectBindingPattern(name)) {
    for (const el of name.getElements()) {
      const key = el.getPropertyNameNode()?.getText() ?? el.getNameNode().getText();
      if (FAILED_BINDING.test(key) && Node.isIdentifier(el.getNameNode())) out.set(el.getNameNode().getText(), 'binding');
    }
  }
  return out;
}

/** A condition that holds only when the result failed: a failure test, or `&&` with one. */
function saysFailed(expr: Node, names: Map<string, 'result' | 'binding'>): boolean {
  if (Node.isParenthesizedExpression(expr)) return saysFailed(expr.getExpression(), names);
  if (Node.isBinaryExpression(expr) && expr.getOperatorToken().getKind() === SyntaxKind.AmpersandAmpersandToken) {
    return saysFailed(expr.getLeft(), names) || saysFailed(expr.getRight(), names);
  }
  if (Node.isPrefixUnaryExpression(expr) && expr.getOperatorToken() === SyntaxKind.ExclamationToken) return saysOk(expr.getOperand(), names);
  if (Node.isBinaryExpression(expr) && [SyntaxKind.EqualsEqualsEqualsToken, SyntaxKind.EqualsEqualsToken].includes(expr.getOperatorToken().getKind())) {
    const right = expr.getRight().getText();
    if (right === 'false') return saysOk(expr.getLeft(), names);
    if (right === 'true') return saysFailed(expr.getLeft(), names);
    return false;
  }
  if (Node.isIdentifier(expr)) return names.get(expr.getText()) === 'binding';
  return member(expr, names, FAILED_MEMBER);
}

function saysOk(expr: Node, names: Map<string, 'result' | 'binding'>): boolean {
  if (Node.isParenthesizedExpression(expr)) return saysOk(expr.getExpression(), names);
  return member(expr, names, OK_MEMBER);
}

/** `r.isError`, `r.isErr()`, `r?.error` on the result variable. */
function member(expr: Node, names: Map<string, 'result' | 'binding'>, pattern: RegExp): boolean {
  const access = Node.isCallExpression(expr) && expr.getArguments().length === 0 ? expr.getExpression() : expr;
  if (!Node.isPropertyAccessExpression(access)) return false;
  const owner = access.getExpression();
  return Node.isIdentifier(owner) && names.get(owner.getText()) === 'result' && pattern.test(access.getName());
}
