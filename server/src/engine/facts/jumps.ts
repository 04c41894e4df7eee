/**
 * Jumps that always leave a statement: `return`, `throw`, `break`, `continue` and
 * `process.exit()`, on every branch of it (see paths.ts for what they separate).
 */
import { ts } from 'ts-morph';

const SK = ts.SyntaxKind;

/** `process.exit(...)` ends every flow. */
export function isProcessExit(stmt: ts.Node): boolean {
  if (!ts.isExpressionStatement(stmt) || !ts.isCallExpression(stmt.expression)) return false;
  const callee = stmt.expression.expression;
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'exit' && ts.isIdentifier(callee.expression) && callee.expression.text === 'process';
}

/**
 * The jumps by which a statement always leaves (every branch ends in one),
 * or undefined when some path runs past it. Loops, switches and nested
 * functions are not looked into: their jumps stay inside them.
 */
export function exitJumps(stmt: ts.Node): ts.Node[] | undefined {
  switch (stmt.kind) {
    case SK.ReturnStatement:
    case SK.ThrowStatement:
    case SK.BreakStatement:
    case SK.ContinueStatement:
      return [stmt];
    case SK.ExpressionStatement:
      return isProcessExit(stmt) ? [stmt] : undefined;
    case SK.Block:
      for (const s of (stmt as ts.Block).statements) {
        const j = exitJumps(s);
        if (j) return j;
      }
      return undefined;
    case SK.IfStatement: {
      const s = stmt as ts.IfStatement;
      if (!s.elseStatement) return undefined;
      const a = exitJumps(s.thenStatement);
      const b = a && exitJumps(s.elseStatement);
      return a && b ? [...a, ...b] : undefined;
    }
    case SK.TryStatement: {
      const s = stmt as ts.TryStatement;
      if (s.finallyBlock) {
        const f = exitJumps(s.finallyBlock);
        if (f) return f;
      }
      const t = exitJumps(s.tryBlock);
      if (!t) return undefined;
      if (!s.catchClause) return t;
      const c = exitJumps(s.catchClause.block);
      return c ? [...t, ...c] : undefined;
    }
    case SK.LabeledStatement:
      return exitJumps((stmt as ts.LabeledStatement).statement);
    default:
      return undefined;
  }
}

