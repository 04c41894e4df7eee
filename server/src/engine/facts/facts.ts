/**
 * Facts the recognizers extract from code. One flat shape keeps the rules
 * simple: a fact is "this node does X", with the details X needs.
 */
import type { Node } from 'ts-morph';
import type { TransportId } from './libraries/delivery';

export type FactKind =
  | 'consumer'   // a message handler registration
  | 'publish'    // a message sent to a broker
  | 'write'      // a datastore write
  | 'read'       // a datastore read
  | 'guard'      // deduplication on the message identity
  | 'lock'       // a cross-process lock
  | 'twoPhase'   // two-phase commit / XA / distributed transaction library
  | 'tx'         // a local transaction begin/commit on one client
  | 'http'       // an outgoing HTTP call
  | 'sideEffect' // e-mail, payment, SMS: irreversible outside effects
  | 'client'     // construction of a datastore client (connection identity)
  | 'server'     // a microservice server bootstrap (NestJS createMicroservice / connectMicroservice): its transport
  | 'binding'    // a broker routing declaration: a queue bound to an exchange, or an exchange declared with its type (RabbitMQ)
  | 'endpoint';  // for the system model only: a producer or consumer end of a channel no rule checks (a Temporal task queue)

export type CorrelationState = 'present' | 'absent' | 'unknown';

export interface Fact {
  kind: FactKind;
  /** The node a finding about this fact points at. */
  node: Node;
  library: string;
  /** Short human description, e.g. `INSERT INTO payments` or `producer.send to "orders"`. */
  detail: string;
  /** For writes, publishes, HTTP and side effects: repeating it changes the outcome. */
  nonIdempotent?: boolean;
  table?: string;
  /** read: a lookup of one row (`findOne`, `findUnique`, `findById`), not a query of many. */
  oneRow?: boolean;
  /**
   * write (an insert): the fields its data sets to values not minted here (from the message or its
   * caller). Where the written model declares one of them (or a set of them) as its primary or a
   * unique key (workspace/ormKeys.ts), a repeat of the message hits that key instead of adding a row.
   */
  insertKeys?: string[];
  channel?: string;
  /**
   * publish/consumer on a job queue (Bull, BullMQ): the job name a producer adds (`queue.add('send-batch', ...)`)
   * or the only one a handler takes (`@Process('send-batch')`), when it is a literal. A handler for every job
   * of its queue, or a name that does not resolve, has none.
   */
  job?: string;
  /**
   * publish on a job queue: a repeatable job (`queue.add(name, data, { repeat: { cron } })`, BullMQ
   * `upsertJobScheduler`): the queue runs it on a schedule, with the same data every time.
   */
  scheduled?: boolean;
  /**
   * publish on a job queue: the flow waits for the job's result (`job.finished()`, BullMQ
   * `job.waitUntilFinished(events)`): the job is a call into the queue's worker, not an event.
   */
  awaitsResult?: boolean;
  /**
   * publish/consumer: symbolic identities of a channel whose name is not a literal (see
   * channelIdentity.ts): two ends with a common identity use the same channel.
   */
  channelIds?: string[];
  /**
   * An exchange (RabbitMQ) and a routing key. publish: the exchange it sends to and the routing key it
   * sends with. binding (with `channel`/`channelIds` naming the queue) and consumer (a subscription that
   * declares its own binding): the exchange the queue is bound to and the binding pattern. binding
   * without a queue: an exchange declaration and its `type` (topic, direct, fanout, headers).
   * Unresolved parts are left out; `ids` are symbolic identities (channelIdentity.ts) of a name that is not a literal.
   * `durable: false` (a declaration): the exchange is declared non-durable (`assertExchange(name, type, { durable: false })`),
   * so what is published to it is a transient broadcast (hops.ts `transient`).
   */
  exchange?: { name?: string; ids?: string[]; key?: string; type?: string; durable?: false };
  /** publish: the expression naming the channel, when the recognizer has one (read for telemetry streams, libraries/telemetry.ts). */
  channelNode?: Node;
  /** publish: a reply to the requester's reply-to address (RPC over a broker), not an event others subscribe to. */
  reply?: boolean;
  /**
   * publish: the library call returns no promise (amqplib's `channel.publish`/`sendToQueue` return a
   * boolean and throw on a closed channel), so a failure reaches the caller even when it is not awaited.
   */
  synchronous?: boolean;
  /** endpoint: which end of its channel it is. */
  role?: 'producer' | 'consumer';
  /**
   * endpoint: the channel is not named here but by the callers of the enclosing function: the value
   * of this parameter (its `key` property) at each call site, where the argument also has `requires`.
   */
  channelFrom?: { param: Node; key?: string; requires?: string };
  /**
   * publish: a request whose reply the caller waits for (Nest `ClientProxy.send`), not a fire-and-forget event.
   * consumer: a request handler (Nest `@MessagePattern`): its error becomes the reply, so a failure is not redelivered.
   */
  request?: boolean;
  /** publish/http: whether a correlation/causation/trace id travels with it. */
  correlation?: CorrelationState;
  /** publish/http: the expressions that supply the correlation id. */
  correlationValues?: Node[];
  /** publish without a correlation id: the entity ids its message carries (`orderId`), which tie it to its flow. */
  entityIds?: string[];
  /**
   * publish: parameters of the enclosing function the message body comes from (a publish
   * wrapper). Where the wrapper has call sites, they decide what the message carries.
   */
  carrierParams?: Node[];
  /**
   * publish: a wrapper that writes the envelope (headers, properties) itself and takes only the
   * body from its callers: the id belongs in that envelope, so a finding is the send's, not each caller's.
   */
  ownEnvelope?: boolean;
  /**
   * publish: the message body is statically empty (not given, `null`, `undefined`, `{}`): the message
   * names an event and carries no business data (see libraries/staticValues.ts isEmptyBody).
   */
  emptyBody?: boolean;
  /** publish: the carrierParams the message body (not its envelope) comes from; a caller passing nothing in them sends an empty body. */
  payloadParams?: Node[];
  /** consumer: the handler function (arrow, function expression, method or function declaration). */
  handler?: Node;
  /**
   * consumer: the transport the messages arrive over, when the registration decides it (see
   * libraries/delivery.ts); undefined for NestJS pattern handlers, whose app bootstrap decides.
   * server: the transport it serves, undefined when it cannot be determined.
   * publish: the transport it sends over, where the call decides it (Redis PUBLISH, NATS core).
   */
  transport?: TransportId;
  /**
   * server: the RabbitMQ delivery the static options of a custom strategy of an unknown class give
   * (`strategy: new AmqpServer({ noAck: false })`), taken when a handler's decorator names `Transport.RMQ`.
   */
  rmqIf?: TransportId;
  /** publish: the body is the enclosing function's parameter, passed through unchanged (`send(topic, data) { client.send(topic, data) }`). */
  bodyPassedThrough?: boolean;
  /** server: the app's root module class (`createMicroservice(AppModule, ...)`, `NestFactory.create(AppModule)`), when known. */
  rootModule?: Node;
  /** consumer (NestJS): the transport given in the decorator (`@EventPattern('x', Transport.KAFKA)`). */
  transportHint?: string;
  /** consumer: names bound to the incoming message inside the handler. */
  messageNames?: string[];
  /** client: datastore kind, env var names and literal URLs in its configuration. */
  store?: string;
  envVars?: string[];
  urls?: string[];
  /** client: literal server host and database name in its configuration (`dbName: 'orders'`, `client.db('orders')`). */
  connection?: { host?: string; database?: string };
  /** client: its configuration objects, read again per deployable for settings its env decides (the Postgres schema). */
  config?: Node[];
  /** tx: identity of the client the transaction runs on. */
  clientKey?: string;
  /** http: method and whether the target looks like another service of the system. */
  method?: string;
  target?: string;
  /** http: the service the URL names (`target` unless settled otherwise, see system/urlTargets.ts) and the env var that named it. */
  namedTarget?: string;
  targetEnv?: string;
  /** http: the env vars the URL reads (`process.env.WEBEOC_URL`). */
  urlEnvs?: string[];
  /** http: the origin (`https://api.stripe.com`) written in the code, when the URL names one. */
  origin?: string;
  /** http: the endpoint's path names a question (`POST /menu/validate`, `/search`): it answers and keeps nothing. */
  query?: boolean;
}
