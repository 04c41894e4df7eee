import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as Sarif from 'sarif';
import { FINGERPRINT_KEY, formatSarif, ruleName } from '../../server/src/cli/formatters/sarif';
import type { ReportInput } from '../../server/src/cli/formatters/types';
import type { Finding } from '../../server/src/engine/types';
import { RULES, finding, validateSarif as validate, workspace } from './helpers';

const version: string = require('../../package.json').version;

function sampleFindings(): Finding[] {
  return [
    finding({
      file: 'src/orders/consumer.ts',
      line: 12,
      column: 5,
      inferred: true,
      fingerprint: 'abc123',
      related: [
        {
          file: 'src/orders/db schema.ts',
          range: { start: { line: 4, column: 1 }, end: { line: 4, column: 30 } },
          message: 'orders table is written here',
        },
      ],
    }),
    finding({
      file: 'src/billing/pay.ts',
      line: 3,
      column: 2,
      ruleId: 'dual-write',
      severity: 'warning',
      suppressed: { kind: 'baseline', justification: 'in baseline' },
    }),
    finding({
      file: 'src/billing/pay.ts',
      line: 9,
      column: 1,
      ruleId: 'missing-correlation-id',
      severity: 'info',
      message: 'No correlation id',
      suppressed: { kind: 'inSource', justification: 'fire-and-forget metric' },
    }),
    // A rule the engine did not describe still gets a descriptor, so ruleIndex resolves.
    finding({ file: 'src/x.ts', ruleId: 'cross-service-import', severity: 'warning' }),
  ];
}

function sampleInput(root: string): ReportInput {
  return {
    root,
    cwd: root,
    findings: sampleFindings(),
    rules: RULES,
    filesAnalyzed: 4,
    skipped: [{ file: 'data/huge.ts', reason: 'larger than 2 MB' }],
  };
}

function sarif(root = '/workspace/shop'): Sarif.Log {
  return JSON.parse(formatSarif(sampleInput(root), { color: false }));
}

describe('sarif formatter', () => {
  it('is a SARIF 2.1.0 log with one run and a described driver', () => {
    const log = sarif();
    assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const driver = log.runs[0]!.tool.driver;
    assert.equal(driver.name, 'distributed-patterns');
    assert.equal(driver.version, version);
    assert.match(driver.informationUri ?? '', /^https:\/\//);
    assert.deepEqual(
      driver.rules!.map((r) => r.id),
      ['dual-write', 'missing-correlation-id', 'non-idempotent-consumer', 'cross-service-import'],
    );
    const rule = driver.rules!.find((r) => r.id === 'non-idempotent-consumer')!;
    assert.equal(rule.name, 'NonIdempotentConsumer');
    assert.equal(rule.shortDescription!.text, 'Flags non idempotent consumer problems.');
    assert.equal(rule.fullDescription!.text, 'Flags non idempotent consumer problems. Second sentence with more detail.');
    assert.equal(rule.helpUri, RULES[0]!.docsUrl);
    assert.ok(rule.help?.text.includes(RULES[0]!.docsUrl));
    assert.deepEqual(rule.defaultConfiguration, { level: 'error' });
    assert.deepEqual(driver.rules!.find((r) => r.id === 'dual-write')!.defaultConfiguration, { level: 'warning' });
  });

  it('writes root-relative, percent-encoded URIs under %SRCROOT% and declares the base', () => {
    const run = sarif('/workspace/my shop').runs[0]!;
    assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///workspace/my%20shop/' } });
    const consumer = run.results!.find((r) => r.ruleId === 'non-idempotent-consumer')!;
    const physical = consumer.locations![0]!.physicalLocation!;
    assert.deepEqual(physical.artifactLocation, { uri: 'src/orders/consumer.ts', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(physical.region, { startLine: 12, startColumn: 5, endLine: 12, endColumn: 15 });
    const related = consumer.relatedLocations![0]!;
    assert.deepEqual(related.physicalLocation!.artifactLocation, { uri: 'src/orders/db%20schema.ts', uriBaseId: '%SRCROOT%' });
    assert.equal(related.message!.text, 'orders table is written here.');
  });

  it('maps results: rule index, level, message with hint, fingerprints, inferred, suppressions', () => {
    const run = sarif().runs[0]!;
    const rules = run.tool.driver.rules!;
    for (const result of run.results!) {
      assert.equal(rules[result.ruleIndex!]!.id, result.ruleId, 'ruleIndex points at the rule');
    }
    // Sorted by file, line, column, rule.
    assert.deepEqual(
      run.results!.map((r) => `${r.locations![0]!.physicalLocation!.artifactLocation!.uri}:${r.locations![0]!.physicalLocation!.region!.startLine}`),
      ['src/billing/pay.ts:3', 'src/billing/pay.ts:9', 'src/orders/consumer.ts:12', 'src/x.ts:1'],
    );
    const [baselined, inSource, consumer, unknown] = run.results!;
    assert.equal(consumer!.level, 'error');
    assert.equal(baselined!.level, 'warning');
    assert.equal(inSource!.level, 'note');
    assert.equal(
      consumer!.message.text,
      'Handler inserts a row on every delivery; a redelivered message is charged twice. ' +
        'Record the message id in an inbox table in the same transaction and skip duplicates.',
    );
    assert.equal(inSource!.message.text?.startsWith('No correlation id. '), true, 'a period joins message and hint');
    assert.deepEqual(consumer!.partialFingerprints, { [FINGERPRINT_KEY]: 'abc123' });
    assert.deepEqual(consumer!.properties, { inferred: true });
    assert.equal(baselined!.properties, undefined);
    assert.equal(consumer!.suppressions, undefined);
    assert.deepEqual(baselined!.suppressions, [{ kind: 'external', justification: 'in baseline' }]);
    assert.deepEqual(inSource!.suppressions, [{ kind: 'inSource', justification: 'fire-and-forget metric' }]);
    assert.equal(rules[unknown!.ruleIndex!]!.name, 'CrossServiceImport');
  });

  it('reports skipped files as tool execution notifications', () => {
    const invocation = sarif().runs[0]!.invocations![0]!;
    assert.equal(invocation.executionSuccessful, true);
    assert.equal(invocation.toolExecutionNotifications!.length, 1);
    assert.equal(invocation.toolExecutionNotifications![0]!.message.text, 'File not analyzed: larger than 2 MB.');
  });

  it('names rules in PascalCase', () => {
    assert.equal(ruleName('unjustified-two-phase-commit'), 'UnjustifiedTwoPhaseCommit');
  });
});

function describeResults(results: Sarif.Result[]): string {
  return results.map((r) => `${r.level ?? 'warning'} ${r.ruleId}: ${r.message.id} ${JSON.stringify(r.message.arguments)}`).join('\n');
}

describe('sarif formatter output passes the SARIF multitool validator', { timeout: 240_000 }, () => {
  it('has no error or warning results, GitHub rules included', () => {
    const results = validate(formatSarif(sampleInput(workspace()), { color: false }));
    // level defaults to "warning" in SARIF when absent.
    const serious = results.filter((r) => (r.level ?? 'warning') === 'error' || (r.level ?? 'warning') === 'warning');
    assert.deepEqual(serious, [], describeResults(serious));
  });

  it('does flag a broken log (so the check above can fail)', () => {
    const log = JSON.parse(formatSarif(sampleInput(workspace()), { color: false })) as Sarif.Log;
    const run = log.runs[0]!;
    delete run.tool.driver.rules![0]!.help; // GitHub requires rule help
    run.results![0]!.locations![0]!.physicalLocation!.artifactLocation!.uri = '/absolute/path.ts';
    const errors = validate(JSON.stringify(log)).filter((r) => r.level === 'error');
    const ids = new Set(errors.map((r) => r.ruleId));
    assert.ok(ids.has('GH2012'), describeResults(errors));
    assert.ok(ids.has('SARIF1004'), describeResults(errors));
  });
});
