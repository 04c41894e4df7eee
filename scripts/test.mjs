#!/usr/bin/env node
/**
 * Runs the test suite with node's test runner (Node 20 has no glob support
 * in `node --test`), prints the spec report, and closes with one summary
 * line: "N passed, M failed".
 * Usage: node scripts/test.mjs [glob ...]   (default: test/**\/*.test.ts, excluding test/editor)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fg from 'fast-glob';

const patterns = process.argv.slice(2).length ? process.argv.slice(2) : ['test/**/*.test.ts'];
const files = fg.sync(patterns, { ignore: ['test/editor/**', 'test/e2e/**', '**/node_modules/**'] }).sort();
if (!files.length) {
  console.error(`no test files match ${patterns.join(' ')}`);
  process.exit(1);
}
const tapFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-test-')), 'report.tap');
const result = spawnSync(process.execPath, [
  '--import', 'tsx', '--test',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
  ...files,
], { stdio: 'inherit' });
const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
const skipped = count('skipped') + count('todo');
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(result.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
