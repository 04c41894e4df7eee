/**
 * Every snippet, expanded with its defaults, is valid: the TypeScript ones
 * type-check (strict) against the real kafkajs and pg typings with the imports
 * their descriptions name, and are not flagged by the rule they answer; the
 * YAML architecture skeleton loads without problems.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { analyzeSync } from '../../server/src/engine/analyze';
import { loadArchitecture } from '../../server/src/engine/architecture/load';
import { expandSnippet } from './snippetExpansion';
import { REPO_ROOT } from './lspClient';

interface Snippet {
  prefix: string;
  description: string;
  body: string[];
}

const read = (file: string) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'snippets', file), 'utf8')) as Record<string, Snippet>;
const TS_SNIPPETS = read('typescript.json');
const YAML_SNIPPETS = read('yaml.json');

/** The imports a snippet's description says it expects ("Expects: import ...; import ...;"). */
function expectedImports(snippet: Snippet): string {
  const m = /Expects: (.*)$/.exec(snippet.description);
  return m ? m[1].split(/;\s*/).filter(Boolean).map((i) => `${i};`).join('\n') : '';
}

/** Rules whose findings the snippet exists to avoid. */
const ADDRESSES: Record<string, string[]> = {
  'dp-outbox-write': ['dual-write', 'missing-correlation-id'],
  'dp-outbox-relay': ['dual-write', 'missing-correlation-id'],
  'dp-inbox-consumer': ['non-idempotent-consumer'],
  'dp-correlation': ['missing-correlation-id'],
};

/** Strict type check of fixture files against the repo's kafkajs, @types/pg and @types/node. */
function typeCheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    types: ['node'],
    typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')],
    // The fixtures live in a temp dir: point the library imports at this repo's devDependencies.
    paths: { kafkajs: [path.join(REPO_ROOT, 'node_modules', 'kafkajs')], pg: [path.join(REPO_ROOT, 'node_modules', '@types', 'pg')] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('snippets', () => {
  test('the manifest contributes both snippet files and every prefix is unique', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const paths = manifest.contributes.snippets.map((s: { path: string }) => s.path);
    assert.ok(paths.includes('./snippets/typescript.json') && paths.includes('./snippets/yaml.json'));
    const prefixes = [...Object.values(TS_SNIPPETS), ...Object.values(YAML_SNIPPETS)].map((s) => s.prefix);
    assert.equal(new Set(prefixes).size, prefixes.length);
    for (const wanted of ['dp-outbox-table', 'dp-outbox-write', 'dp-outbox-relay', 'dp-inbox-consumer', 'dp-saga-step', 'dp-correlation', 'dp-architecture']) {
      assert.ok(prefixes.includes(wanted), `${wanted} snippet`);
    }
  });

  test('every TypeScript snippet, expanded with its defaults, type-checks with no errors', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-snippets-'));
    const files: string[] = [];
    for (const [name, snippet] of Object.entries(TS_SNIPPETS)) {
      const file = path.join(dir, `${snippet.prefix}.ts`);
      fs.writeFileSync(file, `// ${name}\n${expectedImports(snippet)}\n\n${expandSnippet(snippet.body)}\n`);
      files.push(file);
    }
    const diagnostics = typeCheck(files);
    assert.deepEqual(diagnostics, []);
  });

  test('the type check sees the real kafkajs and pg typings (a wrong call is an error)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-snippets-'));
    const file = path.join(dir, 'wrong.ts');
    fs.writeFileSync(file, "import type { Consumer } from 'kafkajs';\nimport type { Pool } from 'pg';\nexport async function f(c: Consumer, p: Pool) {\n  await c.run({ eachMessage: 42 });\n  await p.query(7);\n}\n");
    const diagnostics = typeCheck([file]);
    assert.equal(diagnostics.length, 2, diagnostics.join('\n'));
  });

  for (const [prefix, rules] of Object.entries(ADDRESSES)) {
    test(`${prefix} is not flagged by ${rules.join(' or ')}`, () => {
      const snippet = Object.values(TS_SNIPPETS).find((s) => s.prefix === prefix)!;
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-snippet-analysis-'));
      fs.writeFileSync(path.join(root, 'package.json'), '{ "name": "svc", "version": "1.0.0" }');
      fs.mkdirSync(path.join(root, 'src'));
      fs.writeFileSync(path.join(root, 'src', 'snippet.ts'), `${expectedImports(snippet)}\n${expandSnippet(snippet.body)}\n`);
      const findings = analyzeSync({ root }).findings.filter((f) => rules.includes(f.ruleId));
      assert.deepEqual(findings.map((f) => `${f.ruleId}: ${f.message}`), []);
    });
  }

  test('the architecture file skeleton loads with no problems', () => {
    const snippet = Object.values(YAML_SNIPPETS).find((s) => s.prefix === 'dp-architecture')!;
    const result = loadArchitecture(expandSnippet(snippet.body), 'architecture.yaml');
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.architecture?.services.map((s) => s.name), ['orders', 'payments']);
    assert.equal(result.architecture?.decisions.length, 1);
  });

  test('the decision snippet, under decisions:, loads with no problems', () => {
    const snippet = Object.values(YAML_SNIPPETS).find((s) => s.prefix === 'dp-decision')!;
    const item = expandSnippet(snippet.body).split('\n').map((l) => `  ${l}`).join('\n');
    const result = loadArchitecture(`services:\n  ledger:\n    paths: [services/ledger]\ndecisions:\n${item}\n`, 'architecture.yaml');
    assert.deepEqual(result.problems, []);
    assert.equal(result.architecture?.decisions[0].pattern, 'two-phase-commit');
  });

  test('the snippet expansion follows VS Code snippet syntax', () => {
    assert.equal(expandSnippet('a ${1:x} $1 ${2|p,q|} \\$1 ${3:${4:n}m} $0'), 'a x x p $1 nm ');
  });
});
