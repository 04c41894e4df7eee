import { Node, SyntaxKind } from 'ts-morph';
import { createRule } from './createRule';
import { correlationKeyOf } from '../facts/libraries/carrierInspection';
import { isFreshId } from '../facts/libraries/staticValues';
import type { Fact } from '../facts/facts';
import { addCorrelationFix, propagateCorrelationFix } from '../fixes/correlation';
import { correlationAtCallSites, type CallSiteCorrelation } from '../facts/carriers';
import { inProbe, telemetryChannel } from '../facts/libraries/telemetry';
import { isRealtimeName } from '../facts/libraries/realtimePush';
import { consumersBoundInInfrastructure, isJobQueueLibrary, NEST_CLIENT_CLASSES, NEST_TRANSPORTS, signalOnly } from '../facts/libraries/delivery';
import { NEST_MICROSERVICES, tracerName } from '../facts/libraries/instrumentation';
import { channelNamedAt, channelsOf, destinationOf, detailAt, handlerNames, hopIndex, telemetryNamedAt, transportLibraries, type Destination } from '../facts/hops';
import { copiesIncomingId } from '../facts/incomingIds';
import type { SystemModel } from '../model';
import type { TracingEvidence } from '../workspace/tracing';
import { callersOf, consumersByHandler, entryPoints } from './rootCause';
import { runsNowhere } from '../facts/reachability';
import { isRequeue } from '../facts/requeue';
import { pathRelation } from '../facts/paths';
import { declarationOf } from '../facts/syntax';

const PER_HOP_KEY = /request[-_]?id/i;

export const missingCorrelationId = createRule({
  id: 'missing-correlation-id',
  description: 'Messages and cross-service calls must carry a correlation id, and handlers must propagate the incoming one.',
  defaultSeverity: 'warning',
  fixes: ['Add correlation and causation ids', 'Propagate the incoming correlation id'],
  defaultOptions: { requireBusinessCorrelationId: false, allowEntityIds: false },
  messages: {
    missing: {
      message: '{{what}} carries no correlation or causation id{{tracing}}, so this hop cannot be tied to the business flow that caused it when tracing a failure or a duplicate.{{inferred}}',
      hint: 'Add correlation-id and causation-id headers{{source}}.',
    },
    notPropagated: {
      message: '{{what}} inside a message handler starts a new correlation id instead of propagating the incoming message\'s, so the flow splits into unrelated traces here.',
      hint: 'Copy the correlation id from the incoming message and set the causation id to the incoming message id.',
    },
  },
  check({ model, report, options }) {
    const requireBusinessId = options.requireBusinessCorrelationId === true;
    // An entity id (`{ orderId }`) names what the flow acts on, not the flow: two flows on one order share it. Teams that
    // trace by entity ids turn on `allowEntityIds`; otherwise the message says which ids it does carry.
    const allowEntityIds = options.allowEntityIds === true;
    const tiedByEntity = (ids: string[] | undefined) => allowEntityIds && !!ids?.length;
    const hops = hopIndex(model);
    const handlers = handlerNames(model);
    const librariesOf = transportLibraries(model);
    const inHandler = new Set<Fact>();
    for (const consumer of model.facts) {
      if (consumer.kind !== 'consumer' || !consumer.handler) continue;
      for (const r of model.effects.of(consumer.handler)) inHandler.add(r.fact);
    }
    // One finding per publish: a helper reached from many flows is reported once, with those flows as related locations.
    const callers = callersOf(model, new Set(model.facts.filter((f) => f.kind === 'publish' || f.kind === 'http')));
    const consumers = consumersByHandler(model);
    const related = (fact: Fact) => entryPoints(model, callers.get(fact) ?? [], consumers);
    const seen = new Set<Node>();
    const branches = sameSendOnBranches(model.facts);
    for (const fact of model.facts) {
      if (branches.dropped.has(fact)) continue;
      const relevant = fact.kind === 'publish' || (fact.kind === 'http' && fact.target !== undefined);
      if (!relevant || seen.has(fact.node)) continue;
      seen.add(fact.node);
      // A send in a method nothing runs (a class in use, the method never called) makes no hop.
      if (runsNowhere(model, fact.node, (callers.get(fact) ?? []).map((c) => c.fn))) continue;
      const service = model.serviceOf(fact.node)?.name;
      // A job queue the service feeds itself (or a broadcast to its own replicas) is not a hop between services.
      // A reply goes back to the requester, who waits for it on the address its request carried: the same hop.
      if (fact.kind === 'publish' && fact.reply) continue;
      const destination = fact.kind === 'publish' ? destinationOf(fact, service, hops) : undefined;
      if (destination?.kind === 'self') continue;
      // A raw Redis PUBLISH on a channel that does not resolve signals whoever listens now (replicas, live connections):
      // with no subscriber seen in another service, where it goes would be a guess. So does a NestJS client's emit in a
      // service whose only transport is Redis (`Transport.REDIS`: Redis pub/sub underneath).
      if ((signalOnly(fact) || nestSignal(fact, librariesOf)) && destination?.kind !== 'other') continue;
      // A job queue whose worker is not found is taken as the service's own (prefer silence to a guess).
      if (destination?.kind === 'unseen' && isJobQueueLibrary(fact.library)) continue;
      // So is an unnamed cloud queue or topic with no consumer in code: its consumer is bound in infrastructure.
      if (guessedCloudHop(fact, destination)) continue;
      // Metrics, gauges, traces and log lines are data points, not business messages (libraries/telemetry.ts).
      if (fact.kind === 'publish' && telemetryChannel(fact)) continue;
      // A health probe (a function named as one: `healthCheckService`) checks that a service answers: no business flow.
      if (inProbe(fact.node)) continue;
      // A realtime push (a websocket refresh) ends at a browser, not at a step of the business flow (libraries/realtimePush.ts).
      if (fact.kind === 'publish' && isRealtimeName(fact.channel)) continue;
      const what = fact.kind === 'http' ? `The call to service "${fact.target}" (\`${fact.detail}\`)` : `The message sent by \`${fact.detail}\``;
      const trace = tracingFor(model, fact, librariesOf);
      // Instrumentation of the client library carries the trace context: that is propagation, unless the team requires a business id.
      const silencedByTracing = !!trace.evidence && !requireBusinessId;
      const inferred = inferredNote(model, fact, destination);
      // A publish wrapper with callers: the message is built by them, and findings belong there.
      const sites = fact.carrierParams?.length ? correlationAtCallSites(fact, model.analysis) : [];
      // A generic send wrapper (`publish(topic, message)`) that nothing in the workspace calls: where it sends and
      // what it sends are its callers', and there are none to read, so nothing is known about the hop.
      if (!sites.length && fact.channelFrom && fact.carrierParams?.length) continue;
      // The wrapper writes the headers itself and takes only the body (and perhaps the channel) from its callers,
      // none of which puts the id in it: the id belongs in those headers, so this is one finding at the send, with the
      // calls as related locations. A caller naming a channel of its own service is not a hop and is left out.
      // So does a helper that passes its callers' data through as the whole body when two or more of them
      // send a message without an id (`handleEvents(topic, data) { return this.client.send(topic, data) }`):
      // the helper is the one place to add it for all. A single such caller is reported where it builds its body.
      const passedThroughBy = fact.bodyPassedThrough ? sites.filter((site) => site.correlation === 'absent' && !emptyEvent(fact, site) && !tiedByEntity(site.entityIds) && !telemetryNamedAt(fact, site.node, model.analysis)).length : 0;
      if (sites.length && (fact.ownEnvelope || passedThroughBy >= 2) && !sites.some((site) => site.correlation === 'present')) {
        const lacking = sites
          .filter((site) => site.correlation === 'absent' && !emptyEvent(fact, site) && !tiedByEntity(site.entityIds) && !copiesIncomingId(callOf(site.node), handlers, model.analysis) && !telemetryNamedAt(fact, site.node, model.analysis))
          .map((site) => ({ site, at: fact.channelFrom ? destinationOf(fact, service, hops, site.node) : destination }))
          .filter(({ at }) => at?.kind !== 'self' && !guessedCloudHop(fact, at));
        if (!lacking.length || silencedByTracing) continue;
        const shown = lacking.find(({ at }) => at?.kind === 'other') ?? lacking[0];
        const groupInferred = fact.channelFrom ? inferredNote(model, fact, shown.at) : inferred;
        // The channels its callers name, when the wrapper's own is a parameter (`producer.send to "orders.events", "users.events"`).
        const named = [...new Set(lacking.map(({ site }) => detailAt(fact, site.node, model.analysis)))];
        const groupWhat = named.length === 1 ? `The message sent by \`${named[0]}\`` : what;
        report({
          messageId: 'missing',
          data: { what: groupWhat, tracing: trace.note + (lacking.every(({ site }) => site.entityIds?.length) ? entityNote(lacking.flatMap(({ site }) => site.entityIds ?? [])) : ''), source: '', inferred: groupInferred ?? '' },
          location: model.locationOf(fact.node),
          snippet: fact.detail,
          related: lacking.slice(0, 5).map(({ site }) => ({ ...model.locationOf(site.node), message: `called from here with a message that carries no id (\`${site.wrapper}()\`${toChannel(fact, site.node)})` })),
          inferred: !!groupInferred,
          inferredOnly: !!groupInferred,
          fixes: () => addCorrelationFix(model, fact),
        });
      } else if (sites.length) {
        for (const site of sites) {
          if (site.correlation !== 'absent' || seen.has(site.node)) continue;
          seen.add(site.node);
          if (silencedByTracing || emptyEvent(fact, site) || tiedByEntity(site.entityIds) || copiesIncomingId(callOf(site.node), handlers, model.analysis) || telemetryNamedAt(fact, site.node, model.analysis)) continue;
          // A wrapper whose caller names the channel (`publishEvent(channel, message)`): where this call sends it.
          const at = fact.channelFrom ? destinationOf(fact, service, hops, site.node) : destination;
          if (at?.kind === 'self' || guessedCloudHop(fact, at)) continue;
          const siteInferred = at === destination ? inferred : inferredNote(model, fact, at);
          report({
            messageId: 'missing',
            data: { what: `The message sent through \`${site.wrapper}()\` (\`${detailAt(fact, site.node, model.analysis)}\`)`, tracing: trace.note + entityNote(site.entityIds), source: '', inferred: siteInferred ?? '' },
            location: model.locationOf(site.node),
            snippet: `${site.wrapper}|${fact.detail}`,
            inferred: !!siteInferred,
            inferredOnly: !!siteInferred,
          });
        }
      } else if (fact.correlation === 'absent') {
        if (silencedByTracing || emptyEvent(fact) || tiedByEntity(fact.entityIds) || copiesIncomingId(callOf(fact.node), handlers, model.analysis)) continue;
        // The message being handled, sent again (to a retry or dead-letter destination) with no id of its own: it carries
        // what the incoming message carried. Not when it goes to a channel another service consumes: that is a new hop.
        if (destination?.kind !== 'other' && isRequeue(fact, handlers, model.analysis)) continue;
        report({
          messageId: 'missing',
          data: { what, tracing: trace.note + entityNote(fact.entityIds), source: inHandler.has(fact) ? ', copied from the incoming message' : '', inferred: inferred ?? '' },
          location: model.locationOf(fact.node),
          snippet: fact.detail,
          related: [
            ...(branches.others.get(fact) ?? []).map((o) => ({ ...model.locationOf(o.node), message: 'the same message, sent on another branch' })),
            ...related(fact),
          ],
          inferred: !!inferred,
          inferredOnly: !!inferred,
          fixes: () => addCorrelationFix(model, fact),
        });
      } else if (fact.correlation === 'present' && inHandler.has(fact) && (fact.correlationValues ?? []).some((v) => isFreshId(v) && !isPerHopKey(v))) {
        report({
          messageId: 'notPropagated', data: { what }, location: model.locationOf(fact.node), snippet: fact.detail, related: related(fact),
          fixes: () => propagateCorrelationFix(model, fact),
        });
      }
    }
  },
});

/** Whether OpenTelemetry instrumentation carries the trace for what this fact sends, and what a message should say about it. */
function tracingFor(model: SystemModel, fact: Fact, librariesOf: ReturnType<typeof transportLibraries>): { evidence?: TracingEvidence; note: string } {
  const { libraries, inferredFrom } = librariesOf(fact);
  const covered = libraries.map((l) => model.tracingOf(fact.node, l));
  if (libraries.length && covered.every((e) => e)) {
    const evidence = covered.find((e) => e!.direct) ?? covered[0]!;
    const via = inferredFrom ? ` (its transport, ${inferredFrom}, read from the service's configuration)` : '';
    const started = evidence.startedBy ? `, started by ${evidence.startedBy}${evidence.direct ? '' : ' (inferred: load order not seen)'}` : '';
    return {
      evidence,
      note: ` (${tracerName(evidence.module)} instrumentation of ${libraries.join(', ')}${via}, registered at ${evidence.file}:${evidence.line}${started}, propagates the trace context, but not a business correlation id)`,
    };
  }
  const tracer = model.tracerIn(fact.node);
  if (tracer) return { note: ` (${tracer} is set up in this service, but none of its instrumentations covers ${fact.library === '@nestjs/microservices' ? 'this NestJS transport' : fact.library})` };
  return { note: '' };
}

/** Under `allowEntityIds: false`: the entity ids the message does carry, which name what the flow acts on but not the flow. */
function entityNote(ids: string[] | undefined): string {
  const shown = [...new Set(ids ?? [])].slice(0, 3);
  return shown.length ? ` (only ${shown.map((k) => `\`${k}\``).join(', ')}, which ${shown.length > 1 ? 'name the entities' : 'names the entity'} it acts on, not the flow)` : '';
}

/** What the finding rests on that the code does not show, said in its message; undefined when the evidence is direct. */
function inferredNote(model: SystemModel, fact: Fact, destination: Destination | undefined): string | undefined {
  if (fact.kind === 'http') {
    const declared = (model.architecture?.apis ?? []).some((a) => a.provider === fact.target);
    return declared ? undefined : ` Inferred: the URL is taken to point at service "${fact.target}" from its name.`;
  }
  if (destination?.kind === 'unseen') {
    const named = namedDestination(fact);
    if (named.exchange) {
      const key = fact.exchange?.key !== undefined && !fact.exchange.key.includes('?') ? ` with a binding that matches routing key "${fact.exchange.key}"` : '';
      return ` Inferred: no consumer of a queue bound to exchange "${named.exchange}"${key} was found in this workspace, so it is taken to go to another service.`;
    }
    return named.channels.length
      ? ` Inferred: no consumer of ${named.channels.map((c) => `"${c}"`).join(' or ')} was found in this workspace, so it is taken to go to another service.`
      : ' Inferred: its destination is not a literal name here and no consumer of it was found, so it is taken to go to another service.';
  }
  return undefined;
}

/** The exchange and channels of a publish that its file writes as literals (what the message can say it was sent to). */
function namedDestination(fact: Fact): { exchange?: string; channels: string[] } {
  const exchange = fact.exchange?.name;
  return {
    ...(exchange && namedInFile(fact.node, exchange) ? { exchange } : {}),
    channels: channelsOf(fact).filter((c) => namedInFile(fact.node, c)),
  };
}

/**
 * A send to an SQS queue, SNS topic or EventBridge bus that no literal names and no code consumes: those
 * consumers are bound in infrastructure (libraries/delivery.ts), mostly the next function of the same
 * stack, so taking it for a hop to another service would be a guess. Audited such findings were false in 25 of 28.
 */
function guessedCloudHop(fact: Fact, destination: Destination | undefined): boolean {
  if (destination?.kind !== 'unseen' || !consumersBoundInInfrastructure(fact.library)) return false;
  const named = namedDestination(fact);
  return !named.exchange && !named.channels.length;
}

/** A channel written as a string in the publishing file (not a parameter's or property's name, `topic`, `this.topicArn`). */
function namedInFile(node: Node, channel: string): boolean {
  const text = node.getSourceFile().getFullText();
  return ['\'', '"', '`'].some((q) => text.includes(`${q}${channel}${q}`));
}

/**
 * An event sent with an empty body (`emit('car_state', null)`, or a wrapper's call site passing none): it names an
 * event and carries no business data, so there is no flow to correlate. A request whose reply the caller waits for
 * (`send({ cmd: 'get_all_users' }, {})`) is a step of the caller's flow whatever its body, and is still checked.
 */
function emptyEvent(fact: Fact, site?: CallSiteCorrelation): boolean {
  return !fact.request && !!(site ? site.emptyBody : fact.emptyBody);
}

/** `, to "orders.events"` when the call site names the wrapper's channel. */
function toChannel(fact: Fact, site: Node): string {
  const name = channelNamedAt(fact, site);
  return name === undefined ? '' : `, to "${name}"`;
}

/** The call a fact's (callee name) node belongs to. */
function callOf(node: Node): Node {
  return node.getFirstAncestor((a) => Node.isCallExpression(a) || Node.isNewExpression(a)) ?? node;
}

/** A request id is minted per hop (`x-request-id: randomUUID()`); the correlation and causation ids are the ones to carry over. */
function isPerHopKey(value: Node): boolean {
  const key = correlationKeyOf(value);
  return !!key && PER_HOP_KEY.test(key) && !/correlation|causation|conversation/i.test(key);
}

/**
 * The same send (the same call, character for character) on exclusive branches of one function
 * (`case Interval: emit(Load, body); return; case Timeout: emit(Load, body); return`): one root
 * cause, reported at the first, the others as related locations.
 */
function sameSendOnBranches(facts: Fact[]): { dropped: Set<Fact>; others: Map<Fact, Fact[]> } {
  const groups = new Map<string, Fact[]>();
  for (const f of facts) {
    if (f.kind !== 'publish' || f.correlation !== 'absent' || f.carrierParams?.length) continue;
    const key = `${f.node.getSourceFile().getFilePath()}|${callOf(f.node).getText().replace(/\s+/g, ' ')}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const dropped = new Set<Fact>();
  const others = new Map<Fact, Fact[]>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const kept: Fact[] = [];
    for (const f of [...group].sort((a, b) => a.node.getPos() - b.node.getPos())) {
      const first = kept.find((k) => {
        const fn = k.node.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a) && a.containsRange(f.node.getPos(), f.node.getEnd()));
        return fn !== undefined && pathRelation(k.node, f.node, fn) === 'exclusive';
      });
      if (!first) {
        kept.push(f);
        continue;
      }
      dropped.add(f);
      others.set(first, [...(others.get(first) ?? []), f]);
    }
  }
  return { dropped, others };
}

/**
 * A NestJS client's send in a service whose every configured transport is a signal transport (`Transport.REDIS`).
 * A client declared with a transport's own class (`taskService: ClientRMQ`) sends over that transport, whatever else
 * the service configures.
 */
function nestSignal(fact: Fact, librariesOf: ReturnType<typeof transportLibraries>): boolean {
  if (fact.kind !== 'publish' || fact.library !== NEST_MICROSERVICES) return false;
  const declared = declaredClientTransport(fact.node);
  const transports = declared ? [declared] : librariesOf(fact).transports ?? [];
  return transports.length > 0 && transports.every((t) => {
    const id = NEST_TRANSPORTS[t];
    return !!id && id !== 'rmq' && signalOnly({ kind: 'publish', transport: id });
  });
}

/** The transport a client's declared class names (`private readonly taskService: ClientRMQ`), if any. */
function declaredClientTransport(node: Node): string | undefined {
  const call = Node.isCallExpression(node) ? node : node.getFirstAncestorByKind(SyntaxKind.CallExpression);
  const callee = call?.getExpression();
  const recv = callee && Node.isPropertyAccessExpression(callee) ? callee.getExpression() : undefined;
  const name = recv && Node.isPropertyAccessExpression(recv) ? recv.getNameNode() : recv;
  const decl = name ? declarationOf(name) : undefined;
  const type = decl && (Node.isParameterDeclaration(decl) || Node.isPropertyDeclaration(decl)) ? decl.getTypeNode()?.getText() : undefined;
  return type ? NEST_CLIENT_CLASSES[type] : undefined;
}
