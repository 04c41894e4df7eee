/**
 * Whether a message is a hop between services, and what travels with it
 * besides a correlation key: used by missing-correlation-id.
 *
 * - A channel whose consumers are all in the producing service (a job queue
 *   the service feeds itself, a broadcast to its own replicas) is not a hop
 *   between services. Ends are matched by name, by symbolic identity (the
 *   same field, parameter or env var, see channelIdentity.ts) and, within one
 *   file, by names with unresolved parts (`orchestrator:?` and `orchestrator:*`).
 *   A publish to a RabbitMQ exchange reaches the consumers of every queue bound
 *   to it whose binding matches the routing key (libraries/exchangeRouting.ts).
 * - A field copied from the incoming message's envelope or id
 *   (`msg.headers`, `msg.properties.messageId`, `job.id`) ties the follow-up
 *   to the message that caused it.
 * - A NestJS microservice client sends through its transport's library.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { Fact } from './facts';
import type { Reached } from './effects';
import { sameApplication } from '../workspace/manifests';
import type { SystemModel } from '../model';
import { broadcasts, type TransportId } from './libraries/delivery';
import { isTelemetryName } from './libraries/telemetry';
import { argumentsThroughWrappers, functionName } from './carriers';
import { channelIdentity, namesMatch } from './channelIdentity';
import { calleeName, channelName, prop } from './syntax';
import { NEST_MICROSERVICES, NEST_TRANSPORT_LIBRARY } from './libraries/instrumentation';
import { bindingMatches, exchangeType, type ExchangeType } from './libraries/exchangeRouting';

/** Channel names of a fact: `a | b` (one of two literals) or `a, b` (several subscriptions). */
export function channelsOf(fact: Fact): string[] {
  return channelNames(fact.channel);
}

/**
 * The channel names a fact's channel names: `a | b` (one of several values), `a, b` (several
 * subscriptions), sorted; none when unresolved. A name with an unresolved part (`orders.?`, from a
 * template or concatenation of something unknown) is no name: it would link by a guess.
 */
export function channelNames(name: string | undefined): string[] {
  if (!name) return [];
  const names = name.split(/\s*\|\s*|,\s*/).map((n) => n.trim()).filter((n) => n && !n.includes('?') && !n.includes('${'));
  return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A consumer end of a channel: the service it runs in (undefined: shared code or the architecture file's), where, over what. */
interface ConsumerEnd {
  service: string | undefined;
  file?: string;
  transport?: TransportId;
  /** The consumer fact in code (none for the architecture file's consumers). */
  fact?: Fact;
}

export interface HopIndex {
  /** Services consuming a channel in code or in the architecture file (undefined: a consumer outside any service). */
  consumersOf(channel: string): (string | undefined)[];
  /** The consumer ends a publish reaches: by name, by symbolic identity, or by a pattern written in the same file. */
  endsOf(key: PublishKey): ConsumerEnd[];
  /**
   * True when some consumer in the workspace listens on a channel whose name is not resolved (a
   * parameter no call site names, a config value): any publish may be reaching it, so "nothing
   * consumes this" cannot be said.
   */
  hasUnnamedConsumers: boolean;
  /**
   * True when two services (by name) are one for hops: the same, or process types of one
   * application (one Procfile runs both, workspace/manifests.ts): its job queues are its own.
   */
  sameService(a: string | undefined, b: string | undefined): boolean;
  /**
   * True when a publish goes to a RabbitMQ exchange declared non-durable (`durable: false`), named by the same
   * literal or the same symbolic identity (a parameter both calls use): a transient broadcast, like a Redis PUBLISH.
   */
  transient(fact: Fact): boolean;
  model: SystemModel;
}

/** What a publish (or one call site of a publish wrapper) names its channel by. */
interface PublishKey {
  names: string[];
  /** Names with unresolved parts (`orchestrator:?`): matched only against consumers in the same file. */
  raw: string[];
  ids: string[];
  file: string;
  service: string | undefined;
  /** A publish to an exchange: its name or identities and the routing key. */
  exchange?: Fact['exchange'];
}

/** The consumer ends of a queue bound to an exchange, with the binding pattern. */
interface BoundQueue {
  pattern: string | undefined;
  ends: ConsumerEnd[];
  service: string | undefined;
}

/** The parts of a channel string, unresolved ones included (`orders.?`). */
function rawParts(name: string | undefined): string[] {
  return name ? name.split(/\s*\|\s*|,\s*/).map((n) => n.trim()).filter(Boolean) : [];
}

/** Hop indexes by model: a model is built once per analysis run, and the rules that need the index share one. */
const indexes = new WeakMap<SystemModel, HopIndex>();

export function hopIndex(model: SystemModel): HopIndex {
  let index = indexes.get(model);
  if (!index) indexes.set(model, index = buildHopIndex(model));
  return index;
}

function buildHopIndex(model: SystemModel): HopIndex {
  const byChannel = new Map<string, ConsumerEnd[]>();
  const byId = new Map<string, ConsumerEnd[]>();
  const byFile = new Map<string, { name: string; end: ConsumerEnd }[]>();
  const push = <K>(map: Map<K, ConsumerEnd[]>, key: K, end: ConsumerEnd) => map.set(key, [...(map.get(key) ?? []), end]);
  const addEnd = (at: Node, names: string[], ids: string[], transport: TransportId | undefined, fact: Fact) => {
    const file = at.getSourceFile().getFilePath();
    const end: ConsumerEnd = { service: model.serviceOf(at)?.name, file, transport, fact };
    for (const n of channelNames(names.join(', '))) push(byChannel, n, end);
    for (const id of ids) push(byId, id, end);
    const local = byFile.get(file) ?? [];
    for (const n of names) local.push({ name: n, end });
    byFile.set(file, local);
    for (const n of names) if (n.includes('*')) globs.push({ name: n, end });
  };
  // Subscriptions written as a glob (`psubscribe('orders:*')`): their literal text links them to a publish in any service.
  const globs: { name: string; end: ConsumerEnd }[] = [];
  let hasUnnamedConsumers = false;
  const unnamed = (name: string | undefined) => name === undefined || name.includes('?');
  for (const f of model.facts) {
    if (f.kind === 'endpoint' && f.role === 'consumer' && unnamed(f.channel)) hasUnnamedConsumers = true;
    if (f.kind !== 'consumer') continue;
    addEnd(f.node, rawParts(f.channel), f.channelIds ?? [], f.transport, f);
    // A subscription wrapper (`subscribe(channel, callback)`): its callers name the channel.
    if (!f.channel && f.channelFrom) {
      const sites = argumentsThroughWrappers(f.channelFrom.param, model.analysis);
      if (!sites.length) hasUnnamedConsumers = true;
      for (const { site, arg: given } of sites) {
        const arg = keyed(f, given);
        const id = channelIdentity(arg);
        if (unnamed(channelName(arg))) hasUnnamedConsumers = true;
        addEnd(site, rawParts(channelName(arg)), id ? [id] : [], f.transport, f);
      }
    } else if (unnamed(f.channel) && !f.exchange) hasUnnamedConsumers = true;
  }
  for (const c of model.architecture?.channels ?? []) for (const s of c.consumers) push(byChannel, c.name, { service: s });
  const exchanges = exchangeIndex(model, byChannel, byId, byFile);
  const byName = new Map(model.layout.services.map((svc) => [svc.name, svc]));
  return {
    model,
    hasUnnamedConsumers,
    transient: (fact) => exchanges.transient(fact),
    sameService: (a, b) => a === b || (a !== undefined && b !== undefined && sameApplication(byName.get(a), byName.get(b))),
    consumersOf: (channel) => [...new Set((byChannel.get(channel) ?? []).map((e) => e.service))],
    endsOf: (key) => {
      const ends = new Set<ConsumerEnd>();
      for (const n of key.names) for (const e of byChannel.get(n) ?? []) ends.add(e);
      // An identity or a pattern of an unresolved name only ever shows a channel the service keeps to itself: it
      // never links two services (the same env var or parameter may hold different names in each). A glob a
      // subscription writes (`orders:*`) is literal text and links across services.
      for (const id of key.ids) for (const e of byId.get(id) ?? []) if (e.service === key.service) ends.add(e);
      for (const local of byFile.get(key.file) ?? []) {
        if (local.end.service === key.service && [...key.names, ...key.raw].some((n) => namesMatch(n, local.name))) ends.add(local.end);
      }
      for (const g of globs) if ([...key.names, ...key.raw].some((n) => namesMatch(n, g.name))) ends.add(g.end);
      for (const e of exchanges.endsOf(key)) ends.add(e);
      return [...ends];
    },
  };
}

/**
 * Queues bound to exchanges (`bindQueue`, a subscription declaring its exchange and pattern) and the
 * exchanges' types. An exchange named by an identity links only ends in the publishing service, as
 * channel identities do.
 */
function exchangeIndex(model: SystemModel, byChannel: Map<string, ConsumerEnd[]>, byId: Map<string, ConsumerEnd[]>, byFile: Map<string, { name: string; end: ConsumerEnd }[]>) {
  const byName = new Map<string, BoundQueue[]>();
  const byIdentity = new Map<string, BoundQueue[]>();
  const types = new Map<string, ExchangeType>();
  const nonDurable = new Set<string>();
  const add = (exchange: NonNullable<Fact['exchange']>, bound: BoundQueue) => {
    if (exchange.name) byName.set(exchange.name, [...(byName.get(exchange.name) ?? []), bound]);
    for (const id of exchange.ids ?? []) byIdentity.set(id, [...(byIdentity.get(id) ?? []), bound]);
  };
  for (const f of model.facts) {
    if (!f.exchange) continue;
    const service = model.serviceOf(f.node)?.name;
    if (f.kind === 'binding' && !f.channel && !f.channelIds?.length) {
      const type = exchangeType(f.exchange.type);
      if (type) for (const k of [f.exchange.name, ...(f.exchange.ids ?? [])]) if (k) types.set(k, type);
      if (f.exchange.durable === false) for (const k of [f.exchange.name, ...(f.exchange.ids ?? [])]) if (k) nonDurable.add(k);
    } else if (f.kind === 'binding') {
      const ends = new Set<ConsumerEnd>();
      for (const n of channelNames(f.channel)) for (const e of byChannel.get(n) ?? []) ends.add(e);
      for (const id of f.channelIds ?? []) for (const e of byId.get(id) ?? []) if (e.service === service) ends.add(e);
      // A queue named in part at run time (`relayer_queue_${chainId}`) is the one its file consumes under the same pattern.
      for (const local of byFile.get(f.node.getSourceFile().getFilePath()) ?? []) {
        if (local.end.service === service && rawParts(f.channel).some((n) => n.includes('?') && namesMatch(n, local.name))) ends.add(local.end);
      }
      if (ends.size) add(f.exchange, { pattern: f.exchange.key, ends: [...ends], service });
    } else if (f.kind === 'consumer') {
      add(f.exchange, { pattern: f.exchange.key, ends: [{ service, file: f.node.getSourceFile().getFilePath(), transport: f.transport, fact: f }], service });
    }
  }
  const routes = (bound: BoundQueue, key: string | undefined, type: ExchangeType | undefined) =>
    (key === undefined ? [undefined] : key.split(/\s*\|\s*/)).some((k) => bindingMatches(bound.pattern, k, type));
  return {
    transient(fact: Fact): boolean {
      const x = fact.kind === 'publish' ? fact.exchange : undefined;
      return !!x && [x.name, ...(x.ids ?? [])].some((k) => !!k && nonDurable.has(k));
    },
    endsOf(key: PublishKey): ConsumerEnd[] {
      const x = key.exchange;
      if (!x) return [];
      const out: ConsumerEnd[] = [];
      if (x.name) for (const b of byName.get(x.name) ?? []) if (routes(b, x.key, types.get(x.name))) out.push(...b.ends);
      for (const id of x.ids ?? []) {
        for (const b of byIdentity.get(id) ?? []) if (b.service === key.service && routes(b, x.key, types.get(id))) out.push(...b.ends);
      }
      return out;
    },
  };
}

/** Where a publish goes, as far as the code and the architecture file show. */
export type Destination =
  | { kind: 'self'; broadcast?: boolean } // every consumer is in the publishing service (or shared code, both); broadcast: to its replicas
  | { kind: 'other'; services: string[] } // consumed by other services (direct evidence)
  | { kind: 'unseen' };                  // no consumer found: taken to be another service's

/**
 * Where a publish goes. A publish wrapper whose channel is its caller's argument (`publishEvent(channel,
 * message)`) goes where the call `site` names, or where every call site names when none is given.
 */
export function destinationOf(fact: Fact, service: string | undefined, hops: HopIndex, site?: Node): Destination {
  const keys = publishKeys(fact, service, hops, site);
  const found = keys.map((k) => destinationOfKey(k, hops.endsOf(k), fact.transport, hops));
  if (!found.length) return { kind: 'unseen' };
  const others = [...new Set(found.flatMap((d) => (d.kind === 'other' ? d.services : [])))].sort();
  if (others.length) return { kind: 'other', services: others };
  if (found.every((d) => d.kind === 'self')) return { kind: 'self', broadcast: found.every((d) => d.kind === 'self' && d.broadcast) };
  return { kind: 'unseen' };
}

/**
 * The consumers in code of a publish whose every consumer is in the publishing service; undefined
 * when one is elsewhere, is the architecture file's (not seen in code), or none is found.
 */
export function ownConsumers(fact: Fact, service: string | undefined, hops: HopIndex, site?: Node): Fact[] | undefined {
  // At a call of the publish's wrapper (`site`), the channel its caller names.
  const keys = publishKeys(fact, service, hops, site);
  const out = new Set<Fact>();
  for (const key of keys) {
    const ends = hops.endsOf(key);
    if (!ends.length || ends.some((e) => !hops.sameService(e.service, key.service) || !e.fact)) return undefined;
    for (const e of ends) out.add(e.fact!);
  }
  return out.size ? [...out] : undefined;
}

/** Every consumer in code a publish reaches; undefined when none is found or one is not in code (the architecture file's). */
export function consumersInCode(fact: Fact, service: string | undefined, hops: HopIndex): Fact[] | undefined {
  const out = new Set<Fact>();
  for (const key of publishKeys(fact, service, hops)) {
    const ends = hops.endsOf(key);
    if (!ends.length || ends.some((e) => !e.fact)) return undefined;
    for (const e of ends) out.add(e.fact!);
  }
  return out.size ? [...out] : undefined;
}

/**
 * A publish's description as a call site of its wrapper sees it: `producer.send to "?"` in a wrapper
 * whose caller names the topic reads `producer.send to "orders.events"` there.
 */
export function detailAt(fact: Fact, site: Node | undefined, analysis?: SystemModel['analysis']): string {
  const name = channelNamedAt(fact, site, analysis);
  return name !== undefined && fact.detail.includes('"?"') ? fact.detail.replace('"?"', `"${name}"`) : fact.detail;
}

/** A call of a publish wrapper that names a telemetry channel (`sendMessage(queues.logs, line)`): judged by the name it gives. */
export function telemetryNamedAt(fact: Fact, site: Node, analysis?: SystemModel['analysis']): boolean {
  const name = channelNamedAt(fact, site, analysis);
  return name !== undefined && !name.includes('?') && isTelemetryName(name);
}

/** The channel a call site of a publish wrapper names, when the wrapper's own channel is that parameter. */
export function channelNamedAt(fact: Fact, site: Node | undefined, analysis?: SystemModel['analysis']): string | undefined {
  const arg = fact.channel === undefined ? siteArgument(fact, site, analysis) : undefined;
  return arg ? channelName(arg) : undefined;
}

/**
 * The node on the way to a reached publish at which its channel is named: the innermost call, among the
 * calls the flow makes down to the publish, of the publish's wrapper (or of a wrapper of it) that gives
 * the channel as a name it resolves (`publish(exchange, input)` called as
 * `publish(rabbitExchanges.CACHE_INVALIDATION, payload)` inside a publisher service the flow calls; not a
 * call passing on its own parameter). Undefined when the publish names its channel itself or no call on
 * the way names it.
 */
export function namingSite(r: Reached, analysis: SystemModel['analysis']): Node | undefined {
  const fact = r.fact;
  if (fact.channel !== undefined || !fact.channelFrom || !r.path.length) return undefined;
  for (const c of [r.via, ...r.steps.slice(0, -1)].reverse()) {
    const at = Node.isCallExpression(c) ? c.getExpression() : c;
    const given = siteArgument(fact, at, analysis);
    if (given && channelName(given) !== undefined) return at;
  }
  return undefined;
}

/** The argument a call of the publish's wrapper gives for the channel parameter, when `site` is such a call. */
function siteArgument(fact: Fact, site: Node | undefined, analysis?: SystemModel['analysis']): Node | undefined {
  const param = fact.channelFrom?.param;
  const direct = directSiteArgument(fact, site);
  if (direct || !param || !site || !analysis) return keyed(fact, direct);
  // Through a wrapper of the wrapper: the call site of the outer wrapper that `site` is.
  const call = site.getFirstAncestor((a) => Node.isCallExpression(a)) ?? (Node.isCallExpression(site) ? site : undefined);
  const entries = argumentsThroughWrappers(param, analysis);
  const exact = entries.find((e) => e.site === call || e.site === site);
  if (exact) return keyed(fact, exact.arg);
  // A call of a function that builds the record and calls the wrapper once (`clearInternalCache(key)` → `push({ topic, ... })`).
  const callee = call ? analysis.resolveCallee(call) : undefined;
  const inside = callee ? entries.filter((e) => e.site.getFirstAncestor((a) => a === callee) !== undefined) : [];
  return inside.length === 1 ? keyed(fact, inside[0].arg) : undefined;
}

/** The channel name within a caller's argument: the argument itself, or its `key` member (`send({ topic, messages })` given whole). */
function keyed(fact: Fact, arg: Node | undefined): Node | undefined {
  const key = fact.channelFrom?.key;
  return key && arg ? prop(arg, key) : arg;
}

function directSiteArgument(fact: Fact, site: Node | undefined): Node | undefined {
  const param = fact.channelFrom?.param;
  const fn = param?.getParent();
  const index = fn ? (fn as unknown as { getParameters?(): Node[] }).getParameters?.().indexOf(param!) ?? -1 : -1;
  const wrapper = fn ? functionName(fn) : undefined;
  const call = site?.getFirstAncestor((a) => Node.isCallExpression(a));
  return call && Node.isCallExpression(call) && wrapper && calleeName(call).getText() === wrapper && index >= 0 ? call.getArguments()[index] : undefined;
}

function publishKeys(fact: Fact, service: string | undefined, hops: HopIndex, site?: Node): PublishKey[] {
  const own: PublishKey = {
    names: channelsOf(fact), raw: rawParts(fact.channel).filter((n) => /[?*]/.test(n)), ids: fact.channelIds ?? [],
    file: fact.node.getSourceFile().getFilePath(), service, ...(fact.exchange ? { exchange: fact.exchange } : {}),
  };
  const param = fact.channelFrom?.param;
  if (fact.channel || !param) return [own];
  const atSite = siteArgument(fact, site, hops.model.analysis);
  const siteArgs = atSite
    ? [{ site: site ?? atSite, arg: atSite }]
    : argumentsThroughWrappers(param, hops.model.analysis).map(({ site: at, arg }) => ({ site: at as Node, arg: keyed(fact, arg) }));
  if (!siteArgs.length) return [own];
  return siteArgs.map(({ site: at, arg }) => {
    const name = channelName(arg);
    const id = channelIdentity(arg);
    return {
      names: channelNames(name), raw: rawParts(name).filter((n) => /[?*]/.test(n)), ids: id ? [id] : [],
      file: at.getSourceFile().getFilePath(), service: hops.model.serviceOf(at)?.name,
    };
  });
}

function destinationOfKey(key: PublishKey, ends: ConsumerEnd[], transport: TransportId | undefined, hops: HopIndex): Destination {
  if (!ends.length) return { kind: 'unseen' };
  const others = [...new Set(ends.map((e) => e.service).filter((s): s is string => s !== undefined && !hops.sameService(s, key.service)))].sort();
  if (others.length) return { kind: 'other', services: others };
  // Every consumer in the publishing service (or another process of its application); or a shared module
  // (outside every service) that both feeds and consumes the queue, which runs inside whichever service loads it.
  if (ends.every((e) => hops.sameService(e.service, key.service))) {
    return { kind: 'self', broadcast: broadcasts(transport) && ends.every((e) => broadcasts(e.transport)) };
  }
  return { kind: 'unseen' };
}

/** The consumer handlers of the model with the names they bind the incoming message to. */
export function handlerNames(model: SystemModel): Map<Node, string[]> {
  const out = new Map<Node, string[]>();
  for (const f of model.facts) if (f.kind === 'consumer' && f.handler && f.messageNames?.length) out.set(f.handler, f.messageNames);
  return out;
}

/**
 * The client library a fact sends through, for tracing purposes: a NestJS
 * microservice client sends through its transport's library when the
 * service configures only transports that map to one (`Transport.KAFKA`).
 * `transports`: the `Transport` members the service names, for a NestJS client.
 */
export function transportLibraries(model: SystemModel): (fact: Fact) => { libraries: string[]; inferredFrom?: string; transports?: string[] } {
  const byService = new Map<string, Set<string>>();
  let scanned = false;
  const scan = () => {
    scanned = true;
    for (const f of model.files) {
      // Code no deployable holds (a workspace whose layout names no service) is read as one service, ''.
      const svc = model.layout.serviceOf(f.rel)?.name ?? '';
      const text = f.sourceFile.getFullText();
      if (!text.includes('Transport.')) continue;
      for (const id of f.sourceFile.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
        if (id.getExpression().getText() !== 'Transport') continue;
        const set = byService.get(svc) ?? new Set<string>();
        set.add(id.getName());
        byService.set(svc, set);
      }
    }
  };
  return (fact) => {
    if (fact.library !== NEST_MICROSERVICES) return { libraries: [fact.library] };
    if (!scanned) scan();
    const transports = [...(byService.get(model.serviceOf(fact.node)?.name ?? '') ?? [])].sort();
    const libraries = transports.map((t) => NEST_TRANSPORT_LIBRARY[t]);
    if (!transports.length || libraries.some((l) => l === undefined)) return { libraries: [], transports };
    return { libraries: [...new Set(libraries as string[])], inferredFrom: transports.map((t) => `Transport.${t}`).join(', '), transports };
  };
}
