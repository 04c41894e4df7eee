/**
 * What a function does, directly or through the workspace functions it
 * calls (across files, a bounded number of levels deep). Each reached fact
 * remembers the first call in the starting function that leads to it, so a
 * rule can point at the line in the flow a reviewer reads.
 */
import { Node, type CallExpression, type SourceFile } from 'ts-morph';
import type { Fact } from './facts';
import type { Analysis } from './analysis';
import { ConstantPaths } from './constantArguments';
import { CALL_KINDS, FUNCTION_LIKE_KINDS, outlineOf, ts, wrapperFor } from './walk';
import { functionPassedToWrapper } from './registrations';
import { isScheduled } from './libraries/schedulers';

export const MAX_CALL_DEPTH = 5;

export interface Reached {
  fact: Fact;
  /** The node in the starting function through which the fact is reached (the fact's own call, or a call). */
  via: Node;
  /** Functions passed through, outermost first (empty when the fact is in the starting function). */
  path: Node[];
  /** steps[i]: the node in path[i] through which the fact is reached (the last is the fact's own node). */
  steps: Node[];
  /**
   * True when a call on the way was resolved to an implementation of an
   * interface or abstract method (one of possibly several), not to the
   * function it names: the fact is inferred to run, not known to.
   */
  inferred?: boolean;
}

/**
 * The nodes on the way to a reached fact: the fact itself, and the call in the starting function and
 * in each function passed through that leads to it. A check that guards the fact may sit around any of them.
 */
export function pointsOnTheWay(r: Reached): Node[] {
  return r.path.length ? [r.fact.node, r.via, ...r.steps.slice(0, -1)] : [r.fact.node];
}

/** A node whose body is a function of its own (a declaration, method, accessor, arrow or function expression): checks inside it do not guard code outside. */
export function isFunctionBoundary(n: Node): boolean {
  return Node.isFunctionLikeDeclaration(n) || Node.isArrowFunction(n) || Node.isFunctionExpression(n);
}

export class EffectIndex {
  private readonly memo = new Map<Node, Reached[]>();
  private readonly namedMemo = new Map<Node, Map<string, boolean>>();
  /** isScheduledCallback's answers by compiler node (an edited file's nodes are new objects). */
  private readonly scheduledMemo = new WeakMap<ts.Node, boolean>();
  private readonly active = new Set<Node>();
  /** The compiler nodes of separateFlows (built when first needed). */
  private separateRaw: Set<ts.Node> | undefined;
  private readonly constants: ConstantPaths;

  constructor(private readonly analysis: Analysis, private separateFlows: Set<Node>) {
    this.constants = new ConstantPaths((call) => analysis.isRegistryCall(call));
  }

  /** Forgets what was computed for functions of these files (call while their nodes are alive). */
  invalidate(affected: ReadonlySet<SourceFile>): void {
    if (!affected.size) return;
    this.constants.clear();
    for (const map of [this.memo, this.namedMemo] as Map<Node, unknown>[]) {
      for (const fn of map.keys()) if (fn.wasForgotten() || affected.has(fn.getSourceFile())) map.delete(fn);
    }
  }

  /** The handlers (separate flows) changed identity but not place: keep the memo, use the new nodes. */
  rebind(separateFlows: Set<Node>): void {
    this.separateFlows = separateFlows;
    this.separateRaw = undefined;
  }

  /** True when a compiler node is (the node of) a separate flow. */
  private isSeparate(raw: ts.Node): boolean {
    if (!this.separateRaw) {
      this.separateRaw = new Set();
      for (const n of this.separateFlows) if (!n.wasForgotten()) this.separateRaw.add(n.compilerNode);
    }
    return this.separateRaw.has(raw);
  }

  /**
   * True when a function nested in fn is given to a scheduler (`cron.schedule(expr, async () => ...)`,
   * `new CronJob(expr, fn)`, `setInterval(fn, ms)`: libraries/schedulers.ts): it runs on its timer, each
   * run a flow of its own, not when fn (the start-up code registering every job) runs.
   */
  private isScheduledCallback(raw: ts.Node, fn: Node): boolean {
    const parent = raw.parent;
    if (!parent || !(ts.isCallExpression(parent) || ts.isNewExpression(parent) || ts.isPropertyAssignment(parent))) return false;
    let known = this.scheduledMemo.get(raw);
    if (known === undefined) this.scheduledMemo.set(raw, known = isScheduled(wrapperFor(fn)(raw), this.analysis));
    return known;
  }

  /**
   * A function a library is given to call when an event happens (`ThirdwebAuth({ callbacks: { onLogout:
   * async () => ... } })`, `{ onToken() { ... } }`): an `on<Event>` member of an options object passed
   * to a call that cannot run a workspace function. It runs on that later event (a logout request), not
   * when the registering code runs: a flow of its own, like a scheduled callback.
   */
  private isEventHook(raw: ts.Node, fn: Node): boolean {
    const parent = raw.parent;
    const named = ts.isMethodDeclaration(raw) ? raw : parent && ts.isPropertyAssignment(parent) && parent.initializer === raw ? parent : undefined;
    if (!named || !ts.isIdentifier(named.name) || !EVENT_HOOK.test(named.name.text)) return false;
    let object: ts.Node | undefined = named.parent;
    while (object && ts.isObjectLiteralExpression(object) && object.parent && ts.isPropertyAssignment(object.parent)) object = object.parent.parent;
    const call = object && ts.isObjectLiteralExpression(object) ? object.parent : undefined;
    if (!call || !(ts.isCallExpression(call) || ts.isNewExpression(call)) || !call.arguments?.includes(object as ts.Expression)) return false;
    return !this.analysis.mayCallWorkspace(call) || this.analysis.resolveCallees(wrapperFor(fn)(call)).length === 0;
  }

  /** Facts reached from a function body. Handlers registered inside it are separate flows and are skipped. */
  of(fn: Node, depth = 0): Reached[] {
    const cached = this.memo.get(fn);
    if (cached) return cached;
    if (this.active.has(fn) || depth > MAX_CALL_DEPTH) return [];
    this.active.add(fn);
    const out: Reached[] = [];
    const analysis = this.analysis;
    this.analysis.factsOf(fn.getSourceFile());
    const wrap = wrapperFor(fn);
    // A handler that calls a parameter of the wrapper registering it runs what the wrapper's callers pass.
    const handler = depth === 0 && this.separateFlows.has(fn);
    const call = (raw: ts.Node) => {
      // Calls are wrapped only when they produced facts or may run a workspace function.
      const facts = analysis.factsAtRaw(raw);
      if (facts?.length) {
        const node = wrap(raw);
        for (const fact of facts) out.push({ fact, via: node, path: [], steps: [] });
      } else if (analysis.mayCallWorkspace(raw) || (handler && isCallOfName(raw))) {
        const node = wrap(raw);
        const declared = analysis.resolveCallee(node);
        const passed = handler && !declared ? functionPassedToWrapper(node, fn, analysis) : undefined;
        for (const callee of passed ? [passed] : analysis.resolveCallees(node)) {
          if (callee === fn || this.separateFlows.has(callee)) continue;
          const registry = analysis.isRegistryCall(node);
          const inferred = !passed && callee !== declared && !registry;
          // Values this call passes down may rule out branches on the way to what the callee reaches.
          const bound = registry ? undefined : this.constants.bind(node, callee, fn, undefined);
          // One entry per fact and first two steps (this call, the callee's call): deeper alternatives to the same
          // fact add nothing a rule reads, and keeping every path multiplies entries at each level of a wide call graph.
          const kept = new Map<Fact, Set<Node>>();
          for (const r of this.of(callee, depth + 1)) {
            const seen = kept.get(r.fact);
            if (seen?.has(r.via)) continue;
            if (bound && this.constants.rulesOut(bound, callee, r)) continue;
            if (seen) seen.add(r.via);
            else kept.set(r.fact, new Set([r.via]));
            out.push({ fact: r.fact, via: node, path: [callee, ...r.path], steps: [r.via, ...r.steps], ...(inferred || r.inferred ? { inferred: true } : {}) });
          }
        }
      }
    };
    this.forEachCall(fn, (raw) => {
      call(raw);
      return false;
    });
    this.active.delete(fn);
    if (depth === 0 || !this.active.size) this.memo.set(fn, out);
    return out;
  }

  /**
   * One level of what `of` walks: whether the function's own body produces one of `targets`, and
   * the workspace functions it calls (the edges `of` follows). Lets a caller search narrow the
   * functions whose full summary it needs without changing what those summaries hold.
   */
  step(fn: Node, targets: ReadonlySet<Fact>): { direct: boolean; callees: Node[] } {
    const analysis = this.analysis;
    analysis.factsOf(fn.getSourceFile());
    const wrap = wrapperFor(fn);
    let direct = false;
    const callees: Node[] = [];
    this.forEachCall(fn, (raw) => {
      const facts = analysis.factsAtRaw(raw);
      if (facts?.length) {
        if (facts.some((f) => targets.has(f))) direct = true;
      } else if (analysis.mayCallWorkspace(raw)) {
        for (const callee of analysis.resolveCallees(wrap(raw))) {
          if (callee !== fn && !this.separateFlows.has(callee)) callees.push(callee);
        }
      }
      return false;
    });
    return { direct, callees };
  }

  /** True when the function, or a workspace function it calls, calls something whose name matches. */
  callsNamed(fn: Node, pattern: RegExp): boolean {
    let byPattern = this.namedMemo.get(fn);
    if (!byPattern) this.namedMemo.set(fn, byPattern = new Map());
    let found = byPattern.get(pattern.source);
    if (found === undefined) byPattern.set(pattern.source, found = this.searchNamed(fn, pattern, 0, new Set()));
    return found;
  }

  private searchNamed(fn: Node, pattern: RegExp, depth: number, seen: Set<Node>): boolean {
    if (seen.has(fn) || depth > MAX_CALL_DEPTH) return false;
    seen.add(fn);
    const wrap = wrapperFor(fn);
    return this.forEachCall(fn, (raw) => {
      if (raw.kind !== ts.SyntaxKind.CallExpression) return false;
      const callee = (raw as ts.CallExpression).expression;
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.getText() : callee.getText();
      if (pattern.test(name)) return true;
      // The function the call runs: its callee, or the one implementation of the interface a service object is typed by
      // (several implementations are alternatives: a guard in one of them does not guard the others).
      const targets = this.analysis.mayCallWorkspace(raw) ? this.analysis.resolveCallees(wrap(raw) as CallExpression) : [];
      return targets.length === 1 && this.searchNamed(targets[0], pattern, depth + 1, seen);
    });
  }

  /**
   * Calls `visit` on the call nodes (CALL_KINDS) of a function's body in
   * pre-order, skipping the functions that are separate flows, until it
   * returns true (then returns true). Goes through the file's outline when
   * the function is in it, else walks the body.
   */
  private forEachCall(fn: Node, visit: (raw: ts.Node) => boolean): boolean {
    const outline = outlineOf(fn.getSourceFile().compilerNode);
    const start = outline.functionIndex.get(fn.compilerNode);
    if (start !== undefined) {
      const { nodes, ends } = outline;
      for (let i = start + 1; i < ends[start]; i++) {
        const raw = nodes[i];
        if (FUNCTION_LIKE_KINDS.has(raw.kind)) {
          if (this.isSeparate(raw) || handedBack(raw, fn.compilerNode) || this.isScheduledCallback(raw, fn) || this.isEventHook(raw, fn)) i = ends[i] - 1;
        } else if (visit(raw)) {
          return true;
        }
      }
      return false;
    }
    let found = false;
    const walk = (raw: ts.Node): void => {
      if (found) return;
      if (FUNCTION_LIKE_KINDS.has(raw.kind) && raw !== fn.compilerNode && (this.isSeparate(raw) || handedBack(raw, fn.compilerNode) || this.isScheduledCallback(raw, fn) || this.isEventHook(raw, fn))) return;
      if (CALL_KINDS.has(raw.kind) && visit(raw)) {
        found = true;
        return;
      }
      ts.forEachChild(raw, walk);
    };
    ts.forEachChild(fn.compilerNode, walk);
    return found;
  }
}

/** The member name of a callback run on an event (`onLogout`, `onToken`), not during the call it is given to. */
const EVENT_HOOK = /^on[A-Z]\w*$/;

function isCallOfName(raw: ts.Node): boolean {
  return raw.kind === ts.SyntaxKind.CallExpression && ts.isIdentifier((raw as ts.CallExpression).expression);
}

/** HTTP route registrations: `app.post(path, ...handlers)`, `router.get(...)`, `fastify.route(...)`, and request hooks (`fastify.addHook('onRequest', ...)`). */
const ROUTE_METHODS = /^(get|post|put|patch|delete|del|head|options|all|route|addHook)$/;

/**
 * A handler given to a route registration after its path (`app.post('/buy', async (req) => ...)`,
 * `router.get(path, auth, handler)`, or as the `handler` of `fastify.route({ url, handler })`): it runs once per request, not when the registering function
 * runs; it is a flow of its own. Event listeners (`stream.on('data', ...)`) are not: they often run
 * inside the flow that registers them (reading a file the job names).
 */
function isRegisteredCallback(raw: ts.Node, parent: ts.Node): boolean {
  if (isRouteOptionsHandler(raw, parent)) return true;
  if (!ts.isCallExpression(parent) || !ts.isPropertyAccessExpression(parent.expression)) return false;
  const index = parent.arguments.indexOf(raw as ts.Expression);
  return index > 0 && ROUTE_METHODS.test(parent.expression.name.text) && isPathArgument(parent.arguments[0]);
}

/** `fastify.route({ method: 'POST', url: '/buy', handler: async (req) => ... })` (or `handler(req) { ... }`). */
function isRouteOptionsHandler(raw: ts.Node, parent: ts.Node): boolean {
  const member = ts.isMethodDeclaration(raw) ? raw : ts.isPropertyAssignment(parent) && parent.initializer === raw ? parent : undefined;
  const options = member?.parent;
  if (!member || !ts.isIdentifier(member.name) || member.name.text !== 'handler' || !options || !ts.isObjectLiteralExpression(options)) return false;
  const call = options.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== options || !ts.isPropertyAccessExpression(call.expression) || call.expression.name.text !== 'route') return false;
  return options.properties.some((p) => p.name !== undefined && ts.isIdentifier(p.name) && (p.name.text === 'url' || p.name.text === 'path'));
}

function isPathArgument(arg: ts.Expression): boolean {
  return ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg) || ts.isTemplateExpression(arg) || ts.isIdentifier(arg) || ts.isPropertyAccessExpression(arg);
}

/** How a function's body uses each name, read in one walk (returnsName and calledOnlyByName ask per closure). */
interface NameUses {
  /** Positions of `name(...)` calls and of other uses (not the name a declaration declares), by name. */
  calls: Map<string, number[]>;
  others: Map<string, number[]>;
  /** Names returned bare by the function itself (`return publisher`), not by a function nested in it. */
  returned: Set<string>;
}

const nameUsesMemo = new WeakMap<ts.Node, NameUses>();

function nameUses(body: ts.Node): NameUses {
  let uses = nameUsesMemo.get(body);
  if (uses) return uses;
  uses = { calls: new Map(), others: new Map(), returned: new Set() };
  const { calls, others, returned } = uses;
  const add = (map: Map<string, number[]>, name: string, pos: number) => {
    const list = map.get(name);
    if (list) list.push(pos);
    else map.set(name, [pos]);
  };
  // A `return` inside a nested function returns from that function, not from fn; a call anywhere runs it.
  const visit = (n: ts.Node, nested: boolean): void => {
    if (!nested && ts.isReturnStatement(n) && n.expression) handedNames(n.expression).forEach((x) => returned.add(x));
    if (ts.isIdentifier(n)) {
      const p = n.parent;
      if (p && ts.isCallExpression(p) && p.expression === n) add(calls, n.text, n.pos);
      else if (!(p && (ts.isVariableDeclaration(p) || ts.isFunctionDeclaration(p)) && p.name === n)) add(others, n.text, n.pos);
      return;
    }
    ts.forEachChild(n, (c) => visit(c, nested || FUNCTION_LIKE_KINDS.has(n.kind)));
  };
  if (ts.isIdentifier(body)) add(others, body.text, body.pos);
  else ts.forEachChild(body, (c) => visit(c, false));
  nameUsesMemo.set(body, uses);
  return uses;
}

/**
 * The names a returned expression hands back: a bare name (`return publisher`), or the values of an
 * object literal's members (`return { sendUpdate, close: closeConnections }`, a factory of closures).
 */
function handedNames(expr: ts.Node): string[] {
  let e = expr;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  if (ts.isIdentifier(e)) return [e.text];
  if (!ts.isObjectLiteralExpression(e)) return [];
  return e.properties.flatMap((p) => ts.isShorthandPropertyAssignment(p) ? [p.name.text]
    : ts.isPropertyAssignment(p) && ts.isIdentifier(p.initializer) ? [p.initializer.text] : []);
}

/**
 * True when `fn` returns the bare name (`return publisher`, or an arrow whose body is the name), or
 * an object literal holding it (`return { publisher }`), and nothing else calls it by that name in fn:
 * the function so named is handed back, not run.
 */
function returnsName(fnRaw: ts.Node, name: string): boolean {
  const body = (fnRaw as ts.FunctionLikeDeclaration).body;
  if (!body) return false;
  if (!ts.isBlock(body)) return handedNames(body).includes(name);
  const uses = nameUses(body);
  return uses.returned.has(name) && !uses.calls.get(name)?.length;
}

/**
 * True when every use of the local name in fn is a call of it (`const maybePublish = async (u) => …;
 * … await maybePublish(updated)`): the closure runs where it is called, and those calls reach its
 * effects (in their order in the flow), not its definition. A name also passed on or stored
 * (`items.forEach(maybePublish)`) keeps the closure in place. Uses inside the closure itself do not count.
 */
function calledOnlyByName(fnRaw: ts.Node, name: string, closure: ts.Node): boolean {
  const body = (fnRaw as ts.FunctionLikeDeclaration).body;
  if (!body) return false;
  const uses = nameUses(body);
  const outside = (pos: number) => pos < closure.pos || pos >= closure.end;
  const calls = (uses.calls.get(name) ?? []).filter(outside).length;
  return calls > 0 && !(uses.others.get(name) ?? []).some(outside);
}

/** Skips wrappers that do not change what an expression is: `(x)`, `x as T`, `x satisfies T`, `x!`. */
function outerOf(n: ts.Node): ts.Node {
  let p = n.parent;
  while (p && (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p) || ts.isNonNullExpression(p))) p = p.parent;
  return p;
}

function handedBack(raw: ts.Node, fnRaw: ts.Node): boolean {
  // Syntax alone decides it, and every walk of fn's body asks again (a long function with many named
  // closures would re-read its body once per closure per walk): kept per function node.
  let known = handedBackMemo.get(fnRaw);
  if (!known) handedBackMemo.set(fnRaw, known = new Map());
  let answer = known.get(raw);
  if (answer === undefined) known.set(raw, answer = isHandedBack(raw, fnRaw));
  return answer;
}

/** handedBack's answers by function node (compiler nodes of an edited file are new objects, so nothing goes stale). */
const handedBackMemo = new WeakMap<ts.Node, Map<ts.Node, boolean>>();

/**
 * True when a function nested in `fn` is not run by fn: registered as a route handler
 * (isRegisteredCallback), or handed back to fn's caller: returned
 * (`return async () => …`, or bound to a name that is returned: `const publisher = (data) => …;
 * return publisher`), or a member of a returned object literal (`return { handleCreate:
 * async () => … }`, a factory of closures). Calling fn does not run it; whoever calls it later
 * reaches its effects through that call. A callback passed as an argument (`$transaction(async
 * (tx) => …)`, `new Promise(…)`) does run, and stays part of fn.
 */
function isHandedBack(raw: ts.Node, fnRaw: ts.Node): boolean {
  const returned = (expr: ts.Node): boolean => {
    const p = outerOf(expr);
    return !!p && (ts.isReturnStatement(p) || (p === fnRaw && ts.isArrowFunction(fnRaw)));
  };
  if (returned(raw)) return true;
  const parent = raw.parent;
  if (!parent) return false;
  if (isRegisteredCallback(raw, parent)) return true;
  // `const publisher = (data) => { ... }; return publisher;` and `function run() { ... } return run;`
  const name = ts.isVariableDeclaration(parent) && parent.initializer === raw && ts.isIdentifier(parent.name) ? parent.name.text
    : ts.isFunctionDeclaration(raw) && raw.name ? raw.name.text : undefined;
  if (name !== undefined && (returnsName(fnRaw, name) || calledOnlyByName(fnRaw, name, raw))) return true;
  if (ts.isMethodDeclaration(raw) && ts.isObjectLiteralExpression(parent)) return returned(parent);
  if (ts.isPropertyAssignment(parent) && parent.initializer === raw && ts.isObjectLiteralExpression(parent.parent)) return returned(parent.parent);
  return false;
}
