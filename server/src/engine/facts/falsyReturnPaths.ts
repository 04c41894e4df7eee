/**
 * An effect a callee makes only on its way to answering "no": `if (failed) { await
 * markInvalid(model); return false }` inside `assertValidations`, called by the flow as
 * `if (!(await this.assertValidations(model))) return false`. When the callee made the effect, it
 * returned a falsy constant, and the flow left on that answer: nothing after the `if` runs in that
 * execution. Like a write in a callee that always throws afterwards (throwPaths.ts), it is not the
 * change a later publish of the flow announces.
 */
import { Node, SyntaxKind, ts } from 'ts-morph';
import { isFunctionBoundary, type Reached } from './effects';
import { exitJumps } from './jumps';

/** True when `r` runs only on a path where its callee then returns a falsy constant, and fn leaves on that answer before `later`. */
export function leftOnFalsyAnswer(r: Reached, fn: Node, later: Node): boolean {
  if (!r.path.length || !returnsFalsyAfter(r.steps[0])) return false;
  const guard = leavingGuard(r.via, fn);
  return !!guard && guard.getEnd() <= later.getStart();
}

/**
 * True when, after the statement holding `node`, its function always reaches a `return` of a falsy
 * constant (`false`, `null`, `undefined`, `0`, `''`) before any other way out, and not from inside a loop.
 */
function returnsFalsyAfter(node: Node): boolean {
  for (let child: Node = node, n = node.getParent(); n; child = n, n = n.getParent()) {
    if (isFunctionBoundary(n) || Node.isIterationStatement(n) || Node.isSwitchStatement(n)) return false;
    if (!Node.isBlock(n)) continue;
    const statements = n.getStatements();
    for (const s of statements.slice(statements.indexOf(child as never) + 1)) {
      const jumps = exitJumps(s.compilerNode);
      if (jumps) return jumps.every(falsyReturn);
      // Anything that may leave part of the way (`if (x) return true`) makes the answer unknown.
      if (s.getDescendants().some((d) => Node.isReturnStatement(d) || Node.isThrowStatement(d) || Node.isBreakStatement(d) || Node.isContinueStatement(d))) return false;
    }
  }
  return false;
}

/** `return false` (or `null`, `undefined`, `0`, `''`). */
function falsyReturn(jump: ts.Node): boolean {
  return ts.isReturnStatement(jump) && !!jump.expression && /^(false|null|undefined|0|''|"")$/.test(jump.expression.getText());
}

/**
 * The `if` of fn that leaves when the call at `via` answers falsy: `if (!(await call))`, `if (await
 * call === false)`, or `const ok = await call; ... if (!ok)`, whose then-branch always leaves.
 */
function leavingGuard(via: Node, fn: Node): Node | undefined {
  let value: Node = via;
  while (value.getParent() && (Node.isAwaitExpression(value.getParent()!) || Node.isParenthesizedExpression(value.getParent()!))) value = value.getParent()!;
  const parent = value.getParent();
  if (parent && negates(parent, value)) return leavingIf(parent, fn);
  // `const ok = await call;` and later `if (!ok) return ...`.
  if (parent && Node.isVariableDeclaration(parent) && parent.getInitializer() === value && Node.isIdentifier(parent.getNameNode())) {
    const statement = parent.getFirstAncestorByKind(SyntaxKind.VariableStatement);
    if (!statement || statement.getDeclarationKind() !== 'const') return undefined;
    const name = parent.getName();
    for (const id of fn.getDescendantsOfKind(SyntaxKind.Identifier)) {
      if (id.getText() !== name || id.getStart() <= parent.getEnd()) continue;
      const up = id.getParent();
      if (up && negates(up, id)) {
        const guard = leavingIf(up, fn);
        if (guard) return guard;
      }
    }
  }
  return undefined;
}

/** `!value` or `value === false`. */
function negates(expr: Node, value: Node): boolean {
  if (Node.isPrefixUnaryExpression(expr)) return expr.getOperatorToken() === SyntaxKind.ExclamationToken && expr.getOperand() === value;
  return Node.isBinaryExpression(expr) && expr.getLeft() === value && [SyntaxKind.EqualsEqualsEqualsToken, SyntaxKind.EqualsEqualsToken].includes(expr.getOperatorToken().getKind()) && expr.getRight().getText() === 'false';
}

/** The `if` whose whole condition is `expr` and whose then-branch always leaves fn's current block. */
function leavingIf(expr: Node, fn: Node): Node | undefined {
  let cond = expr;
  while (cond.getParent() && Node.isParenthesizedExpression(cond.getParent()!)) cond = cond.getParent()!;
  const statement = cond.getParent();
  if (!statement || !Node.isIfStatement(statement) || statement.getExpression() !== cond) return undefined;
  if (statement.getFirstAncestor((a) => a === fn || isFunctionBoundary(a)) !== fn) return undefined;
  const jumps = exitJumps(statement.getThenStatement().compilerNode);
  return jumps && jumps.every((j) => j.kind === SyntaxKind.ReturnStatement || j.kind === SyntaxKind.ThrowStatement) ? statement : undefined;
}
