/**
 * Diagnostics on a copy of examples/checkout (fixture workspace
 * `exthost-diagnostics`): the payments consumer's finding with its rule id,
 * documentation link and related locations, and the example's other
 * deliberate findings published by the background workspace analysis for
 * files that were never opened.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  DOCS_BASE, PAYMENTS_MAIN, SOURCE, expectedFindings, fileIn, openInEditor, ours, ruleOf, scenarioFolder, waitForRule,
} from './helpers';
import { suite, suiteSetup, test } from './tdd';

suite('diagnostics on examples/checkout', () => {
  let folder: vscode.WorkspaceFolder;
  let main: vscode.Uri;

  suiteSetup(async () => {
    folder = scenarioFolder('exthost-diagnostics');
    main = fileIn(folder, PAYMENTS_MAIN);
  });

  test('non-idempotent-consumer on the payments eachMessage handler, with rule id and documentation link', async () => {
    const editor = await openInEditor(main);
    const diagnostic = await waitForRule(main, 'non-idempotent-consumer', 18);
    assert.equal(diagnostic.source, SOURCE);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(editor.document.getText(diagnostic.range), 'eachMessage');
    assert.match(diagnostic.message, /order\.created/);
    assert.match(diagnostic.message, /dedup/i);

    const code = diagnostic.code;
    assert.ok(typeof code === 'object' && code !== null, `code should carry the documentation link, got ${JSON.stringify(code)}`);
    assert.equal(code.value, 'non-idempotent-consumer');
    assert.equal(code.target.toString(), vscode.Uri.parse(`${DOCS_BASE}non-idempotent-consumer.md`).toString());
  });

  test('related locations point at the side effects in the other files', async () => {
    const diagnostic = await waitForRule(main, 'non-idempotent-consumer', 18);
    const related = (diagnostic.relatedInformation ?? []).map((r) => `${vscode.workspace.asRelativePath(r.location.uri, false)}:${r.location.range.start.line + 1}`);
    assert.ok(related.includes('services/payments/src/psp-client.ts:23'), `related: ${related.join(', ')}`);
    assert.ok(related.includes('services/payments/src/order-created.handler.ts:35'), `related: ${related.join(', ')}`);
  });

  test('the opened file has exactly the findings expected-findings.json lists for it', async () => {
    const expected = (await expectedFindings(folder)).filter((f) => f.file === PAYMENTS_MAIN).map((f) => `${f.line} ${f.rule}`).sort();
    const actual = ours(main).map((d) => `${d.range.start.line + 1} ${ruleOf(d)}`).sort();
    assert.deepEqual(actual, expected);
  });

  test('every deliberate finding of the example arrives, also in files never opened', async () => {
    const expected = await expectedFindings(folder);
    assert.ok(expected.length >= 5, 'expected-findings.json lists the example findings');
    for (const finding of expected) {
      const uri = fileIn(folder, finding.file);
      const diagnostic = await waitForRule(uri, finding.rule, finding.line);
      assert.equal(diagnostic.source, SOURCE);
    }
  });
});
