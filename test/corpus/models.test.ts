/** The eval's scoring of system models: services matched by root then name, shared-datastore and channel pairs. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { formatCounts, loadExpectedModel, modelsDir, scoreModel, type ModelShape } from '../../scripts/eval/models';

const expected: ModelShape & Record<string, unknown> = {
  repo: 'shop', commit: 'x'.repeat(40),
  services: [
    { name: 'orders', root: 'apps/orders/' },
    { name: 'billing', root: './apps/billing' },
    { name: 'zro-users', root: 'apps/users' },
  ],
  datastores: [
    { usedBy: ['orders', 'billing'] },
    { usedBy: ['zro-users'] },
    { usedBy: ['orders', 'billing', 'zro-users'] },
  ],
  channels: [
    { producers: ['orders'], consumers: ['billing', 'orders'] },
    { producers: [], consumers: ['zro-users'] },
  ],
};

describe('system model scoring', () => {
  it('matches services by root folder, then by normalised name, and counts pairs through that matching', () => {
    const actual: ModelShape = {
      services: [
        { name: 'orders-svc', root: 'apps/orders' }, // same root, other name
        { name: 'zroUsers', root: 'services/users' }, // other root, same name once normalised
        { name: 'e2e', root: 'apps/e2e' }, // not a service
      ],
      datastores: [
        { usedBy: ['orders-svc', 'zroUsers'] },
        { usedBy: ['orders-svc', 'e2e'] },
      ],
      channels: [
        { producers: ['orders-svc'], consumers: ['orders-svc', 'e2e'] },
      ],
    };
    const s = scoreModel(expected, actual);
    assert.deepEqual(s.deployables, { tp: 2, fp: 1, fn: 1 });
    assert.deepEqual(s.notes.deployables, { missed: ['root:apps/billing'], extra: ['engine:apps/e2e'] });
    // expected pairs: orders+billing, billing+users, orders+users; found: orders+users (right), orders+e2e (wrong).
    assert.deepEqual(s.sharedPairs, { tp: 1, fp: 1, fn: 2 });
    // expected: orders->billing, orders->orders; found: orders->orders, orders->e2e.
    assert.deepEqual(s.channelPairs, { tp: 1, fp: 1, fn: 1 });
    assert.deepEqual(s.notes.channelPairs, { missed: ['root:apps/orders -> root:apps/billing'], extra: ['root:apps/orders -> engine:apps/e2e'] });
  });

  it('is tolerant of missing lists and extra fields, and prints n/a for empty denominators', () => {
    const s = scoreModel({ services: [{ name: 'web' }] }, { services: [{ name: 'web', root: 'web' }] });
    assert.deepEqual(s.deployables, { tp: 1, fp: 0, fn: 0 });
    assert.deepEqual(s.sharedPairs, { tp: 0, fp: 0, fn: 0 });
    assert.equal(formatCounts(s.sharedPairs), 'P n/a R n/a (TP 0 FP 0 FN 0)');
    assert.equal(formatCounts({ tp: 3, fp: 1, fn: 0 }), 'P 0.75 R 1.00 (TP 3 FP 1 FN 0)');
  });

  it('every expected model file loads and scores perfectly against itself', () => {
    for (const file of fs.readdirSync(modelsDir).filter((f) => f.endsWith('.json'))) {
      const model = loadExpectedModel(file.replace(/\.json$/, ''))!;
      const s = scoreModel(model, model);
      for (const k of ['deployables', 'sharedPairs', 'channelPairs'] as const) assert.equal(s[k].fp + s[k].fn, 0, `${file} ${k}`);
    }
  });
});
