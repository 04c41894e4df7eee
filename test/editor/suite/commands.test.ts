/**
 * The extension's commands run through VS Code's command service
 * (fixture workspace `exthost-commands`): Restart Server stops and starts the
 * language server, which publishes the open file's findings again; Show
 * Output reveals the "Distributed Patterns" output channel.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PAYMENTS_MAIN, fileIn, nextDiagnosticsChange, openInEditor, ruleOf, scenarioFolder, waitForRule } from './helpers';
import { suite, suiteSetup, test } from './tdd';

suite('commands', () => {
  let main: vscode.Uri;

  suiteSetup(async () => {
    main = fileIn(scenarioFolder('exthost-commands'), PAYMENTS_MAIN);
    await openInEditor(main);
    await waitForRule(main, 'non-idempotent-consumer', 18);
  });

  test('distributedPatterns.restartServer restarts the server, which publishes the findings again', async () => {
    const republished = nextDiagnosticsChange(main, (ds) => ds.some((d) => ruleOf(d) === 'non-idempotent-consumer'), 'the findings after the restart');
    const cleared = nextDiagnosticsChange(main, (ds) => ds.length === 0, 'the findings cleared by the stop');
    await vscode.commands.executeCommand('distributedPatterns.restartServer');
    await cleared;
    await republished;
  });

  test('distributedPatterns.showOutput reveals the output channel', async () => {
    // The output view opens the channel as a text document with the `output` scheme.
    const isOurChannel = (d: vscode.TextDocument) => d.uri.scheme === 'output' && /Distributed Patterns|distributedPatterns|distributed-patterns/i.test(decodeURIComponent(d.uri.toString()));
    assert.equal(vscode.workspace.textDocuments.some(isOurChannel), false, 'the channel is not shown before the command');
    const opened = new Promise<vscode.TextDocument>((resolve, reject) => {
      const timer = setTimeout(() => {
        subscription.dispose();
        reject(new Error(`no Distributed Patterns output document within 20 s; documents: ${vscode.workspace.textDocuments.map((d) => d.uri.toString()).join(', ')}`));
      }, 20_000);
      const subscription = vscode.workspace.onDidOpenTextDocument((document) => {
        if (!isOurChannel(document)) return;
        clearTimeout(timer);
        subscription.dispose();
        resolve(document);
      });
    });
    await vscode.commands.executeCommand('distributedPatterns.showOutput');
    const channel = await opened;
    console.log(`      output channel document: ${channel.uri.toString()}`);
  });
});
