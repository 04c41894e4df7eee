/**
 * The system model (`distributed-patterns model`): deployables from compose build contexts,
 * infrastructure from images, datastores with the services reaching them, channels linking
 * producers to consumers, calls between services and to external APIs, in the JSON shape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadArchitecture } from '../../server/src/engine/architecture/load';
import { runCli } from '../../server/src/cli/runCli';
import { describeWorkspace } from '../../server/src/engine/system/workspace';
import { renderMermaid } from '../../server/src/cli/commands/model';
import { capture, fakeEngine } from '../cli/helpers';
import { removeWorkspace, writeWorkspace } from '../support/workspace';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const FILES: Record<string, string> = {
  'docker-compose.yml': lines(
    'services:', //                                                    1
    '  orders:', //                                                    2
    '    build: ./services/orders', //                                 3
    '    environment:', //                                             4
    '      DATABASE_URL: postgres://app:secret@db:5432/shop', //      5
    '  billing:', //                                                   6
    '    build: ./services/billing', //                                7
    '    environment:', //                                             8
    '      DATABASE_URL: postgres://app:secret@db:5432/shop', //      9
    '      ORDERS_URL: http://orders:3000', //                        10
    '  db:', //                                                       11
    '    image: postgres:16', //                                      12
    '  kafka:', //                                                    13
    '    image: bitnami/kafka:3.6', //                                14
  ),
  'services/orders/src/main.ts': lines(
    "import { Kafka } from 'kafkajs';", //                                                     1
    "import { Pool } from 'pg';", //                                                           2
    "import express from 'express';", //                                                       3
    'const pool = new Pool({ connectionString: process.env.DATABASE_URL });', //               4
    "const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();", // 5
    'export async function place(id: string) {', //                                            6
    "  await pool.query('INSERT INTO orders (id) VALUES ($1)', [id]);", //                     7
    "  await producer.send({ topic: 'order.placed', messages: [{ value: id }] });", //          8
    '}', //                                                                                    9
    'express().listen(3000);', //                                                             10
  ),
  'services/billing/src/main.ts': lines(
    "import { Kafka } from 'kafkajs';", //                                                     1
    "import { Pool } from 'pg';", //                                                           2
    "import axios from 'axios';", //                                                           3
    'const pool = new Pool({ connectionString: process.env.DATABASE_URL });', //               4
    "const consumer = new Kafka({ clientId: 'billing', brokers: ['kafka:9092'] }).consumer({ groupId: 'billing' });", // 5
    'export async function start() {', //                                                      6
    "  await consumer.subscribe({ topic: 'order.placed' });", //                               7
    '  await consumer.run({', //                                                               8
    '    eachMessage: async ({ message }) => {', //                                            9
    "      await pool.query('SELECT 1');", //                                                  10
    '      await axios.get(`${process.env.ORDERS_URL}/orders/${message.key}`);', //             11
    "      await axios.post('https://api.stripe.com/v1/charges', {});", //                     12
    '    },', //                                                                               13
    '  });', //                                                                                14
    '}', //                                                                                    15
  ),
};

test('model: services, infrastructure, a shared datastore, a channel, a call and an external API, with evidence', () => {
  const root = writeWorkspace(FILES);
  try {
    const model = describeWorkspace({ root });
    assert.deepEqual(model.services, [
      { name: 'billing', root: 'services/billing', kind: 'kafka-consumer', inferred: true, evidence: [{ file: 'docker-compose.yml', line: 6 }] },
      { name: 'orders', root: 'services/orders', kind: 'express', inferred: true, evidence: [{ file: 'docker-compose.yml', line: 2 }] },
    ]);
    assert.deepEqual(model.infrastructure, [
      { name: 'db', kind: 'postgres', evidence: [{ file: 'docker-compose.yml', line: 11 }] },
      { name: 'kafka', kind: 'kafka', evidence: [{ file: 'docker-compose.yml', line: 13 }] },
    ]);
    assert.equal(model.datastores.length, 1);
    assert.deepEqual({ ...model.datastores[0], identity: undefined }, {
      id: 'postgres://db:5432/shop', kind: 'postgres', identity: undefined, usedBy: ['billing', 'orders'], owner: null,
      evidence: [{ file: 'services/billing/src/main.ts', line: 4 }, { file: 'services/orders/src/main.ts', line: 4 }],
    });
    assert.match(model.datastores[0].identity, /^DATABASE_URL=postgres:\/\/app:\*\*\*@db:5432\/shop \(docker-compose\.yml:\d+\)$/);
    assert.deepEqual(model.channels, [{
      name: 'order.placed', transport: 'kafka', producers: ['orders'], consumers: ['billing'],
      evidence: [{ file: 'services/billing/src/main.ts', line: 9 }, { file: 'services/orders/src/main.ts', line: 8 }],
    }]);
    assert.deepEqual(model.syncCalls, [{ from: 'billing', to: 'orders', evidence: [{ file: 'services/billing/src/main.ts', line: 11 }] }]);
    assert.deepEqual(model.externalApis, [{ name: 'api.stripe.com', usedBy: ['billing'], evidence: [{ file: 'services/billing/src/main.ts', line: 12 }] }]);
    assert.deepEqual(describeWorkspace({ root }), model, 'the same workspace gives the same model');
  } finally {
    removeWorkspace(root);
  }
});

test('CLI: model prints JSON by default, YAML and Mermaid on request', async () => {
  const root = writeWorkspace(FILES);
  try {
    const json = capture(root);
    assert.equal(await runCli(['model'], json.io, fakeEngine([])), 0, json.stderr());
    const parsed = JSON.parse(json.stdout());
    assert.deepEqual(Object.keys(parsed), ['services', 'infrastructure', 'datastores', 'channels', 'syncCalls', 'externalApis']);
    assert.deepEqual(Object.keys(parsed.datastores[0]), ['id', 'kind', 'identity', 'usedBy', 'owner', 'evidence']);

    const yaml = capture(root);
    assert.equal(await runCli(['model', '--format', 'yaml'], yaml.io, fakeEngine([])), 0);
    assert.match(yaml.stdout(), /^services:\n {2}- name: billing\n/);

    const mermaid = capture(root);
    assert.equal(await runCli(['model', '--format', 'mermaid'], mermaid.io, fakeEngine([])), 0);
    assert.equal(mermaid.stdout(), renderMermaid(parsed));
    const drawn = mermaid.stdout();
    assert.match(drawn, /^ {2}subgraph services\["Services"\]\n {4}svc_billing\["billing<br\/>kafka-consumer, inferred"\]\n {4}svc_orders\["orders<br\/>express, inferred"\]\n {2}end$/m);
    // Infrastructure that is not a datastore (the broker; the database is drawn as the datastore the code uses).
    assert.match(drawn, /^ {2}subgraph infrastructure\["Infrastructure"\]\n {4}infra_kafka\[\/"kafka<br\/>kafka"\/\]\n {2}end$/m);
    assert.match(drawn, /^ {4}ext_api_stripe_com\{\{"api\.stripe\.com<br\/>external API"\}\}$/m);
    assert.match(drawn, /^ {2}svc_orders -->\|"order\.placed · kafka"\| svc_billing$/m);
    assert.match(drawn, /^ {2}svc_billing -\.->\|"HTTP"\| svc_orders$/m);
    assert.match(drawn, /^ {2}svc_billing -\.->\|"HTTP api\.stripe\.com"\| ext_api_stripe_com$/m);
    assert.match(drawn, /^ {2}svc_orders -\.->\|"shares postgres:\/\/db:5432\/shop"\| ds_postgres___db_5432_shop$/m);

    const bad = capture(root);
    assert.equal(await runCli(['model', '--format', 'dot'], bad.io, fakeEngine([])), 2);
  } finally {
    removeWorkspace(root);
  }
});

test('init: drafts a schema-valid architecture.yaml from the model, marks inferred entries, never overwrites', async () => {
  const root = writeWorkspace(FILES);
  try {
    const first = capture(root);
    assert.equal(await runCli(['init'], first.io, fakeEngine([])), 0, first.stderr());
    const text = fs.readFileSync(path.join(root, 'architecture.yaml'), 'utf8');
    const loaded = loadArchitecture(text, 'architecture.yaml');
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(loaded.architecture!.services.map((s) => [s.name, s.paths]), [['billing', ['services/billing']], ['orders', ['services/orders']]]);
    assert.deepEqual(loaded.architecture!.channels.map((c) => [c.name, c.broker, c.producer, c.consumers]), [['order.placed', 'kafka', 'orders', ['billing']]]);
    assert.deepEqual(loaded.architecture!.datastores.map((d) => [d.kind, d.owner, d.env]), [['postgres', undefined, ['DATABASE_URL']]]);
    assert.match(text, /^ {2}billing: # inferred: review \(kafka-consumer; docker-compose\.yml:6\)$/m);
    assert.match(text, /# inferred: review \(used by billing, orders: shared, pick one owner or split it;/);

    fs.writeFileSync(path.join(root, 'architecture.yaml'), 'version: 1\n');
    const again = capture(root);
    assert.equal(await runCli(['init'], again.io, fakeEngine([])), 1);
    assert.match(again.stderr(), /architecture\.yaml already exists; it was left as it is/);
    assert.equal(fs.readFileSync(path.join(root, 'architecture.yaml'), 'utf8'), 'version: 1\n');
  } finally {
    removeWorkspace(root);
  }
});
