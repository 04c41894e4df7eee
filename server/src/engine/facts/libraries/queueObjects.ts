/**
 * Queue objects named at construction: `new Queue('update-user', opts)` (BullMQ), `new Bull('mail')`
 * (Bull), `new BeeQueue('thumbnails')` (bee-queue). A queue object passed where a channel is expected
 * (`addToQueue(updateUserQueue, data)` into a wrapper that adds to the queue it is given) names the
 * queue it was built with. Which classes these are is this table: the module a constructor is imported
 * from, and the export (`default` for a default import).
 */
import { Node } from 'ts-morph';

const QUEUE_CLASSES: Readonly<Record<string, readonly string[]>> = {
  bullmq: ['Queue', 'QueuePro'],
  '@taskforcesh/bullmq-pro': ['QueuePro'],
  bull: ['default'],
  'bee-queue': ['default'],
};

/** The name argument of a queue construction (`'update-user'` of `new Queue('update-user', ...)`), if `node` is one. */
export function queueConstructionName(node: Node): Node | undefined {
  if (!Node.isNewExpression(node)) return undefined;
  const callee = node.getExpression();
  if (!Node.isIdentifier(callee)) return undefined;
  const local = callee.getText();
  for (const decl of node.getSourceFile().getImportDeclarations()) {
    const exports = QUEUE_CLASSES[decl.getModuleSpecifierValue()];
    if (!exports) continue;
    const named = decl.getNamedImports().find((i) => (i.getAliasNode() ?? i.getNameNode()).getText() === local);
    const imported = named ? named.getName() : decl.getDefaultImport()?.getText() === local ? 'default' : undefined;
    if (imported && exports.includes(imported)) return node.getArguments()[0];
  }
  return undefined;
}
