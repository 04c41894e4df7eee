/**
 * A write whose unique-key violation is caught and skipped: `try { await insertPayment(...) }
 * catch (err) { if (isUniqueConstraintError(err)) return 'duplicate'; throw err; }`, or
 * `.catch((e) => { if (e.code === 11000) return; throw e; })`. The store enforces a unique key
 * the first delivery filled, and the code turns the repeat's violation into a skip: the handler
 * deduplicates on that key, as with `INSERT ... ON CONFLICT DO NOTHING`. Which codes, classes and
 * helper names tell a unique violation is a table (facts/libraries/duplicateKeyErrors.ts).
 */
import { Node, SyntaxKind } from 'ts-morph';
import { exitJumps } from '../facts/jumps';
import { isFunctionBoundary, pointsOnTheWay, type Reached } from '../facts/effects';
import { DUPLICATE_KEY_CODES, DUPLICATE_KEY_ERRORS, DUPLICATE_KEY_HELPER } from '../facts/libraries/duplicateKeyErrors';

/**
 * True when a write the flow reaches sits in a `try` (or has a `.catch`) that skips a unique
 * violation: around the write itself or around a call on the way to it.
 */
export function duplicateKeyCaught(write: Reached): boolean {
  return pointsOnTheWay(write).some(caughtAt);
}

/** Within the function holding `node`. */
function caughtAt(node: Node): boolean {
  for (let child: Node = node, n = node.getParent(); n; child = n, n = n.getParent()) {
    if (isFunctionBoundary(n)) return false;
    if (Node.isTryStatement(n) && child === n.getTryBlock()) {
      const clause = n.getCatchClause();
      if (clause && skipsDuplicate(clause.getBlock())) return true;
    }
    if (Node.isPropertyAccessExpression(n) && n.getName() === 'catch' && child === n.getExpression()) {
      const call = n.getParent();
      const handler = Node.isCallExpression(call) ? call.getArguments()[0] : undefined;
      if (handler && (Node.isArrowFunction(handler) || Node.isFunctionExpression(handler))) {
        const body = handler.getBody();
        if (Node.isBlock(body) && skipsDuplicate(body)) return true;
      }
    }
  }
  return false;
}

/** A catch body with `if (<unique violation>) <leave without throwing>`. */
function skipsDuplicate(block: Node): boolean {
  return block.getDescendantsOfKind(SyntaxKind.IfStatement).some((stmt) => {
    if (!tellsDuplicate(stmt.getExpression())) return false;
    const jumps = exitJumps(stmt.getThenStatement().compilerNode);
    return !!jumps && jumps.every((j) => j.kind !== SyntaxKind.ThrowStatement);
  });
}

/** A condition that holds for a unique violation: a code, an error class, or a helper named for it. */
function tellsDuplicate(cond: Node): boolean {
  for (const n of [cond, ...cond.getDescendants()]) {
    if (Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n) || Node.isNumericLiteral(n)) {
      const text = n.getLiteralText();
      if (DUPLICATE_KEY_CODES.includes(text) || DUPLICATE_KEY_ERRORS.includes(text)) return true;
    }
    if (Node.isBinaryExpression(n) && n.getOperatorToken().getKind() === SyntaxKind.InstanceOfKeyword) {
      const cls = n.getRight().getText().split('.').pop() ?? '';
      if (DUPLICATE_KEY_ERRORS.includes(cls)) return true;
    }
    if (Node.isCallExpression(n)) {
      const callee = n.getExpression();
      const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
      if (DUPLICATE_KEY_HELPER.test(name)) return true;
    }
  }
  return false;
}
