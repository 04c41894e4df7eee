/**
 * Two-phase commit and distributed lock sites, one per function, with the
 * recorded decision that justifies them (if any).
 */
import type { SystemModel } from '../../engine/model';
import { compareRefs, functionName, refOf } from './source';
import type { CoordinationSite } from './types';

export function buildCoordination(model: SystemModel): CoordinationSite[] {
  const sites = new Map<string, CoordinationSite & { counts: Map<string, number> }>();
  for (const f of model.facts) {
    if (f.kind !== 'twoPhase' && f.kind !== 'lock') continue;
    const pattern = f.kind === 'twoPhase' ? 'two-phase-commit' : 'distributed-lock';
    const fn = functionName(f.node);
    const at = refOf(model, f.node);
    const key = `${pattern}|${at.file}|${fn}`;
    let site = sites.get(key);
    if (!site) {
      const decision = model.justification(pattern, f.node);
      site = {
        pattern, service: model.serviceOf(f.node)?.name, fn, at, operations: [], counts: new Map(),
        justifiedBy: decision?.flow,
        justificationAt: decision && model.architectureFile ? { file: model.architectureFile, line: decision.range.start.line } : undefined,
      };
      sites.set(key, site);
    }
    if (compareRefs(at, site.at) < 0) site.at = at;
    site.counts.set(f.detail, (site.counts.get(f.detail) ?? 0) + 1);
  }
  return [...sites.values()].map(({ counts, ...site }) => ({
    ...site,
    operations: [...counts.entries()].map(([op, n]) => (n > 1 ? `${op} ×${n}` : op)),
  })).sort((a, b) => compareRefs(a.at, b.at));
}
