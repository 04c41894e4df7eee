import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatStylish } from '../../server/src/cli/formatters/stylish';
import type { ReportInput } from '../../server/src/cli/formatters/types';
import type { Finding } from '../../server/src/engine/types';
import { RULES, finding } from './helpers';

const ROOT = '/workspace/shop';

function input(findings: Finding[], overrides: Partial<ReportInput> = {}): ReportInput {
  return { root: ROOT, cwd: ROOT, findings, rules: RULES, filesAnalyzed: 3, skipped: [], ...overrides };
}

const consumerError = finding({
  line: 12,
  column: 5,
  inferred: true,
  related: [
    {
      file: 'src/orders/db.ts',
      range: { start: { line: 4, column: 1 }, end: { line: 4, column: 20 } },
      message: 'orders table is written here',
    },
  ],
});
const consumerWarning = finding({
  line: 3,
  column: 17,
  ruleId: 'missing-correlation-id',
  severity: 'warning',
  message: 'Publish carries no correlation id, so the trace breaks here.',
  hint: 'Copy the incoming correlation id into the outgoing headers.',
});
const paymentInfo = finding({
  file: 'src/billing/pay.ts',
  line: 120,
  column: 1,
  ruleId: 'dual-write',
  severity: 'info',
  message: 'Payment is stored and an event published without an outbox.',
  hint: 'Write the event to an outbox table in the same transaction.',
});
const suppressedError = finding({
  line: 20,
  column: 1,
  suppressed: { kind: 'inSource', justification: 'legacy import job, runs once' },
});

describe('stylish formatter', () => {
  it('groups by file, aligns columns, shows hints, related locations, the inferred marker and the summary', () => {
    // Deliberately unsorted input: the formatter orders by file, then line.
    const output = formatStylish(input([consumerError, suppressedError, paymentInfo, consumerWarning]), { color: false });
    const expected = [
      '',
      'src/billing/pay.ts',
      '  120:1  info  Payment is stored and an event published without an outbox.  dual-write',
      '               → Write the event to an outbox table in the same transaction.',
      '',
      'src/orders/consumer.ts',
      '   3:17  warning  Publish carries no correlation id, so the trace breaks here.  missing-correlation-id',
      '                  → Copy the incoming correlation id into the outgoing headers.',
      '  12:5   error    Handler inserts a row on every delivery; a redelivered message is charged twice. (inferred)  non-idempotent-consumer',
      '                  → Record the message id in an inbox table in the same transaction and skip duplicates.',
      '                  also: src/orders/db.ts:4:1 orders table is written here',
      '',
      '✖ 3 problems (1 error, 1 warning, 1 info), 1 suppressed',
      '',
    ].join('\n');
    assert.equal(output, expected);
  });

  it('does not list suppressed findings, only counts them', () => {
    const output = formatStylish(input([suppressedError]), { color: false });
    assert.equal(output, '\n✔ No problems found (1 suppressed)\n');
    assert.ok(!output.includes('legacy import job'));
  });

  it('pluralises like ESLint and omits infos and suppressed when there are none', () => {
    const output = formatStylish(input([consumerError]), { color: false });
    assert.match(output, /\n✖ 1 problem \(1 error, 0 warnings\)\n$/);
  });

  it('prints paths relative to the current directory when it differs from the root', () => {
    const output = formatStylish(input([consumerError], { cwd: `${ROOT}/src` }), { color: false });
    assert.match(output, /^\norders\/consumer\.ts\n/);
    assert.match(output, /also: orders\/db\.ts:4:1 /);
  });

  it('uses ANSI colours only when asked', () => {
    const plain = formatStylish(input([consumerError, consumerWarning]), { color: false });
    const coloured = formatStylish(input([consumerError, consumerWarning]), { color: true });
    assert.ok(!plain.includes('\u001b['), 'no escape codes without colour');
    assert.ok(coloured.includes('\u001b[31merror'), 'errors in red');
    assert.ok(coloured.includes('\u001b[33mwarning'), 'warnings in yellow');
    // Same text once the escape codes are removed.
    assert.equal(coloured.replace(/\u001b\[\d+m/g, ''), plain);
  });

  it('reports skipped files and stale baseline entries after the summary', () => {
    const output = formatStylish(
      input([], { skipped: [{ file: 'data/huge.ts', reason: 'larger than 2 MB' }], unmatchedBaselineEntries: 2 }),
      { color: false },
    );
    assert.equal(
      output,
      [
        '',
        '✔ No problems found',
        '',
        '1 file not analyzed:',
        '  data/huge.ts  larger than 2 MB',
        '',
        '2 baseline entries no longer match a finding; run with --update-baseline to prune.',
        '',
      ].join('\n'),
    );
  });
});
