/**
 * Builds the best-effort `Architecture` model from a parsed architecture
 * file: each section's entries (services, datastores, channels, apis,
 * workflows, decisions, rules), keeping an entry's valid fields and dropping
 * an entry whose required field is missing or invalid (the problems are
 * reported by load.ts).
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import type { SeveritySetting } from '../types';
import type {
  ArchApi,
  ArchChannel,
  ArchDatastore,
  ArchDecision,
  ArchService,
  ArchWorkflow,
  ArchWorkflowStep,
  Architecture,
  DatastoreKind,
  DecisionPattern,
} from './model';
import { normaliseServicePath } from './references';
import {
  asMap,
  entries,
  enumField,
  field,
  nodeRange,
  numberField,
  resolve,
  stringField,
  stringItems,
  stringList,
} from './yamlNodes';
import type { SourceContext } from './yamlNodes';

const DATASTORE_KINDS: readonly DatastoreKind[] = [
  'postgres', 'mysql', 'mongodb', 'redis', 'dynamodb', 'sqlite', 'mssql', 'elasticsearch', 'other',
];
const BROKERS: readonly NonNullable<ArchChannel['broker']>[] = [
  'kafka', 'rabbitmq', 'sqs', 'sns', 'pubsub', 'nats', 'bullmq', 'redis', 'eventbridge', 'servicebus', 'other',
];
const DELIVERIES: readonly NonNullable<ArchChannel['delivery']>[] = ['at-most-once', 'at-least-once', 'exactly-once'];
const PROTOCOLS: readonly NonNullable<ArchApi['protocol']>[] = ['http', 'grpc', 'other'];
const WORKFLOW_KINDS: readonly NonNullable<ArchWorkflow['kind']>[] = ['orchestration', 'choreography'];
const CONSISTENCIES: readonly NonNullable<ArchDecision['consistency']>[] = ['strong', 'eventual', 'causal'];
const PATTERNS: readonly DecisionPattern[] = [
  'two-phase-commit', 'distributed-lock', 'outbox', 'inbox', 'saga', 'event-sourcing', 'crdt', 'consensus',
  'synchronous-call', 'eventual-consistency', 'other',
];
const SEVERITIES: readonly SeveritySetting[] = ['error', 'warning', 'info', 'off'];

export function emptyArchitecture(file: string): Architecture {
  return { file, services: [], datastores: [], channels: [], apis: [], workflows: [], decisions: [], rules: {}, asyncapi: [], ignores: [], include: [] };
}

function buildServices(ctx: SourceContext, section: YAMLMap): ArchService[] {
  const services: ArchService[] = [];
  for (const entry of entries(ctx, section)) {
    const map = asMap(entry.value);
    if (!map) continue;
    const paths = stringItems(ctx, field(ctx, map, 'paths'))?.map((item) => normaliseServicePath(item.value) || '.');
    if (!paths || paths.length === 0) continue;
    const service: ArchService = { name: entry.name, paths, range: nodeRange(ctx, entry.key) };
    const owner = stringField(ctx, map, 'owner');
    if (owner !== undefined) service.owner = owner;
    const why = stringField(ctx, map, 'why');
    if (why !== undefined) service.why = why;
    services.push(service);
  }
  return services;
}

function buildDatastores(ctx: SourceContext, section: YAMLMap): ArchDatastore[] {
  const datastores: ArchDatastore[] = [];
  for (const entry of entries(ctx, section)) {
    const map = asMap(entry.value);
    if (!map) continue;
    const kind = enumField(ctx, map, 'kind', DATASTORE_KINDS);
    if (!kind) continue;
    const connection = asMap(field(ctx, map, 'connection')?.value ?? null);
    const datastore: ArchDatastore = {
      name: entry.name,
      kind,
      env: connection ? stringList(ctx, connection, 'env') : [],
      urls: connection ? stringList(ctx, connection, 'url') : [],
      range: nodeRange(ctx, entry.key),
    };
    const owner = stringField(ctx, map, 'owner');
    if (owner !== undefined) datastore.owner = owner;
    const schema = stringField(ctx, map, 'schema');
    if (schema !== undefined) datastore.schema = schema;
    datastores.push(datastore);
  }
  return datastores;
}

function buildChannels(ctx: SourceContext, section: YAMLMap): ArchChannel[] {
  const channels: ArchChannel[] = [];
  for (const entry of entries(ctx, section)) {
    const map = asMap(entry.value);
    if (!map) continue;
    const channel: ArchChannel = {
      name: entry.name,
      consumers: stringList(ctx, map, 'consumers'),
      range: nodeRange(ctx, entry.key),
    };
    const broker = enumField(ctx, map, 'broker', BROKERS);
    if (broker) channel.broker = broker;
    const delivery = enumField(ctx, map, 'delivery', DELIVERIES);
    if (delivery) channel.delivery = delivery;
    for (const key of ['producer', 'message', 'ordering', 'idempotencyKey', 'correlation', 'versioning'] as const) {
      const value = stringField(ctx, map, key);
      if (value !== undefined) channel[key] = value;
    }
    channels.push(channel);
  }
  return channels;
}

function buildApis(ctx: SourceContext, section: YAMLMap): ArchApi[] {
  const apis: ArchApi[] = [];
  for (const entry of entries(ctx, section)) {
    const map = asMap(entry.value);
    if (!map) continue;
    const provider = stringField(ctx, map, 'provider');
    if (!provider) continue;
    const api: ArchApi = {
      name: entry.name,
      provider,
      consumers: stringList(ctx, map, 'consumers'),
      range: nodeRange(ctx, entry.key),
    };
    const protocol = enumField(ctx, map, 'protocol', PROTOCOLS);
    if (protocol) api.protocol = protocol;
    const baseUrlEnv = stringField(ctx, map, 'baseUrlEnv');
    if (baseUrlEnv !== undefined) api.baseUrlEnv = baseUrlEnv;
    const timeoutMs = numberField(ctx, map, 'timeoutMs');
    if (timeoutMs !== undefined && timeoutMs > 0) api.timeoutMs = timeoutMs;
    apis.push(api);
  }
  return apis;
}

function buildWorkflows(ctx: SourceContext, section: YAMLMap): ArchWorkflow[] {
  const workflows: ArchWorkflow[] = [];
  for (const entry of entries(ctx, section)) {
    const map = asMap(entry.value);
    if (!map) continue;
    const steps: ArchWorkflowStep[] = [];
    const stepsNode = field(ctx, map, 'steps')?.value ?? null;
    if (isSeq(stepsNode)) {
      for (const item of stepsNode.items) {
        const step = asMap(resolve(ctx, item));
        if (!step) continue;
        const name = stringField(ctx, step, 'name');
        if (!name) continue;
        const built: ArchWorkflowStep = { name, range: nodeRange(ctx, item as Node) };
        for (const key of ['service', 'action', 'compensation'] as const) {
          const value = stringField(ctx, step, key);
          if (value !== undefined) built[key] = value;
        }
        steps.push(built);
      }
    }
    const workflow: ArchWorkflow = { name: entry.name, steps, range: nodeRange(ctx, entry.key) };
    const kind = enumField(ctx, map, 'kind', WORKFLOW_KINDS);
    if (kind) workflow.kind = kind;
    workflows.push(workflow);
  }
  return workflows;
}

function buildDecisions(ctx: SourceContext, node: Node | null): ArchDecision[] {
  const decisions: ArchDecision[] = [];
  if (!isSeq(node)) return decisions;
  for (const item of node.items) {
    const map = asMap(resolve(ctx, item));
    if (!map) continue;
    const flow = stringField(ctx, map, 'flow');
    const pattern = enumField(ctx, map, 'pattern', PATTERNS);
    if (!flow || !pattern) continue;
    const decision: ArchDecision = {
      flow,
      pattern,
      services: stringList(ctx, map, 'services'),
      paths: stringList(ctx, map, 'paths'),
      range: nodeRange(ctx, item as Node),
    };
    const consistency = enumField(ctx, map, 'consistency', CONSISTENCIES);
    if (consistency) decision.consistency = consistency;
    const justification = stringField(ctx, map, 'justification');
    if (justification !== undefined) decision.justification = justification;
    const tradeoff = stringField(ctx, map, 'tradeoff');
    if (tradeoff !== undefined) decision.tradeoff = tradeoff;
    decisions.push(decision);
  }
  return decisions;
}

/** `rule: severity`, or ESLint's `rule: [severity, { options }]`. */
function buildRules(ctx: SourceContext, section: YAMLMap): { rules: Record<string, SeveritySetting>; options: Record<string, Record<string, unknown>> } {
  const rules: Record<string, SeveritySetting> = {};
  const options: Record<string, Record<string, unknown>> = {};
  for (const entry of entries(ctx, section)) {
    const node = resolve(ctx, entry.value as Node);
    const [first, second] = isSeq(node) ? node.items.map((i) => resolve(ctx, i as Node)) : [node, undefined];
    const value = isScalar(first) ? first.value : undefined;
    if (typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value)) {
      rules[entry.name] = value as SeveritySetting;
    }
    if (isMap(second)) options[entry.name] = second.toJSON() as Record<string, unknown>;
  }
  return { rules, options };
}

export function buildArchitecture(ctx: SourceContext, root: YAMLMap, file: string): Architecture {
  const architecture = emptyArchitecture(file);
  const section = (name: string) => asMap(field(ctx, root, name)?.value ?? null);
  const system = stringField(ctx, root, 'system');
  if (system !== undefined) architecture.system = system;
  const services = section('services');
  if (services) architecture.services = buildServices(ctx, services);
  const datastores = section('datastores');
  if (datastores) architecture.datastores = buildDatastores(ctx, datastores);
  const channels = section('channels');
  if (channels) architecture.channels = buildChannels(ctx, channels);
  const apis = section('apis');
  if (apis) architecture.apis = buildApis(ctx, apis);
  const workflows = section('workflows');
  if (workflows) architecture.workflows = buildWorkflows(ctx, workflows);
  architecture.decisions = buildDecisions(ctx, field(ctx, root, 'decisions')?.value ?? null);
  const rules = section('rules');
  if (rules) {
    const built = buildRules(ctx, rules);
    architecture.rules = built.rules;
    if (Object.keys(built.options).length) architecture.ruleOptions = built.options;
  }
  architecture.asyncapi = stringList(ctx, root, 'asyncapi');
  architecture.ignores = stringList(ctx, root, 'ignores');
  architecture.include = stringList(ctx, root, 'include');
  return architecture;
}
