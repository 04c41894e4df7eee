/** Shared wording helpers for rule messages. */
import type { Node } from 'ts-morph';
import type { SystemModel } from '../model';

/** `path/to/file.ts:12` for a node. */
export function describeAt(model: SystemModel, node: Node): string {
  const loc = model.locationOf(node);
  return `${loc.file}:${loc.range.start.line}`;
}
