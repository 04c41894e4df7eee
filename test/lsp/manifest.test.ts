/**
 * The extension manifest agrees with the code: every setting the server reads
 * is contributed with a description and the same default, every rule can be
 * configured, the commands the client registers are contributed, the
 * packaged files are the ones listed, and the engines fit the dependencies.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULE_IDS } from '../../server/src/engine/rules';
import { Commands } from '../../server/src/lsp/protocol';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { REPO_ROOT } from './lspClient';

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const minVersion = (range: string) => /(\d+)\.(\d+)\.(\d+)/.exec(range)!.slice(1).map(Number);
const atLeast = (a: number[], b: number[]) => a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] >= b[2];

describe('extension manifest', () => {
  test('every setting has a description and the default the server uses', () => {
    const props = manifest.contributes.configuration.properties;
    assert.deepEqual(Object.keys(props).sort(), [
      'distributedPatterns.architectureFile', 'distributedPatterns.enable', 'distributedPatterns.includeTests', 'distributedPatterns.rules', 'distributedPatterns.run', 'distributedPatterns.trace.server',
    ]);
    for (const [key, value] of Object.entries<Record<string, unknown>>(props)) {
      assert.ok(value.description || value.markdownDescription, `${key} has a description`);
    }
    assert.equal(props['distributedPatterns.enable'].default, DEFAULT_SETTINGS.enable);
    assert.equal(props['distributedPatterns.includeTests'].default, DEFAULT_SETTINGS.includeTests);
    assert.equal(props['distributedPatterns.run'].default, DEFAULT_SETTINGS.run);
    assert.deepEqual(props['distributedPatterns.run'].enum, ['onType', 'onSave']);
    assert.equal(props['distributedPatterns.trace.server'].default, DEFAULT_SETTINGS.trace.server);
    assert.deepEqual(Object.keys(props['distributedPatterns.rules'].properties).sort(), [...RULE_IDS].sort(), 'every rule can be configured');
  });

  test('the client\'s commands are contributed with titles; showDocumentation is hidden from the palette', () => {
    const commands = manifest.contributes.commands as { command: string; title: string; category: string }[];
    for (const id of [Commands.restartServer, Commands.showOutput, Commands.showDocumentation]) {
      const command = commands.find((c) => c.command === id);
      assert.ok(command, id);
      assert.equal(command.category, 'Distributed Patterns');
    }
    assert.equal(commands.find((c) => c.command === Commands.restartServer)!.title, 'Restart Server');
    assert.equal(commands.find((c) => c.command === Commands.showOutput)!.title, 'Show Output');
    assert.deepEqual(manifest.contributes.menus.commandPalette, [{ command: Commands.showDocumentation, when: 'false' }]);
  });

  test('activation, entry points, capabilities, schema and bins', () => {
    assert.equal(manifest.main, './dist/extension.js');
    for (const event of ['workspaceContains:architecture.yaml', 'workspaceContains:architecture.yml', 'onLanguage:typescript', 'onLanguage:javascript', 'onLanguage:yaml']) {
      assert.ok(manifest.activationEvents.includes(event), event);
    }
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, true);
    assert.equal(manifest.capabilities.virtualWorkspaces, false);
    for (const v of manifest.contributes.yamlValidation) assert.ok(fs.existsSync(path.join(REPO_ROOT, v.url)), v.url);
    assert.equal(manifest.bin['distributed-patterns-language-server'], 'dist/server.js');
  });

  test('engines.vscode covers @types/vscode and what vscode-languageclient requires', () => {
    const engine = minVersion(manifest.engines.vscode);
    const types = minVersion(manifest.devDependencies['@types/vscode']);
    assert.ok(atLeast(engine, types), `engines.vscode ${manifest.engines.vscode} >= @types/vscode ${manifest.devDependencies['@types/vscode']}`);
    const client = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'vscode-languageclient', 'package.json'), 'utf8'));
    assert.ok(atLeast(engine, minVersion(client.engines.vscode)), `vscode-languageclient needs ${client.engines.vscode}`);
  });

  test('the .vsix would contain only the bundles, schema, snippets, manifest, README and LICENSE', { skip: !fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js')) && 'run npm run build first' }, () => {
    const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    const files = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\n').map((l) => l.trim()).filter(Boolean).sort();
    const expected = ['LICENSE', 'README.md', 'dist/extension.js', 'dist/server.js', 'package.json', 'schemas/architecture.schema.json', 'snippets/typescript.json', 'snippets/yaml.json'];
    assert.deepEqual(files.filter((f) => !f.endsWith('.LEGAL.txt')), expected);
  });
});
