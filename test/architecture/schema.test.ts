import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { KNOWN_RULE_IDS, loadArchitecture } from '../../server/src/engine/architecture/load';

interface JsonSchema {
  $schema?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
}

const schema = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'schemas', 'architecture.schema.json'), 'utf8'),
) as JsonSchema;

/** Every sub-schema with its JSON path. */
function* walk(node: JsonSchema, path: string): Generator<[string, JsonSchema]> {
  yield [path, node];
  for (const [key, child] of Object.entries(node.properties ?? {})) yield* walk(child, `${path}.${key}`);
  for (const [key, child] of Object.entries(node.patternProperties ?? {})) yield* walk(child, `${path}[${key}]`);
  if (typeof node.additionalProperties === 'object') yield* walk(node.additionalProperties, `${path}.*`);
  if (node.items) yield* walk(node.items, `${path}[]`);
}

const enumAt = (path: string): string[] => {
  const found = [...walk(schema, '$')].find(([p]) => p === path);
  assert.ok(found?.[1].enum, `no enum at ${path}`);
  return found[1].enum.map(String);
};

describe('architecture.schema.json', () => {
  it('is a draft-07 schema that compiles in ajv strict mode', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    assert.doesNotThrow(() => ajv.compile(schema));
  });

  it('gives every property a title and a description for editor hover and completion', () => {
    const missing = [...walk(schema, '$')]
      .filter(([, node]) => !node.title || !node.description)
      .map(([path]) => path);
    assert.deepEqual(missing, []);
  });

  it('closes every object to unknown properties except the rules map', () => {
    const open = [...walk(schema, '$')]
      .filter(([, node]) => node.type === 'object' && node.additionalProperties === undefined)
      .map(([path]) => path);
    assert.deepEqual(open, []);
  });

  it('lists the known rule ids for completion', () => {
    assert.deepEqual(Object.keys(schema.properties!.rules!.properties!).sort(), [...KNOWN_RULE_IDS].sort());
  });

  it('every enum value it allows is understood by the loader', () => {
    const kinds = enumAt('$.datastores.*.kind');
    const brokers = enumAt('$.channels.*.broker');
    const deliveries = enumAt('$.channels.*.delivery');
    const protocols = enumAt('$.apis.*.protocol');
    const workflowKinds = enumAt('$.workflows.*.kind');
    const consistencies = enumAt('$.decisions[].consistency');
    const patterns = enumAt('$.decisions[].pattern');
    const severities = enumAt('$.rules.*');
    const text = [
      'services:',
      '  s: {paths: [s]}',
      'datastores:',
      ...kinds.map((k) => `  d-${k}: {kind: ${k}}`),
      'channels:',
      ...brokers.map((b, i) => `  c-${b}: {broker: ${b}, delivery: ${deliveries[i % deliveries.length]}}`),
      'apis:',
      ...protocols.map((p) => `  a-${p}: {provider: s, protocol: ${p}}`),
      'workflows:',
      ...workflowKinds.map((k) => `  w-${k}: {kind: ${k}}`),
      'decisions:',
      ...patterns.map((p, i) => `  - {flow: f, pattern: ${p}, consistency: ${consistencies[i % consistencies.length]}}`),
      'rules:',
      ...KNOWN_RULE_IDS.map((id, i) => `  ${id}: ${severities[i % severities.length]}`),
      '',
    ].join('\n');
    const { architecture, problems } = loadArchitecture(text, 'architecture.yaml');
    assert.deepEqual(problems, []);
    assert.ok(architecture);
    assert.deepEqual(architecture.datastores.map((d) => d.kind), kinds);
    assert.deepEqual(architecture.channels.map((c) => c.broker), brokers);
    assert.deepEqual(new Set(architecture.channels.map((c) => c.delivery)), new Set(deliveries));
    assert.deepEqual(architecture.apis.map((a) => a.protocol), protocols);
    assert.deepEqual(architecture.workflows.map((w) => w.kind), workflowKinds);
    assert.deepEqual(architecture.decisions.map((d) => d.pattern), patterns);
    assert.deepEqual(new Set(architecture.decisions.map((d) => d.consistency)), new Set(consistencies));
    assert.deepEqual(new Set(Object.values(architecture.rules)), new Set(severities));
  });
});
