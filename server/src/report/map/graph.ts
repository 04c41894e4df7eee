/**
 * The service and ownership map as a graph: services and external APIs,
 * datastores with their owner, channel and sync-call edges, and datastore
 * uses. Both the SVG and the Mermaid renderings are drawn from this.
 */
import { compareText } from '../topology/source';
import type { Topology } from '../topology/types';

/** observed: declared and found in code (or inferred without an architecture file); declared: not found in code; drift: in code, not declared. */
export type EdgeStyle = 'observed' | 'declared' | 'drift';

export interface MapNode {
  id: string;
  kind: 'service' | 'external';
  label: string;
  sublabel?: string;
}

export interface MapStore {
  id: string;
  label: string;
  sublabel: string;
  /** Service id it is drawn under (its owner, or its first user). */
  home?: string;
  warn: boolean;
}

export interface MapTarget {
  to: string;
  style: EdgeStyle;
}

export interface MapEdge {
  kind: 'channel' | 'sync';
  /** Undefined when no producer is declared or found. */
  from?: string;
  targets: MapTarget[];
  label: string;
}

export interface MapUse {
  service: string;
  store: string;
  /** home: the store's owner (or first user); foreign: not the owner; shared: one of several users of an unowned store. */
  role: 'home' | 'foreign' | 'shared';
  observed: boolean;
  warn: boolean;
}

export interface ServiceMap {
  title: string;
  nodes: MapNode[];
  stores: MapStore[];
  edges: MapEdge[];
  uses: MapUse[];
}

export const serviceId = (name: string) => `svc:${name}`;
export const externalId = (name: string) => `ext:${name}`;
export const storeId = (key: string) => `ds:${key}`;

export function buildServiceMap(t: Topology): ServiceMap {
  const nodes: MapNode[] = t.services.map((s) => ({ id: serviceId(s.name), kind: 'service', label: s.name, sublabel: s.owner ?? (s.inferred ? 'inferred' : 'no owner') }));
  const known = new Set(t.services.map((s) => s.name));
  const ensureService = (name: string) => {
    if (known.has(name)) return;
    known.add(name);
    nodes.push({ id: serviceId(name), kind: 'service', label: name, sublabel: 'not a known service' });
  };

  const edges: MapEdge[] = [];
  for (const ch of t.channels) {
    const producers = [...new Set([...ch.producers.map((p) => p.service).filter((s): s is string => !!s), ...(ch.declared?.producer ? [ch.declared.producer] : [])])].sort(compareText);
    const targets = new Map<string, MapTarget>();
    for (const c of ch.consumers) {
      if (!c.service) continue;
      const style: EdgeStyle = ch.status === 'inferred' ? 'observed' : c.declared ? 'observed' : 'drift';
      targets.set(c.service, { to: serviceId(c.service), style });
    }
    for (const name of ch.declared?.consumers ?? []) {
      if (!targets.has(name)) targets.set(name, { to: serviceId(name), style: 'declared' });
    }
    const list = [...targets.entries()].sort(([a], [b]) => compareText(a, b)).map(([name, target]) => (ensureService(name), target));
    const label = `${ch.name}${ch.broker ? ` · ${ch.broker}` : ''}`;
    if (!producers.length) {
      if (list.length) edges.push({ kind: 'channel', targets: list, label });
      continue;
    }
    for (const p of producers) {
      ensureService(p);
      const undeclaredProducer = ch.status === 'code-only' || (!!ch.declared?.producer && p !== ch.declared.producer);
      const edgeTargets = undeclaredProducer ? list.map((x) => ({ ...x, style: 'drift' as const })) : list;
      edges.push({ kind: 'channel', from: serviceId(p), targets: edgeTargets, label: edgeTargets.length ? label : `${label} (no consumer)` });
    }
  }

  for (const api of t.apis) {
    const to = api.external || !api.provider ? externalId(api.name) : serviceId(api.provider);
    if (to.startsWith('ext:')) nodes.push({ id: to, kind: 'external', label: api.name, sublabel: 'external API' });
    else ensureService(api.provider!);
    const callers = new Map<string, EdgeStyle>();
    for (const c of api.calls) {
      if (!c.caller) continue;
      const declared = !api.declared ? false : c.caller === api.provider || api.consumers.includes(c.caller);
      callers.set(c.caller, declared ? 'observed' : 'drift');
    }
    for (const c of api.consumers) if (!callers.has(c)) callers.set(c, 'declared');
    const timeout = api.timeoutMs !== undefined ? `${api.timeoutMs} ms` : api.calls.some((c) => c.timeout) ? 'timeout in code' : 'no timeout';
    for (const [caller, style] of [...callers.entries()].sort(([a], [b]) => compareText(a, b))) {
      ensureService(caller);
      if (serviceId(caller) === to) continue;
      edges.push({ kind: 'sync', from: serviceId(caller), targets: [{ to, style }], label: `HTTP ${api.name} · ${timeout}` });
    }
  }

  const stores: MapStore[] = [];
  const uses: MapUse[] = [];
  for (const d of t.datastores) {
    const id = storeId(d.key);
    const users = [...new Set(d.uses.map((u) => u.service))].sort(compareText);
    const home = d.owner ?? users[0];
    if (d.owner) ensureService(d.owner);
    stores.push({ id, label: d.name, sublabel: `${d.kind ?? 'datastore'}${d.inferred ? ' · inferred' : ''}`, home: home ? serviceId(home) : undefined, warn: d.shared });
    if (home) uses.push({ service: serviceId(home), store: id, role: 'home', observed: users.includes(home), warn: !d.owner && users.length > 1 });
    for (const u of users) {
      if (u === home) continue;
      const foreign = !!d.owner;
      uses.push({ service: serviceId(u), store: id, role: foreign ? 'foreign' : 'shared', observed: true, warn: true });
    }
  }
  return { title: `${t.system}: service and ownership map`, nodes, stores, edges, uses };
}
