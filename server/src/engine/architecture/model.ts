/**
 * The shape of `architecture.yaml` after parsing. The JSON Schema in
 * `schemas/architecture.schema.json` is the source of truth for users; these
 * types mirror it. Every entity keeps the source range of its key so that
 * findings and reports can point at the exact line.
 */
import type { Range, SeveritySetting } from '../types';

export interface Sourced {
  /** Range of the entity's key (or list item) in the architecture file. */
  range: Range;
}

export interface ArchService extends Sourced {
  name: string;
  /** Workspace-relative folders (or globs) holding the service's code. */
  paths: string[];
  owner?: string;
  /** Why this is a separate service (team ownership, scaling asymmetry, fault isolation...). */
  why?: string;
}

export type DatastoreKind =
  | 'postgres' | 'mysql' | 'mongodb' | 'redis' | 'dynamodb' | 'sqlite' | 'mssql' | 'elasticsearch' | 'other';

export interface ArchDatastore extends Sourced {
  name: string;
  kind: DatastoreKind;
  owner?: string;
  /** Env var names that hold this datastore's connection string. */
  env: string[];
  /** Connection URLs (credentials are ignored when comparing). */
  urls: string[];
  /** Schema / database name inside a shared server, when several logical stores share one. */
  schema?: string;
}

export interface ArchChannel extends Sourced {
  name: string;
  broker?: 'kafka' | 'rabbitmq' | 'sqs' | 'sns' | 'pubsub' | 'nats' | 'bullmq' | 'redis' | 'eventbridge' | 'servicebus' | 'other';
  producer?: string;
  consumers: string[];
  message?: string;
  delivery?: 'at-most-once' | 'at-least-once' | 'exactly-once';
  ordering?: string;
  idempotencyKey?: string;
  correlation?: string;
  versioning?: string;
}

export interface ArchApi extends Sourced {
  name: string;
  provider: string;
  consumers: string[];
  protocol?: 'http' | 'grpc' | 'other';
  baseUrlEnv?: string;
  timeoutMs?: number;
}

export interface ArchWorkflowStep extends Sourced {
  name: string;
  service?: string;
  action?: string;
  compensation?: string;
}

export interface ArchWorkflow extends Sourced {
  name: string;
  kind?: 'orchestration' | 'choreography';
  steps: ArchWorkflowStep[];
}

export type DecisionPattern =
  | 'two-phase-commit' | 'distributed-lock' | 'outbox' | 'inbox' | 'saga' | 'event-sourcing'
  | 'crdt' | 'consensus' | 'synchronous-call' | 'eventual-consistency' | 'other';

export interface ArchDecision extends Sourced {
  flow: string;
  consistency?: 'strong' | 'eventual' | 'causal';
  pattern: DecisionPattern;
  justification?: string;
  /** Where the decision applies: services by name... */
  services: string[];
  /** ...and/or workspace-relative files or globs. */
  paths: string[];
  tradeoff?: string;
}

export interface Architecture {
  /** Workspace-relative path of the architecture file. */
  file: string;
  system?: string;
  services: ArchService[];
  datastores: ArchDatastore[];
  channels: ArchChannel[];
  apis: ArchApi[];
  workflows: ArchWorkflow[];
  decisions: ArchDecision[];
  /** Rule severities overriding the defaults. */
  rules: Record<string, SeveritySetting>;
  /** Rule options, ESLint style (`missing-correlation-id: [warning, { requireBusinessCorrelationId: true }]`), by rule id. */
  ruleOptions?: Record<string, Record<string, unknown>>;
  /** AsyncAPI documents imported as the contract list (paths relative to the file). */
  asyncapi: string[];
  /** Workspace-relative globs left out of the analysis, beside the default non-production code. */
  ignores: string[];
  /** Workspace-relative globs analysed even when they look like tests, scripts or examples. */
  include: string[];
}

export interface ArchitectureProblem {
  messageId: 'yamlSyntax' | 'schema' | 'unknownReference' | 'overlappingPaths' | 'duplicateKey' | 'unreadable' | 'tooLarge';
  message: string;
  hint: string;
  range: Range;
}

export interface ArchitectureLoadResult {
  /** Undefined only when the YAML could not be read as a mapping at all. */
  architecture: Architecture | undefined;
  problems: ArchitectureProblem[];
}
