/**
 * Queue objects named at construction: `new Queue('update-user', opts)` (BullMQ), `new Bull('mail')`
 * (Bull), `new BeeQueue('thumbnails')` (bee-queue). A queue object passed where a channel is expected
 * (`addToQueue(updateUserQueue, data)` into a wrapper that adds to the queue it is given) names the
 * queue it was built with. Which classes these are is this table: the module a constructor is imported
 * from, and the export (`default` for a default import).
 */
import { Node } from 'ts-morph';
import { importedAs } from '../importBindings';

const QUEUE_CLASSES: Readonly<Record<string, readonly string[]>> = {
  bullmq: ['Queue', 'QueuePro'],
  '@taskforcesh/bullmq-pro': ['QueuePro'],
  bull: ['default'],
  'bee-queue': ['default'],
};

/** The name argument of a queue construction (`'update-user'` of `new Queue('update-user', ...)`), if `node` is one. */
export function queueConstructionName(node: Node): Node | undefined {
  if (!Node.isNewExpression(node)) return undefined;
  const imported = importedAs(node.getExpression());
  return imported && QUEUE_CLASSES[imported.module]?.includes(imported.name) ? node.getArguments()[0] : undefined;
}
