/** Rule documentation is tested against rule metadata, and its examples are run. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../server/src/engine/rules';
import { findingsFor } from './support/ruleTester';
import { parseDocExamples } from './support/markdownExamples';
import { SERVICE_MAP_PNG, reportExcerpt, ruleTable } from '../scripts/ruleTable';

const repo = path.resolve(__dirname, '..');

describe('rule documentation', () => {
  for (const rule of RULES) {
    const id = rule.meta.id;
    const file = path.join(repo, 'docs', 'rules', `${id}.md`);
    describe(id, () => {
      it('exists, is titled with the rule id and states the rule description', () => {
        assert.ok(fs.existsSync(file), `docs/rules/${id}.md is missing`);
        const text = fs.readFileSync(file, 'utf8');
        assert.equal(text.split('\n')[0], `# ${id}`);
        assert.ok(text.includes(rule.meta.description), 'the doc must quote meta.description');
        for (const section of ['## Why', '## How to fix', '## Examples']) assert.ok(text.includes(section), `missing "${section}"`);
        assert.ok(rule.meta.docsUrl.endsWith(`docs/rules/${id}.md`));
      });
      it('has failing examples that the rule flags and passing ones it does not', () => {
        const examples = parseDocExamples(fs.readFileSync(file, 'utf8'));
        assert.ok(examples.some((e) => e.kind === 'incorrect'), 'needs an incorrect example');
        assert.ok(examples.some((e) => e.kind === 'correct'), 'needs a correct example');
        for (const example of examples) {
          const findings = findingsFor(id, example.files).filter((f) => !f.suppressed);
          if (example.kind === 'incorrect') assert.ok(findings.length > 0, `"${example.title}" should be flagged`);
          else assert.deepEqual(findings.map((f) => f.message), [], `"${example.title}" should pass`);
        }
      });
    });
  }
});

describe('README rule table', () => {
  it('is the one generated from rule metadata (npm run docs:rules)', () => {
    const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
    assert.ok(readme.includes(ruleTable()), 'README rule table is stale: run npm run docs:rules');
  });
  it('shows the current report excerpt (npm run docs:rules)', () => {
    const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
    const excerpt = fs.readFileSync(path.join(repo, 'docs', 'report-excerpt.md'), 'utf8');
    assert.ok(readme.includes(reportExcerpt(excerpt)), 'README report excerpt is stale: run npm run docs:rules');
    assert.ok(fs.existsSync(path.join(repo, SERVICE_MAP_PNG)), `${SERVICE_MAP_PNG} is missing`);
    assert.doesNotMatch(readme, /!\[[^\]]*\]\([^)]*\.svg\)/, 'vsce refuses SVG images in README.md');
  });
});
