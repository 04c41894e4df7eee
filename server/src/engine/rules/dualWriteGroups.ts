/**
 * dual-write, one finding per root cause: the same write and the same publish, both in shared code
 * (helpers the flows call: `repo.updateAudit(...)` then `publishEvent(...)`), reached by several
 * flows. It is one finding, at the first flow in file order, the other flows its related locations.
 */
import type { Node } from 'ts-morph';
import type { Reached } from '../facts/effects';
import type { Location } from '../types';

export const MAX_SHARED_RELATED = 10;

interface Pair {
  kind: string;
  fn: Node;
  at: Reached;
  write: Reached;
  writeFirst: boolean;
}

/** The candidates folded into another flow's finding, and for each reported one the flows it stands for. */
export function sharedPairs<C extends Pair>(candidates: C[], relOf: (n: Node) => string, where: (c: C) => Location): { folded: Set<C>; others: Map<C, C[]> } {
  const groups = new Map<string, C[]>();
  for (const c of candidates) {
    if (c.kind !== 'dualWrite' || !c.write.path.length || !c.at.path.length) continue;
    const key = `${relOf(c.write.fact.node)}:${c.write.fact.node.getStart()}|${relOf(c.at.fact.node)}:${c.at.fact.node.getStart()}|${c.writeFirst}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const folded = new Set<C>();
  const others = new Map<C, C[]>();
  for (const group of groups.values()) {
    const flows = [...new Map(group.map((c) => [c.fn, c])).values()];
    if (flows.length < 2) continue;
    flows.sort((a, b) => where(a).file.localeCompare(where(b).file) || where(a).range.start.line - where(b).range.start.line);
    const [first, ...rest] = flows;
    others.set(first, rest);
    for (const c of group) if (c !== first) folded.add(c);
  }
  return { folded, others };
}
