/**
 * The Mermaid service map stays readable at 15+ services: nodes grouped by
 * kind, one edge per ordered pair with its channels listed (capped), no
 * duplicate edges, one "?" node for channels nobody publishes and one
 * "no consumer" node for channels nobody consumes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SystemDescription } from '../../server/src/engine/system/describe';
import { mapFromDescription } from '../../server/src/report/map/graph';
import { renderMermaid } from '../../server/src/report/map/mermaid';

const at = [{ file: 'x.ts', line: 1 }];

function system(): SystemDescription {
  const names = Array.from({ length: 16 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
  const channels: SystemDescription['channels'] = [];
  // A chain: each service publishes five events to the next one.
  names.forEach((n, i) => {
    if (i === names.length - 1) return;
    for (let k = 0; k < 5; k++) channels.push({ name: `${n}.event-${k}`, transport: 'kafka', producers: [n], consumers: [names[i + 1]], evidence: at });
  });
  channels.push({ name: 'audit', transport: 'kafka', producers: [], consumers: ['svc-00', 'svc-03'], evidence: at });
  channels.push({ name: 'legacy', transport: 'rabbitmq', producers: [], consumers: ['svc-00'], evidence: at });
  channels.push({ name: 'metrics', transport: 'kafka', producers: ['svc-04', 'svc-05'], consumers: [], evidence: at });
  channels.push({ name: 'mixed', transport: 'rabbitmq', producers: ['svc-00'], consumers: ['svc-01'], evidence: at });
  return {
    services: names.map((name) => ({ name, root: `apps/${name}`, kind: 'nestjs', inferred: true, evidence: at })),
    infrastructure: [
      { name: 'kafka', kind: 'kafka', evidence: at },
      { name: 'postgres', kind: 'postgres', evidence: at },
      { name: 'nginx', kind: 'proxy', evidence: at },
    ],
    datastores: [{ id: 'postgres://db/main', kind: 'postgres', identity: 'DATABASE_URL', usedBy: ['svc-01', 'svc-02'], owner: null, evidence: at }],
    channels,
    syncCalls: [{ from: 'svc-00', to: 'svc-01', evidence: at }],
    externalApis: [{ name: 'api.stripe.com', usedBy: ['svc-02'], evidence: at }],
  };
}

const edgeLines = (text: string) => text.split('\n').filter((l) => /^ {2}\S+ (-->|-\.->|---|-\.-)/.test(l));

test('16 services: one edge per ordered pair, channels listed and capped, calls on the same edge', () => {
  const text = renderMermaid(mapFromDescription(system(), 'shop'));
  const edges = edgeLines(text);
  const pairs = edges.map((l) => { const m = /^ {2}(\S+) \S+(?:\|"[^"]*"\|)? (\S+)$/.exec(l)!; return `${m[1]}>${m[2]}`; });
  assert.equal(new Set(pairs).size, pairs.length, `no duplicate edges:\n${edges.join('\n')}`);
  // 15 chain pairs, ? → svc-00 and ? → svc-03, svc-04/05 → no consumer, stripe, two datastore uses.
  assert.equal(edges.length, 15 + 2 + 2 + 1 + 2);
  assert.ok(edges.includes('  svc_svc_00 -->|"mixed, svc-00.event-0, svc-00.event-1 +3 more · kafka, rabbitmq; HTTP"| svc_svc_01'), edges.join('\n'));
  assert.ok(edges.includes('  svc_svc_05 -->|"svc-05.event-0, svc-05.event-1, svc-05.event-2 +2 more · kafka"| svc_svc_06'));
  assert.ok(edges.includes('  unknown_producer -->|"audit, legacy · kafka, rabbitmq"| svc_svc_00'));
  assert.ok(edges.includes('  unknown_producer -->|"audit · kafka"| svc_svc_03'));
  assert.ok(edges.includes('  svc_svc_04 -.->|"metrics · kafka"| unknown_consumer'));
  assert.ok(edges.includes('  svc_svc_02 -.->|"HTTP api.stripe.com"| ext_api_stripe_com'));
});

test('nodes grouped by kind: services, infrastructure (no datastore containers), external APIs, datastores', () => {
  const text = renderMermaid(mapFromDescription(system(), 'shop'));
  const groups = [...text.matchAll(/^ {2}subgraph (\w+)\["([^"]+)"\]\n((?: {4}.*\n)*) {2}end$/gm)].map((m) => [m[1], m[3].trim().split('\n').length]);
  assert.deepEqual(groups, [['services', 16], ['infrastructure', 2], ['external_apis', 1], ['datastores', 1]]);
  assert.doesNotMatch(text, /infra_postgres/);
  assert.match(text, /^ {2}unknown_producer\(\("\?"\)\)$/m);
  assert.match(text, /^ {2}unknown_consumer\(\("no consumer<br\/>found"\)\)$/m);
  assert.equal(text.match(/unknown_producer\(\(/g)?.length, 1, 'one "?" node for every channel without a producer');
});
