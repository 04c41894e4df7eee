/**
 * Delivery semantics per transport, as data. `non-idempotent-consumer` applies only where the
 * transport can deliver the same message twice; the docs page prints this table.
 *
 * - `at-least-once`: the broker redelivers a message whose handler did not finish (no ack,
 *   offset not committed, visibility timeout, stalled job) or failed.
 * - `request-response`: the caller waits for the answer over a connection; nothing redelivers a
 *   request (a client that retries sends a new one).
 * - `at-most-once`: fire and forget; a message whose handler crashes is lost, never repeated.
 */
export type Delivery = 'at-least-once' | 'request-response' | 'at-most-once';

export interface TransportSemantics {
  /** Shown in messages and the docs table. */
  name: string;
  delivery: Delivery;
  /** Why, in a few words (docs table, finding message). */
  why: string;
  /**
   * Every subscriber connected at that moment receives each message (fan-out, nothing stored): a
   * service that subscribes to the channel it publishes on hears its own message in every replica,
   * so such a publish is a notification among the replicas of one service, not a hop to another
   * service and not state another service acts on.
   */
  broadcast?: boolean;
  /**
   * A raw publish on it is a signal to whoever listens at that moment (replicas refreshing a cache,
   * live connections), never stored or retried: subscribers that are not connected miss it whatever
   * the publisher does. Unless another service of the workspace is seen subscribing to its channel
   * (named or not: it is no integration transport between systems), dual-write does not pair it with
   * a write (an outbox would not make it reliable), missing-correlation-id does not take it for a hop
   * and non-idempotent-consumer does not count it as a repeated effect (where it goes is a guess).
   * Only a client library's own PUBLISH sets a publish's transport; a NestJS ClientProxy over Redis is a
   * framework message and stays reported.
   */
  signal?: boolean;
  /**
   * A named queue of jobs that a service usually both feeds and works (BullMQ, Bull): a job whose
   * worker is not found in the workspace (a queue name that does not resolve, a worker in a
   * package that is not checked out) is taken as the service's own, not as a hop to another service.
   */
  jobQueue?: boolean;
  /**
   * Job queues: the job options that give a job a caller-chosen id (`{ jobId: `refresh-${symbol}` }`,
   * BullMQ's `deduplication: { id }`): a second add with an id still waiting is dropped, so the job is
   * "the refresh of that id", not one job per call.
   */
  jobIdOptions?: string[];
}

export const TRANSPORTS = {
  kafka: { name: 'Kafka', delivery: 'at-least-once', why: 'the offset is committed after the handler; a crash, rebalance or replay delivers the message again' },
  'rabbitmq-ack': { name: 'RabbitMQ (manual ack)', delivery: 'at-least-once', why: 'an unacked message is requeued when the channel closes; nack/reject with requeue redelivers it' },
  'rabbitmq-noack': { name: 'RabbitMQ (noAck: true)', delivery: 'at-most-once', why: 'the broker forgets the message as soon as it is sent' },
  sqs: { name: 'Amazon SQS', delivery: 'at-least-once', why: 'a message not deleted before its visibility timeout is received again' },
  'sns-lambda': { name: 'SNS → Lambda', delivery: 'at-least-once', why: 'SNS retries a failed Lambda invocation and may deliver twice' },
  'dynamodb-stream': { name: 'DynamoDB / Kinesis streams → Lambda', delivery: 'at-least-once', why: 'a failed batch is retried from the same position' },
  bullmq: { name: 'BullMQ', delivery: 'at-least-once', why: 'failed jobs are retried and a job whose worker dies is re-run as stalled, even with attempts: 1', jobQueue: true, jobIdOptions: ['jobId', 'deduplication'] },
  bull: { name: 'Bull', delivery: 'at-least-once', why: 'failed jobs are retried and a job whose worker dies is re-run as stalled, even with attempts: 1', jobQueue: true, jobIdOptions: ['jobId'] },
  'bull-no-retry': { name: 'Bull with attempts: 1 and maxStalledCount: 0', delivery: 'at-most-once', why: 'a failed job is not retried and a stalled job is failed rather than run again', jobQueue: true, jobIdOptions: ['jobId'] },
  'pg-boss': { name: 'pg-boss', delivery: 'at-most-once', why: 'a job runs again only under the retryLimit its sender or queue sets (none by default before pg-boss 10), which is not followed to the handler', jobQueue: true, jobIdOptions: ['singletonKey', 'id'] },
  'trigger-dev': { name: 'Trigger.dev', delivery: 'at-most-once', why: 'a crashed run is not run again; a run that throws is retried under its retry settings, which this rule does not follow to the effects before the throw', jobQueue: true, jobIdOptions: ['idempotencyKey'] },
  'nats-jetstream': { name: 'NATS JetStream', delivery: 'at-least-once', why: 'an unacked message is redelivered after ack_wait' },
  stan: { name: 'NATS Streaming (STAN)', delivery: 'at-least-once', why: 'an unacked message is redelivered after the ack wait' },
  pubsub: { name: 'Google Pub/Sub', delivery: 'at-least-once', why: 'an unacked message is redelivered after the ack deadline' },
  'service-bus': { name: 'Azure Service Bus', delivery: 'at-least-once', why: 'a message whose lock expires or is abandoned is delivered again' },
  'redis-stream': { name: 'Redis streams (consumer groups)', delivery: 'at-least-once', why: 'an entry stays pending until XACK and is claimed again' },
  mqtt: { name: 'MQTT', delivery: 'at-least-once', why: 'QoS 1 delivers until the broker gets PUBACK; QoS 0 is at most once' },
  'stomp-ack': { name: 'STOMP (ack: client)', delivery: 'at-least-once', why: 'a message not acknowledged before the subscription or connection ends is delivered again' },
  'stomp-auto': { name: 'STOMP (ack: auto)', delivery: 'at-most-once', why: 'the broker counts a message as consumed as soon as it is sent' },
  'nest-tcp': { name: 'NestJS TCP transport', delivery: 'request-response', why: 'a request over a socket; nothing stores or redelivers it' },
  'nest-grpc': { name: 'gRPC', delivery: 'request-response', why: 'a call the client waits on; nothing redelivers it' },
  'http-rpc': { name: 'HTTP / JSON-RPC endpoint', delivery: 'request-response', why: 'the caller waits for the response; a client retry is a new request' },
  'redis-pubsub': { name: 'Redis pub/sub', delivery: 'at-most-once', why: 'a message reaches the subscribers connected at that moment, once', broadcast: true, signal: true },
  'nats-core': { name: 'NATS core', delivery: 'at-most-once', why: 'no persistence and no acknowledgement', broadcast: true },
} satisfies Record<string, TransportSemantics>;

export type TransportId = keyof typeof TRANSPORTS;

export function deliveryOf(id: TransportId): TransportSemantics {
  return TRANSPORTS[id];
}

export function redelivers(id: TransportId): boolean {
  return TRANSPORTS[id].delivery === 'at-least-once';
}

/** Whether a fact's library sends to a job queue (see `jobQueue`): the library names the transport. */
export function isJobQueueLibrary(library: string): boolean {
  return library in TRANSPORTS && (TRANSPORTS[library as TransportId] as TransportSemantics).jobQueue === true;
}

/** The job options naming a job's caller-chosen id on a job queue library (see `jobIdOptions`); empty elsewhere. */
export function jobIdOptions(library: string): string[] {
  return library in TRANSPORTS ? (TRANSPORTS[library as TransportId] as TransportSemantics).jobIdOptions ?? [] : [];
}

/** A publish sent as a signal to current listeners (a raw Redis PUBLISH): see TransportSemantics.signal. */
export function signalOnly(fact: { kind: string; transport?: TransportId }): boolean {
  // Named or not: Redis pub/sub is no integration transport between systems (nothing is stored for a subscriber that
  // is not connected), so a channel nobody in the workspace subscribes to is not taken to be another system's.
  return fact.kind === 'publish' && !!fact.transport && (TRANSPORTS[fact.transport] as TransportSemantics).signal === true;
}

/**
 * Client libraries of cloud queues, topics and buses (SQS, SNS, EventBridge, Google Pub/Sub) whose consumers are
 * usually bound outside the code: a Lambda event source mapping, a subscription or a rule in SAM, CDK, Terraform or
 * serverless.yml, a Pub/Sub push subscription to an HTTP endpoint (often the publishing service's own). Finding no
 * consumer in code is then no evidence that another service consumes a message: most such queues feed the next
 * function of the same stack.
 */
const CONSUMERS_BOUND_IN_INFRASTRUCTURE = new Set(['@aws-sdk/client-sqs', '@aws-sdk/client-sns', 'aws-sdk', 'eventbridge', '@google-cloud/pubsub']);

export function consumersBoundInInfrastructure(library: string): boolean {
  return CONSUMERS_BOUND_IN_INFRASTRUCTURE.has(library);
}

/**
 * Calls that acknowledge a received message to its broker, after which it is never delivered again:
 * amqplib and NestJS RMQ `ack`, an SQS delete, a kafkajs offset commit.
 */
const ACKNOWLEDGE_CALL = /\.(ack|commitOffsets|deleteMessage)\s*\(|new\s+DeleteMessageCommand\b/;

export function isAcknowledgeCall(callText: string): boolean {
  return ACKNOWLEDGE_CALL.test(callText);
}

/** Whether a transport fans each message out to every connected subscriber (see `broadcast`). */
export function broadcasts(id: TransportId | undefined): boolean {
  return !!id && (TRANSPORTS[id] as TransportSemantics).broadcast === true;
}

/**
 * NestJS microservice transports: the `Transport` enum member or the server class a custom
 * strategy extends. RMQ depends on `noAck` (Nest's default is `true`: at most once).
 */
export const NEST_TRANSPORTS: Record<string, TransportId | 'rmq'> = {
  TCP: 'nest-tcp', GRPC: 'nest-grpc', REDIS: 'redis-pubsub', NATS: 'nats-core', MQTT: 'mqtt', KAFKA: 'kafka', RMQ: 'rmq',
};
/** Transport-specific NestJS client classes (`taskService: ClientRMQ`), by the `Transport` member they send over. */
export const NEST_CLIENT_CLASSES: Readonly<Record<string, string>> = {
  ClientRMQ: 'RMQ', ClientKafka: 'KAFKA', ClientNats: 'NATS', ClientMqtt: 'MQTT', ClientTCP: 'TCP', ClientGrpcProxy: 'GRPC', ClientRedis: 'REDIS',
};
export const NEST_SERVER_CLASSES: Record<string, TransportId | 'rmq'> = {
  ServerTCP: 'nest-tcp', ServerGrpc: 'nest-grpc', ServerRedis: 'redis-pubsub', ServerNats: 'nats-core', ServerMqtt: 'mqtt',
  ServerKafka: 'kafka', ServerRMQ: 'rmq',
};
