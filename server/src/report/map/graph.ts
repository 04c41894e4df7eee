/**
 * The service and ownership map as a graph, read from the system model
 * (`Topology.described`, what `distributed-patterns model` prints) joined
 * with the architecture file: deployable services, infrastructure
 * containers, external APIs, datastores with their owner, channel and
 * sync-call edges, and datastore uses. Both the SVG and the Mermaid
 * renderings are drawn from this.
 */
import type { SystemDescription } from '../../engine/system/describe';
import type { Topology } from '../topology/types';

// No ts-morph here: the CLI's `model --format mermaid` draws the same map without loading the engine bundle twice.
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** observed: declared and found in code (or inferred without an architecture file); declared: not found in code; drift: in code, not declared. */
export type EdgeStyle = 'observed' | 'declared' | 'drift';

export interface MapNode {
  id: string;
  /** service: a deployable; external: a third-party or undeclared API; infrastructure: a broker, database, cache or proxy container. */
  kind: 'service' | 'external' | 'infrastructure';
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
  /** The channel a channel edge carries, and its broker. */
  channel?: string;
  broker?: string;
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

export const infrastructureId = (name: string) => `infra:${name}`;

/** Infrastructure kinds that hold data: drawn as the datastores the code connects to, not a second time as containers. */
const DATASTORE_KINDS = new Set(['postgres', 'mysql', 'mongodb', 'redis', 'memcached', 'clickhouse', 'search', 'database', 'eventstore']);

function infrastructureNodes(d: SystemDescription): MapNode[] {
  return d.infrastructure.filter((i) => !DATASTORE_KINDS.has(i.kind)).map((i) => ({ id: infrastructureId(i.name), kind: 'infrastructure', label: i.name, sublabel: i.kind }));
}

export function buildServiceMap(t: Topology): ServiceMap {
  const nodes: MapNode[] = t.services.map((s) => ({ id: serviceId(s.name), kind: 'service', label: s.name, sublabel: s.owner ?? (s.inferred ? `${s.kind}, inferred` : 'no owner') }));
  const known = new Set(t.services.map((s) => s.name));
  const ensureService = (name: string) => {
    if (known.has(name)) return;
    known.add(name);
    nodes.push({ id: serviceId(name), kind: 'service', label: name, sublabel: 'not a known service' });
  };
  nodes.push(...infrastructureNodes(t.described));

  const edges: MapEdge[] = [];
  for (const ch of t.channels) {
    // Services from the system model, plus the publishes the report matched from literals (outbox inserts) and the declaration.
    const producers = [...new Set([...ch.producerServices, ...ch.producers.map((p) => p.service).filter((s): s is string => !!s), ...(ch.declared?.producer ? [ch.declared.producer] : [])])].sort(compareText);
    const inCode = new Set([...ch.consumerServices, ...ch.consumers.map((c) => c.service).filter((s): s is string => !!s)]);
    const targets = new Map<string, MapTarget>();
    for (const name of inCode) {
      const style: EdgeStyle = ch.status === 'inferred' || ch.declared?.consumers.includes(name) ? 'observed' : 'drift';
      targets.set(name, { to: serviceId(name), style });
    }
    for (const name of ch.declared?.consumers ?? []) {
      if (!targets.has(name)) targets.set(name, { to: serviceId(name), style: 'declared' });
    }
    const list = [...targets.entries()].sort(([a], [b]) => compareText(a, b)).map(([name, target]) => (ensureService(name), target));
    const label = `${ch.name}${ch.broker ? ` · ${ch.broker}` : ''}`;
    if (!producers.length) {
      if (list.length) edges.push({ kind: 'channel', targets: list, label, channel: ch.name, broker: ch.broker });
      continue;
    }
    for (const p of producers) {
      ensureService(p);
      const undeclaredProducer = ch.status === 'code-only' || (!!ch.declared?.producer && p !== ch.declared.producer);
      const edgeTargets = undeclaredProducer ? list.map((x) => ({ ...x, style: 'drift' as const })) : list;
      edges.push({ kind: 'channel', from: serviceId(p), targets: edgeTargets, label: edgeTargets.length ? label : `${label} (no consumer)`, channel: ch.name, broker: ch.broker });
    }
  }

  // Synchronous calls: declared APIs, calls between services, and the external APIs of the system model.
  const externals = new Set(t.described.externalApis.map((e) => e.name));
  for (const api of t.apis) {
    if (!api.declared && api.external) continue;
    const to = api.external || !api.provider ? externalId(api.name) : serviceId(api.provider);
    if (to.startsWith('ext:')) {
      nodes.push({ id: to, kind: 'external', label: api.name, sublabel: 'external API' });
      externals.delete(api.name);
    } else ensureService(api.provider!);
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
  for (const e of t.described.externalApis) {
    if (!externals.has(e.name)) continue;
    nodes.push({ id: externalId(e.name), kind: 'external', label: e.name, sublabel: 'external API' });
    for (const caller of e.usedBy) {
      ensureService(caller);
      edges.push({ kind: 'sync', from: serviceId(caller), targets: [{ to: externalId(e.name), style: 'observed' }], label: `HTTP ${e.name}` });
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

/**
 * The map of the system model alone (`distributed-patterns model --format mermaid`): deployables,
 * infrastructure, external APIs, datastores and their users, channels and calls as the engine found them.
 */
export function mapFromDescription(d: SystemDescription, title: string): ServiceMap {
  const nodes: MapNode[] = d.services.map((s) => ({ id: serviceId(s.name), kind: 'service', label: s.name, sublabel: s.inferred ? `${s.kind}, inferred` : s.kind }));
  const known = new Set(d.services.map((s) => s.name));
  const ensureService = (name: string) => {
    if (known.has(name)) return;
    known.add(name);
    nodes.push({ id: serviceId(name), kind: 'service', label: name, sublabel: 'not a known service' });
  };
  nodes.push(...infrastructureNodes(d));
  const edges: MapEdge[] = [];
  for (const c of d.channels) {
    const targets = c.consumers.map((name): MapTarget => (ensureService(name), { to: serviceId(name), style: 'observed' }));
    const label = `${c.name}${c.transport ? ` · ${c.transport}` : ''}`;
    if (!c.producers.length) {
      if (targets.length) edges.push({ kind: 'channel', targets, label, channel: c.name, broker: c.transport || undefined });
      continue;
    }
    for (const p of c.producers) {
      ensureService(p);
      edges.push({ kind: 'channel', from: serviceId(p), targets, label: targets.length ? label : `${label} (no consumer)`, channel: c.name, broker: c.transport || undefined });
    }
  }
  for (const call of d.syncCalls) {
    ensureService(call.from);
    ensureService(call.to);
    edges.push({ kind: 'sync', from: serviceId(call.from), targets: [{ to: serviceId(call.to), style: 'observed' }], label: 'HTTP' });
  }
  for (const e of d.externalApis) {
    nodes.push({ id: externalId(e.name), kind: 'external', label: e.name, sublabel: 'external API' });
    for (const caller of e.usedBy ?? []) {
      ensureService(caller);
      edges.push({ kind: 'sync', from: serviceId(caller), targets: [{ to: externalId(e.name), style: 'observed' }], label: `HTTP ${e.name}` });
    }
  }
  const stores: MapStore[] = [];
  const uses: MapUse[] = [];
  for (const s of d.datastores) {
    if (!s.usedBy.length) continue;
    const id = storeId(s.id);
    const home = s.owner ?? s.usedBy[0];
    const shared = s.usedBy.length > 1 || (!!s.owner && s.usedBy.some((u) => u !== s.owner));
    stores.push({ id, label: s.id, sublabel: s.kind, home: serviceId(home), warn: shared });
    ensureService(home);
    uses.push({ service: serviceId(home), store: id, role: 'home', observed: s.usedBy.includes(home), warn: !s.owner && s.usedBy.length > 1 });
    for (const u of s.usedBy) {
      if (u === home) continue;
      ensureService(u);
      uses.push({ service: serviceId(u), store: id, role: s.owner ? 'foreign' : 'shared', observed: true, warn: true });
    }
  }
  return { title, nodes, stores, edges, uses };
}
