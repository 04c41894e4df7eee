/**
 * The raw syntax walks that keep the engine from wrapping every node agree
 * with the ts-morph predicates they stand in for: FUNCTION_LIKE_KINDS with
 * isFunctionLike, functionLikesOf with forEachDescendant order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Project } from 'ts-morph';
import { isFunctionLike } from '../../server/src/engine/facts/analysis';
import { FUNCTION_LIKE_KINDS, functionLikesOf } from '../../server/src/engine/facts/walk';

const SOURCE = `
export function a(x: number) { return () => function inner() { return x; }; }
export class C {
  constructor(private readonly n: number) {}
  get value() { return this.n; }
  set value(v: number) { void v; }
  method() { const f = async () => [1, 2].map((i) => i * 2); return f; }
  static s = function () { return 1; };
}
const o = { m() { return 1; }, get g() { return 2; }, p: () => 3 };
export default o;
`;

test('FUNCTION_LIKE_KINDS is exactly the kinds isFunctionLike accepts, and functionLikesOf lists them in source order', () => {
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  const sf = project.createSourceFile('/a.ts', SOURCE);
  const expected = sf.getDescendants().filter((n) => isFunctionLike(n));
  for (const n of sf.getDescendants()) assert.equal(FUNCTION_LIKE_KINDS.has(n.getKind()), isFunctionLike(n), n.getKindName());
  assert.ok(expected.length >= 10);
  assert.deepEqual(functionLikesOf(sf), expected, 'same nodes (same wrappers), same order');
});
