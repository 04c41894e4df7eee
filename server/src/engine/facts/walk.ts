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

/** Function-like compiler nodes by syntax tree, recorded by a walk that passed them anyway (the analysis's). */
const functionLikesByTree = new WeakMap<ts.SourceFile, ts.Node[]>();

/** Records the function-like nodes of a tree, in source (pre-)order, found by a walk of all of it. */
export function rememberFunctionLikes(tree: ts.SourceFile, raws: ts.Node[]): void {
  functionLikesByTree.set(tree, raws);
}

/** The function-like nodes of a file (see FUNCTION_LIKE_KINDS), in source (pre-)order, wrapping nothing else. */
export function functionLikesOf(file: SourceFile): Node[] {
  const wrap = wrapperFor(file);
  let raws = functionLikesByTree.get(file.compilerNode);
  if (!raws) {
    const found: ts.Node[] = [];
    const visit = (raw: ts.Node): void => {
      if (FUNCTION_LIKE_KINDS.has(raw.kind)) found.push(raw);
      ts.forEachChild(raw, visit);
    };
    ts.forEachChild(file.compilerNode, visit);
    functionLikesByTree.set(file.compilerNode, raws = found);
  }
  return raws.map(wrap);
}

export { ts };
