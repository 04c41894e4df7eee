/**
 * A write that creates what a getter could not find: in a function the flow calls for its value
 * (`const actor = await this.systemAccountService.fetch('actor')`), the write runs only on the side of
 * a lookup that found nothing, and the side that found something returns it (`const found = await
 * repo.findOne(...); if (found) return found; ... insert`, `if (cached) return cached`, or the create
 * in the `else` of `if (found) { return found } else { ... }`). The row such a getter creates on first
 * use is not the state the flow's later message announces, so dual-write does not pair it.
 * So is a default the getter fills into a found record that lacks it (`else if (!config.authDomain)
 * { config = await updateConfiguration({ authDomain: ... }) }`).
 * Only in a callee: in the flow's own function a check-then-insert is the flow's business write.
 */
import { Node, SyntaxKind } from 'ts-morph';
import { isFunctionBoundary, type Reached } from '../facts/effects';
import { declarationOf } from '../facts/syntax';
import { LOOKUP } from './existenceCheckGuard';

export function lazyCreation(w: Reached): boolean {
  return w.path.some((fn, i) => createsWhenMissing(fn, w.steps[i]));
}

function createsWhenMissing(fn: Node, point: Node): boolean {
  if (!returnsValue(fn, fn)) return false;
  for (let child: Node = point, n = point.getParent(); n && n !== fn; child = n, n = n.getParent()) {
    if (Node.isIfStatement(n) && child !== n.getExpression()) {
      const found = lookupTest(n.getExpression(), fn);
      // `if (found) { return found } else { create }` or `if (!found) { create }`.
      if (found === 'found' && child === n.getElseStatement() && returnsValue(n.getThenStatement(), n.getFirstAncestor(isFunctionBoundary))) return true;
      if (found === 'missing' && child === n.getThenStatement()) return true;
    }
    // An earlier `if (found) return found;` in the same block.
    if (Node.isBlock(n) || Node.isSourceFile(n)) {
      for (const s of n.getStatements()) {
        if (s === child) break;
        if (Node.isIfStatement(s) && !s.getElseStatement() && lookupTest(s.getExpression(), fn) === 'found' && returnsValue(s.getThenStatement(), s.getFirstAncestor(isFunctionBoundary))) return true;
      }
    }
  }
  return false;
}

/**
 * Whether a condition tests a lookup's result for presence (`found`, `found != null`) or absence
 * (`!found`), or a field of the found record for absence (`!found.authDomain`: the getter fills in a
 * default the stored record lacks). Both sides of `&&` must say the same.
 */
function lookupTest(cond: Node, fn: Node): 'found' | 'missing' | undefined {
  while (Node.isParenthesizedExpression(cond)) cond = cond.getExpression();
  if (Node.isBinaryExpression(cond) && cond.getOperatorToken().getKind() === SyntaxKind.AmpersandAmpersandToken) {
    const left = lookupTest(cond.getLeft(), fn);
    return left && left === lookupTest(cond.getRight(), fn) ? left : undefined;
  }
  let negated = false;
  let e = cond;
  if (Node.isPrefixUnaryExpression(e) && e.getOperatorToken() === SyntaxKind.ExclamationToken) {
    negated = true;
    e = e.getOperand();
  } else if (Node.isBinaryExpression(e)) {
    const op = e.getOperatorToken().getKind();
    const right = e.getRight().getText();
    if (!['null', 'undefined'].includes(right)) return undefined;
    if (op === SyntaxKind.EqualsEqualsToken || op === SyntaxKind.EqualsEqualsEqualsToken) negated = true;
    else if (op !== SyntaxKind.ExclamationEqualsToken && op !== SyntaxKind.ExclamationEqualsEqualsToken) return undefined;
    e = e.getLeft();
  }
  // A field the found record lacks: only its absence says anything (its presence is not the record's).
  if (Node.isPropertyAccessExpression(e) && Node.isIdentifier(e.getExpression())) {
    return negated && isLookupResult(e.getExpression(), fn) ? 'missing' : undefined;
  }
  if (!Node.isIdentifier(e) || !isLookupResult(e, fn)) return undefined;
  return negated ? 'missing' : 'found';
}

/** `const found = await this.repo.findOne(...)` (or `this.cache.get(key)`), declared in fn. */
function isLookupResult(id: Node, fn: Node): boolean {
  const decl = declarationOf(id);
  if (!decl || !Node.isVariableDeclaration(decl) || decl.getFirstAncestor(isFunctionBoundary) !== fn) return false;
  let init = decl.getInitializer();
  while (init && (Node.isAwaitExpression(init) || Node.isParenthesizedExpression(init) || Node.isAsExpression(init))) init = init.getExpression();
  if (!init || !Node.isCallExpression(init)) return false;
  const callee = init.getExpression();
  const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
  return LOOKUP.test(name);
}

/** `node` (a branch, or a function) holds a `return <expression>` of the function `owner`, not of a callback inside it. */
function returnsValue(node: Node | undefined, owner: Node | undefined): boolean {
  if (!node) return false;
  if (Node.isReturnStatement(node)) return !!node.getExpression();
  return node.getDescendantsOfKind(SyntaxKind.ReturnStatement).some((r) => !!r.getExpression() && r.getFirstAncestor(isFunctionBoundary) === owner);
}
