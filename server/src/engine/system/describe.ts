/**
 * The system as the engine sees it, in one plain shape that tests and other
 * tools can diff (`distributed-patterns model --format json`): deployable
 * services, infrastructure containers, datastores and who uses them,
 * channels with their producing and consuming services, synchronous calls
 * between services, and external APIs, each with evidence locations.
 * Built from the analysis's SystemModel; the output is sorted, so the same
 * workspace always prints the same model.
 */
import { ts, type Node, type SourceFile } from 'ts-morph';
import type { SystemModel } from '../model';
import type { Fact } from '../facts/facts';
import type { ServiceInfo } from '../workspace/services';
import { datastoreUsages } from './datastoreUses';
import { infrastructureKind } from './infrastructure';
import { FRAMEWORKS } from './frameworks';
import { channelNames } from '../facts/hops';
import { URL_HOST } from '../workspace/serviceUrls';
import { argumentsAtCallSites } from '../facts/carriers';
import { channelName, prop } from '../facts/syntax';
import { NEST_MICROSERVICES } from '../facts/libraries/instrumentation';
import { TRANSPORTS as TRANSPORT_SEMANTICS, deliveryOf, type TransportId } from '../facts/libraries/delivery';

export interface EvidenceRef {
  file: string;
  line: number;
}

export interface SystemDescription {
  services: { name: string; root: string; kind: string; inferred: boolean; evidence: EvidenceRef[] }[];
  infrastructure: { name: string; kind: string; evidence: EvidenceRef[] }[];
  datastores: { id: string; kind: string; identity: string; usedBy: string[]; owner: string | null; evidence: EvidenceRef[] }[];
  channels: { name: string; transport: string; producers: string[]; consumers: string[]; evidence: EvidenceRef[] }[];
  syncCalls: { from: string; to: string; evidence: EvidenceRef[] }[];
  /** Third-party APIs (public hosts, SDKs of payment, mail and SMS providers) and the services calling them. */
  externalApis: { name: string; usedBy: string[]; evidence: EvidenceRef[] }[];
}

/** Messaging libraries (as the fact tables name them) to the transport they speak. */
const TRANSPORTS: Record<string, string> = {
  kafkajs: 'kafka', amqplib: 'rabbitmq', '@golevelup/nestjs-rabbitmq': 'rabbitmq', '@nestjs-plus/rabbitmq': 'rabbitmq',
  bullmq: 'bullmq', bull: 'bull', '@aws-sdk/client-sqs': 'sqs', 'sqs-consumer': 'sqs', 'aws-sdk': 'sqs',
  eventbridge: 'eventbridge', '@aws-sdk/client-eventbridge': 'eventbridge', redis: 'redis', '@google-cloud/pubsub': 'pubsub',
  nats: 'nats', 'node-nats-streaming': 'nats-streaming', temporal: 'temporal', '@azure/service-bus': 'azure-service-bus', '@nestjs/microservices': 'nestjs',
};

/** SDKs of third-party services (side-effect facts) and the API they reach. */
const EXTERNAL_SDKS: Record<string, string> = { stripe: 'stripe', twilio: 'twilio', sendgrid: 'sendgrid', '@sendgrid/mail': 'sendgrid', nodemailer: 'smtp' };

export function describeSystem(model: SystemModel): SystemDescription {
  const ref = (node: Node): EvidenceRef => ({ file: model.relOf(node), line: model.locationOf(node).range.start.line });
  const servicesOf = servicesOfFile(model);
  const requests = requestResponse(model, servicesOf);
  return {
    services: describeServices(model),
    infrastructure: describeInfrastructure(model),
    datastores: describeDatastores(model, ref),
    channels: describeChannels(model, ref, servicesOf, requests),
    ...describeCalls(model, ref, servicesOf, requests),
  };
}

function describeServices(model: SystemModel): SystemDescription['services'] {
  const declared = new Map((model.architecture?.services ?? []).map((s) => [s.name, s]));
  const kinds = frameworkKinds(model);
  return model.layout.services.map((s) => {
    const evidence: EvidenceRef[] = [];
    const arch = declared.get(s.name);
    if (arch && model.architectureFile) evidence.push({ file: model.architectureFile, line: arch.range.start.line });
    if (s.compose) evidence.push({ file: s.compose.file, line: s.compose.line });
    for (const e of s.evidence ?? []) evidence.push(e);
    if (!evidence.length && s.origin) evidence.push({ file: s.origin, line: 1 });
    return { name: s.name, root: s.paths[0] ?? '', kind: kinds.get(s.name) ?? 'node', inferred: s.inferred, evidence: dedupeRefs(evidence) };
  }).sort((a, b) => compare(a.name, b.name));
}

/** The framework each service's code imports (the most specific one of FRAMEWORKS). */
function frameworkKinds(model: SystemModel): Map<string, string> {
  const best = new Map<string, number>();
  for (const f of model.files) {
    const svc = model.layout.serviceOf(f.rel);
    if (!svc) continue;
    for (const s of f.sourceFile.compilerNode.statements) {
      if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier)) continue;
      const i = FRAMEWORKS.findIndex(([re]) => re.test((s.moduleSpecifier as ts.StringLiteral).text));
      if (i >= 0 && i < (best.get(svc.name) ?? FRAMEWORKS.length)) best.set(svc.name, i);
    }
  }
  return new Map([...best].map(([name, i]) => [name, FRAMEWORKS[i][1]]));
}

function describeInfrastructure(model: SystemModel): SystemDescription['infrastructure'] {
  const deployed = new Set(model.layout.services.flatMap((s) => s.composeServices ?? []));
  const byName = new Map<string, SystemDescription['infrastructure'][number]>();
  for (const c of model.layout.compose) {
    if (deployed.has(c)) continue;
    const kind = infrastructureKind(c.image, c.name);
    if (!kind) continue;
    const entry = byName.get(c.name) ?? { name: c.name, kind, evidence: [] };
    entry.evidence.push({ file: c.file, line: c.line });
    byName.set(c.name, entry);
  }
  // Kubernetes workloads and Helm values running a broker, database or proxy image (`nats-depl` running `nats-streaming`).
  const deployedAt = new Set(model.layout.services.flatMap((s) => (s.evidence ?? []).map((e) => `${e.file}:${e.line}`)));
  for (const w of model.layout.workloads ?? []) {
    if (!w.image || deployedAt.has(`${w.file}:${w.line}`)) continue;
    const kind = infrastructureKind(w.image, w.name);
    if (!kind) continue;
    const entry = byName.get(w.name) ?? { name: w.name, kind, evidence: [] };
    entry.evidence.push({ file: w.file, line: w.line });
    byName.set(w.name, entry);
  }
  return [...byName.values()].map((e) => ({ ...e, evidence: dedupeRefs(e.evidence) })).sort((a, b) => compare(a.name, b.name));
}

function describeDatastores(model: SystemModel, ref: (n: Node) => EvidenceRef): SystemDescription['datastores'] {
  const byKey = new Map<string, { id: string; kind: string; identity: string; users: Set<string>; owner: string | null; evidence: EvidenceRef[] }>();
  for (const u of datastoreUsages(model)) {
    const key = u.identity.key;
    let entry = byKey.get(key);
    if (!entry) {
      const kind = u.identity.declared?.kind ?? /^url:(\w+):/.exec(key)?.[1] ?? u.store ?? 'unknown';
      entry = { id: key.replace(/^(url|declared|env|split|module):/, ''), kind, identity: u.identity.evidence, users: new Set(), owner: u.identity.declared?.owner ?? null, evidence: [] };
      byKey.set(key, entry);
    }
    entry.users.add(u.service.name);
    entry.evidence.push(ref(u.node));
  }
  return [...byKey.values()].map((e) => ({ id: e.id, kind: e.kind, identity: e.identity, usedBy: [...e.users].sort(compare), owner: e.owner, evidence: dedupeRefs(e.evidence) }))
    .sort((a, b) => compare(a.id, b.id));
}

type ServicesOf = (fact: Pick<Fact, 'node'>) => ServiceInfo[];

/** The deployables a fact runs in: its own service, or every service importing the shared module it is in. */
function servicesOfFile(model: SystemModel): ServicesOf {
  const cache = new Map<SourceFile, ServiceInfo[]>();
  return (fact) => {
    const own = model.serviceOf(fact.node);
    if (own) return [own];
    const sf = fact.node.getSourceFile();
    let hit = cache.get(sf);
    if (!hit) {
      hit = model.importersInServices(sf).map((i) => i.service);
      cache.set(sf, hit);
    }
    return hit;
  };
}

/**
 * Nest patterns that are calls, not channels: every sender waits for the reply (`ClientProxy.send`)
 * and every service handling the pattern serves it over a request-response transport (TCP, gRPC),
 * with no broker between them. Each is a synchronous call from the senders' services to the handlers'.
 */
interface RequestResponse {
  patterns: Set<string>;
  calls: { from: string; to: string; node: Node }[];
}

function requestResponse(model: SystemModel, servicesOf: ServicesOf): RequestResponse {
  const served = new Map<string, Set<string>>();
  for (const f of model.facts) {
    if (f.kind !== 'server') continue;
    for (const s of servicesOf(f)) served.set(s.name, (served.get(s.name) ?? new Set()).add(f.transport ?? 'unknown'));
  }
  const rpcOnly = (service: string) => {
    const transports = [...(served.get(service) ?? [])];
    return transports.length > 0 && transports.every((t) => t in TRANSPORT_SEMANTICS && deliveryOf(t as TransportId).delivery === 'request-response');
  };
  const byName = new Map<string, { senders: Fact[]; handlers: Fact[] }>();
  for (const f of model.facts) {
    if (f.library !== NEST_MICROSERVICES || (f.kind !== 'publish' && f.kind !== 'consumer') || f.reply) continue;
    for (const name of channelNames(f.channel)) {
      const entry = byName.get(name) ?? { senders: [], handlers: [] };
      (f.kind === 'publish' ? entry.senders : entry.handlers).push(f);
      byName.set(name, entry);
    }
  }
  const out: RequestResponse = { patterns: new Set(), calls: [] };
  for (const [name, { senders, handlers }] of byName) {
    const to = [...new Set(handlers.flatMap((h) => servicesOf(h).map((s) => s.name)))];
    if (!senders.length || !senders.every((f) => f.request) || !to.length || !to.every(rpcOnly)) continue;
    out.patterns.add(name);
    for (const f of senders) for (const from of servicesOf(f)) for (const t of to) out.calls.push({ from: from.name, to: t, node: f.node });
  }
  return out;
}

function describeChannels(model: SystemModel, ref: (n: Node) => EvidenceRef, servicesOf: ServicesOf, requests: RequestResponse): SystemDescription['channels'] {
  const channels = new Map<string, { transports: Set<string>; producers: Set<string>; consumers: Set<string>; evidence: EvidenceRef[] }>();
  const add = (name: string, library: string, producing: boolean, at: Node) => {
    const c = channels.get(name) ?? { transports: new Set(), producers: new Set(), consumers: new Set(), evidence: [] };
    channels.set(name, c);
    c.transports.add(TRANSPORTS[library] ?? library);
    for (const s of servicesOf({ node: at })) (producing ? c.producers : c.consumers).add(s.name);
    c.evidence.push(ref(at));
  };
  for (const f of model.facts) {
    if (f.kind !== 'publish' && f.kind !== 'consumer' && f.kind !== 'endpoint') continue;
    if (f.reply) continue;
    if (f.library === NEST_MICROSERVICES && channelNames(f.channel).some((n) => requests.patterns.has(n))) continue;
    const producing = f.kind === 'publish' || f.role === 'producer';
    for (const name of channelNames(f.channel)) add(name, f.library, producing, f.node);
    // Named by the callers of a wrapper: each call site is an end of the channel it names.
    if (!f.channel && f.channelFrom) {
      const { param, key, requires } = f.channelFrom;
      for (const { site, arg } of argumentsAtCallSites(param, model.analysis)) {
        if (requires && !prop(arg, requires)) continue;
        for (const name of channelNames(channelName(key ? prop(arg, key) : arg))) add(name, f.library, producing, site);
      }
    }
  }
  return [...channels].map(([name, c]) => ({
    name, transport: [...c.transports].sort(compare).join(', '),
    producers: [...c.producers].sort(compare), consumers: [...c.consumers].sort(compare), evidence: dedupeRefs(c.evidence),
  })).sort((a, b) => compare(a.name, b.name));
}

function describeCalls(model: SystemModel, ref: (n: Node) => EvidenceRef, servicesOf: ServicesOf, requests: RequestResponse): Pick<SystemDescription, 'syncCalls' | 'externalApis'> {
  const services = new Set(model.layout.services.map((s) => s.name));
  const calls = new Map<string, { from: string; to: string; evidence: EvidenceRef[] }>();
  for (const r of requests.calls) {
    if (r.from === r.to) continue;
    const key = `${r.from}\u0000${r.to}`;
    const c = calls.get(key) ?? { from: r.from, to: r.to, evidence: [] };
    c.evidence.push(ref(r.node));
    calls.set(key, c);
  }
  const external = new Map<string, { users: Set<string>; evidence: EvidenceRef[] }>();
  const addExternal = (name: string, f: Fact) => {
    const e = external.get(name) ?? { users: new Set<string>(), evidence: [] };
    external.set(name, e);
    e.evidence.push(ref(f.node));
    for (const s of servicesOf(f)) e.users.add(s.name);
  };
  for (const f of model.facts) {
    if (f.kind === 'sideEffect' && EXTERNAL_SDKS[f.library]) addExternal(EXTERNAL_SDKS[f.library], f);
    if (f.kind !== 'http') continue;
    if (f.target && services.has(f.target)) {
      for (const from of servicesOf(f)) {
        if (from.name === f.target) continue;
        const key = `${from.name}\u0000${f.target}`;
        const c = calls.get(key) ?? { from: from.name, to: f.target, evidence: [] };
        c.evidence.push(ref(f.node));
        calls.set(key, c);
      }
      continue;
    }
    const host = publicHost(f.detail);
    if (host) addExternal(host, f);
  }
  return {
    syncCalls: [...calls.values()].map((c) => ({ ...c, evidence: dedupeRefs(c.evidence) })).sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to)),
    externalApis: [...external].map(([name, e]) => ({ name, usedBy: [...e.users].sort(compare), evidence: dedupeRefs(e.evidence) })).sort((a, b) => compare(a.name, b.name)),
  };
}

/** A literal public host in a call's URL (`api.stripe.com`); private names and localhost are not external APIs. */
function publicHost(detail: string): string | undefined {
  const host = new RegExp(URL_HOST.source, 'i').exec(detail)?.[1]?.toLowerCase();
  if (!host || !host.includes('.') || /^(localhost|127\.|0\.0\.0\.0|10\.|192\.168\.)/.test(host)) return undefined;
  if (/\.(local|internal|svc|cluster\.local|consul|localhost)$/.test(host)) return undefined;
  return host;
}

function dedupeRefs(refs: EvidenceRef[]): EvidenceRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = `${r.file}:${r.line}`;
    return seen.has(k) ? false : (seen.add(k), true);
  }).sort((a, b) => compare(a.file, b.file) || a.line - b.line);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
