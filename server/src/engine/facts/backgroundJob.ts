/**
 * A job a flow hands to a job queue (BullMQ, Bull), seen from that flow: the calls that lead to
 * the `queue.add` (the flow's own call, then the call in each function passed through, then the
 * add itself), whether the flow lets go of it, and whether it has a caller-chosen id.
 *
 * - **Let go:** one of those calls is made and its promise dropped (`void this.warmUp(id)`, a bare
 *   `this.gathering.addJob(...)` statement, a `.catch(() => {})` chain nobody awaits): the flow
 *   neither waits for the job nor fails with it.
 * - **Caller-chosen id:** one of those calls passes a job option of the library's `jobIdOptions`
 *   (`{ jobId: `profile-${symbol}` }`) whose value is not a fresh random one: the job is "the
 *   refresh of that id", coalesced with any other still waiting, not one job per call.
 */
import { Node } from 'ts-morph';
import type { Reached } from './effects';
import { jobIdOptions } from './libraries/delivery';
import { descendantsOf } from './walk';
import { initializerOf } from './syntax';

export interface BackgroundJob {
  /** The flow does not wait for the enqueue: a call on the way is made and its promise dropped. */
  letGo: boolean;
  /** A call on the way gives the job a caller-chosen, non-random id. */
  ownId: boolean;
}

/** A fresh value on every call: not an id that names what the job is about. */
const RANDOM = /\b(random\w*|uuid\w*|v4|nanoid|cuid2?|ulid|createId|generateId|Date\.now|performance\.now)\s*\(|\bnew\s+ObjectId\s*\(/i;

export function backgroundJob(r: Reached): BackgroundJob {
  const chain = callChain(r);
  const names = new Set(jobIdOptions(r.fact.library));
  return { letGo: chain.some(dropped), ownId: names.size > 0 && chain.some((call) => hasOwnJobId(call, names)) };
}

/** The calls from the flow to the fact: `via`, the call into each next function of the path, the fact's own call. */
function callChain(r: Reached): Node[] {
  const chain: Node[] = [];
  for (const step of [r.via, ...r.steps]) {
    const call = callOf(step);
    if (!call) break;
    chain.push(call);
  }
  return chain;
}

function callOf(node: Node): Node | undefined {
  if (Node.isCallExpression(node) || Node.isNewExpression(node)) return node;
  return node.getFirstAncestor((a) => Node.isCallExpression(a) || Node.isNewExpression(a));
}

/**
 * A call whose promise nobody waits for: its value (through `.then`/`.catch`/`.finally` and
 * parentheses) is an expression statement or the operand of `void`.
 */
function dropped(call: Node): boolean {
  let n: Node = call;
  for (;;) {
    const p = n.getParent();
    if (!p) return false;
    if (Node.isParenthesizedExpression(p)) { n = p; continue; }
    if (Node.isPropertyAccessExpression(p) && p.getExpression() === n && ['then', 'catch', 'finally'].includes(p.getName())) {
      const outer = p.getParent();
      if (outer && Node.isCallExpression(outer) && outer.getExpression() === p) { n = outer; continue; }
      return false;
    }
    return Node.isExpressionStatement(p) || Node.isVoidExpression(p);
  }
}

function hasOwnJobId(call: Node, names: ReadonlySet<string>): boolean {
  const args = Node.isCallExpression(call) || Node.isNewExpression(call) ? call.getArguments() : [];
  for (const a of args) {
    for (const n of [a, ...descendantsOf(a)]) {
      if (Node.isPropertyAssignment(n) && names.has(n.getName())) {
        const value = n.getInitializer();
        if (value && !RANDOM.test(value.getText())) return true;
      } else if (Node.isShorthandPropertyAssignment(n) && names.has(n.getName())) {
        const value = initializerOf(n.getNameNode());
        if (!value || !RANDOM.test(value.getText())) return true;
      }
    }
  }
  return false;
}
