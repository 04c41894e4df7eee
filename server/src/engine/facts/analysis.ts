/**
 * The per-workspace analysis context the recognizers and rules read: the
 * facts of each file (the library operations its calls are, and its typed
 * entry functions) and the caches behind them, kept per syntax tree so that
 * an edit forgets only what it touched.
 *
 * A thin facade over the jobs it delegates to, each in its own file:
 * - typeFollower.ts (with receiverTypes.ts, importedTypes.ts): which library
 *   type an expression has, followed back to the import it comes from;
 * - operationLookup.ts: which library operation a call is;
 * - callResolution.ts: which workspace function a call runs;
 * - fileSyntax.ts: what one walk of a file's compiler nodes finds;
 * - workspaceIndex.ts: reverse lookups over the workspace's files.
 *
 * Works on syntax plus symbol resolution of workspace code only: library
 * type declarations are never loaded, so the result is the same with or
 * without node_modules, and no workspace code is ever executed.
 */
import type { Node, Project, SourceFile, ts } from 'ts-morph';
import { WorkspaceIndex } from './workspaceIndex';
import { MAX_SYNTAX_DEPTH } from './walk';
import type { Fact } from './facts';
import type { HandlerAnalyzer, LibraryTable, OperationAnalyzer } from './libraries/table';
import { typedHandlerFacts, typedHandlersOf, type TypedHandlers } from './typedHandlers';
import { scanFile, type FileSyntax } from './fileSyntax';
import { TypeFollower, type MorphContext } from './typeFollower';
import { OperationLookup } from './operationLookup';
import { CallResolver, type FunctionLike } from './callResolution';
import type { UrlTarget } from '../workspace/serviceUrls';

export { isFunctionLike, type FunctionLike } from './callResolution';

export interface AnalysisHooks {
  /** The system's service an HTTP target (URL expression text) points at, if any, and the env var that named it. */
  serviceForUrl(urlText: string, file: string): UrlTarget | undefined;
}

export class Analysis {
  private readonly transitions = new Map<string, string>();
  private readonly operations = new Map<string, OperationAnalyzer>();
  /** Entry functions recognized by the library type they are declared with (see typedHandlers.ts). */
  private readonly handlers: TypedHandlers;
  private readonly factsByFile = new Map<SourceFile, Fact[]>();
  /** Facts by the compiler node of the call that produced them (effects look them up before wrapping the call). */
  private readonly factsByCall = new Map<ts.Node, Fact[]>();
  /** The type memo and factsByCall keys of each syntax tree, so that invalidating a file does not scan every entry. */
  private readonly keysByTree = new Map<ts.SourceFile, ts.Node[]>();
  /** Per file, what one walk of its compiler nodes found (see scanFile). */
  private readonly syntaxByFile = new Map<SourceFile, FileSyntax>();
  private readonly indexes = new Map<string, WorkspaceIndex<unknown>>();
  /** The project whose files the workspace indexes cover (set by the first file analysed or call resolved). */
  project: Project | undefined;
  private readonly types: TypeFollower;
  private readonly ops: OperationLookup;
  private readonly calls: CallResolver;

  constructor(tables: LibraryTable[], readonly hooks: AnalysisHooks) {
    for (const table of tables) {
      for (const [k, v] of Object.entries(table.transitions)) this.transitions.set(k, v);
      for (const [k, v] of Object.entries(table.operations)) this.operations.set(k, v);
    }
    this.handlers = typedHandlersOf(tables.flatMap((t) => Object.entries(t.handlers ?? {}) as [string, HandlerAnalyzer][]));
    this.types = new TypeFollower(this.transitions, this, this.operations.keys());
    this.ops = new OperationLookup(this.operations, this.types);
    this.calls = new CallResolver(this);
  }

  // ------------------------------------------------------- types (typeFollower.ts)

  /** The library type of an expression (`kafkajs.Producer`), an export (`kafkajs#Kafka`), or undefined. */
  typeOf(node: Node, depth = 0): string | undefined {
    return this.types.typeOf(node, depth);
  }

  /** The library type one step from `from` (`.member`, `member()`, `()`, `new`, `instance`), as the tables say. */
  step(from: string | undefined, step: string): string | undefined {
    return this.types.step(from, step);
  }

  /** The library type a type annotation names. */
  typeFromTypeNode(typeNode: Node, depth: number): string | undefined {
    return this.types.typeFromTypeNode(typeNode, depth);
  }

  // ------------------------------------------- workspace calls (callResolution.ts)

  /** The workspace function a call runs, if it can be resolved statically. */
  resolveCallee(call: Node): FunctionLike | undefined {
    return this.calls.resolveCallee(call);
  }

  /** The workspace functions a call may run (the callee, or the implementations of an interface or abstract method). */
  resolveCallees(call: Node): FunctionLike[] {
    return this.calls.resolveCallees(call);
  }

  /** True when a call's callees come from a callback registry (see CallResolver.isRegistryCall). */
  isRegistryCall(call: Node): boolean {
    return this.calls.isRegistryCall(call);
  }

  /** Registry calls resolved so far whose registry may hold functions the code does not show (see CallResolver). */
  incompleteRegistryCalls(): Node[] {
    return this.calls.incompleteRegistryCalls();
  }

  /** False when a call or `new` cannot run a workspace function (see CallResolver.mayCallWorkspace). */
  mayCallWorkspace(raw: ts.Node): boolean {
    return this.calls.mayCallWorkspace(raw);
  }

  /** The function an expression denotes (a handler passed by reference, a bound method...). */
  functionFrom(expr: Node | undefined): FunctionLike | undefined {
    return this.calls.functionFrom(expr);
  }

  // ---------------------------------------------------- operations (operationLookup.ts)

  /** The library operation a call, tagged template or `new` is, if any. */
  operationOf(node: Node): OperationAnalyzer | undefined {
    return this.ops.operationOf(node);
  }

  // ------------------------------------------------------------- facts and caches

  /** Records that a memo key (a compiler node) belongs to a syntax tree, for invalidate. */
  keyOf(tree: ts.SourceFile, key: ts.Node): void {
    const keys = this.keysByTree.get(tree);
    if (keys) keys.push(key);
    else this.keysByTree.set(tree, [key]);
  }

  /**
   * A reverse lookup over every workspace file whose text matches `needle`
   * (see WorkspaceIndex); recognizers use it for facts that depend on other
   * files (`who calls this wrapper`, `is an interceptor registered`).
   */
  index<V>(key: string, needle: RegExp, contribute: (file: SourceFile) => [object, V][], how?: ConstructorParameters<typeof WorkspaceIndex<V>>[3]): WorkspaceIndex<V> {
    let index = this.indexes.get(key) as WorkspaceIndex<V> | undefined;
    if (!index) {
      index = new WorkspaceIndex<V>(needle, () => this.project?.getSourceFiles() ?? [], contribute, how);
      this.indexes.set(key, index as WorkspaceIndex<unknown>);
    }
    return index;
  }

  /**
   * Files outside `affected` whose results depend on a workspace index an
   * edit of `affected` (with these texts before and after) may change.
   */
  indexDependents(affected: ReadonlySet<SourceFile>, edits: readonly [string, string][]): SourceFile[] {
    const out: SourceFile[] = [];
    for (const index of this.indexes.values()) {
      for (const f of index.dependentsTouchedBy(affected, edits)) if (!affected.has(f)) out.push(f);
    }
    return out;
  }

  /** Forgets everything computed for nodes of these files (before their text is replaced, while their nodes are alive). */
  invalidate(affected: ReadonlySet<SourceFile>): void {
    if (!affected.size) return;
    this.calls.forgetCalls(affected);
    for (const f of affected) {
      for (const key of this.keysByTree.get(f.compilerNode) ?? []) {
        this.types.forget(key);
        this.factsByCall.delete(key);
      }
      this.keysByTree.delete(f.compilerNode);
    }
    for (const f of affected) {
      this.factsByFile.delete(f);
      const syntax = this.syntaxByFile.get(f);
      this.calls.forgetNames(f, syntax);
      this.syntaxByFile.delete(f);
    }
    for (const index of this.indexes.values()) index.invalidate(affected);
  }

  /** True when the facts of this file are computed (and not invalidated since). */
  hasFacts(file: SourceFile): boolean {
    return this.factsByFile.has(file);
  }

  /** The walk of a file's compiler nodes (once per tree, shared by factsOf, callee lookups and functionLikesOf). */
  syntaxOf(file: SourceFile): FileSyntax {
    let syntax = this.syntaxByFile.get(file);
    if (!syntax) this.syntaxByFile.set(file, syntax = scanFile(file.compilerNode, this.ops.operationNames));
    return syntax;
  }

  /**
   * Walks a newly parsed file once (its syntax is kept for factsOf) and says
   * why it cannot be analysed: a tree nested deeper than MAX_SYNTAX_DEPTH
   * would overflow the stack of the compiler's binder and checker, which
   * recurse, and so fail other files' analysis with it. Undefined when it can.
   */
  screen(file: SourceFile): string | undefined {
    const depth = this.syntaxOf(file).depth;
    if (depth <= MAX_SYNTAX_DEPTH) return undefined;
    this.syntaxByFile.delete(file);
    return `syntax nested ${depth} levels deep, over the limit of ${MAX_SYNTAX_DEPTH}`;
  }

  factsOf(file: SourceFile): Fact[] {
    const cached = this.factsByFile.get(file);
    if (cached) return cached;
    this.project ??= file.getProject();
    const facts: Fact[] = [];
    // Wraps only the calls that can be operations: wrapping every node of every
    // file (forEachDescendant) costs time and memory for nothing.
    const syntax = this.syntaxOf(file);
    const candidates = syntax.candidates ?? scanFile(file.compilerNode, this.ops.operationNames).candidates!;
    syntax.candidates = undefined;
    const wrap = (file as unknown as { _getNodeFromCompilerNode(n: ts.Node): Node })._getNodeFromCompilerNode.bind(file);
    const context = (file as unknown as { _context: MorphContext })._context;
    for (const raw of candidates) {
      // Most calls are typed on the compiler node and, not being operations, never wrapped.
      const decided = this.ops.rawOperationOf(raw, context);
      if (decided && !decided[0]) continue;
      const node = wrap(raw);
      let produced: Fact[] = [];
      try {
        const op = decided ? decided[0] : this.ops.operationOf(node);
        const out = op?.(node, this);
        produced = out === undefined ? [] : Array.isArray(out) ? out : [out];
      } catch {
        produced = [];
      }
      if (produced.length) {
        this.factsByCall.set(node.compilerNode, produced);
        this.keyOf(file.compilerNode, node.compilerNode);
        facts.push(...produced);
      }
    }
    facts.push(...typedHandlerFacts(file, this, this.handlers));
    this.factsByFile.set(file, facts);
    return facts;
  }

  /** Facts produced by one call node (after factsOf ran on its file). */
  factsAt(node: Node): Fact[] {
    return this.factsByCall.get(node.compilerNode) ?? [];
  }

  /** factsAt for a compiler node (without wrapping it). */
  factsAtRaw(raw: ts.Node): Fact[] | undefined {
    return this.factsByCall.get(raw);
  }
}
