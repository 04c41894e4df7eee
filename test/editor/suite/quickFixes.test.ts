/**
 * Quick fixes applied through VS Code's own code action provider command,
 * one fixture workspace per scenario. Each scenario opens its file, waits for
 * the finding, asks for code actions at its range, applies the one with the
 * expected title, checks the text, waits for the finding to clear, and undoes
 * the edit (the finding comes back).
 *
 * To add the inbox fix: add a fixture folder `exthost-inbox-fix` (a
 * `fixture.json` with `"copyOf": "examples/checkout"`) and a scenario below
 * with title /^Guard with an inbox/ and the text it should leave.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  PAYMENTS_MAIN, applyCodeAction, codeActionsAt, fileIn, openInEditor, ruleOf, scenarioFolder, waitForDiagnostics, waitForRule, waitForRuleGone,
} from './helpers';
import { suite, test } from './tdd';

interface QuickFixScenario {
  /** Fixture workspace folder under test/editor/workspaces/. */
  workspace: string;
  file: string;
  rule: string;
  /** 1-based line of the finding. */
  line: number;
  title: RegExp;
  /** Checks the document after the edit. */
  expectText(after: string, before: string): void;
}

const SCENARIOS: QuickFixScenario[] = [
  {
    workspace: 'exthost-disable-comment',
    file: PAYMENTS_MAIN,
    rule: 'non-idempotent-consumer',
    line: 18,
    title: /^Disable distributed-patterns\/non-idempotent-consumer for this line$/,
    expectText(after, before) {
      const lines = after.split('\n');
      assert.equal(lines[17], '    // distributed-patterns-disable-next-line non-idempotent-consumer -- explain why this is safe');
      assert.equal(lines[18], before.split('\n')[17], 'the flagged line moves down unchanged');
      assert.equal(lines.length, before.split('\n').length + 1, 'exactly one line is added');
    },
  },
];

for (const scenario of SCENARIOS) {
  suite(`quick fix ${scenario.title.source} (${scenario.workspace})`, () => {
    test('is offered on the finding and clears it when applied; undo brings it back', async () => {
      const uri = fileIn(scenarioFolder(scenario.workspace), scenario.file);
      const editor = await openInEditor(uri);
      const before = editor.document.getText();
      const diagnostic = await waitForRule(uri, scenario.rule, scenario.line);

      const actions = await codeActionsAt(uri, diagnostic.range);
      const titles = actions.map((a) => a.title);
      const action = actions.find((a) => scenario.title.test(a.title));
      assert.ok(action, `no code action matching ${scenario.title}; offered: ${titles.join(' | ')}`);
      assert.ok(action.kind && vscode.CodeActionKind.QuickFix.contains(action.kind), `kind ${action.kind?.value}`);
      assert.ok(titles.includes(`Show documentation for distributed-patterns/${scenario.rule}`), `offered: ${titles.join(' | ')}`);

      await applyCodeAction(action);
      scenario.expectText(editor.document.getText(), before);
      const after = await waitForRuleGone(uri, scenario.rule);
      assert.ok(!after.some((d) => ruleOf(d) === 'unexplained-suppression'), 'the inserted comment names its rule and gives a reason');

      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), before, 'undo restores the file');
      await waitForRule(uri, scenario.rule, scenario.line);
      // Leave the fixture as it was on disk.
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await waitForDiagnostics(uri, (ds) => ds.some((d) => ruleOf(d) === scenario.rule), `${scenario.rule} after revert`);
    });
  });
}
