/**
 * Which workspace function a call runs: resolveCallee (the declaration its
 * callee resolves to), resolveCallees (for a method declared by an interface
 * or as abstract, its implementations in workspace classes; for a property
 * of a dependencies type, the functions its objects hold), functionFrom
 * (the function an expression denotes, such as a handler passed by
 * reference), and mayCallWorkspace, which skips before asking the checker
 * the calls no workspace function can answer (by the callee names of the
 * project's files, see fileSyntax.ts).
 */
import { Node, SyntaxKind, type Project, type SourceFile, type ts, type Symbol as TsSymbol } from 'ts-morph';
import { declarationOf } from './syntax';
import { countNames, type FileSyntax, type NameCounts } from './fileSyntax';
import type { Analysis } from './analysis';
import { registeredCallees } from './callbackRegistry';
import { objectTypeOf, valuesOfTypedObjects } from './typedObjects';
import { resolveSpecifier } from './imports';
import { expandoValue, isRequireCall, requiredFunction } from './requiredModules';

export type FunctionLike = Node;

const MAX_IMPLEMENTATIONS = 8;

export class CallResolver {
  private readonly calleeMemo = new Map<Node, FunctionLike | undefined>();
  private readonly calleesMemo = new Map<Node, FunctionLike[]>();
  /** Calls resolved through a callback registry: the functions it holds are seen registered, not inferred. */
  private readonly registryCalls = new Map<Node, boolean>();
  /** The union of the callee names of the project's files (rebuilt after an invalidation). */
  /** How many files declare each name a workspace function can be called by (kept up to date across edits). */
  private calleeNames: NameCounts | undefined;
  private namesPending = new Set<SourceFile>();

  constructor(private readonly analysis: Analysis) {}

  /** Forgets the callees memoized for calls in these files (or in forgotten nodes); see Analysis.invalidate. */
  forgetCalls(affected: ReadonlySet<SourceFile>): void {
    const stale = (node: Node) => node.wasForgotten() || affected.has(node.getSourceFile());
    for (const map of [this.calleeMemo, this.calleesMemo] as Map<Node, unknown>[]) {
      for (const node of map.keys()) if (stale(node)) map.delete(node);
    }
    for (const node of this.registryCalls.keys()) if (stale(node)) this.registryCalls.delete(node);
  }

  /** Takes the callee names of a file out of the counts until they are counted again (its syntax is about to be dropped). */
  forgetNames(f: SourceFile, syntax: FileSyntax | undefined): void {
    if (syntax && this.calleeNames && !this.namesPending.has(f)) countNames(this.calleeNames, syntax.names, -1);
    if (this.calleeNames) this.namesPending.add(f);
  }

  /** The workspace function a call runs, if it can be resolved statically. */
  resolveCallee(call: Node): FunctionLike | undefined {
    if (this.calleeMemo.has(call)) return this.calleeMemo.get(call);
    const fn = this.computeCallee(call);
    this.calleeMemo.set(call, fn);
    return fn;
  }

  private computeCallee(call: Node): FunctionLike | undefined {
    if (!Node.isCallExpression(call) && !Node.isNewExpression(call)) return undefined;
    this.analysis.project ??= call.getProject();
    if (!this.mayCallWorkspace(call.compilerNode)) return undefined;
    let callee: Node = call.getExpression();
    while (Node.isParenthesizedExpression(callee) || Node.isNonNullExpression(callee)) callee = callee.getExpression();
    // `require('./models/file.js')(sequelize, DataTypes)`: the function the module exports.
    if (isRequireCall(callee)) return requiredFunction(callee);
    let symbol: TsSymbol | undefined;
    try {
      symbol = Node.isPropertyAccessExpression(callee) ? callee.getNameNode().getSymbol() : callee.getSymbol();
      if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    } catch {
      return undefined;
    }
    if (!symbol) return undefined;
    for (const decl of symbol.getDeclarations()) {
      const fn = functionOfDeclaration(decl) ?? this.builtByFactory(decl) ?? destructuredFunction(decl) ?? this.defaultFunction(decl);
      if (fn && !fn.getSourceFile().isDeclarationFile()) return fn;
    }
    return undefined;
  }

  /**
   * `handle(event, send = sendToSqs)`: a parameter whose default is a workspace function (a seam tests
   * replace) runs that function in production, where callers leave it out.
   */
  private defaultFunction(decl: Node): FunctionLike | undefined {
    if (!Node.isParameterDeclaration(decl)) return undefined;
    const init = decl.getInitializer();
    return init && !isFunctionLike(init) ? this.functionFrom(init) : init;
  }

  /** `const announce = publisherFor(topic)` (or `await makeHandler()`): the function the factory returns. */
  private builtByFactory(decl: Node): FunctionLike | undefined {
    if (!Node.isVariableDeclaration(decl)) return undefined;
    let init = decl.getInitializer();
    while (init && (Node.isAwaitExpression(init) || Node.isParenthesizedExpression(init))) init = init.getExpression();
    if (!init || !Node.isCallExpression(init)) return undefined;
    // The factory may itself be a member of a dependencies object (`const send = dependencies.getSendMessage()`): one candidate only.
    const factories = this.resolveCallees(init);
    return factories.length === 1 ? returnedFunction(factories[0]) : undefined;
  }

  /**
   * The workspace functions a call may run: the callee itself, or, for a
   * method declared by an interface or as abstract (`handler.handle(msg)`
   * through an injected interface, `this.onMessage(...)` in a base class),
   * the implementations in workspace classes (at most MAX_IMPLEMENTATIONS).
   */
  resolveCallees(call: Node): FunctionLike[] {
    let fns = this.calleesMemo.get(call);
    if (!fns) {
      fns = this.computeCallees(call);
      this.calleesMemo.set(call, fns);
    }
    return fns;
  }

  private computeCallees(call: Node): FunctionLike[] {
    const direct = this.resolveCallee(call);
    if (direct) return [direct];
    if (!Node.isCallExpression(call) || !this.mayCallWorkspace(call.compilerNode)) return [];
    // A function taken from a callback registry or handler map (callbackRegistry.ts).
    const registered = registeredCallees(call, this.analysis);
    if (registered) {
      this.registryCalls.set(call, registered.complete);
      return registered.fns;
    }
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return [];
    let decls: Node[];
    try {
      decls = callee.getNameNode().getSymbol()?.getDeclarations() ?? [];
    } catch {
      return [];
    }
    const name = callee.getName();
    const out: FunctionLike[] = [];
    for (const decl of decls) {
      if (decl.getSourceFile().isDeclarationFile()) continue;
      const owner = decl.getParent();
      const abstractMethod = Node.isMethodDeclaration(decl) && !decl.getBody() && owner && Node.isClassDeclaration(owner);
      if (!(Node.isMethodSignature(decl) || Node.isPropertySignature(decl)) && !abstractMethod) continue;
      // A dependencies object: the functions the workspace's objects of this type hold under the name (typedObjects.ts).
      const objectType = Node.isPropertySignature(decl) || Node.isMethodSignature(decl) ? objectTypeOf(decl) : undefined;
      for (const value of objectType ? valuesOfTypedObjects(objectType, name, call.getSourceFile(), this.analysis) : []) {
        const fn = this.functionFrom(value);
        if (fn && !out.includes(fn)) out.push(fn);
        if (out.length >= MAX_IMPLEMENTATIONS) return out;
      }
      if (!owner || !(Node.isInterfaceDeclaration(owner) || Node.isClassDeclaration(owner))) continue;
      for (const cls of this.implementationsOf(owner, call.getSourceFile())) {
        const m = methodIn(cls, name);
        if (m && !out.includes(m)) out.push(m);
        if (out.length >= MAX_IMPLEMENTATIONS) return out;
      }
    }
    return out;
  }

  /**
   * True when the call's callees were read from a callback registry (a function added to a field
   * and called from it): each runs when the call runs, as far as the code shows, not one inferred
   * implementation among several.
   */
  isRegistryCall(call: Node): boolean {
    this.resolveCallees(call);
    return this.registryCalls.has(call);
  }

  /** Registry calls resolved so far whose registry holds something the code does not show as a function. */
  incompleteRegistryCalls(): Node[] {
    return [...this.registryCalls].filter(([, complete]) => !complete).map(([call]) => call);
  }

  /**
   * False when a call or `new` cannot run a workspace function: its callee is
   * a name (`f(...)`) or a member (`x.m(...)`) that no workspace declaration
   * resolveCallee or resolveCallees accepts could bear, so asking the checker
   * (which type-checks the receiver) would find nothing. True otherwise.
   */
  mayCallWorkspace(raw: ts.Node): boolean {
    if (raw.kind !== SyntaxKind.CallExpression && raw.kind !== SyntaxKind.NewExpression) return false;
    let callee: ts.Expression = (raw as ts.CallExpression | ts.NewExpression).expression;
    while (callee.kind === SyntaxKind.ParenthesizedExpression || callee.kind === SyntaxKind.NonNullExpression) {
      callee = (callee as ts.ParenthesizedExpression | ts.NonNullExpression).expression;
    }
    if (callee.kind !== SyntaxKind.Identifier && callee.kind !== SyntaxKind.PropertyAccessExpression) return true;
    if (!this.analysis.project) return true;
    const names = this.workspaceCalleeNames(this.analysis.project);
    if (callee.kind === SyntaxKind.Identifier) return names.identifiers.has((callee as ts.Identifier).text);
    return names.anyMember > 0 || names.members.has((callee as ts.PropertyAccessExpression).name.text);
  }

  private workspaceCalleeNames(project: Project): NameCounts {
    if (!this.calleeNames) {
      this.calleeNames = { members: new Map([['default', 1]]), identifiers: new Map(), anyMember: 0 };
      this.namesPending = new Set(project.getSourceFiles());
    }
    // Files invalidated since the last call add their names back (their old names were taken out then).
    if (this.namesPending.size) {
      for (const sf of this.namesPending) if (!sf.wasForgotten()) countNames(this.calleeNames, this.analysis.syntaxOf(sf).names, 1);
      this.namesPending.clear();
    }
    return this.calleeNames;
  }

  /** Workspace classes implementing an interface or extending a class (directly or through workspace bases). */
  private implementationsOf(owner: Node, dependent: SourceFile): Node[] {
    const index = this.analysis.index('implementors', /\b(implements|extends)\b/, (sf) => {
      const out: [Node, Node][] = [];
      for (const cls of sf.getDescendantsOfKind(SyntaxKind.ClassDeclaration)) {
        if (cls.isAbstract()) continue;
        for (const clause of cls.getHeritageClauses()) {
          for (const t of clause.getTypeNodes()) {
            const target = declarationOf(t.getExpression());
            if (!target || target.getSourceFile().isDeclarationFile()) continue;
            out.push([target, cls]);
            // A class extending an abstract workspace class implements what that class implements.
            for (let base = Node.isClassDeclaration(target) ? target : undefined, i = 0; base && i < 4; i++) {
              for (const impl of base.getImplements()) {
                try {
                  const d = impl.getExpression().getSymbol()?.getDeclarations()[0];
                  if (d && !d.getSourceFile().isDeclarationFile()) out.push([d, cls]);
                } catch {
                  // unresolvable interface
                }
              }
              const next: Node | undefined = base.getBaseClass();
              if (next) out.push([next, cls]);
              base = next && Node.isClassDeclaration(next) ? next : undefined;
            }
          }
        }
      }
      return out;
    }, { signature: classHeadersAndImports });
    return index.get(owner, dependent);
  }

  /** The function an expression denotes (a handler passed by reference, a bound method...). */
  functionFrom(expr: Node | undefined): FunctionLike | undefined {
    if (!expr) return undefined;
    if (isFunctionLike(expr)) return expr;
    if (Node.isParenthesizedExpression(expr) || Node.isAsExpression(expr)) return this.functionFrom(expr.getExpression());
    if (Node.isCallExpression(expr)) {
      const callee = expr.getExpression();
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'bind') return this.functionFrom(callee.getExpression());
      // A handler factory: `eachMessage: this.handleChanges()`, whose body returns the handler.
      const made = returnedFunction(this.resolveCallee(expr));
      if (made) return made;
      // A higher-order wrapper given the handler (`traceFunction(options)(async (job) => ...)`, `withRetry(handler)`):
      // the function it returns runs the one it was given, whose effects are the handler's.
      const given = expr.getArguments().flatMap((a) => (isFunctionLike(a) || Node.isIdentifier(a) ? [this.functionFrom(a)] : [])).filter((f) => f !== undefined);
      return given.length === 1 ? given[0] : undefined;
    }
    if (Node.isIdentifier(expr) || Node.isPropertyAccessExpression(expr)) {
      let symbol: TsSymbol | undefined;
      try {
        // `{ eachMessage }`: the shorthand's name is the property; the function is the variable it reads.
        const parent = expr.getParent();
        const shorthand = parent && Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === expr;
        symbol = Node.isPropertyAccessExpression(expr) ? expr.getNameNode().getSymbol() : shorthand ? parent.getValueSymbol() : expr.getSymbol();
        if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
      } catch {
        return undefined;
      }
      for (const decl of symbol?.getDeclarations() ?? []) {
        const fn = functionOfDeclaration(decl);
        if (fn) return fn;
      }
    }
    return undefined;
  }
}

/** The function a workspace function returns, when its body returns one function (`return async (msg) => { ... }`). */
function returnedFunction(fn: FunctionLike | undefined): FunctionLike | undefined {
  if (!fn) return undefined;
  const body = (fn as unknown as { getBody?(): Node | undefined }).getBody?.();
  if (!body) return undefined;
  if (!Node.isBlock(body)) return isFunctionLike(body) ? body : undefined;
  const returned = body.getStatements().flatMap((st) => (Node.isReturnStatement(st) ? [st.getExpression()] : []));
  const inner = returned.length === 1 && returned[0] ? localFunction(body, returned[0]) : undefined;
  // A higher-order wrapper (`metricWrapper(processor)`) returns a function that calls what it was given: not a factory.
  const params = new Set(((fn as unknown as { getParameters?(): { getName(): string }[] }).getParameters?.() ?? []).map((p) => p.getName()));
  const callsParam = inner?.getDescendantsOfKind(SyntaxKind.CallExpression).some((c) => params.has(c.getExpression().getText()));
  return inner && !callsParam ? inner : undefined;
}

/** A function expression, or a name bound in `body` to one (`const publisher = (data) => …`, `function run() {}`). */
function localFunction(body: Node, expr: Node): FunctionLike | undefined {
  if (isFunctionLike(expr)) return expr;
  if (!Node.isIdentifier(expr) || !Node.isBlock(body)) return undefined;
  const name = expr.getText();
  for (const st of body.getStatements()) {
    if (Node.isFunctionDeclaration(st) && st.getName() === name) return st.getBody() ? st : undefined;
    if (!Node.isVariableStatement(st)) continue;
    for (const d of st.getDeclarations()) {
      const init = d.getInitializer();
      if (d.getName() === name && init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init))) return init;
    }
  }
  return undefined;
}

/**
 * What the implementors a file contributes depend on: its class headers, and the imports of the
 * names they extend or implement (an edit elsewhere in the file cannot add or change one).
 */
function classHeadersAndImports(text: string): string {
  const headers = [...text.matchAll(/\bclass\s[^{]*\{/g)].map((m) => m[0]);
  const names = new Set(headers.flatMap((h) => [...h.matchAll(/\b(?:extends|implements)\s([^{]*)/g)].flatMap((m) => m[1].match(/[A-Za-z_$][\w$]*/g) ?? [])));
  const imports = [...text.matchAll(/\bimport\s[^;]*;?/g)].map((m) => m[0])
    .filter((i) => (i.match(/[A-Za-z_$][\w$]*/g) ?? []).some((word) => names.has(word)));
  return [...headers, ...imports].join('\n');
}


/** A method with a body named `name` in a class or its workspace base classes. */
function methodIn(cls: Node, name: string): FunctionLike | undefined {
  let c: Node | undefined = cls;
  for (let i = 0; i < 5 && c && Node.isClassDeclaration(c); i++) {
    const m = c.getInstanceMethod(name);
    if (m && m.getBody()) return m;
    const p = c.getProperty(name)?.getInitializer();
    if (p && (Node.isArrowFunction(p) || Node.isFunctionExpression(p))) return p;
    c = c.getBaseClass();
  }
  return undefined;
}

export function isFunctionLike(node: Node): boolean {
  return Node.isArrowFunction(node) || Node.isFunctionExpression(node) || Node.isFunctionDeclaration(node) ||
    Node.isMethodDeclaration(node) || Node.isConstructorDeclaration(node) || Node.isGetAccessorDeclaration(node);
}

/**
 * A function taken out of a module by destructuring (`const { getSqsClient } = await import('./initSqs.js')`,
 * `const { send } = require('./mailer')`): the function the module exports under that name.
 */
function destructuredFunction(decl: Node): FunctionLike | undefined {
  if (!Node.isBindingElement(decl)) return undefined;
  let init: Node | undefined = decl.getFirstAncestorByKind(SyntaxKind.VariableDeclaration)?.getInitializer();
  while (init && (Node.isAwaitExpression(init) || Node.isParenthesizedExpression(init))) init = init.getExpression();
  if (!init || !Node.isCallExpression(init) || !/^(import|require)$/.test(init.getExpression().getText())) return undefined;
  const specifier = init.getArguments()[0];
  if (!specifier || !Node.isStringLiteral(specifier)) return undefined;
  const name = decl.getPropertyNameNode()?.getText() ?? decl.getName();
  try {
    const target = resolveSpecifier(decl.getProject(), decl.getSourceFile(), specifier.compilerNode);
    for (const d of target?.getExportedDeclarations().get(name) ?? []) {
      const fn = functionOfDeclaration(d);
      if (fn) return fn;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function functionOfDeclaration(decl: Node): FunctionLike | undefined {
  if (Node.isFunctionDeclaration(decl) || Node.isMethodDeclaration(decl)) return decl.getBody() ? decl : undefined;
  // JavaScript's assigned members: `Worker.prototype.process = function (...) {}`, `exports.send = (...) => {}`.
  // `module.exports = async (job) => {...}`: the checker's declaration of what a `require` of the module binds is the assignment.
  const value = expandoValue(decl);
  if (value) return Node.isArrowFunction(value) || Node.isFunctionExpression(value) ? value : undefined;
  if (Node.isVariableDeclaration(decl) || Node.isPropertyAssignment(decl) || Node.isPropertyDeclaration(decl)) {
    const init = decl.getInitializer();
    if (init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init))) return init;
    // `const optimizeImage = require('./optimize-image')`, whose module exports the function.
    if (init && isRequireCall(init)) return requiredFunction(init);
  }
  return undefined;
}
