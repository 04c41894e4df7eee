/**
 * Branches that constant call arguments decide. A flow passes values down the
 * calls it makes: `createOrUpdate({ platform: PlatformType.GIT, ... })` reaches
 * `if (platform === PlatformType.GITHUB && isFirstUpdate) workflow.start(...)`
 * three calls below, where that branch never runs on this path. What is
 * followed, and how, is in constantValues.ts; a branch whose condition is not
 * known is taken to run.
 */
import { Node } from 'ts-morph';
import type { Reached } from './effects';
import { Evaluator, type Bindings, type Value } from './constantValues';

const lit = (value: undefined): Value => ({ kind: 'lit', value });

/**
 * The values a call binds to the parameters of `callee` (which it calls directly, so arguments
 * line up with parameters), its arguments evaluated with `outer` bound in the calling function.
 * A missing argument is `undefined`, or the parameter's default. Undefined when nothing is known.
 */
export function bindArguments(call: Node, callee: Node, caller: Node, outer: Bindings | undefined): Bindings | undefined {
  if (!Node.isCallExpression(call) && !Node.isNewExpression(call)) return undefined;
  const params = (callee as unknown as { getParameters?(): Node[] }).getParameters?.() ?? [];
  if (!params.length) return undefined;
  const args = call.getArguments();
  const spreadAt = args.findIndex((a) => Node.isSpreadElement(a));
  const evalOuter = new Evaluator(outer ?? new Map(), caller);
  const evalDefault = new Evaluator(new Map(), callee);
  const out = new Map<Node, Value>();
  params.forEach((p, i) => {
    if (!Node.isParameterDeclaration(p) || p.isRestParameter() || (spreadAt >= 0 && i >= spreadAt)) return;
    const a = args[i];
    let v = a ? evalOuter.value(a) : lit(undefined);
    const fallback = p.getInitializer();
    if (v?.kind === 'lit' && v.value === undefined && fallback) v = evalDefault.value(fallback);
    if (v) out.set(p, v);
  });
  return out.size ? out : undefined;
}

/** True when the bound values decide a branch on the way to `target` in `fn` against it. */
export function ruledOut(target: Node, fn: Node, env: Bindings): boolean {
  return new Evaluator(env, fn).decidedAgainst(target);
}

/**
 * The constant-argument check of the effect index (effects.ts), with the bindings and answers it
 * computed kept for the run: does what a call passes down rule out the path to a reached fact?
 */
export class ConstantPaths {
  private readonly bindings = new Map<Node, Map<Bindings | null, Map<Node, Bindings | undefined>>>();
  private readonly answers = new WeakMap<Bindings, Map<Node, boolean>>();

  constructor(private readonly isRegistryCall: (call: Node) => boolean) {}

  clear(): void {
    this.bindings.clear();
  }

  /** bindArguments, remembered per call, outer bindings and callee. */
  bind(call: Node, callee: Node, caller: Node, outer: Bindings | undefined): Bindings | undefined {
    let byOuter = this.bindings.get(call);
    if (!byOuter) this.bindings.set(call, byOuter = new Map());
    let byCallee = byOuter.get(outer ?? null);
    if (!byCallee) byOuter.set(outer ?? null, byCallee = new Map());
    if (!byCallee.has(callee)) byCallee.set(callee, bindArguments(call, callee, caller, outer));
    return byCallee.get(callee);
  }

  /**
   * True when the values bound at a call into `callee` rule out the path to a fact `callee`
   * reaches (`r`: through r.via in callee, then r.steps in r.path), level by level.
   */
  rulesOut(bound: Bindings, callee: Node, r: Reached): boolean {
    let env = bound;
    let fn = callee;
    let at = r.via;
    if (this.decided(env, at, fn)) return true;
    for (let i = 0; i < r.path.length; i++) {
      if (this.isRegistryCall(at)) return false;
      const inner = this.bind(at, r.path[i], fn, env);
      if (!inner) return false;
      env = inner;
      fn = r.path[i];
      at = r.steps[i];
      if (this.decided(env, at, fn)) return true;
    }
    return false;
  }

  private decided(env: Bindings, at: Node, fn: Node): boolean {
    let byTarget = this.answers.get(env);
    if (!byTarget) this.answers.set(env, byTarget = new Map());
    let answer = byTarget.get(at);
    if (answer === undefined) byTarget.set(at, answer = ruledOut(at, fn, env));
    return answer;
  }
}
