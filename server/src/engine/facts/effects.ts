/**
 * What a function does, directly or through the workspace functions it
 * calls (across files, a bounded number of levels deep). Each reached fact
 * remembers the first call in the starting function that leads to it, so a
 * rule can point at the line in the flow a reviewer reads.
 */
import { Node } from 'ts-morph';
import type { Fact } from './facts';
import { type Analysis, isFunctionLike } from './analysis';

export const MAX_CALL_DEPTH = 5;

export interface Reached {
  fact: Fact;
  /** The node in the starting function through which the fact is reached (the fact's own call, or a call). */
  via: Node;
  /** Functions passed through, outermost first (empty when the fact is in the starting function). */
  path: Node[];
}

export class EffectIndex {
  private readonly memo = new Map<Node, Reached[]>();
  private readonly active = new Set<Node>();

  constructor(private readonly analysis: Analysis, private readonly separateFlows: Set<Node>) {}

  /** Facts reached from a function body. Handlers registered inside it are separate flows and are skipped. */
  of(fn: Node, depth = 0): Reached[] {
    const cached = this.memo.get(fn);
    if (cached) return cached;
    if (this.active.has(fn) || depth > MAX_CALL_DEPTH) return [];
    this.active.add(fn);
    const out: Reached[] = [];
    const analysis = this.analysis;
    this.analysis.factsOf(fn.getSourceFile());
    const visit = (node: Node) => {
      if (node !== fn && isFunctionLike(node) && this.separateFlows.has(node)) return;
      if (Node.isCallExpression(node) || Node.isNewExpression(node) || Node.isTaggedTemplateExpression(node)) {
        const facts = analysis.factsAt(node);
        for (const fact of facts) out.push({ fact, via: node, path: [] });
        if (!facts.length) {
          const callee = analysis.resolveCallee(node);
          if (callee && callee !== fn && !this.separateFlows.has(callee)) {
            for (const r of this.of(callee, depth + 1)) out.push({ fact: r.fact, via: node, path: [callee, ...r.path] });
          }
        }
      }
      node.forEachChild(visit);
    };
    fn.forEachChild(visit);
    this.active.delete(fn);
    if (depth === 0 || !this.active.size) this.memo.set(fn, out);
    return out;
  }

  /** True when the function, or a workspace function it calls, calls something whose name matches. */
  callsNamed(fn: Node, pattern: RegExp, depth = 0, seen = new Set<Node>()): boolean {
    if (seen.has(fn) || depth > MAX_CALL_DEPTH) return false;
    seen.add(fn);
    let found = false;
    const visit = (node: Node): void => {
      if (found) return;
      if (node !== fn && isFunctionLike(node) && this.separateFlows.has(node)) return;
      if (Node.isCallExpression(node)) {
        const callee = node.getExpression();
        const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
        if (pattern.test(name)) { found = true; return; }
        const target = this.analysis.resolveCallee(node);
        if (target && this.callsNamed(target, pattern, depth + 1, seen)) { found = true; return; }
      }
      node.forEachChild(visit);
    };
    fn.forEachChild(visit);
    return found;
  }
}
