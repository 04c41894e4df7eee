/**
 * Loads `architecture.yaml`: parses it with exact source positions, validates
 * it against the JSON Schema, checks cross references, and builds the
 * best-effort `Architecture` model from whatever parts are valid.
 *
 * Best effort means: an entry with a wrong-typed optional field keeps its
 * other fields; an entry that is not a mapping, or whose required field
 * (service `paths`, datastore `kind`, api `provider`, step `name`, decision
 * `flow`/`pattern`) is missing or invalid, is dropped. Every problem is also
 * reported, so the user sees why.
 */
import { LineCounter, isCollection, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Node, Scalar, YAMLError, YAMLMap } from 'yaml';
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
  ArchitectureLoadResult,
  ArchitectureProblem,
  DatastoreKind,
  DecisionPattern,
} from './model';
import { KNOWN_RULE_IDS, checkOverlappingPaths, checkReferences, normaliseServicePath } from './references';
import { validateAgainstSchema } from './schemaValidation';
import {
  asMap,
  entries,
  enumField,
  field,
  keyName,
  keyNode,
  nodeRange,
  numberField,
  offsetsToRange,
  resolve,
  stringField,
  stringItems,
  stringList,
} from './yamlNodes';
import type { SourceContext } from './yamlNodes';
import { MAX_YAML_ALIASES, yamlBudgetProblem } from './yamlBudget';

export { KNOWN_RULE_IDS } from './references';
export { architectureSchema } from './schemaValidation';

export interface LoadArchitectureOptions {
  /** Rule ids accepted as keys of `rules:`; defaults to the rules the analyzer ships. */
  ruleIds?: readonly string[];
}

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

function emptyArchitecture(file: string): Architecture {
  return { file, services: [], datastores: [], channels: [], apis: [], workflows: [], decisions: [], rules: {}, asyncapi: [], ignores: [], include: [] };
}

// ---------------------------------------------------------------------------
// YAML syntax problems

const YAML_HINTS: Record<string, string> = {
  BAD_INDENT: 'Indent with spaces so that keys of the same mapping start at the same column, and nested keys further right.',
  TAB_AS_INDENT: 'Replace the tabs with spaces; YAML does not allow tabs for indentation.',
  MISSING_CHAR: 'Add the missing closing character.',
  MULTIPLE_DOCS: 'Keep a single document: remove the --- separator and merge the sections into one mapping.',
  BLOCK_AS_IMPLICIT_KEY: 'Put a space after the colon of the key, or quote the key.',
  MULTILINE_IMPLICIT_KEY: 'Keep each key on one line and put a space after its colon, or quote the value.',
  UNEXPECTED_TOKEN: 'Check the punctuation around this point: a key needs "key: value", a list item needs "- value".',
  BAD_SCALAR_START: 'Quote the value, e.g. "..." when it starts with a special character such as @, ` or %.',
  BAD_DQ_ESCAPE: 'Fix the backslash escape in the double-quoted string, or use single quotes.',
  BAD_ALIAS: 'Define the anchor (&name) before using the alias (*name).',
  BLOCK_IN_FLOW: 'Inside [ ] or { } write values on one line, or switch to block style with "- item" lines.',
  KEY_OVER_1024_CHARS: 'Shorten the key.',
  COMMENT_SPACE: 'Put a space before the # that starts a comment.',
};

/**
 * The quoted scalar an unclosed-quote error belongs to: yaml reports the
 * error where the text ends, but the opening quote is what needs fixing.
 */
function unclosedQuote(ctx: SourceContext, offset: number): Scalar | undefined {
  let found: Scalar | undefined;
  visit(ctx.doc, {
    Scalar(_, scalar) {
      const [start, end] = scalar.range ?? [0, 0];
      const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';
      if (quoted && start < offset && end >= offset && (!found || start > (found.range?.[0] ?? 0))) found = scalar;
    },
  });
  return found;
}

function yamlProblem(ctx: SourceContext, error: YAMLError): ArchitectureProblem {
  const [start, end] = error.pos;
  // yaml appends " at line L, column C:" and a code excerpt; the range carries that.
  let message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
  let range = offsetsToRange(ctx, start, Math.max(start, end));
  let hint = YAML_HINTS[error.code] ?? 'Fix the YAML syntax at this point; quoting a value with special characters often helps.';
  if (error.code === 'MULTIPLE_DOCS') message = 'The architecture file must contain a single YAML document';
  if (error.code === 'MISSING_CHAR' && /quote/i.test(message)) {
    const scalar = unclosedQuote(ctx, start);
    if (scalar?.range) {
      const open = scalar.range[0];
      const lineEnd = ctx.text.indexOf('\n', open);
      const quote = ctx.text[open] === "'" ? 'single' : 'double';
      message = `The ${quote}-quoted string that starts here is never closed`;
      hint = `Add the closing ${quote === 'single' ? "'" : '"'} at the end of the value.`;
      range = offsetsToRange(ctx, open, (lineEnd < 0 ? ctx.text.length : lineEnd) - (ctx.text[lineEnd - 1] === '\r' ? 1 : 0));
    }
  }
  if (/^Flow (sequence|mapping)/.test(message)) {
    hint = 'Close the [ list ] or { mapping } on the same line, or indent its continuation lines further than the key.';
  }
  if (!/[.!?]$/.test(message)) message += '.';
  return { messageId: 'yamlSyntax', message: `YAML syntax error: ${message}`, hint, range };
}

/**
 * Drops schema and reference problems that are only echoes of a syntax error:
 * anything on the broken line, and "got nothing" on the line before it (a key
 * whose indented value could not be read).
 */
function withoutSyntaxEchoes(problems: ArchitectureProblem[], syntaxLines: ReadonlySet<number>): ArchitectureProblem[] {
  if (syntaxLines.size === 0) return problems;
  return problems.filter((p) => {
    const line = p.range.start.line;
    if (syntaxLines.has(line)) return false;
    return !(syntaxLines.has(line + 1) && p.message.endsWith('got nothing.'));
  });
}

/** Repeated keys in any mapping (the second and later occurrences). */
function duplicateKeyProblems(ctx: SourceContext): ArchitectureProblem[] {
  const problems: ArchitectureProblem[] = [];
  visit(ctx.doc, {
    Map(_, map) {
      const seen = new Map<string, Node>();
      for (const pair of map.items) {
        const name = keyName(pair);
        const key = keyNode(pair);
        if (name === undefined || !key) continue;
        const first = seen.get(name);
        if (!first) {
          seen.set(name, key);
          continue;
        }
        problems.push({
          messageId: 'duplicateKey',
          message: `Duplicate key "${name}": it is already defined on line ${nodeRange(ctx, first).start.line}.`,
          hint: 'Remove or rename one of them; when a key repeats, only the last one is used.',
          range: nodeRange(ctx, key),
        });
      }
    },
  });
  return problems;
}

// ---------------------------------------------------------------------------
// Model

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

function buildArchitecture(ctx: SourceContext, root: YAMLMap, file: string): Architecture {
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

// ---------------------------------------------------------------------------

function byPosition(a: ArchitectureProblem, b: ArchitectureProblem): number {
  return a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;
}

function describeRoot(node: Node): string {
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    return typeof value === 'string' ? `the text "${value.length > 40 ? `${value.slice(0, 37)}...` : value}"` : `the value ${String(value)}`;
  }
  return isCollection(node) ? 'a collection' : 'something else';
}

/**
 * Parses and checks an architecture file. `file` is its workspace-relative
 * path, stored in `Architecture.file`. Never throws on bad input: every
 * problem comes back in `problems`, positioned with 1-based line/column.
 */
export function loadArchitecture(text: string, file: string, options: LoadArchitectureOptions = {}): ArchitectureLoadResult {
  // Checked on the tokens before anything is built: composing 200,000 aliases alone takes seconds.
  const overBudget = yamlBudgetProblem(text);
  if (overBudget) return { architecture: undefined, problems: [overBudget] };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const ctx: SourceContext = { text, lineCounter, doc };
  const problems: ArchitectureProblem[] = doc.errors.map((error) => yamlProblem(ctx, error));
  problems.push(...duplicateKeyProblems(ctx));

  const root = resolve(ctx, doc.contents);
  if (!root || (isScalar(root) && root.value === null)) {
    // An empty (or comments-only) file is a valid, empty architecture.
    return { architecture: emptyArchitecture(file), problems: problems.sort(byPosition) };
  }
  if (!isMap(root)) {
    const range = nodeRange(ctx, root);
    problems.push({
      messageId: 'schema',
      message: `The architecture file must be a mapping of sections (version, system, services, datastores, channels, apis, workflows, decisions, rules, asyncapi, ignores, include), got ${describeRoot(root)}.`,
      hint: 'Write the sections as top-level keys, e.g. "version: 1" on the first line and "services:" below it.',
      range,
    });
    return { architecture: undefined, problems: problems.sort(byPosition) };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    problems.push({
      messageId: 'yamlSyntax',
      message: `The YAML could not be read: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'Use fewer aliases (*name); write the values out instead.',
      range: nodeRange(ctx, root),
    });
  }
  const semantic: ArchitectureProblem[] = [];
  if (data !== undefined) semantic.push(...validateAgainstSchema(ctx, data));
  semantic.push(...checkReferences(ctx, root, options.ruleIds ?? KNOWN_RULE_IDS));
  semantic.push(...checkOverlappingPaths(ctx, root));
  const syntaxLines = new Set(problems.filter((p) => p.messageId === 'yamlSyntax').map((p) => p.range.start.line));
  problems.push(...withoutSyntaxEchoes(semantic, syntaxLines));

  return { architecture: buildArchitecture(ctx, root, file), problems: problems.sort(byPosition) };
}
