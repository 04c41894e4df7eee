/**
 * Whether a message is a hop between services, and what travels with it
 * besides a correlation key: used by missing-correlation-id.
 *
 * - A channel whose consumers are all in the producing service (a job queue
 *   the service feeds itself) is not a hop between services.
 * - A field copied from the incoming message's envelope or id
 *   (`msg.headers`, `msg.properties.messageId`, `job.id`) ties the follow-up
 *   to the message that caused it.
 * - A NestJS microservice client sends through its transport's library.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { Fact } from './facts';
import type { SystemModel } from '../model';
import { variableOf } from './libraries/build';
import { NEST_MICROSERVICES, NEST_TRANSPORT_LIBRARY } from './libraries/instrumentation';

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

export interface HopIndex {
  /** Services consuming a channel in code or in the architecture file (undefined: a consumer outside any service). */
  consumersOf(channel: string): (string | undefined)[];
}

export function hopIndex(model: SystemModel): HopIndex {
  const byChannel = new Map<string, (string | undefined)[]>();
  const add = (channel: string, service: string | undefined) => {
    const list = byChannel.get(channel) ?? [];
    if (!list.includes(service)) list.push(service);
    byChannel.set(channel, list);
  };
  for (const f of model.facts) {
    if (f.kind === 'consumer') for (const c of channelsOf(f)) add(c, model.serviceOf(f.node)?.name);
  }
  for (const c of model.architecture?.channels ?? []) for (const s of c.consumers) add(c.name, s);
  return { consumersOf: (channel) => byChannel.get(channel) ?? [] };
}

/** Where a publish goes, as far as the code and the architecture file show. */
export type Destination =
  | { kind: 'self' }                     // every consumer is in the publishing service (or shared code, both)
  | { kind: 'other'; services: string[] } // consumed by other services (direct evidence)
  | { kind: 'unseen' };                  // no consumer found: taken to be another service's

export function destinationOf(fact: Fact, service: string | undefined, hops: HopIndex): Destination {
  const channels = channelsOf(fact);
  const consumers = channels.flatMap((c) => hops.consumersOf(c));
  if (!consumers.length) return { kind: 'unseen' };
  const others = [...new Set(consumers.filter((s): s is string => s !== undefined && s !== service))].sort();
  if (others.length) return { kind: 'other', services: others };
  // Every consumer in the publishing service; or a shared module (outside every service) that both
  // feeds and consumes the queue, which runs inside whichever service loads it.
  if (consumers.every((s) => s === service)) return { kind: 'self' };
  return { kind: 'unseen' };
}

/** Envelope members of an incoming message whose value ties a follow-up to it. */
const ENVELOPE = /^(headers|properties|attributes|messageattributes|metadata|userproperties|applicationproperties|messageid|eventid|correlationid|causationid)$/i;
/** Names that hold a message's payload, whose `id` is a business entity's, not the message's. */
const PAYLOAD_NAME = /^(data|payload|body|dto|input|value|content|params|args)$/i;

/**
 * True when the call's arguments copy an id or the envelope of the message a
 * handler received (a handler that lexically encloses the call).
 */
export function copiesIncomingId(call: Node, handlers: Map<Node, string[]>): boolean {
  const names = new Set<string>();
  for (let n: Node | undefined = call.getParent(); n; n = n.getParent()) {
    const own = handlers.get(n);
    if (own) own.forEach((x) => names.add(x));
  }
  if (!names.size) return false;
  const args = (Node.isCallExpression(call) || Node.isNewExpression(call)) ? call.getArguments() : [call];
  const scan = (root: Node, depth: number): boolean => {
    for (const access of [root, ...root.getDescendants()]) {
      if (Node.isPropertyAccessExpression(access) || Node.isElementAccessExpression(access)) {
        if (copiesFrom(access, names)) return true;
      } else if (depth < 1 && Node.isIdentifier(access)) {
        const init = variableOf(access)?.getInitializer();
        if (init && scan(init, depth + 1)) return true;
      }
    }
    return false;
  };
  return args.some((a) => scan(a, 0));
}

function copiesFrom(access: Node, names: Set<string>): boolean {
  // The chain's root and its first member: `msg.properties.messageId` → msg, properties.
  const chain: string[] = [];
  let n: Node = access;
  while (Node.isPropertyAccessExpression(n) || Node.isElementAccessExpression(n)) {
    const name = Node.isPropertyAccessExpression(n) ? n.getName() : n.getArgumentExpression()?.getText().replace(/^['"`]|['"`]$/g, '');
    if (name !== undefined) chain.unshift(name);
    n = n.getExpression();
  }
  if (!Node.isIdentifier(n) || !names.has(n.getText())) return false;
  const root = n.getText();
  if (chain.some((m) => ENVELOPE.test(m))) return true;
  return chain[0] === 'id' && !PAYLOAD_NAME.test(root);
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
 */
export function transportLibraries(model: SystemModel): (fact: Fact) => { libraries: string[]; inferredFrom?: string } {
  const byService = new Map<string, Set<string>>();
  let scanned = false;
  const scan = () => {
    scanned = true;
    for (const f of model.files) {
      const svc = model.layout.serviceOf(f.rel)?.name;
      if (!svc) continue;
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
    if (!transports.length || libraries.some((l) => l === undefined)) return { libraries: [] };
    return { libraries: [...new Set(libraries as string[])], inferredFrom: transports.map((t) => `Transport.${t}`).join(', ') };
  };
}
