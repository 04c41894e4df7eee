/**
 * Values a program hangs on the global object: `global.kafkaProducer = producer` at start-up, then
 * `kafkaProducer.send(payload)` (or `global.kafkaProducer.send(...)`) in any module. Older Node
 * services share their clients this way instead of exporting them. The engine reads the value
 * assigned (never runs it) so that the free name is typed like the client it holds.
 */
import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import type { Analysis } from './analysis';

const GLOBAL_OBJECT = /^(global|globalThis)$/;
/** One key object per assigned name (the index keys by object). */
const keys = new Map<string, object>();
const keyOf = (name: string) => {
  let key = keys.get(name);
  if (!key) keys.set(name, key = { name });
  return key;
};

/** The right-hand sides of `global.<name> = ...` / `globalThis.<name> = ...` in the workspace (one index for every name). */
export function globalAssignments(analysis: Analysis, name: string, dependent?: SourceFile): Node[] {
  const index = analysis.index<Node>('global-assignments', /\bglobal(This)?\.[\w$]+\s*=[^=]/, (sf) => {
    const out: [object, Node][] = [];
    for (const b of sf.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
      if (b.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
      const left = b.getLeft();
      if (Node.isPropertyAccessExpression(left) && GLOBAL_OBJECT.test(left.getExpression().getText())) out.push([keyOf(left.getName()), b.getRight()]);
    }
    return out;
  }, { nameOf: (key) => (key as { name: string }).name });
  return index.get(keyOf(name), dependent);
}

/** `global.x` / `globalThis.x`: the name read from the global object, else undefined. */
export function globalMemberName(node: Node): string | undefined {
  return Node.isPropertyAccessExpression(node) && GLOBAL_OBJECT.test(node.getExpression().getText()) ? node.getName() : undefined;
}
