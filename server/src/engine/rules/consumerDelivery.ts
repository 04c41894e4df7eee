/**
 * Whether a consumer's transport can redeliver (facts/libraries/delivery.ts), and how we know.
 * Most registrations name their transport; a NestJS `@EventPattern`/`@MessagePattern` handler
 * serves whatever its app's bootstrap connects (`createMicroservice`, `connectMicroservice`),
 * found in the handler's deployable: the same service, else the nearest folder above it that
 * bootstraps an app. A handler outside every app (a shared library) takes the transports of all
 * bootstraps of the workspace, as an inference. Of several apps in one process, only those whose
 * module graph holds the handler's controller serve it (facts/nestModuleGraph.ts).
 */
import * as path from 'node:path';
import { Node, type SourceFile } from 'ts-morph';
import { moduleReaches } from '../facts/nestModuleGraph';
import type { Fact } from '../facts/facts';
import type { SystemModel } from '../model';
import { TRANSPORTS, type TransportId } from '../facts/libraries/delivery';

export interface ConsumerDelivery {
  /** True: can redeliver; false: cannot (request/response or at most once); undefined: not known. */
  redelivers: boolean | undefined;
  /** The transport is read from the code of this handler's own registration or app. */
  direct: boolean;
  /** What the message says about the transport. */
  said: string;
  /** The transports the handler serves, when known (the ones that redeliver, when some do). */
  transports: TransportId[];
}

export function consumerDelivery(model: SystemModel, consumer: Fact): ConsumerDelivery {
  if (consumer.transport) return known([consumer.transport], true, '');
  if (consumer.library !== '@nestjs/microservices') {
    return { redelivers: undefined, direct: false, said: 'the transport could not be determined from the registration; assumed to redeliver', transports: [] };
  }
  const httpOnly = httpOnlyApp(model, consumer);
  if (httpOnly) {
    return { redelivers: false, direct: true, said: `no transport: its app starts only an HTTP server (${httpOnly}) and connects no microservice, so the pattern handler receives nothing`, transports: [] };
  }
  const { servers: found, direct } = serversOf(model, consumer);
  const servers = servingApps(found, consumer);
  if (consumer.transportHint && consumer.transportHint !== 'rmq') return known([consumer.transportHint as TransportId], true, ' (the transport named in the decorator)');
  const rel = (s: Fact) => `${model.relOf(s.node)}:${model.locationOf(s.node).range.start.line}`;
  let relevant = servers;
  // A decorator naming RMQ on an app whose custom strategy's options set `noAck`: that is the RabbitMQ delivery.
  if (consumer.transportHint === 'rmq') {
    relevant = servers.filter((s) => s.transport === 'rabbitmq-ack' || s.transport === 'rabbitmq-noack' || !s.transport)
      .map((s) => (!s.transport && s.rmqIf ? { ...s, transport: s.rmqIf } : s));
  }
  if (!relevant.length) {
    return { redelivers: undefined, direct: false, said: 'no NestJS microservice bootstrap (createMicroservice / connectMicroservice) was found for this app; assumed its transport redelivers', transports: [] };
  }
  const unknown = relevant.filter((s) => !s.transport);
  const transports = [...new Set(relevant.flatMap((s) => (s.transport ? [s.transport] : [])))];
  const custom = consumer.transportHint === 'rmq' ? relevant.find((s) => s.rmqIf && s.transport === s.rmqIf) : undefined;
  const where = custom ? `the decorator's Transport.RMQ and the \`noAck\` option of the custom strategy at ${rel(custom)}`
    : direct ? `this app's bootstrap at ${rel(relevant[0])}` : `the workspace's microservice bootstraps (${relevant.slice(0, 3).map(rel).join(', ')}), as this handler is in no app folder`;
  const result = known(transports, direct, ` (from ${where})`);
  if (result.redelivers) return result;
  if (unknown.length) {
    return { redelivers: undefined, direct: false, said: `the transport of the microservice connected at ${rel(unknown[0])} could not be determined; assumed to redeliver`, transports: [] };
  }
  return result;
}

function known(transports: TransportId[], direct: boolean, source: string): ConsumerDelivery {
  const redelivering = transports.filter((t) => TRANSPORTS[t].delivery === 'at-least-once');
  const shown = (redelivering.length ? redelivering : transports).map((t) => TRANSPORTS[t].name).join(' and ');
  if (redelivering.length) return { redelivers: true, direct, said: `${shown} delivers at least once${source}: ${TRANSPORTS[redelivering[0]].why}`, transports: redelivering };
  return { redelivers: false, direct, said: `${shown}${source}`, transports };
}

/** Per analysis: the `NestFactory.create` bootstrap file of each deployable that starts no microservice. */
const httpOnlyMemo = new WeakMap<SystemModel, Map<string, string>>();

/**
 * The `NestFactory.create` bootstrap of the handler's deployable, when that deployable starts no
 * microservice anywhere (`createMicroservice`, `connectMicroservice`): an HTTP app, whose
 * `@EventPattern`/`@MessagePattern` methods no transport ever calls.
 */
function httpOnlyApp(model: SystemModel, consumer: Fact): string | undefined {
  const service = model.serviceOf(consumer.node)?.name;
  return service ? httpOnlyBootstraps(model).get(service) : undefined;
}

/**
 * Every deployable at once, from the files that call `NestFactory.create` (a workspace index: a file's
 * text is matched once, and again only when it changes).
 */
function httpOnlyBootstraps(model: SystemModel): Map<string, string> {
  let found = httpOnlyMemo.get(model);
  if (found) return found;
  found = new Map();
  const serving = new Set(model.facts.filter((f) => f.kind === 'server').map((f) => model.serviceOf(f.node)?.name));
  const bootstraps = model.analysis.index<SourceFile>('nest-http-bootstraps', NEST_HTTP_BOOTSTRAP, (sf) => (sf.isDeclarationFile() ? [] : [[BOOTSTRAPS, sf]])).get(BOOTSTRAPS);
  for (const sf of bootstraps) {
    const service = model.serviceOf(sf)?.name;
    if (service && !serving.has(service) && !found.has(service)) found.set(service, model.relOf(sf));
  }
  httpOnlyMemo.set(model, found);
  return found;
}

const NEST_HTTP_BOOTSTRAP = /\bNestFactory\s*\.\s*create\s*[<(]/;
/** The one key of the bootstrap index. */
const BOOTSTRAPS = {};

/** The bootstraps of the handler's app, and whether they were found in its own deployable. */
function serversOf(model: SystemModel, consumer: Fact): { servers: Fact[]; direct: boolean } {
  const all = model.facts.filter((f) => f.kind === 'server');
  if (!all.length) return { servers: [], direct: false };
  const service = model.serviceOf(consumer.node)?.name;
  if (service) {
    const same = all.filter((s) => model.serviceOf(s.node)?.name === service);
    if (same.length) return { servers: same, direct: true };
  }
  const file = model.relOf(consumer.node);
  let best: { dir: string; servers: Fact[] } | undefined;
  for (const s of all) {
    const dir = appDir(model.relOf(s.node));
    if (dir !== '' && !file.startsWith(dir + '/')) continue;
    if (!best || dir.length > best.dir.length) best = { dir, servers: [s] };
    else if (dir === best.dir) best.servers.push(s);
  }
  if (best) return { servers: best.servers, direct: true };
  return { servers: all, direct: false };
}

/**
 * Of the bootstraps found, the ones whose app serves the handler's controller: a process that
 * starts a TCP app from `AppModule` and a Kafka app from `KafkaAppModule` serves each controller
 * over the app whose module graph holds it. Only when some app is known to hold the controller are
 * the apps known not to hold it left out; otherwise all are kept.
 */
function servingApps(servers: Fact[], consumer: Fact): Fact[] {
  const controller = consumer.handler?.getParent();
  if (!controller || !Node.isClassDeclaration(controller) || servers.length < 2) return servers;
  const reach = servers.map((s) => (s.rootModule ? moduleReaches(s.rootModule, controller) : undefined));
  if (!reach.includes(true)) return servers;
  return servers.filter((_, i) => reach[i] !== false);
}

/** The app folder of a bootstrap file: its folder, above `src` (`apps/orders/src/main.ts` → `apps/orders`). */
function appDir(rel: string): string {
  let dir = path.posix.dirname(rel);
  const src = dir.split('/').lastIndexOf('src');
  if (src >= 0) dir = dir.split('/').slice(0, src).join('/');
  return dir === '.' ? '' : dir;
}
