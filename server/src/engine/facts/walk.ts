/**
 * Walking the compiler's syntax tree and wrapping only the nodes a caller
 * needs. ts-morph's forEachDescendant/forEachChild wrap every node they pass
 * (an object, a map entry, kept for the life of the project): on a large
 * workspace that is most of the engine's memory and a good part of its time.
 */
import { type Node, type SourceFile, SyntaxKind, ts } from 'ts-morph';

/** The node kinds `isFunctionLike` (analysis.ts) accepts; a test keeps the two in step. */
export const FUNCTION_LIKE_KINDS: ReadonlySet<SyntaxKind> = new Set([
  SyntaxKind.ArrowFunction, SyntaxKind.FunctionExpression, SyntaxKind.FunctionDeclaration,
  SyntaxKind.MethodDeclaration, SyntaxKind.Constructor, SyntaxKind.GetAccessor,
]);

/** Call-like kinds that can be library operations (factsOf) or workspace calls (effects). */
export const CALL_KINDS: ReadonlySet<SyntaxKind> = new Set([
  SyntaxKind.CallExpression, SyntaxKind.NewExpression, SyntaxKind.TaggedTemplateExpression,
]);

/** The (cached, shared) ts-morph wrapper of a compiler node of `node`'s source file. */
export function wrapperFor(node: Node): (raw: ts.Node) => Node {
  const sf = node.getSourceFile() as SourceFile & { _getNodeFromCompilerNode(raw: ts.Node): Node };
  return (raw) => sf._getNodeFromCompilerNode(raw);
}

/**
 * `node` and its descendants whose kind is in `kinds`, in the order forEachDescendant
 * visits them (pre-order over forEachChild), wrapping only those.
 */
export function nodesOfKinds(node: Node, kinds: ReadonlySet<SyntaxKind>): Node[] {
  const wrap = wrapperFor(node);
  const out: Node[] = [];
  const visit = (raw: ts.Node): void => {
    if (kinds.has(raw.kind)) out.push(wrap(raw));
    ts.forEachChild(raw, visit);
  };
  visit(node.compilerNode);
  return out;
}

/**
 * The function-like and call nodes of a syntax tree (FUNCTION_LIKE_KINDS,
 * CALL_KINDS) in pre-order, each with the index just past its descendants:
 * a walk of a function that looks only at calls and nested functions goes
 * through its slice of the outline instead of every node.
 */
export interface Outline {
  nodes: readonly ts.Node[];
  /** ends[i]: the index after the last outlined descendant of nodes[i]. */
  ends: readonly number[];
  /** Index of each function-like node. */
  functionIndex: ReadonlyMap<ts.Node, number>;
}

const outlines = new WeakMap<ts.SourceFile, Outline>();

/** Records the outline of a tree, found by a walk of all of it (the analysis's). */
export function rememberOutline(tree: ts.SourceFile, nodes: ts.Node[], ends: number[]): void {
  const functionIndex = new Map<ts.Node, number>();
  nodes.forEach((n, i) => {
    if (FUNCTION_LIKE_KINDS.has(n.kind)) functionIndex.set(n, i);
  });
  outlines.set(tree, { nodes, ends, functionIndex });
}

/** The outline of a tree (walked now unless recorded). */
export function outlineOf(tree: ts.SourceFile): Outline {
  let outline = outlines.get(tree);
  if (!outline) {
    const nodes: ts.Node[] = [];
    const ends: number[] = [];
    const visit = (n: ts.Node): void => {
      const at = FUNCTION_LIKE_KINDS.has(n.kind) || CALL_KINDS.has(n.kind) ? nodes.push(n) - 1 : -1;
      if (at >= 0) ends.push(0);
      ts.forEachChild(n, visit);
      if (at >= 0) ends[at] = nodes.length;
    };
    ts.forEachChild(tree, visit);
    rememberOutline(tree, nodes, ends);
    outline = outlines.get(tree)!;
  }
  return outline;
}

/** The function-like nodes of a file (see FUNCTION_LIKE_KINDS), in source (pre-)order, wrapping nothing else. */
export function functionLikesOf(file: SourceFile): Node[] {
  const wrap = wrapperFor(file);
  const out: Node[] = [];
  for (const raw of outlineOf(file.compilerNode).nodes) if (FUNCTION_LIKE_KINDS.has(raw.kind)) out.push(wrap(raw));
  return out;
}

export { ts };
