/**
 * Instrumentations that carry the trace context (W3C `traceparent`) inside
 * what a client library sends: which instrumentation package covers which
 * client library, named as the `library` of publish and HTTP facts.
 * Instrumentations that only record spans (NestJS core, Express, ioredis, pg)
 * carry nothing across a hop and are not listed.
 */

/** Clients built on `node:http`/`node:https`. */
const NODE_HTTP = ['axios', 'got', 'node-fetch', 'http', 'superagent'];
/** Node's global fetch is undici. */
const UNDICI = ['fetch', 'undici'];
const KAFKA = ['kafkajs'];
const AMQP = ['amqplib', '@golevelup/nestjs-rabbitmq', '@nestjs-plus/rabbitmq'];
/** The AWS SDK instrumentation injects into SQS message attributes, SNS attributes and EventBridge entries. */
const AWS = ['aws-sdk', '@aws-sdk/client-sqs', '@aws-sdk/client-sns', 'eventbridge', '@aws-sdk/client-eventbridge'];
const GRPC = ['@grpc/grpc-js'];
const BULLMQ = ['bullmq'];

export interface InstrumentationEntry {
  /** Package name, or a prefix ending in `/` for a family. */
  module: string;
  covers: readonly string[];
  /** The registering file must contain this option: without it the package records spans but propagates nothing to the workspace's services. */
  when?: RegExp;
}

/** What `@opentelemetry/auto-instrumentations-node` registers that propagates context. */
export const AUTO_INSTRUMENTATIONS: readonly string[] = [...NODE_HTTP, ...UNDICI, ...KAFKA, ...AMQP, ...AWS, ...GRPC];

export const INSTRUMENTATIONS: readonly InstrumentationEntry[] = [
  { module: '@opentelemetry/auto-instrumentations-node', covers: AUTO_INSTRUMENTATIONS },
  { module: '@opentelemetry/instrumentation-http', covers: NODE_HTTP },
  { module: '@opentelemetry/instrumentation-undici', covers: UNDICI },
  { module: 'opentelemetry-instrumentation-undici', covers: UNDICI },
  { module: 'opentelemetry-instrumentation-fetch-node', covers: ['fetch'] },
  { module: '@opentelemetry/instrumentation-kafkajs', covers: KAFKA },
  { module: 'opentelemetry-instrumentation-kafkajs', covers: KAFKA },
  { module: '@heliosphere/opentelemetry-instrumentation-kafkajs', covers: KAFKA },
  { module: '@opentelemetry/instrumentation-amqplib', covers: AMQP },
  { module: 'opentelemetry-instrumentation-amqplib', covers: AMQP },
  { module: '@heliosphere/opentelemetry-instrumentation-amqplib', covers: AMQP },
  { module: '@opentelemetry/instrumentation-aws-sdk', covers: AWS },
  { module: 'opentelemetry-instrumentation-aws-sdk', covers: AWS },
  { module: '@heliosphere/opentelemetry-instrumentation-aws-sdk', covers: AWS },
  { module: '@opentelemetry/instrumentation-grpc', covers: GRPC },
  { module: '@appsignal/opentelemetry-instrumentation-bullmq', covers: BULLMQ },
  { module: '@jenniferplusplus/opentelemetry-instrumentation-bullmq', covers: BULLMQ },
  // BullMQ's own telemetry option: `new Queue(name, { telemetry: new BullMQOtel(...) })`.
  { module: 'bullmq-otel', covers: BULLMQ },
  // AWS X-Ray: a client wrapped by `captureAWSv3Client` / `captureAWSClient` (or every client by
  // `captureAWS`) sends the trace header with SQS and SNS messages; Powertools' Tracer wraps the same.
  { module: 'aws-xray-sdk-core', covers: AWS },
  { module: 'aws-xray-sdk', covers: AWS },
  { module: '@aws-lambda-powertools/tracer', covers: AWS },
  // APM agents that patch the same clients and inject the trace context (`tracer.init()`,
  // `apm.start()`, `require('newrelic')`), registered at the entry point or preloaded.
  { module: 'dd-trace', covers: AUTO_INSTRUMENTATIONS },
  { module: 'elastic-apm-node', covers: [...NODE_HTTP, ...UNDICI, ...KAFKA, ...AMQP, ...AWS] },
  { module: 'newrelic', covers: [...NODE_HTTP, ...UNDICI, ...KAFKA, ...AMQP, ...AWS] },
  // Sentry's SDKs from v8 on are built on OpenTelemetry and send `sentry-trace` / `baggage` on outgoing
  // http and fetch requests once `Sentry.init(...)` runs (these package names exist from v8 on; for
  // @sentry/node, which v7 shares, the init must enable tracing).
  { module: '@sentry/aws-serverless', covers: [...NODE_HTTP, ...UNDICI] },
  { module: '@sentry/google-cloud-serverless', covers: [...NODE_HTTP, ...UNDICI] },
  { module: '@sentry/nestjs', covers: [...NODE_HTTP, ...UNDICI] },
  { module: '@sentry/node', covers: [...NODE_HTTP, ...UNDICI], when: /\btraces(SampleRate|Sampler)\b/ },
  // Vercel's wrapper (`registerOTel` in Next.js's instrumentation.ts) instruments fetch, but sends the trace context
  // only to Vercel deployment URLs unless `instrumentationConfig.fetch.propagateContextUrls` names others.
  { module: '@vercel/otel', covers: ['fetch'], when: /\bpropagateContextUrls\b/ },
];

/**
 * Client libraries with a tracing option of their own: a client constructed with it
 * (`new PubSub({ enableOpenTelemetryTracing: true })`) puts the trace context in what it sends,
 * with no instrumentation package. The module that constructs it counts as registering, for the
 * code that imports it.
 */
export const NATIVE_TRACING_OPTIONS: readonly { module: string; option: string; covers: readonly string[] }[] = [
  { module: '@google-cloud/pubsub', option: 'enableOpenTelemetryTracing', covers: ['@google-cloud/pubsub'] },
];

/** The native tracing option a module's clients accept, if any. */
export function nativeTracingOption(specifier: string): { option: string; covers: readonly string[] } | undefined {
  return NATIVE_TRACING_OPTIONS.find((e) => e.module === specifier);
}

/** Modules that register by being loaded (`node --require dd-trace/init`, `import 'newrelic'`). */
const REGISTERING_MODULES: ReadonlySet<string> = new Set([
  '@opentelemetry/auto-instrumentations-node/register', 'dd-trace/init', 'elastic-apm-node/start', 'newrelic',
]);

/** How a message names what carries the trace: OpenTelemetry, or the APM agent's package. */
export function tracerName(module: string): string {
  if (module.startsWith('@sentry/')) return 'Sentry';
  return module.startsWith('@opentelemetry/') || /opentelemetry/i.test(module) || module.endsWith('-otel') ? 'OpenTelemetry' : module.replace(/\/.*$/, '');
}

/**
 * NestJS microservice clients send through the library of their transport
 * (`Transport.KAFKA` is kafkajs); TCP, Redis, NATS and MQTT clients have no
 * instrumentation that carries the trace.
 */
export const NEST_TRANSPORT_LIBRARY: Readonly<Record<string, string | undefined>> = {
  KAFKA: 'kafkajs',
  RMQ: 'amqplib',
  GRPC: '@grpc/grpc-js',
};
export const NEST_MICROSERVICES = '@nestjs/microservices';

/**
 * The client libraries an imported module's instrumentation covers (empty when it is not an instrumentation);
 * `text` is the importing file's, for entries that need an option in it.
 */
export function instrumentedBy(specifier: string, text?: string): readonly string[] {
  const base = specifier.replace(/\/(register|init|start|build\/.*)$/, '');
  const entry = INSTRUMENTATIONS.find((e) => e.module === base);
  if (!entry || (entry.when && !(text !== undefined && entry.when.test(text)))) return [];
  return entry.covers;
}

/** A module that registers its instrumentation when loaded (`node --require @opentelemetry/auto-instrumentations-node/register`, `dd-trace/init`). */
export function isRegisteringModule(specifier: string): boolean {
  return REGISTERING_MODULES.has(specifier);
}
