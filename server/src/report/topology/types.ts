/**
 * The report's view of the system: what the architecture file declares and
 * what the code shows, joined per service, datastore, channel, API, workflow
 * and decision. Everything points back at a root-relative file and line.
 * Built once by `buildTopology`, read by every document.
 */
import type { ArchChannel } from '../../engine/architecture/model';
import type { CorrelationState } from '../../engine/facts/facts';
import type { TransportId } from '../../engine/facts/libraries/delivery';
import type { RuleMeta } from '../../engine/rules/createRule';
import type { Finding } from '../../engine/types';
import type { SystemDescription } from '../../engine/system/describe';

/** A root-relative file and a 1-based line. */
export interface Ref {
  file: string;
  line: number;
}

/** Something found in the code (a guard, a timeout, a dead-letter setting), with where. */
export interface Evidence {
  text: string;
  at: Ref;
}

export interface ServiceView {
  name: string;
  owner?: string;
  why?: string;
  /** Inferred from the workspace layout (no architecture file entry). */
  inferred: boolean;
  /** What runs there, from the framework its code imports (nestjs, express, bullmq-worker...; node when none). */
  kind: string;
  paths: string[];
  /** Where the architecture file or the deployment configuration shows it (compose service, Dockerfile, manifest...). */
  evidence: Ref[];
  /** Where the service is declared, or the file it was inferred from. */
  declaredAt?: Ref;
  origin: string;
  /** OpenTelemetry auto-instrumentation registered. */
  tracing: boolean;
}

export type DatastoreRole = 'owner' | 'foreign' | 'shared' | 'sole';

export interface DatastoreUse {
  service: string;
  at: Ref;
  /** The env var or URL the code connects through. */
  via: string;
  /** owner: the declared owner; foreign: another service owns it; shared: unowned and used by several; sole: unowned, one user. */
  role: DatastoreRole;
}

export interface DatastoreView {
  key: string;
  name: string;
  kind?: string;
  owner?: string;
  declaredAt?: Ref;
  /** Found only in code or deployment config, not declared. */
  inferred: boolean;
  uses: DatastoreUse[];
  /** Used by more than one service, or by a service that does not own it. */
  shared: boolean;
}

export interface EffectView {
  kind: string;
  detail: string;
  at: Ref;
}

export interface ConsumerView {
  channel: string;
  service?: string;
  /** Where the handler is registered (the consumer fact). */
  at: Ref;
  detail: string;
  library: string;
  /** Whether its transport redelivers (facts/libraries/delivery.ts): true, false (request/response, at most once) or not known. */
  redelivers: boolean | undefined;
  /** The transports it serves, when known. */
  transports: TransportId[];
  /** The service is a declared consumer of the channel. */
  declared: boolean;
  /** Deduplication on the message identity reached from the handler. */
  dedupe?: Evidence;
  /** Non-idempotent effects the handler reaches (writes, publishes, HTTP, e-mail...). */
  effects: EffectView[];
  /** First local transaction the handler reaches. */
  transaction?: Evidence;
  /** Channels the handler publishes follow-up messages to. */
  follows: string[];
  retry?: Evidence;
  requeue?: Evidence;
  deadLetter?: Evidence;
  /** The open non-idempotent-consumer finding on this handler, if any. */
  unguardedFinding?: Ref;
}

export interface ProducerView {
  channel: string;
  service?: string;
  at: Ref;
  /** publish: sent directly; outbox: inserted into an outbox table and relayed. */
  via: 'publish' | 'outbox';
  relay?: Ref;
  /** The channel was matched from a string literal, not resolved by the analysis. */
  inferred: boolean;
  correlation: CorrelationState;
  /** A message key is set (per-key ordering on partitioned brokers). */
  keyed?: Evidence;
  /** An open dual-write finding covers this publish. */
  dualWrite?: Ref;
}

export interface DriftNote {
  text: string;
  at?: Ref;
}

export type ChannelStatus = 'declared' | 'inferred' | 'code-only';

export interface ChannelView {
  name: string;
  /** declared: in the architecture file; inferred: no channels declared, found in code; code-only: in code, not declared. */
  status: ChannelStatus;
  declared?: ArchChannel;
  declaredAt?: Ref;
  broker?: string;
  /** Services the system model finds publishing to it (a shared module counts for each service that loads it). */
  producerServices: string[];
  /** Services the system model finds consuming it. */
  consumerServices: string[];
  producers: ProducerView[];
  consumers: ConsumerView[];
  drift: DriftNote[];
}

/** A publish whose channel the analysis could not resolve (dynamic topic). */
export interface UnresolvedPublish {
  service?: string;
  at: Ref;
  detail: string;
  /** It is an outbox relay (publishes whatever the outbox rows say). */
  relay: boolean;
}

export interface SyncCallView {
  caller?: string;
  /** The API name, the service called, or a description of an unresolved target. */
  target: string;
  api?: string;
  at: Ref;
  detail: string;
  method?: string;
  /** The target was matched by the env var the file reads, not by the call itself. */
  inferred: boolean;
  timeout?: Evidence;
  idempotencyKey?: Evidence;
  retry?: Evidence;
  breaker?: Evidence;
  correlation: CorrelationState;
}

export interface ApiView {
  name: string;
  declared: boolean;
  provider?: string;
  consumers: string[];
  declaredAt?: Ref;
  timeoutMs?: number;
  protocol?: string;
  /** Outside the system: called only by its declared provider (an integration), or an external host. */
  external: boolean;
  calls: SyncCallView[];
}

export interface StepView {
  name: string;
  service?: string;
  action?: string;
  compensation?: string;
  at: Ref;
  actionAt?: Ref;
  compensationAt?: Ref;
}

export interface WorkflowView {
  name: string;
  kind?: string;
  at: Ref;
  steps: StepView[];
}

export interface DecisionView {
  flow: string;
  consistency?: string;
  pattern: string;
  justification?: string;
  tradeoff?: string;
  at: Ref;
  services: string[];
  paths: string[];
}

export interface CoordinationSite {
  pattern: 'two-phase-commit' | 'distributed-lock';
  service?: string;
  fn: string;
  at: Ref;
  operations: string[];
  justifiedBy?: string;
  justificationAt?: Ref;
}

export interface OutboxWrite {
  service?: string;
  fn: string;
  at: Ref;
  channels: string[];
  relay?: Ref;
}

export interface Topology {
  system: string;
  architectureFile?: string;
  /** The system model as `distributed-patterns model` prints it; the map and the service list read it. */
  described: SystemDescription;
  services: ServiceView[];
  datastores: DatastoreView[];
  channels: ChannelView[];
  unresolvedPublishes: UnresolvedPublish[];
  apis: ApiView[];
  workflows: WorkflowView[];
  decisions: DecisionView[];
  coordination: CoordinationSite[];
  outboxes: OutboxWrite[];
  findings: Finding[];
  rules: RuleMeta[];
  architectureProblems: number;
}
