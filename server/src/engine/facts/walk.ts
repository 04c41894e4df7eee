/**
 * Walking the compiler's syntax tree and wrapping only the nodes a caller
 * needs. ts-morph's forEachDescendant/forEachChild wrap every node they pass
 * (an object, a map entry, kept for the life of the project): on a large
 * workspace that is most of the engine's memory and a good part of its time.
 */
import { type KindToNodeMappings, type Node, type SourceFile, SyntaxKind, ts } from 'ts-morph';

/**
 * Files whose syntax tree nests deeper than this are not analysed (the
 * session skips them with a message): the compiler's binder and checker,
 * and ts-morph's helpers, recurse once or more per level, and a stack
 * overflow inside the checker leaves it unusable for every other file.
 * Hand-written code stays far below (a 200-term string concatenation is
 * 200 levels); generated expressions and else-if ladders can exceed it.
 */
export const MAX_SYNTAX_DEPTH = 1000;

/** The node kinds `isFunctionLike` (callResolution.ts) accepts; a test keeps the two in step. */
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
 * Visits `root` and its descendants in pre-order (forEachChild's order) on an
 * explicit stack, so a deeply nested tree cannot overflow the JavaScript stack.
 * `enter` returning false skips the node's descendants; `leave` runs after them.
 */
export function walkTree(root: ts.Node, enter: (n: ts.Node) => boolean | void, leave?: (n: ts.Node) => void): void {
  const stack: ts.Node[] = [root];
  // A node is pushed a second time, flagged, to be left after its descendants.
  const leaving: boolean[] = [false];
  const children: ts.Node[] = [];
  const collect = (child: ts.Node): void => {
    children.push(child);
  };
  while (stack.length) {
    const n = stack.pop()!;
    if (leaving.pop()) {
      leave!(n);
      continue;
    }
    if (enter(n) === false) continue;
    if (leave) {
      stack.push(n);
      leaving.push(true);
    }
    ts.forEachChild(n, collect);
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push(children[i]);
      leaving.push(false);
    }
    children.length = 0;
  }
}

/** walkTree over the descendants of `root`, not `root` itself. */
export function walkDescendants(root: ts.Node, enter: (n: ts.Node) => boolean | void, leave?: (n: ts.Node) => void): void {
  walkTree(root, (n) => (n === root ? true : enter(n)), leave && ((n) => { if (n !== root) leave(n); }));
}

/**
 * `node` and its descendants whose kind is in `kinds`, in the order forEachDescendant
 * visits them (pre-order over forEachChild), wrapping only those.
 */
export function nodesOfKinds(node: Node, kinds: ReadonlySet<SyntaxKind>): Node[] {
  const wrap = wrapperFor(node);
  const out: Node[] = [];
  walkTree(node.compilerNode, (raw) => {
    if (kinds.has(raw.kind)) out.push(wrap(raw));
  });
  return out;
}

/** The descendants of `node` (not itself) of one kind, in pre-order: getDescendantsOfKind without recursion. */
export function descendantsOfKind<K extends SyntaxKind>(node: Node, kind: K): KindToNodeMappings[K][] {
  const wrap = wrapperFor(node);
  const out: Node[] = [];
  walkDescendants(node.compilerNode, (raw) => {
    if (raw.kind === kind) out.push(wrap(raw));
  });
  return out as KindToNodeMappings[K][];
}

/** Every descendant of `node` (not itself), wrapped, in pre-order: getDescendants without recursion. */
export function descendantsOf(node: Node): Node[] {
  const wrap = wrapperFor(node);
  const out: Node[] = [];
  walkDescendants(node.compilerNode, (raw) => {
    out.push(wrap(raw));
  });
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
    const open: number[] = [];
    walkDescendants(tree, (n) => {
      if (FUNCTION_LIKE_KINDS.has(n.kind) || CALL_KINDS.has(n.kind)) {
        open.push(nodes.push(n) - 1);
        ends.push(0);
      }
    }, (n) => {
      if (FUNCTION_LIKE_KINDS.has(n.kind) || CALL_KINDS.has(n.kind)) ends[open.pop()!] = nodes.length;
    });
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
