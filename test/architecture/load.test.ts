import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadArchitecture } from '../../server/src/engine/architecture/load';
import type { ArchitectureProblem } from '../../server/src/engine/architecture/model';
import type { Range } from '../../server/src/engine/types';

/** Joins lines so that fixture line N is element N-1. */
const lines = (...l: string[]) => `${l.join('\n')}\n`;

const range = (line: number, column: number, endLine: number, endColumn: number): Range => ({
  start: { line, column },
  end: { line: endLine, column: endColumn },
});

function load(text: string) {
  return loadArchitecture(text, 'architecture.yaml');
}

function only(problems: ArchitectureProblem[], messageId?: ArchitectureProblem['messageId']): ArchitectureProblem {
  const matching = messageId ? problems.filter((p) => p.messageId === messageId) : problems;
  assert.equal(matching.length, 1, `expected one ${messageId ?? ''} problem, got ${JSON.stringify(problems, null, 2)}`);
  return matching[0]!;
}

const FULL = lines(
  'version: 1', //                                                             1
  'system: checkout', //                                                       2
  'services:', //                                                              3
  '  orders:', //                                                              4
  '    paths: [services/orders]        # folders or globs', //                 5
  '    owner: team-orders', //                                                 6
  '    why: "independent release cadence"', //                                 7
  '  payments:', //                                                            8
  '    paths: [services/payments/]', //                                        9
  '  notifications:', //                                                       10
  '    paths: services/notifications', //                                      11
  '  inventory: { paths: [services/inventory] }', //                           12
  '  ledger:', //                                                              13
  '    paths: [services/ledger]', //                                           14
  'datastores:', //                                                            15
  '  orders-db:', //                                                           16
  '    kind: postgres', //                                                     17
  '    owner: orders', //                                                      18
  '    connection:', //                                                        19
  '      env: ORDERS_DATABASE_URL', //                                         20
  '      url: postgres://orders-db:5432/orders', //                            21
  '    schema: orders', //                                                     22
  '  cache:', //                                                               23
  '    kind: redis', //                                                        24
  'channels:', //                                                              25
  '  order.created:', //                                                       26
  '    broker: kafka', //                                                      27
  '    producer: orders', //                                                   28
  '    consumers: [payments, notifications]', //                               29
  '    message: OrderCreated', //                                              30
  '    delivery: at-least-once', //                                            31
  '    ordering: "per key (orderId)"', //                                      32
  '    idempotencyKey: "header message-id"', //                                33
  '    correlation: "header x-correlation-id"', //                             34
  '    versioning: "additive fields only"', //                                 35
  'apis:', //                                                                  36
  '  payments-http:', //                                                       37
  '    provider: payments', //                                                 38
  '    consumers: [orders]', //                                                39
  '    protocol: http', //                                                     40
  '    baseUrlEnv: PAYMENTS_URL', //                                           41
  '    timeoutMs: 2000', //                                                    42
  'workflows:', //                                                             43
  '  checkout-saga:', //                                                       44
  '    kind: orchestration', //                                                45
  '    steps:', //                                                             46
  '      - name: reserve-stock', //                                            47
  '        service: inventory', //                                             48
  '        action: reserveStock', //                                           49
  '        compensation: releaseStock   # undo', //                            50
  '      - name: charge', //                                                   51
  '        service: payments', //                                              52
  'decisions:', //                                                             53
  '  - flow: ledger-transfer', //                                              54
  '    consistency: strong', //                                                55
  '    pattern: two-phase-commit', //                                          56
  '    justification: "regulator requires atomic postings across both ledgers"', // 57
  '    services: [ledger]', //                                                 58
  '    paths: [services/ledger/src/transfer.ts]', //                           59
  '    tradeoff: "blocking on coordinator failure"', //                        60
  'rules:', //                                                                 61
  '  dual-write: error', //                                                    62
  '  shared-database: off', //                                                 63
  'asyncapi: [docs/asyncapi.yaml]', //                                         64
);

describe('loadArchitecture: a full valid file', () => {
  const { architecture, problems } = load(FULL);

  it('reports no problems', () => {
    assert.deepEqual(problems, []);
  });

  it('reads top-level fields', () => {
    assert.ok(architecture);
    assert.equal(architecture.file, 'architecture.yaml');
    assert.equal(architecture.system, 'checkout');
    assert.deepEqual(architecture.rules, { 'dual-write': 'error', 'shared-database': 'off' });
    assert.deepEqual(architecture.asyncapi, ['docs/asyncapi.yaml']);
  });

  it('reads services, normalising paths to lists without trailing slashes', () => {
    const services = architecture!.services;
    assert.deepEqual(services.map((s) => s.name), ['orders', 'payments', 'notifications', 'inventory', 'ledger']);
    assert.deepEqual(services[0], {
      name: 'orders',
      paths: ['services/orders'],
      owner: 'team-orders',
      why: 'independent release cadence',
      range: range(4, 3, 4, 9),
    });
    assert.deepEqual(services[1]!.paths, ['services/payments']);
    assert.deepEqual(services[2]!.paths, ['services/notifications']);
    assert.deepEqual(services[3]!.paths, ['services/inventory']);
    assert.deepEqual(services[3]!.range, range(12, 3, 12, 12));
  });

  it('reads datastores, normalising connection env/url to lists', () => {
    assert.deepEqual(architecture!.datastores, [
      {
        name: 'orders-db',
        kind: 'postgres',
        owner: 'orders',
        env: ['ORDERS_DATABASE_URL'],
        urls: ['postgres://orders-db:5432/orders'],
        schema: 'orders',
        range: range(16, 3, 16, 12),
      },
      { name: 'cache', kind: 'redis', env: [], urls: [], range: range(23, 3, 23, 8) },
    ]);
  });

  it('reads channels', () => {
    assert.deepEqual(architecture!.channels, [
      {
        name: 'order.created',
        broker: 'kafka',
        producer: 'orders',
        consumers: ['payments', 'notifications'],
        message: 'OrderCreated',
        delivery: 'at-least-once',
        ordering: 'per key (orderId)',
        idempotencyKey: 'header message-id',
        correlation: 'header x-correlation-id',
        versioning: 'additive fields only',
        range: range(26, 3, 26, 16),
      },
    ]);
  });

  it('reads apis', () => {
    assert.deepEqual(architecture!.apis, [
      {
        name: 'payments-http',
        provider: 'payments',
        consumers: ['orders'],
        protocol: 'http',
        baseUrlEnv: 'PAYMENTS_URL',
        timeoutMs: 2000,
        range: range(37, 3, 37, 16),
      },
    ]);
  });

  it('reads workflows; a step range is its list item, without a trailing comment', () => {
    const [workflow] = architecture!.workflows;
    assert.ok(workflow);
    assert.equal(workflow.name, 'checkout-saga');
    assert.equal(workflow.kind, 'orchestration');
    assert.deepEqual(workflow.range, range(44, 3, 44, 16));
    assert.deepEqual(workflow.steps, [
      {
        name: 'reserve-stock',
        service: 'inventory',
        action: 'reserveStock',
        compensation: 'releaseStock',
        range: range(47, 9, 50, 35),
      },
      { name: 'charge', service: 'payments', range: range(51, 9, 52, 26) },
    ]);
  });

  it('reads decisions', () => {
    assert.deepEqual(architecture!.decisions, [
      {
        flow: 'ledger-transfer',
        consistency: 'strong',
        pattern: 'two-phase-commit',
        justification: 'regulator requires atomic postings across both ledgers',
        services: ['ledger'],
        paths: ['services/ledger/src/transfer.ts'],
        tradeoff: 'blocking on coordinator failure',
        range: range(54, 5, 60, 48),
      },
    ]);
  });
});

describe('loadArchitecture: minimal and degenerate files', () => {
  const empty = {
    file: 'architecture.yaml',
    services: [],
    datastores: [],
    channels: [],
    apis: [],
    workflows: [],
    decisions: [],
    rules: {},
    asyncapi: [],
    ignores: [],
    include: [],
  };

  it('an empty file is an empty architecture without problems', () => {
    assert.deepEqual(load(''), { architecture: empty, problems: [] });
  });

  it('a comments-only file is an empty architecture without problems', () => {
    assert.deepEqual(load('# to be written\n'), { architecture: empty, problems: [] });
  });

  it('version is optional and missing sections default to empty lists', () => {
    const { architecture, problems } = load(lines('services:', '  a:', '    paths: [src]'));
    assert.deepEqual(problems, []);
    assert.deepEqual(architecture, { ...empty, services: [{ name: 'a', paths: ['src'], range: range(2, 3, 2, 4) }] });
  });

  it('a plain scalar is not an architecture', () => {
    const { architecture, problems } = load('hello\n');
    assert.equal(architecture, undefined);
    const problem = only(problems);
    assert.equal(problem.messageId, 'schema');
    assert.deepEqual(problem.range, range(1, 1, 1, 6));
    assert.match(problem.message, /must be a mapping of sections .*, got the text "hello"\.$/);
    assert.ok(problem.hint.length > 0);
  });

  it('a top-level list is not an architecture', () => {
    const { architecture, problems } = load(lines('- orders', '- payments'));
    assert.equal(architecture, undefined);
    assert.deepEqual(only(problems, 'schema').range, range(1, 1, 2, 11));
  });

  it('accepts x- extension sections', () => {
    assert.deepEqual(load(lines('x-notes: {anything: [1, 2]}')).problems, []);
  });
});

describe('loadArchitecture: YAML syntax errors', () => {
  it('bad indentation is a yamlSyntax problem at the misaligned key, without echoes on that line', () => {
    const { architecture, problems } = load(lines(
      'services:',
      '  orders:',
      '    paths: [services/orders]',
      '   owner: team-orders',
    ));
    const problem = only(problems);
    assert.equal(problem.messageId, 'yamlSyntax');
    assert.deepEqual(problem.range, range(4, 1, 4, 2));
    assert.equal(problem.message, 'YAML syntax error: All mapping items must start at the same column.');
    assert.match(problem.hint, /same column/);
    // Keeps going: the part that could be read is still there.
    assert.deepEqual(architecture!.services.map((s) => s.name), ['orders']);
  });

  it('an unclosed quote points at the opening quote', () => {
    const { problems } = load(lines('system: "checkout', 'services: {}'));
    const problem = only(problems);
    assert.equal(problem.messageId, 'yamlSyntax');
    assert.deepEqual(problem.range, range(1, 9, 1, 18));
    assert.equal(problem.message, 'YAML syntax error: The double-quoted string that starts here is never closed.');
    assert.equal(problem.hint, 'Add the closing " at the end of the value.');
  });

  it('a tab used for indentation', () => {
    const { problems } = load(lines('services:', '\torders:', '\t\tpaths: [a]'));
    const syntax = problems.filter((p) => p.messageId === 'yamlSyntax');
    assert.deepEqual(syntax[0]!.range, range(2, 1, 2, 2));
    assert.equal(syntax[0]!.message, 'YAML syntax error: Tabs are not allowed as indentation.');
    assert.match(syntax[0]!.hint, /spaces/);
  });

  it('several documents in one file', () => {
    const problem = only(load(lines('version: 1', '---', 'version: 1')).problems);
    assert.equal(problem.messageId, 'yamlSyntax');
    assert.equal(problem.range.start.line, 2);
    assert.match(problem.message, /single YAML document/);
  });

  it('a duplicate key is reported at the second key; the last one is used', () => {
    const { architecture, problems } = load(lines(
      'services:',
      '  orders:',
      '    paths: [a]',
      '  orders:',
      '    paths: [b]',
    ));
    const problem = only(problems);
    assert.equal(problem.messageId, 'duplicateKey');
    assert.deepEqual(problem.range, range(4, 3, 4, 9));
    assert.equal(problem.message, 'Duplicate key "orders": it is already defined on line 2.');
    assert.deepEqual(architecture!.services.map((s) => s.paths), [['b']]);
  });
});

describe('loadArchitecture: schema violations', () => {
  it('a wrong type is reported at the value; the entry keeps its other fields', () => {
    const { architecture, problems } = load(lines(
      'services:',
      '  orders: {paths: [services/orders]}',
      '  payments: {paths: [services/payments]}',
      'apis:',
      '  payments-http:',
      '    provider: payments',
      '    timeoutMs: "2s"',
      '    consumers: [orders]',
    ));
    const problem = only(problems);
    assert.equal(problem.messageId, 'schema');
    assert.deepEqual(problem.range, range(7, 16, 7, 20));
    assert.equal(problem.message, '"timeoutMs" must be a number, got string "2s".');
    assert.equal(problem.hint, 'Write the timeout in milliseconds, e.g. timeoutMs: 2000.');
    assert.deepEqual(architecture!.apis, [
      { name: 'payments-http', provider: 'payments', consumers: ['orders'], range: range(5, 3, 5, 16) },
    ]);
  });

  it('a number where text is expected suggests quoting', () => {
    const problem = only(load(lines('datastores:', '  db:', '    kind: postgres', '    schema: 2024')).problems);
    assert.deepEqual(problem.range, range(4, 13, 4, 17));
    assert.equal(problem.message, '"schema" must be a string, got number 2024.');
    assert.equal(problem.hint, 'Quote the value so YAML reads it as text, e.g. schema: "2024".');
  });

  it('an unknown property is reported at its key with the closest known one', () => {
    const { problems } = load(lines(
      'services:',
      '  payments:',
      '    paths: [services/payments]',
      'apis:',
      '  payments-http:',
      '    provider: payments',
      '    timeout: 2000',
    ));
    const problem = only(problems);
    assert.equal(problem.messageId, 'schema');
    assert.deepEqual(problem.range, range(7, 5, 7, 12));
    assert.equal(problem.message, 'Unknown property "timeout" in API "payments-http".');
    assert.equal(problem.hint, 'Did you mean "timeoutMs"? Known properties: provider, consumers, protocol, baseUrlEnv, timeoutMs.');
  });

  it('an unknown section suggests the closest section', () => {
    const problem = only(load(lines('service:', '  a: {paths: [a]}')).problems);
    assert.deepEqual(problem.range, range(1, 1, 1, 8));
    assert.equal(problem.message, 'Unknown section "service".');
    assert.match(problem.hint, /^Did you mean "services"\? Known sections: version, system, services,/);
  });

  it('an enum violation lists the allowed values and suggests the closest', () => {
    const { architecture, problems } = load(lines(
      'channels:',
      '  order.created:',
      '    delivery: at-least-one',
      '    message: OrderCreated',
    ));
    const problem = only(problems);
    assert.equal(problem.messageId, 'schema');
    assert.deepEqual(problem.range, range(3, 15, 3, 27));
    assert.equal(
      problem.message,
      '"delivery" must be one of at-most-once, at-least-once, exactly-once; got string "at-least-one".',
    );
    assert.equal(problem.hint, 'Did you mean delivery: at-least-once?');
    // The optional field is dropped, the channel is kept.
    assert.deepEqual(architecture!.channels, [
      { name: 'order.created', consumers: [], message: 'OrderCreated', range: range(2, 3, 2, 16) },
    ]);
  });

  it('an invalid required enum drops the entry but not its siblings', () => {
    const { architecture, problems } = load(lines(
      'datastores:',
      '  orders-db:',
      '    kind: postgress',
      '  cache:',
      '    kind: redis',
    ));
    const problem = only(problems);
    assert.deepEqual(problem.range, range(3, 11, 3, 20));
    assert.match(problem.message, /^"kind" must be one of postgres, mysql, mongodb, redis, dynamodb, sqlite, mssql, elasticsearch, other; got string "postgress"\.$/);
    assert.equal(problem.hint, 'Did you mean kind: postgres?');
    assert.deepEqual(architecture!.datastores.map((d) => d.name), ['cache']);
  });

  it('an unknown rule severity', () => {
    const problem = only(load(lines('rules:', '  dual-write: warn')).problems);
    assert.deepEqual(problem.range, range(2, 15, 2, 19));
    assert.equal(problem.message, 'Rule "dual-write" must be one of error, warning, info, off; got string "warn".');
    assert.equal(problem.hint, 'Did you mean dual-write: warning?');
  });

  it('rule options in ESLint form: [severity, { options }]', () => {
    const { architecture, problems } = load(lines('rules:', '  missing-correlation-id: [error, { requireBusinessCorrelationId: true }]', '  dual-write: off'));
    assert.deepEqual(problems, []);
    assert.deepEqual(architecture!.rules, { 'missing-correlation-id': 'error', 'dual-write': 'off' });
    assert.deepEqual(architecture!.ruleOptions, { 'missing-correlation-id': { requireBusinessCorrelationId: true } });
  });

  it('an unknown rule option is a schema problem', () => {
    const problem = only(load(lines('rules:', '  missing-correlation-id: [warning, { requireBusinessId: true }]')).problems);
    assert.equal(problem.message, 'Unknown property "requireBusinessId" in item 2 of "missing-correlation-id".');
  });

  it('a missing required property is reported at the entry key', () => {
    const { architecture, problems } = load(lines(
      'services:',
      '  orders:',
      '    owner: team-orders',
      '  payments:',
      '    paths: [services/payments]',
    ));
    const problem = only(problems);
    assert.equal(problem.messageId, 'schema');
    assert.deepEqual(problem.range, range(2, 3, 2, 9));
    assert.equal(problem.message, 'Service "orders" is missing "paths".');
    assert.equal(problem.hint, 'Add the source paths, e.g. paths: [services/orders].');
    assert.deepEqual(architecture!.services.map((s) => s.name), ['payments']);
  });

  it('a missing required property of a list item is reported at the item', () => {
    const problem = only(load(lines('decisions:', '  - flow: ledger-transfer', '    consistency: strong')).problems);
    assert.deepEqual(problem.range, range(2, 5, 3, 24));
    assert.equal(problem.message, 'Decision 1 is missing "pattern".');
    assert.equal(problem.hint, 'Add the pattern, e.g. pattern: outbox.');
  });

  it('an empty value is reported at its key', () => {
    const problem = only(load(lines('services:', '  orders:', '    paths:')).problems);
    assert.deepEqual(problem.range, range(3, 5, 3, 10));
    assert.equal(problem.message, '"paths" must be a string or a list of strings, got nothing.');
  });

  it('a property written at the level of the entry names says to indent it', () => {
    const { problems } = load(lines('services:', '  orders:', '  paths: [services/orders]'));
    assert.deepEqual(
      problems.map((p) => [p.range, p.message]),
      [
        [range(2, 3, 2, 9), 'Service "orders" must be a mapping, got nothing.'],
        [range(3, 10, 3, 27), 'Service "paths" must be a mapping, got a list.'],
      ],
    );
    assert.equal(
      problems[1]!.hint,
      '"paths" is a service property, not a service name: indent it under the service it belongs to.',
    );
  });

  it('a missing enum value lists the allowed values in the hint', () => {
    const problem = only(load(lines('rules:', '  dual-write:')).problems);
    assert.deepEqual(problem.range, range(2, 3, 2, 13));
    assert.equal(problem.hint, 'Use one of error, warning, info, off, e.g. dual-write: error.');
  });

  it('a version other than 1', () => {
    const problem = only(load(lines('version: 2')).problems);
    assert.deepEqual(problem.range, range(1, 10, 1, 11));
    assert.equal(problem.message, '"version" must be 1; got number 2.');
  });
});

describe('loadArchitecture: best effort', () => {
  it('a broken entry does not drop its valid siblings', () => {
    const { architecture, problems } = load(lines(
      'services:',
      '  orders:',
      '    paths: [services/orders]',
      '  broken: 3',
      '  payments:',
      '    paths: [services/payments]',
      '    owner: 42',
      'channels:',
      '  a: nope',
      '  b:',
      '    producer: orders',
      '    consumers: [payments, 7]',
    ));
    assert.deepEqual(
      problems.map((p) => [p.messageId, p.range.start.line, p.range.start.column, p.message]),
      [
        ['schema', 4, 11, 'Service "broken" must be a mapping, got number 3.'],
        ['schema', 7, 12, '"owner" must be a string, got number 42.'],
        ['schema', 9, 6, 'Channel "a" must be a mapping, got string "nope".'],
        ['schema', 12, 27, 'Item 2 of "consumers" must be a string, got number 7.'],
      ],
    );
    assert.deepEqual(architecture!.services.map((s) => [s.name, s.owner]), [['orders', undefined], ['payments', undefined]]);
    assert.deepEqual(architecture!.channels.map((c) => [c.name, c.producer, c.consumers]), [['b', 'orders', ['payments']]]);
  });

  it('a section of the wrong type is reported and treated as empty', () => {
    const { architecture, problems } = load(lines('services: [orders, payments]', 'system: shop'));
    const problem = only(problems);
    assert.deepEqual(problem.range, range(1, 11, 1, 29));
    assert.equal(problem.message, '"services" must be a mapping, got a list.');
    assert.match(problem.hint, /^Key each service by its name, e.g. services: \{orders: \{paths: \[services\/orders\]/);
    assert.equal(architecture!.system, 'shop');
    assert.deepEqual(architecture!.services, []);
  });
});

describe('loadArchitecture: references', () => {
  const services = ['services:', '  orders:', '    paths: [services/orders]', '  payments:', '    paths: [services/payments]'];

  it('an unknown datastore owner is reported at the value, with the nearest service', () => {
    const { architecture, problems } = load(lines(
      ...services,
      'datastores:',
      '  orders-db:',
      '    kind: postgres',
      '    owner: order',
    ));
    const problem = only(problems);
    assert.equal(problem.messageId, 'unknownReference');
    assert.deepEqual(problem.range, range(9, 12, 9, 17));
    assert.equal(problem.message, 'Owner "order" of datastore "orders-db" is not a declared service.');
    assert.equal(problem.hint, 'Did you mean "orders"? Declared services: "orders" and "payments".');
    // The datastore itself is valid and kept.
    assert.equal(architecture!.datastores[0]!.owner, 'order');
  });

  it('checks channel, api, workflow step and decision references', () => {
    const { problems } = load(lines(
      ...services,
      'channels:', //                                   6
      '  c:',
      '    producer: shipping', //                      8
      '    consumers: [payments, billing]', //          9
      'apis:',
      '  p:',
      '    provider: paymnts', //                       12
      '    consumers: orderz', //                       13
      'workflows:',
      '  w:',
      '    steps:',
      '      - name: s1',
      '        service: inventory', //                  18
      'decisions:',
      '  - flow: f',
      '    pattern: saga',
      '    services: [orders, ledger]', //              22
    ));
    assert.deepEqual(
      problems.map((p) => [p.messageId, p.range, p.message]),
      [
        ['unknownReference', range(8, 15, 8, 23), 'Producer "shipping" of channel "c" is not a declared service.'],
        ['unknownReference', range(9, 27, 9, 34), 'Consumer "billing" of channel "c" is not a declared service.'],
        ['unknownReference', range(12, 15, 12, 22), 'Provider "paymnts" of API "p" is not a declared service.'],
        ['unknownReference', range(13, 16, 13, 22), 'Consumer "orderz" of API "p" is not a declared service.'],
        ['unknownReference', range(18, 18, 18, 27), 'Service "inventory" of step "s1" of workflow "w" is not a declared service.'],
        ['unknownReference', range(22, 24, 22, 30), 'Service "ledger" of the decision on flow "f" is not a declared service.'],
      ],
    );
    assert.equal(problems[2]!.hint, 'Did you mean "payments"? Declared services: "orders" and "payments".');
    assert.equal(
      problems[0]!.hint,
      'Declare "shipping" under services:, or use one of the declared services: "orders" and "payments".',
    );
  });

  it('without any services the hint says how to declare one', () => {
    const problem = only(load(lines('channels:', '  c:', '    producer: orders')).problems);
    assert.equal(problem.hint, 'Declare it under services:, e.g. services: {orders: {paths: [services/orders]}}.');
  });

  it('an unknown rule id is reported at the key', () => {
    const problem = only(load(lines('rules:', '  dual-writes: error')).problems);
    assert.equal(problem.messageId, 'unknownReference');
    assert.deepEqual(problem.range, range(2, 3, 2, 14));
    assert.equal(problem.message, 'Unknown rule "dual-writes".');
    assert.match(problem.hint, /^Did you mean "dual-write"\? Known rules: "non-idempotent-consumer", /);
  });

  it('the accepted rule ids can be supplied', () => {
    const text = lines('rules:', '  saga-without-compensation: warning');
    assert.equal(load(text).problems.length, 1);
    const result = loadArchitecture(text, 'architecture.yaml', { ruleIds: ['saga-without-compensation'] });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.architecture!.rules, { 'saga-without-compensation': 'warning' });
  });
});

describe('loadArchitecture: overlapping service paths', () => {
  it('a folder inside another service is reported at the second one', () => {
    const { problems } = load(lines(
      'services:',
      '  orders:',
      '    paths: [services/orders]',
      '  refunds:',
      '    paths: [services/refunds, services/orders/refunds]',
    ));
    const problem = only(problems);
    assert.equal(problem.messageId, 'overlappingPaths');
    assert.deepEqual(problem.range, range(5, 31, 5, 54));
    assert.equal(problem.message, 'Services "orders" and "refunds" overlap: "services/orders/refunds" is inside "services/orders".');
    assert.match(problem.hint, /own folder/);
  });

  it('the same folder written differently', () => {
    const problem = only(load(lines(
      'services:',
      '  a: {paths: ./svc/a/}',
      '  b: {paths: [svc/a]}',
    )).problems);
    assert.deepEqual(problem.range, range(3, 15, 3, 20));
    assert.equal(problem.message, 'Services "a" and "b" overlap: both claim "svc/a".');
  });

  it('a parent folder claimed after its child', () => {
    const problem = only(load(lines('services:', '  a: {paths: [svc/a]}', '  b: {paths: [svc]}')).problems);
    assert.deepEqual(problem.range, range(3, 15, 3, 18));
    assert.equal(problem.message, 'Services "a" and "b" overlap: "svc/a" is inside "svc".');
  });

  it('globs: a folder matched by another service\'s glob', () => {
    const problem = only(load(lines('services:', '  a: {paths: ["svc/*"]}', '  b: {paths: [svc/b/src]}')).problems);
    assert.equal(problem.messageId, 'overlappingPaths');
    assert.deepEqual(problem.range, range(3, 15, 3, 24));
  });

  it('sibling folders and disjoint globs do not overlap', () => {
    const { problems } = load(lines(
      'services:',
      '  a: {paths: [svc/a, "svc/a-*/src"]}',
      '  b: {paths: [svc/ab, "svc/b/**"]}',
      '  c: {paths: ["lib/*.ts"]}',
    ));
    assert.deepEqual(problems, []);
  });
});

describe('loadArchitecture: robustness', () => {
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.column <= b.column);

  it('never throws and always returns well-formed ranges, whatever the input', () => {
    const variants: string[] = [];
    for (let i = 0; i <= FULL.length; i += 7) variants.push(FULL.slice(0, i));
    const fullLines = FULL.split('\n');
    for (let i = 0; i < fullLines.length; i++) {
      variants.push([...fullLines.slice(0, i), `\t${fullLines[i]}`, ...fullLines.slice(i + 1)].join('\n'));
      variants.push([...fullLines.slice(0, i), ...fullLines.slice(i + 1)].join('\r\n'));
      variants.push([...fullLines.slice(0, i), `${fullLines[i]} "`, ...fullLines.slice(i + 1)].join('\n'));
    }
    variants.push('- null\n', '~\n', '[\n', '{a: 1}', 'decisions: [null, 3, {flow: 1}]\n', '? [a]\n: b\n', 'a: &x [*x]\n');
    for (const text of variants) {
      let result: ReturnType<typeof load> | undefined;
      assert.doesNotThrow(() => { result = load(text); }, `threw on ${JSON.stringify(text)}`);
      const lineCount = text.split('\n').length;
      for (const p of result!.problems) {
        const { start, end } = p.range;
        assert.ok(start.line >= 1 && start.column >= 1 && start.line <= lineCount, JSON.stringify({ text, p }));
        assert.ok(before(start, end), JSON.stringify({ text, p }));
        assert.ok(p.message.length > 0 && p.hint.length > 0, JSON.stringify(p));
      }
    }
  });
});
