/**
 * An architecture.yaml drafted from the system model (`distributed-patterns init`): the
 * inferred services with their paths, datastores with their connection and (when one service
 * alone uses it) an owner, channels with producer and consumers. Every inferred entry carries a
 * `# inferred: review` comment with the evidence it came from, so the team corrects it instead
 * of trusting it. The text is valid against schemas/architecture.schema.json.
 */
import type { SystemDescription } from './describe';

const DATASTORE_KINDS = new Set(['postgres', 'mysql', 'mongodb', 'redis', 'dynamodb', 'sqlite', 'mssql', 'elasticsearch']);
const BROKERS: Record<string, string> = {
  kafka: 'kafka', rabbitmq: 'rabbitmq', sqs: 'sqs', sns: 'sns', pubsub: 'pubsub', nats: 'nats', 'nats-streaming': 'nats',
  bullmq: 'bullmq', bull: 'bullmq', redis: 'redis', eventbridge: 'eventbridge', 'azure-service-bus': 'servicebus',
};

export function draftArchitecture(model: SystemDescription, system: string): string {
  const out: string[] = [
    '# Architecture drafted by `distributed-patterns init` from the code and deployment configuration.',
    '# Entries marked "inferred: review" were guessed: check each one, fill in owners and the why of',
    '# each service, then delete the marker. See schemas/architecture.schema.json for every field.',
    'version: 1',
    `system: ${str(system)}`,
    '',
  ];
  const services = new Set(model.services.map((s) => s.name));
  out.push(model.services.length ? 'services:' : 'services: {}');
  for (const s of model.services) {
    out.push(`  ${key(s.name)}: # ${s.inferred ? 'inferred: review' : 'declared'} (${s.kind}; ${where(s.evidence)})`);
    out.push('    paths:', `      - ${str(s.root || '.')}`);
  }
  const stores = model.datastores.filter((d) => d.usedBy.some((u) => services.has(u)));
  if (stores.length) out.push('', 'datastores:');
  const storeNames = new Set<string>();
  for (const d of stores) {
    const name = unique(slug(d.id), storeNames);
    const users = d.usedBy.filter((u) => services.has(u));
    const owner = d.owner ?? (users.length === 1 ? users[0] : undefined);
    out.push(`  ${key(name)}: # inferred: review (used by ${users.join(', ')}${users.length > 1 ? ': shared, pick one owner or split it' : ''}; ${where(d.evidence)})`);
    out.push(`    kind: ${DATASTORE_KINDS.has(d.kind) ? d.kind : 'other'}`);
    if (owner && services.has(owner)) out.push(`    owner: ${str(owner)}`);
    const env = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(d.identity)?.[1] ?? /^env ([A-Za-z_][A-Za-z0-9_]*)$/.exec(d.identity)?.[1] ?? (/^[A-Z_][A-Z0-9_]*$/.test(d.id) ? d.id : undefined);
    const url = /^[a-z+]+:\/\//.test(d.id) ? d.id : undefined;
    if (env || url) {
      out.push('    connection:');
      if (env) out.push(`      env: ${str(env)}`);
      if (url) out.push(`      url: ${str(url)}`);
    }
  }
  const channels = model.channels.filter((c) => c.producers.length || c.consumers.length);
  if (channels.length) out.push('', 'channels:');
  for (const c of channels) {
    const producers = c.producers.filter((p) => services.has(p));
    const consumers = c.consumers.filter((q) => services.has(q));
    const note = producers.length > 1 ? `; published by ${producers.join(', ')}: keep the owner` : producers.length ? '' : '; no producer found in the code';
    out.push(`  ${key(c.name)}: # inferred: review (${c.transport}${note}; ${where(c.evidence)})`);
    const broker = c.transport.split(', ').map((t) => BROKERS[t]).find(Boolean);
    out.push(`    broker: ${broker ?? 'other'}`);
    if (producers.length) out.push(`    producer: ${str(producers[0])}`);
    if (consumers.length) out.push('    consumers:', ...consumers.map((q) => `      - ${str(q)}`));
  }
  return `${out.join('\n')}\n`;
}

function where(evidence: { file: string; line: number }[]): string {
  const first = evidence[0];
  if (!first) return 'no evidence';
  return `${first.file}${first.line ? `:${first.line}` : ''}${evidence.length > 1 ? ` and ${evidence.length - 1} more` : ''}`;
}

function slug(id: string): string {
  const s = id.replace(/^[a-z+]+:\/\//, '').replace(/:\d+(?=\/|$)/g, '').replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');
  return s || 'datastore';
}

function unique(name: string, taken: Set<string>): string {
  let n = name;
  for (let i = 2; taken.has(n); i++) n = `${name}-${i}`;
  taken.add(n);
  return n;
}

/** A mapping key, quoted unless it is a plain word. */
function key(s: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_.\/-]*$/.test(s) && !/^([0-9._-]+|true|false|null|yes|no|on|off|y|n)$/i.test(s) ? s : JSON.stringify(s);
}

/** A scalar value, quoted unless plain. */
function str(s: string): string {
  return key(s);
}
