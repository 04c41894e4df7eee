/**
 * Which HTTP calls reach a service of the system, settled once all facts are known. A URL read from an
 * env var named after a service (`WEBEOC_URL` and a `webeoc/` deployable) points at that service,
 * unless the service itself calls the same env var's URL (`${process.env.WEBEOC_URL}/sessions` inside
 * webeoc/): a service does not call itself through its own address, so the variable names a system
 * outside the workspace that both call (a third-party product the deployable integrates with), and the
 * call is an external API call. Settled on every run from the current facts, so an edit to either side
 * is seen (a fact keeps the target it was named with in `namedTarget`).
 */
import type { Node } from 'ts-morph';
import type { Fact } from '../facts/facts';

export function settleUrlTargets(facts: Fact[], serviceOf: (node: Node) => { name: string } | undefined): void {
  const calledBy = new Set<string>();
  for (const f of facts) {
    if (f.kind !== 'http' || !f.urlEnvs) continue;
    const service = serviceOf(f.node)?.name;
    if (service) for (const env of f.urlEnvs) calledBy.add(`${service}\u0000${env}`);
  }
  for (const f of facts) {
    if (f.kind !== 'http' || f.namedTarget === undefined) continue;
    f.target = f.targetEnv && calledBy.has(`${f.namedTarget}\u0000${f.targetEnv}`) ? undefined : f.namedTarget;
  }
}
