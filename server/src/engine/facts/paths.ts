/**
 * Path questions about two points of one function body, answered from its
 * syntax: can both run in one execution, and in which order? Exclusive
 * branches (`if`/`else`, `? :`, `switch` cases that do not fall through, a
 * `try` block and its `catch`, which runs only when the try failed) and
 * jumps that always leave a block first (`return`, `throw`, `break`,
 * `continue`) separate them. Loops are read as one iteration: an effect in one
 * iteration and another in the next are not one flow (they usually handle
 * different items).
 */
import { Node, SyntaxKind, ts } from 'ts-morph';
import { exitJumps, isProcessExit } from './jumps';
import { exclusiveConditions } from './exclusiveConditions';
import { inFailedResultBranch } from './failedResult';

const SK = ts.SyntaxKind;

const LOOP_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
  SK.ForStatement, SK.ForOfStatement, SK.ForInStatement, SK.WhileStatement, SK.DoStatement,
]);

const FUNCTION_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
  SK.FunctionDeclaration, SK.FunctionExpression, SK.ArrowFunction, SK.MethodDeclaration,
  SK.Constructor, SK.GetAccessor, SK.SetAccessor,
]);

/** A list of statements run in order. */
function statementsOf(n: ts.Node): readonly ts.Node[] | undefined {
  if (ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n) || ts.isCaseClause(n) || ts.isDefaultClause(n)) return n.statements;
  return undefined;
}

function contains(outer: ts.Node, inner: ts.Node): boolean {
  return outer.pos <= inner.pos && inner.end <= outer.end;
}

/** Where control goes after a jump: the loop, switch, `try` or function it leaves. */
function targetOf(jump: ts.Node): ts.Node | undefined {
  for (let n: ts.Node | undefined = jump.parent, child: ts.Node = jump; n; child = n, n = n.parent) {
    if (FUNCTION_KINDS.has(n.kind)) return n;
    if (jump.kind === SK.ThrowStatement && ts.isTryStatement(n) && n.catchClause && child === n.tryBlock) return n;
    if (jump.kind === SK.ContinueStatement && LOOP_KINDS.has(n.kind)) return n;
    if (jump.kind === SK.BreakStatement && (LOOP_KINDS.has(n.kind) || ts.isSwitchStatement(n))) return n;
  }
  return undefined;
}

/** True when the statement always leaves by jumps that also leave `scope` (or what contains it). */
function leaves(stmt: ts.Node, scope: ts.Node): boolean {
  const jumps = exitJumps(stmt);
  if (!jumps) return false;
  return jumps.every((j) => {
    if (isProcessExit(j)) return true;
    const target = targetOf(j);
    return !!target && contains(target, scope);
  });
}

/**
 * True when code before `node` in `fn` always leaves first, so it never runs
 * (code after an unconditional `return`, `throw`, `continue`...).
 */
export function isUnreachable(node: Node, fn: Node): boolean {
  const stop = fn.compilerNode;
  for (let child = node.compilerNode, n = child.parent; n && n !== stop; child = n, n = n.parent) {
    const list = statementsOf(n);
    if (!list) continue;
    const i = list.indexOf(child);
    for (let k = 0; k < i; k++) if (exitJumps(list[k]) || leavesInProduction(list[k])) return true;
  }
  return false;
}

/**
 * `if (process.env.NODE_ENV !== 'test') throw new Error(...)`: in production the condition holds and the
 * branch always leaves, so what follows runs only in tests or development (a reset-database endpoint).
 */
function leavesInProduction(stmt: ts.Node): boolean {
  return ts.isIfStatement(stmt) && !stmt.elseStatement && inProduction(stmt.expression) === true && !!exitJumps(stmt.thenStatement);
}

/** The value of a `process.env.NODE_ENV` comparison with a string when NODE_ENV is `production`. */
function inProduction(e: ts.Expression): boolean | undefined {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (!ts.isBinaryExpression(e)) return undefined;
  const [env, value] = isNodeEnv(e.left) ? [e.left, e.right] : isNodeEnv(e.right) ? [e.right, e.left] : [];
  if (!env || !value || !ts.isStringLiteralLike(value)) return undefined;
  const same = value.text === 'production';
  switch (e.operatorToken.kind) {
    case SK.EqualsEqualsEqualsToken: case SK.EqualsEqualsToken: return same;
    case SK.ExclamationEqualsEqualsToken: case SK.ExclamationEqualsToken: return !same;
    default: return undefined;
  }
}

function isNodeEnv(e: ts.Expression): boolean {
  return /^process\.env(\.NODE_ENV|\[['"]NODE_ENV['"]\])$/.test(e.getText());
}

/** The ancestors of a node up to (not including) fn, innermost first, starting with the node itself. */
function chain(node: ts.Node, stop: ts.Node): ts.Node[] {
  const out: ts.Node[] = [];
  for (let n: ts.Node | undefined = node; n && n !== stop; n = n.parent) out.push(n);
  return out;
}

/** Registration calls whose callback runs later, once per event or request (`bus.on`, `app.post(path, handler)`): two such callbacks are two flows. */
const LISTEN = /^(subscribe|on|once|addListener|addEventListener|listen|consume|process|handle|register|get|post|put|patch|delete|del|head|options|all|route)$/;

/** True when `node` is inside a callback, below `lca`, that a listener registration receives. */
function listenerOf(node: ts.Node, lca: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n && n !== lca; n = n.parent) {
    if (!FUNCTION_KINDS.has(n.kind) || !n.parent || !ts.isCallExpression(n.parent) || !n.parent.arguments.includes(n as ts.Expression)) continue;
    const callee = n.parent.expression;
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
    if (LISTEN.test(name)) return true;
  }
  return false;
}

export type PathRelation = 'exclusive' | 'sequential';

/**
 * How two points of one function relate: 'exclusive' when no single
 * execution runs both (exclusive branches, a branch taken because the earlier
 * call's result says it failed, the earlier one always leaves
 * before the later one, a flag or conditions that pin one value to disjoint
 * constants: exclusiveConditions.ts), else 'sequential' (the earlier one, in
 * source order, runs first).
 */
export function pathRelation(a: Node, b: Node, fn: Node, gates = true): PathRelation {
  const relation = branchRelation(a, b, fn);
  if (relation === 'sequential' && (failedResultBranch(a, b, fn) || leftOnItsCondition(a, b, fn))) return 'exclusive';
  if (relation === 'sequential' && gates && (gatedApart(a, b, fn) || exclusiveConditions(a, b, fn))) return 'exclusive';
  return relation;
}

/** The later point runs only when the earlier call's result says it failed (failedResult.ts), as a `catch` runs when its `try` failed. */
function failedResultBranch(a: Node, b: Node, fn: Node): boolean {
  const [earlier, later] = a.getPos() <= b.getPos() ? [a, b] : [b, a];
  return inFailedResultBranch(earlier, later, fn);
}

/**
 * The earlier point runs only under `if (edited)` (a `const`), and between it and the later point a
 * statement leaves whenever `edited` holds: `if (edited) { await save(edit) } ... if (type !== 'notify' ||
 * edited) continue; await publish(...)`. Whenever the earlier point ran, the jump is taken first.
 */
function leftOnItsCondition(a: Node, b: Node, fn: Node): boolean {
  const [earlier, later] = a.getPos() <= b.getPos() ? [a, b] : [b, a];
  const truths = new Set<string>();
  let child: Node = earlier;
  for (let n = earlier.getParent(); n && n !== fn; child = n, n = n.getParent()) {
    if (n.containsRange(later.getPos(), later.getEnd())) {
      const list = statementsOf(n.compilerNode);
      if (!list || !truths.size) return false;
      const from = list.indexOf(child.compilerNode);
      const to = list.findIndex((s) => contains(s, later.compilerNode));
      for (let k = from + 1; k < to; k++) {
        const s = list[k];
        if (ts.isIfStatement(s) && impliedBy(s.expression, truths) && leaves(s.thenStatement, n.compilerNode)) return true;
      }
      return false;
    }
    if (Node.isIfStatement(n) && child === n.getThenStatement()) {
      for (const id of conjuncts(n.getExpression())) if (isConstName(id)) truths.add(id.getText());
    }
  }
  return false;
}

/** A condition true whenever every name in `truths` is truthy: one of them, or a `||` with one of them. */
function impliedBy(e: ts.Expression, truths: ReadonlySet<string>): boolean {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isIdentifier(e)) return truths.has(e.text);
  return ts.isBinaryExpression(e) && e.operatorToken.kind === SK.BarBarToken && (impliedBy(e.left, truths) || impliedBy(e.right, truths));
}

/** A name declared by a `const` (its truthiness cannot change between two points). */
function isConstName(id: Node): boolean {
  try {
    const decl = id.getSymbol()?.getDeclarations()[0];
    const statement = decl && Node.isVariableDeclaration(decl) ? decl.getVariableStatement() : undefined;
    return !!statement && statement.getDeclarationKind() === 'const';
  } catch {
    return false;
  }
}

/**
 * Two points kept apart by a flag variable: the later one runs only under `if (job)` (a
 * conjunction naming `job`), `job` starts unset (`let job;`) and every assignment to it is on a
 * branch exclusive with the earlier point (`if (x) job = {...} else await unlock(); if (job) await
 * queue.add(job)`).
 */
function gatedApart(a: Node, b: Node, fn: Node): boolean {
  const [earlier, later] = a.getPos() <= b.getPos() ? [a, b] : [b, a];
  for (const anc of later.getAncestors()) {
    if (anc === fn) break;
    if (!Node.isIfStatement(anc) || anc.getExpression().containsRange(later.getPos(), later.getEnd())) continue;
    if (anc.containsRange(earlier.getPos(), earlier.getEnd())) continue;
    for (const flag of conjuncts(anc.getExpression())) {
      const decl = flag.getSymbol()?.getDeclarations()[0];
      if (!decl || !Node.isVariableDeclaration(decl) || !fn.containsRange(decl.getPos(), decl.getEnd())) continue;
      const init = decl.getInitializer();
      if (init && !/^(undefined|null|false)$/.test(init.getText())) continue;
      const assignments = fn.getDescendantsOfKind(SyntaxKind.BinaryExpression).filter((e) => e.getOperatorToken().getKind() === SyntaxKind.EqualsToken && e.getLeft().getText() === flag.getText() && e.getLeft().getSymbol() === flag.getSymbol());
      if (assignments.length && assignments.every((e) => pathRelation(e, earlier, fn, false) === 'exclusive')) return true;
    }
  }
  return false;
}

/** The bare identifiers a condition requires to be truthy: `job`, `next && job`. */
function conjuncts(expr: Node): Node[] {
  if (Node.isParenthesizedExpression(expr)) return conjuncts(expr.getExpression());
  if (Node.isIdentifier(expr)) return [expr];
  if (Node.isBinaryExpression(expr) && expr.getOperatorToken().getKind() === SyntaxKind.AmpersandAmpersandToken) return [...conjuncts(expr.getLeft()), ...conjuncts(expr.getRight())];
  return [];
}

function branchRelation(a: Node, b: Node, fn: Node): PathRelation {
  const stop = fn.compilerNode;
  let first = a.compilerNode;
  let second = b.compilerNode;
  if (contains(first, second) || contains(second, first)) return 'sequential';
  if (second.pos < first.pos) [first, second] = [second, first];
  const up = chain(first, stop);
  const other = new Set(chain(second, stop));
  const lcaIndex = up.findIndex((n) => other.has(n));
  const lca = lcaIndex >= 0 ? up[lcaIndex] : stop;
  const fromFirst = lcaIndex > 0 ? up[lcaIndex - 1] : up[up.length - 1];
  const fromSecond = chain(second, stop).find((n) => n.parent === lca) ?? second;

  if (listenerOf(first, lca) && listenerOf(second, lca)) return 'exclusive';
  if (ts.isIfStatement(lca) && fromFirst === lca.thenStatement && fromSecond === lca.elseStatement) return 'exclusive';
  if (ts.isConditionalExpression(lca) && fromFirst === lca.whenTrue && fromSecond === lca.whenFalse) return 'exclusive';
  // A `catch` block runs because the `try` failed: what it does compensates for or reports that
  // failure (a dead-letter publish, restoring a row), it is not the other half of the try's flow.
  if (ts.isTryStatement(lca) && fromFirst === lca.tryBlock && fromSecond === lca.catchClause) return 'exclusive';

  // Below the common ancestor: does something after `first` always leave before control gets back up?
  for (let i = 0; i < (lcaIndex > 0 ? lcaIndex : up.length); i++) {
    const n = up[i];
    if ((ts.isReturnStatement(n) || ts.isThrowStatement(n)) && i > 0 && leaves(n, lca)) return 'exclusive';
    const parent = n.parent;
    if (!parent || parent === lca) continue;
    const list = statementsOf(parent);
    if (!list) continue;
    for (const s of list.slice(list.indexOf(n) + 1)) if (leaves(s, lca)) return 'exclusive';
  }

  // At the common ancestor: the statements (or switch clauses) between the two.
  if (ts.isCaseBlock(lca)) {
    const clauses = lca.clauses as readonly ts.Node[];
    const from = clauses.indexOf(fromFirst);
    const to = clauses.indexOf(fromSecond);
    for (let k = from; k < to; k++) {
      const stmts = statementsOf(clauses[k]) ?? [];
      const exits = k === from ? stmts.some((s) => s.pos >= first.end && leaves(s, lca)) : stmts.some((s) => leaves(s, lca));
      if (exits) return 'exclusive';
    }
    return 'sequential';
  }
  const list = statementsOf(lca);
  if (list) {
    const from = list.indexOf(fromFirst);
    const to = list.indexOf(fromSecond);
    for (let k = from + 1; k < to; k++) if (leaves(list[k], lca)) return 'exclusive';
  }
  return 'sequential';
}
