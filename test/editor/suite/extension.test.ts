/**
 * The extension as VS Code sees it: installed, activates, registers its
 * commands, and declares that it runs in untrusted workspaces (the engine
 * only reads files).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './helpers';
import { suite, test } from './tdd';

suite('extension', () => {
  test('is present and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this editor`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test('declares support for untrusted workspaces and no virtual workspaces', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      capabilities?: { untrustedWorkspaces?: { supported?: unknown; description?: unknown }; virtualWorkspaces?: unknown };
    };
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, true);
    assert.equal(typeof manifest.capabilities?.untrustedWorkspaces?.description, 'string');
    assert.equal(manifest.capabilities?.virtualWorkspaces, false);
  });

  test('registers the Restart Server and Show Output commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['distributedPatterns.restartServer', 'distributedPatterns.showOutput']) {
      assert.ok(commands.includes(id), `${id} is not registered`);
    }
  });
});
