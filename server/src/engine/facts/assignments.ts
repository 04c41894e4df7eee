/**
 * Where a function assigns a name (`x = …`, `x += …`, `x++`, destructuring assignment): read once per
 * function on the compiler's nodes, wrapping only the identifiers that may be assigned. The `let`-flag
 * evaluation in constantValues.ts asks this for every flag it meets, so a large function (a
 * thousand-line handler) is walked once, not once per question.
 */
import { Node, SyntaxKind, ts } from 'ts-morph';

/** Per function, the identifiers assigned (`x = …`, `x += …`, `x++`, destructuring), by name: read once on the compiler's nodes. */
const writesMemo = new WeakMap<Node, Map<string, Node[]>>();

export function writesIn(fn: Node, name: string): Node[] {
  let byName = writesMemo.get(fn);
  if (!byName) {
    writesMemo.set(fn, byName = new Map());
    const wrap = (fn as unknown as { _getNodeFromCompilerNode(n: ts.Node): Node })._getNodeFromCompilerNode.bind(fn);
    const found = byName;
    const visit = (n: ts.Node): void => {
      if (ts.isIdentifier(n) && compilerWritten(n)) {
        const id = wrap(n);
        if (isWritten(id)) found.set(n.text, [...(found.get(n.text) ?? []), id]);
      }
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(fn.compilerNode, visit);
  }
  return byName.get(name) ?? [];
}

/** The compiler-node side of isWritten, to wrap only the identifiers that may be assigned. */
function compilerWritten(id: ts.Identifier): boolean {
  const p = id.parent;
  if (!p) return false;
  if (ts.isBinaryExpression(p)) return p.left === id && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
  return ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p) || ts.isShorthandPropertyAssignment(p) || ts.isArrayLiteralExpression(p);
}

function isWritten(id: Node): boolean {
  const parent = id.getParent();
  if (!parent) return false;
  if (Node.isBinaryExpression(parent) && parent.getLeft() === id) {
    const op = parent.getOperatorToken().getKind();
    return op >= SyntaxKind.FirstAssignment && op <= SyntaxKind.LastAssignment;
  }
  if (Node.isPrefixUnaryExpression(parent) || Node.isPostfixUnaryExpression(parent)) {
    const op = parent.getOperatorToken();
    return op === SyntaxKind.PlusPlusToken || op === SyntaxKind.MinusMinusToken;
  }
  // Destructuring assignment (`({ x } = obj)`, `[x] = list`): written, by what is not followed.
  return Node.isShorthandPropertyAssignment(parent) || Node.isArrayLiteralExpression(parent);
}

