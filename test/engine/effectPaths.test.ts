/**
 * The effect index keeps one entry per fact and first two steps: a wide call graph (each level calling
 * the next from three places) reaches a fact through 3^depth paths, and keeping every one made a
 * 1,900-file product run out of memory. What a flow reaches stays the same facts, through each of its
 * own calls; the count grows with the calls, not with the paths.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Node } from 'ts-morph';
import { analyzeSystem } from '../../server/src/engine/analyze';
import { removeWorkspace, writeWorkspace } from '../support/workspace';

const DEPTH = 5;

/** level0 ... level5: each calls the next three times; the last publishes and writes. */
function chain(): string {
  const out = ["import { Kafka } from 'kafkajs';", "import { Pool } from 'pg';", '', 'const pool = new Pool();', "const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();", ''];
  for (let i = 0; i < DEPTH; i++) {
    out.push(`export async function level${i}(id: string) {`, `  await level${i + 1}(id);`, `  await level${i + 1}(id + 'a');`, `  await level${i + 1}(id + 'b');`, '}');
  }
  out.push(
    `export async function level${DEPTH}(id: string) {`,
    "  await pool.query('INSERT INTO audit (id) VALUES ($1)', [id]);",
    "  await producer.send({ topic: 'audited', messages: [{ value: id }] });",
    '}',
  );
  return `${out.join('\n')}\n`;
}

const root = writeWorkspace({ 'services/audit/package.json': JSON.stringify({ name: 'audit' }), 'services/audit/src/chain.ts': chain() });
after(() => removeWorkspace(root));

test('a fact reached through 3^5 paths is kept once per call of the flow and of its callee', () => {
  const { model } = analyzeSystem({ root });
  const level0 = model.files.flatMap((f) => f.sourceFile.getFunctions()).find((f) => f.getName() === 'level0');
  assert.ok(level0 && Node.isFunctionDeclaration(level0));
  const reached = model.effects.of(level0);
  const kinds = new Set(reached.map((r) => r.fact.kind));
  assert.deepEqual([...kinds].sort(), ['publish', 'write']);
  // Two facts, three calls in level0, three calls in level1: at most 2 x 3 x 3 entries (3^5 x 2 before).
  assert.ok(reached.length <= 18, `expected at most 18 entries, got ${reached.length}`);
  for (const r of reached) assert.equal(r.path.length, DEPTH, 'every entry keeps a full path to its fact');
});
