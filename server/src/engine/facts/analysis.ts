/**
 * The per-workspace analysis context: which library type an expression has
 * (by following it back to the import it comes from, never by name alone),
 * which library operation a call is, and the facts of each file.
 *
 * Works on syntax plus symbol resolution of workspace code only: library
 * type declarations are never loaded, so the result is the same with or
 * without node_modules, and no workspace code is ever executed.
 */
import { Node, SyntaxKind, ts, type ClassDeclaration, type NewExpression, type Project, type SourceFile, type Symbol as TsSymbol } from 'ts-morph';
import { WorkspaceIndex } from './workspaceIndex';
import { declarationOf } from './syntax';
import { generatedLibraryOf, libraryOf } from './modules';
import { CALL_KINDS, FUNCTION_LIKE_KINDS, MAX_SYNTAX_DEPTH, rememberOutline, walkDescendants } from './walk';
import type { Fact } from './facts';
import type { HandlerAnalyzer, LibraryTable, OperationAnalyzer } from './libraries/table';
import { typedHandlerFacts, typedHandlersOf, type TypedHandlers } from './typedHandlers';

const MAX_TYPE_DEPTH = 12;

export interface AnalysisHooks {
  /** Name of the system's service an HTTP target (URL expression text) points at, if any. */
  serviceForUrl(urlText: string, file: string): string | undefined;
}

export type FunctionLike = Node;

export class Analysis {
  private readonly transitions = new Map<string, string>();
  private readonly operations = new Map<string, OperationAnalyzer>();
  /** Entry functions recognized by the library type they are declared with (see typedHandlers.ts). */
  private readonly handlers: TypedHandlers;
  /** Library types by compiler node (factsOf types receivers before, or without, wrapping their calls). */
  private readonly typeMemo = new Map<ts.Node, string | undefined>();
  private readonly inProgress = new Set<ts.Node>();
  private readonly factsByFile = new Map<SourceFile, Fact[]>();
  /** Facts by the compiler node of the call that produced them (effects look them up before wrapping the call). */
  private readonly factsByCall = new Map<ts.Node, Fact[]>();
  /** The typeMemo and factsByCall keys of each syntax tree, so that invalidating a file does not scan every entry. */
  private readonly keysByTree = new Map<ts.SourceFile, ts.Node[]>();
  private readonly calleeMemo = new Map<Node, FunctionLike | undefined>();
  private readonly calleesMemo = new Map<Node, FunctionLike[]>();
  /** Per file, what one walk of its compiler nodes found (see scanFile). */
  private readonly syntaxByFile = new Map<SourceFile, FileSyntax>();
  /** The union of the callee names of the project's files (rebuilt after an invalidation). */
  /** How many files declare each name a workspace function can be called by (kept up to date across edits). */
  private calleeNames: NameCounts | undefined;
  private namesPending = new Set<SourceFile>();
  private readonly indexes = new Map<string, WorkspaceIndex<unknown>>();
  /** The project whose files the workspace indexes cover (set by the first file analysed). */
  private project: Project | undefined;
  /**
   * Every method name a `receiver.name(...)` call needs for operationOf to
   * find an operation (`producer.send` → `send`, namespace members, mapped
   * namespace members); undefined when some operation matches any name.
   * Calls with other names (`items.map`, `console.log`) are skipped before
   * the receiver's type is resolved.
   */
  private readonly operationNames: Set<string> | undefined;

  constructor(tables: LibraryTable[], readonly hooks: AnalysisHooks) {
    for (const table of tables) {
      for (const [k, v] of Object.entries(table.transitions)) this.transitions.set(k, v);
      for (const [k, v] of Object.entries(table.operations)) this.operations.set(k, v);
    }
    this.handlers = typedHandlersOf(tables.flatMap((t) => Object.entries(t.handlers ?? {}) as [string, HandlerAnalyzer][]));
    const names = new Set<string>();
    let anyName = false;
    for (const key of this.operations.keys()) {
      const bar = key.lastIndexOf('|');
      const op = key.slice(bar + 1);
      if (op === '*') anyName = true;
      names.add(op);
      const hash = key.indexOf('#');
      if (op === '()' && hash >= 0 && hash < bar) names.add(key.slice(hash + 1, bar));
    }
    for (const key of this.transitions.keys()) {
      const member = /\|\.([^|]+)$/.exec(key);
      if (member) names.add(member[1]);
    }
    this.operationNames = anyName ? undefined : names;
  }

  // ---------------------------------------------------------------- types

  /** The library type of an expression (`kafkajs.Producer`), an export (`kafkajs#Kafka`), or undefined. */
  typeOf(node: Node, depth = 0): string | undefined {
    if (depth > MAX_TYPE_DEPTH) return undefined;
    const key = node.compilerNode;
    if (this.typeMemo.has(key)) return this.typeMemo.get(key);
    if (this.inProgress.has(key)) return undefined;
    this.inProgress.add(key);
    let result: string | undefined;
    try {
      result = this.computeType(node, depth + 1);
    } catch {
      result = undefined;
    }
    this.inProgress.delete(key);
    this.typeMemo.set(key, result);
    this.keyOf(node.getSourceFile().compilerNode, key);
    return result;
  }

  /**
   * typeOf(identifier) at depth 0 on the compiler node, wrapping only the
   * declaration it resolves to (typeOfIdentifier and typeOfSymbol without the
   * wrappers): factsOf types most receivers this way and wraps a call only
   * when it is an operation.
   */
  private typeOfRawIdentifier(id: ts.Identifier, context: MorphContext): string | undefined {
    if (this.typeMemo.has(id)) return this.typeMemo.get(id);
    if (this.inProgress.has(id)) return undefined;
    this.inProgress.add(id);
    let result: string | undefined;
    try {
      const symbol = (id as ts.Identifier & { symbol?: ts.Symbol }).symbol ?? context.typeChecker.compilerObject.getSymbolAtLocation(id);
      const name = id.getText();
      const decl = symbol?.declarations?.[0];
      const declFile = decl?.getSourceFile();
      if (!symbol || !decl || declFile!.isDeclarationFile || declFile!.fileName.indexOf('/node_modules/') >= 0) {
        result = name === 'fetch' ? 'global#fetch' : undefined;
      } else {
        const factory = context.compilerFactory;
        result = this.typeOfDeclaration(factory.getNodeFromCompilerNode(decl, factory.getSourceFileForNode(decl)), factory.getSymbol(symbol), 1);
      }
    } catch {
      result = undefined;
    }
    this.inProgress.delete(id);
    this.typeMemo.set(id, result);
    this.keyOf(id.getSourceFile(), id);
    return result;
  }

  private keyOf(tree: ts.SourceFile, key: ts.Node): void {
    const keys = this.keysByTree.get(tree);
    if (keys) keys.push(key);
    else this.keysByTree.set(tree, [key]);
  }

  step(from: string | undefined, step: string): string | undefined {
    if (!from) return undefined;
    const direct = this.transitions.get(`${from}|${step}`);
    if (direct) return direct;
    const hash = from.indexOf('#');
    const isNamespace = from.endsWith('#*') || from.endsWith('#default');
    if (isNamespace && step.startsWith('.')) return this.namespaceMember(from, step.slice(1));
    if (isNamespace && step.endsWith('()')) {
      const member = this.namespaceMember(from, step.slice(0, -2));
      return this.step(member, '()');
    }
    if (step === 'instance' && hash > 0) return this.transitions.get(`${from}|new`);
    if (step.startsWith('.')) return this.transitions.get(`${from}|.*`);
    if (step.endsWith('()') && step !== '()') return this.transitions.get(`${from}|*()`);
    return undefined;
  }

  private namespaceMember(from: string, member: string): string {
    const mapped = this.transitions.get(`${from}|.${member}`);
    if (mapped) return mapped;
    return `${from.slice(0, from.indexOf('#'))}#${member}`;
  }

  private computeType(node: Node, depth: number): string | undefined {
    if (
      Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isNonNullExpression(node) ||
      Node.isAwaitExpression(node) || Node.isSatisfiesExpression(node) || Node.isTypeAssertion(node)
    ) {
      return this.typeOf(node.getExpression(), depth);
    }
    if (Node.isIdentifier(node)) return this.typeOfIdentifier(node, depth);
    if (Node.isNewExpression(node)) {
      return this.step(this.typeOf(node.getExpression(), depth), 'new') ?? this.wrappedClientType(node.getArguments(), depth);
    }
    if (Node.isCallExpression(node)) {
      const callee = node.getExpression();
      if (Node.isPropertyAccessExpression(callee)) {
        const base = this.typeOf(callee.getExpression(), depth);
        if (base) return this.step(base, `${callee.getName()}()`);
      } else {
        const t = this.typeOf(callee, depth);
        if (t) return this.step(t, '()');
        if (Node.isIdentifier(callee) && callee.getText() === 'require') return this.requireType(node);
      }
      return this.returnTypeOfWorkspaceCall(node, depth);
    }
    if (Node.isPropertyAccessExpression(node)) {
      const target = node.getExpression();
      if (Node.isThisExpression(target)) return this.typeOfThisMember(node, depth);
      const base = this.typeOf(target, depth);
      if (base) return this.step(base, `.${node.getName()}`);
      return this.typeOfSymbol(node.getNameNode().getSymbol(), depth);
    }
    return undefined;
  }

  /**
   * `new OrderCreatedPublisher(stan)`: a class the analysis cannot see into
   * (it extends a library's base class) built around a broker client. Tables
   * say what such a wrapper is with a `<clientType>|wrapped` transition.
   */
  private wrappedClientType(args: Node[], depth: number): string | undefined {
    for (const a of args) {
      const t = this.typeOf(a, depth);
      const wrapped = t ? this.transitions.get(`${t}|wrapped`) : undefined;
      if (wrapped) return wrapped;
    }
    return undefined;
  }

  /**
   * A member a class inherits from a library base class (`this.client` in a
   * `Listener` subclass): the broker client its construction sites pass in,
   * when they all agree on one.
   */
  private inheritedClientType(cls: Node, depth: number): string | undefined {
    if (!Node.isClassDeclaration(cls)) return undefined;
    let base: Node | undefined = cls;
    for (let i = 0; i < 5 && base && Node.isClassDeclaration(base); i++) {
      const next: Node | undefined = base.getBaseClass();
      if (!next) break;
      base = next;
    }
    if (!base || !Node.isClassDeclaration(base) || !base.getExtends()) return undefined; // no library base class
    const found = new Set<string>();
    for (const site of this.constructionSites(cls)) {
      for (const a of site.getArguments()) {
        const t = this.typeOf(a, depth);
        if (t && this.transitions.has(`${t}|wrapped`)) found.add(t);
      }
    }
    return found.size === 1 ? [...found][0] : undefined;
  }

  /** `new C(...)` expressions of a workspace class; the class's file depends on them. */
  private constructionSites(cls: Node): NewExpression[] {
    const index = this.index('constructions', /\bnew\s/, (sf) => {
      const out: [Node, NewExpression][] = [];
      sf.forEachDescendant((n) => {
        if (!Node.isNewExpression(n)) return;
        const e = n.getExpression();
        if (!Node.isIdentifier(e)) return;
        const decl = declarationOf(e);
        if (decl && Node.isClassDeclaration(decl)) out.push([decl, n]);
      });
      return out;
    }, { nameOf: (key) => (Node.isClassDeclaration(key as Node) ? (key as ClassDeclaration).getName() : undefined) });
    return index.get(cls, cls.getSourceFile()) as NewExpression[];
  }

  private requireType(call: Node): string | undefined {
    if (!Node.isCallExpression(call)) return undefined;
    const arg = call.getArguments()[0];
    if (arg && Node.isStringLiteral(arg)) {
      const lib = libraryOf(arg.getLiteralValue());
      if (lib) return `${lib}#*`;
    }
    return undefined;
  }

  private typeOfIdentifier(id: Node, depth: number): string | undefined {
    const symbol = id.getSymbol();
    if (!symbol) return id.getText() === 'fetch' ? 'global#fetch' : undefined;
    return this.typeOfSymbol(symbol, depth, id.getText());
  }

  private typeOfSymbol(symbol: TsSymbol | undefined, depth: number, name?: string): string | undefined {
    if (!symbol) return undefined;
    const decl = symbol.getDeclarations()[0];
    if (!decl) return name === 'fetch' ? 'global#fetch' : undefined;
    if (decl.getSourceFile().isDeclarationFile() || decl.getSourceFile().isInNodeModules()) {
      return name === 'fetch' ? 'global#fetch' : undefined;
    }
    return this.typeOfDeclaration(decl, symbol, depth);
  }

  private typeOfDeclaration(decl: Node, symbol: TsSymbol | undefined, depth: number): string | undefined {
    if (Node.isImportSpecifier(decl)) {
      const lib = moduleOfImportNode(decl);
      if (lib) return `${lib}#${decl.getNameNode().getText()}`;
      return this.typeOfAliased(symbol, depth) ?? reexportedLibraryType(decl);
    }
    if (Node.isImportClause(decl)) {
      const lib = moduleOfImportNode(decl);
      if (lib) return `${lib}#default`;
      return this.typeOfAliased(symbol, depth);
    }
    if (Node.isNamespaceImport(decl)) {
      const lib = moduleOfImportNode(decl);
      return lib ? `${lib}#*` : undefined;
    }
    if (Node.isImportEqualsDeclaration(decl)) {
      const ref = decl.getModuleReference();
      if (Node.isExternalModuleReference(ref)) {
        const expr = ref.getExpression();
        const lib = expr && Node.isStringLiteral(expr) ? libraryOf(expr.getLiteralValue()) : undefined;
        return lib ? `${lib}#*` : undefined;
      }
      return undefined;
    }
    if (Node.isExportSpecifier(decl)) return this.typeOfAliased(symbol, depth);
    if (Node.isBindingElement(decl)) {
      const pattern = decl.getParent();
      const holder = pattern?.getParent();
      const prop = decl.getPropertyNameNode()?.getText() ?? decl.getName();
      if (holder && Node.isVariableDeclaration(holder)) {
        const init = holder.getInitializer();
        if (!init) return undefined;
        return this.step(this.typeOf(init, depth), `.${prop}`);
      }
      if (holder && Node.isParameterDeclaration(holder)) {
        const typeNode = holder.getTypeNode();
        const member = typeNode ? this.memberTypeNode(typeNode, prop) : undefined;
        if (member) return this.typeFromTypeNode(member, depth);
        // `({ manager }: InsertEvent<User>)`: a member of a library type, as its table says.
        return typeNode ? this.step(this.typeFromTypeNode(typeNode, depth), `.${prop}`) : undefined;
      }
      return undefined;
    }
    // Untyped (or `any`) callback parameters take their type from the call they are passed to.
    if (Node.isParameterDeclaration(decl) && (!decl.getTypeNode() || decl.getTypeNode()!.getKind() === SyntaxKind.AnyKeyword)) {
      return this.callbackParameterType(decl, depth);
    }
    if (Node.isClassDeclaration(decl)) {
      const base = decl.getExtends()?.getExpression();
      return base ? this.typeOf(base, depth) : undefined;
    }
    if (Node.isVariableDeclaration(decl) || Node.isPropertyDeclaration(decl) || Node.isParameterDeclaration(decl) ||
        Node.isPropertySignature(decl)) {
      const typeNode = decl.getTypeNode();
      if (typeNode) {
        const t = this.typeFromTypeNode(typeNode, depth);
        if (t) return t;
      }
      const init = Node.isPropertySignature(decl) ? undefined : decl.getInitializer();
      return init ? this.typeOf(init, depth) : undefined;
    }
    if (Node.isPropertyAssignment(decl)) {
      const init = decl.getInitializer();
      return init ? this.typeOf(init, depth) : undefined;
    }
    if (Node.isGetAccessorDeclaration(decl)) {
      // `get client(): Stan { return this._client; }`
      const declared = decl.getReturnTypeNode();
      const t = declared ? this.typeFromTypeNode(declared, depth) : undefined;
      if (t) return t;
      for (const ret of decl.getDescendantsOfKind(SyntaxKind.ReturnStatement)) {
        const expr = ret.getExpression();
        const rt = expr ? this.typeOf(expr, depth) : undefined;
        if (rt) return rt;
      }
      return undefined;
    }
    if (Node.isShorthandPropertyAssignment(decl)) {
      return this.typeOf(decl.getNameNode(), depth);
    }
    return undefined;
  }

  /** `prisma.$transaction(async (tx) => ...)`: the parameter's type comes from the call it is passed to. */
  private callbackParameterType(param: Node, depth: number): string | undefined {
    if (!Node.isParameterDeclaration(param)) return undefined;
    const fn = param.getParent();
    const call = fn?.getParent();
    if (!fn || !call || !Node.isCallExpression(call)) return undefined;
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return undefined;
    const base = this.typeOf(callee.getExpression(), depth);
    if (!base) return undefined;
    const index = (fn as unknown as { getParameters(): Node[] }).getParameters().indexOf(param);
    const argIndex = call.getArguments().indexOf(fn);
    return this.transitions.get(`${base}|${callee.getName()}():param${index}`) ??
      (argIndex > 0 ? this.transitions.get(`${base}|${callee.getName()}():param${index + argIndex}`) : undefined);
  }

  private typeOfAliased(symbol: TsSymbol | undefined, depth: number): string | undefined {
    if (!symbol || !symbol.isAlias()) return undefined;
    const target = symbol.getAliasedSymbol();
    const decl = target?.getDeclarations()[0];
    if (!decl || decl.getSourceFile().isDeclarationFile()) return undefined;
    return this.typeOfDeclaration(decl, target, depth);
  }

  /** The aliased type node of a workspace `type X = ...`, if the name is one. */
  private localTypeAlias(nameNode: Node): Node | undefined {
    try {
      let symbol = nameNode.getSymbol();
      if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
      const decl = symbol?.getDeclarations()[0];
      return decl && Node.isTypeAliasDeclaration(decl) && !decl.getSourceFile().isDeclarationFile() ? decl.getTypeNode() : undefined;
    } catch {
      return undefined;
    }
  }

  /** The declared type of property `name` of a local interface, type alias or type literal. */
  private memberTypeNode(typeNode: Node, name: string): Node | undefined {
    let members: Node[] | undefined;
    if (Node.isTypeLiteral(typeNode)) members = typeNode.getMembers();
    else if (Node.isTypeReference(typeNode)) {
      const decl = declarationOf(typeNode.getTypeName());
      if (decl && Node.isInterfaceDeclaration(decl)) members = decl.getMembers();
      else if (decl && Node.isTypeAliasDeclaration(decl)) {
        const aliased = decl.getTypeNode();
        return aliased ? this.memberTypeNode(aliased, name) : undefined;
      }
    }
    for (const m of members ?? []) {
      if (Node.isPropertySignature(m) && m.getName() === name) return m.getTypeNode();
    }
    return undefined;
  }

  typeFromTypeNode(typeNode: Node, depth: number): string | undefined {
    // `typeof User`: the class itself (an injected sequelize/mongoose model).
    if (Node.isTypeQuery(typeNode)) return this.typeOf(typeNode.getExprName(), depth);
    if (Node.isTypeReference(typeNode)) {
      const nameNode = typeNode.getTypeName();
      const name = nameNode.getText();
      if (name === 'Promise' || name === 'Awaited') {
        const arg = typeNode.getTypeArguments()[0];
        return arg ? this.typeFromTypeNode(arg, depth) : undefined;
      }
      let t: string | undefined;
      const alias = Node.isIdentifier(nameNode) ? this.localTypeAlias(nameNode) : undefined;
      if (alias) return depth < MAX_TYPE_DEPTH ? this.typeFromTypeNode(alias, depth + 1) : undefined;
      if (Node.isIdentifier(nameNode)) t = this.typeOfIdentifier(nameNode, depth);
      else if (Node.isQualifiedName(nameNode)) {
        const left = this.typeOf(nameNode.getLeft(), depth);
        t = this.step(left, `.${nameNode.getRight().getText()}`);
      }
      return this.step(t, 'instance');
    }
    if (Node.isUnionTypeNode(typeNode)) {
      for (const member of typeNode.getTypeNodes()) {
        const t = this.typeFromTypeNode(member, depth);
        if (t) return t;
      }
    }
    return undefined;
  }

  private typeOfThisMember(access: Node, depth: number): string | undefined {
    if (!Node.isPropertyAccessExpression(access)) return undefined;
    const name = access.getName();
    const cls = access.getFirstAncestor((a) => Node.isClassDeclaration(a) || Node.isClassExpression(a));
    if (!cls || !(Node.isClassDeclaration(cls) || Node.isClassExpression(cls))) return undefined;
    const prop = cls.getProperty(name);
    if (prop) {
      const t = this.typeOfDeclaration(prop, undefined, depth);
      if (t) return t;
    }
    for (const ctor of cls.getConstructors()) {
      const param = ctor.getParameter(name);
      if (param) {
        const t = this.typeOfDeclaration(param, undefined, depth);
        if (t) return t;
      }
      // this.x = <expr> inside the constructor
      for (const bin of ctor.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
        const left = bin.getLeft();
        if (bin.getOperatorToken().getKind() === SyntaxKind.EqualsToken && Node.isPropertyAccessExpression(left) &&
            Node.isThisExpression(left.getExpression()) && left.getName() === name) {
          const t = this.typeOf(bin.getRight(), depth);
          if (t) return t;
        }
      }
    }
    // Assignments in other methods (e.g. async init()).
    let assigned = false;
    for (const bin of cls.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
      const left = bin.getLeft();
      if (bin.getOperatorToken().getKind() === SyntaxKind.EqualsToken && Node.isPropertyAccessExpression(left) &&
          Node.isThisExpression(left.getExpression()) && left.getName() === name) {
        assigned = true;
        const t = this.typeOf(bin.getRight(), depth);
        if (t) return t;
      }
    }
    if (!prop && !assigned && !cls.getConstructors().some((c) => c.getParameter(name)) && !this.declaredInWorkspaceBase(cls, name)) {
      return this.inheritedClientType(cls, depth);
    }
    return undefined;
  }

  /** True when a workspace base class of `cls` declares member `name`. */
  private declaredInWorkspaceBase(cls: Node, name: string): boolean {
    if (!Node.isClassDeclaration(cls)) return false;
    let base = cls.getBaseClass();
    for (let i = 0; i < 5 && base; i++) {
      if (base.getProperty(name) || base.getMethod(name) || base.getGetAccessor(name) ||
          base.getConstructors().some((c) => c.getParameter(name))) return true;
      base = base.getBaseClass();
    }
    return false;
  }

  private returnTypeOfWorkspaceCall(call: Node, depth: number): string | undefined {
    const fn = this.resolveCallee(call);
    if (!fn) return undefined;
    if (Node.isArrowFunction(fn)) {
      const body = fn.getBody();
      if (!Node.isBlock(body)) return this.typeOf(body, depth);
    }
    const declaredReturn = (fn as unknown as { getReturnTypeNode?(): Node | undefined }).getReturnTypeNode?.();
    if (declaredReturn) {
      const t = this.typeFromTypeNode(declaredReturn, depth);
      if (t) return t;
    }
    for (const ret of fn.getDescendantsOfKind(SyntaxKind.ReturnStatement)) {
      if (ret.getFirstAncestor(isFunctionLike) !== fn) continue;
      const expr = ret.getExpression();
      const t = expr ? this.typeOf(expr, depth) : undefined;
      if (t) return t;
    }
    return undefined;
  }

  // ----------------------------------------------------------- workspace calls

  /** The workspace function a call runs, if it can be resolved statically. */
  resolveCallee(call: Node): FunctionLike | undefined {
    if (this.calleeMemo.has(call)) return this.calleeMemo.get(call);
    const fn = this.computeCallee(call);
    this.calleeMemo.set(call, fn);
    return fn;
  }

  private computeCallee(call: Node): FunctionLike | undefined {
    if (!Node.isCallExpression(call) && !Node.isNewExpression(call)) return undefined;
    this.project ??= call.getProject();
    if (!this.mayCallWorkspace(call.compilerNode)) return undefined;
    let callee: Node = call.getExpression();
    while (Node.isParenthesizedExpression(callee) || Node.isNonNullExpression(callee)) callee = callee.getExpression();
    let symbol: TsSymbol | undefined;
    try {
      symbol = Node.isPropertyAccessExpression(callee) ? callee.getNameNode().getSymbol() : callee.getSymbol();
      if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    } catch {
      return undefined;
    }
    if (!symbol) return undefined;
    for (const decl of symbol.getDeclarations()) {
      const fn = functionOfDeclaration(decl);
      if (fn && !fn.getSourceFile().isDeclarationFile()) return fn;
    }
    return undefined;
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
    if (!this.project) return true;
    const names = this.workspaceCalleeNames(this.project);
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
      for (const sf of this.namesPending) if (!sf.wasForgotten()) countNames(this.calleeNames, this.syntaxOf(sf).names, 1);
      this.namesPending.clear();
    }
    return this.calleeNames;
  }

  /** Workspace classes implementing an interface or extending a class (directly or through workspace bases). */
  private implementationsOf(owner: Node, dependent: SourceFile): Node[] {
    const index = this.index('implementors', /\b(implements|extends)\b/, (sf) => {
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
      return undefined;
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

  // ---------------------------------------------------------------- facts

  operationOf(node: Node): OperationAnalyzer | undefined {
    if (Node.isNewExpression(node)) return this.operationFor(true, undefined, this.typeOf(node.getExpression()));
    if (!Node.isCallExpression(node) && !Node.isTaggedTemplateExpression(node)) return undefined;
    const callee = Node.isTaggedTemplateExpression(node) ? node.getTag() : node.getExpression();
    if (Node.isPropertyAccessExpression(callee)) return this.operationFor(false, callee.getName(), this.typeOf(callee.getExpression()));
    return this.operationFor(false, undefined, this.typeOf(callee));
  }

  /**
   * operationOf on the compiler node when the expression it types is an
   * identifier (`producer` in `producer.send(...)`, `fetch` in `fetch(...)`):
   * `[op]`, without wrapping the call; undefined when operationOf must decide.
   */
  private rawOperationOf(raw: ts.Node, context: MorphContext): [OperationAnalyzer | undefined] | undefined {
    const kind = raw.kind;
    const callee = kind === SyntaxKind.TaggedTemplateExpression ? (raw as ts.TaggedTemplateExpression).tag : (raw as ts.CallExpression | ts.NewExpression).expression;
    const member = kind !== SyntaxKind.NewExpression && callee.kind === SyntaxKind.PropertyAccessExpression ? (callee as ts.PropertyAccessExpression) : undefined;
    const typed = member ? member.expression : callee;
    if (typed.kind !== SyntaxKind.Identifier) return undefined;
    const t = this.typeOfRawIdentifier(typed as ts.Identifier, context);
    return [this.operationFor(kind === SyntaxKind.NewExpression, member?.name.getText(), t)];
  }

  /** The operation of `new T(...)` (isNew), `t.member(...)` (member), or `t(...)`, for a type t. */
  private operationFor(isNew: boolean, member: string | undefined, t: string | undefined): OperationAnalyzer | undefined {
    if (!t) return undefined;
    if (isNew) return this.operations.get(`${t}|new`);
    if (member === undefined) return this.operations.get(`${t}|()`);
    const op = this.operations.get(`${t}|${member}`) ?? this.operations.get(`${t}|*`);
    if (op) return op;
    if (t.endsWith('#*') || t.endsWith('#default')) return this.operations.get(`${this.namespaceMember(t, member)}|()`);
    return undefined;
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
    const stale = (node: Node) => node.wasForgotten() || affected.has(node.getSourceFile());
    for (const map of [this.calleeMemo, this.calleesMemo] as Map<Node, unknown>[]) {
      for (const node of map.keys()) if (stale(node)) map.delete(node);
    }
    for (const f of affected) {
      for (const key of this.keysByTree.get(f.compilerNode) ?? []) {
        this.typeMemo.delete(key);
        this.factsByCall.delete(key);
      }
      this.keysByTree.delete(f.compilerNode);
    }
    for (const f of affected) {
      this.factsByFile.delete(f);
      const syntax = this.syntaxByFile.get(f);
      if (syntax && this.calleeNames && !this.namesPending.has(f)) countNames(this.calleeNames, syntax.names, -1);
      if (this.calleeNames) this.namesPending.add(f);
      this.syntaxByFile.delete(f);
    }
    for (const index of this.indexes.values()) index.invalidate(affected);
  }

  /** True when the facts of this file are computed (and not invalidated since). */
  hasFacts(file: SourceFile): boolean {
    return this.factsByFile.has(file);
  }

  /** The walk of a file's compiler nodes (once per tree, shared by factsOf, callee lookups and functionLikesOf). */
  private syntaxOf(file: SourceFile): FileSyntax {
    let syntax = this.syntaxByFile.get(file);
    if (!syntax) this.syntaxByFile.set(file, syntax = scanFile(file.compilerNode, this.operationNames));
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
    const candidates = syntax.candidates ?? scanFile(file.compilerNode, this.operationNames).candidates!;
    syntax.candidates = undefined;
    const wrap = (file as unknown as { _getNodeFromCompilerNode(n: ts.Node): Node })._getNodeFromCompilerNode.bind(file);
    const context = (file as unknown as { _context: MorphContext })._context;
    for (const raw of candidates) {
      // Most calls are typed on the compiler node and, not being operations, never wrapped.
      const decided = this.rawOperationOf(raw, context);
      if (decided && !decided[0]) continue;
      const node = wrap(raw);
      let produced: Fact[] = [];
      try {
        const op = decided ? decided[0] : this.operationOf(node);
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

const MAX_IMPLEMENTATIONS = 8;

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

/** The parts of ts-morph's (internal) project context the analysis uses to wrap only what it needs. */
interface MorphContext {
  typeChecker: { compilerObject: ts.TypeChecker };
  compilerFactory: {
    getSymbol(symbol: ts.Symbol): TsSymbol;
    getNodeFromCompilerNode(node: ts.Node, sourceFile: SourceFile): Node;
    getSourceFileForNode(node: ts.Node): SourceFile;
  };
}

/**
 * Names a call's callee can have when it resolves to a workspace function:
 * `identifiers` for `f(...)`, `members` for `x.f(...)` (undefined: any name).
 */
interface CalleeNames {
  members: Set<string> | undefined;
  identifiers: Set<string>;
}

/** In how many files each callee name is declared. */
interface NameCounts {
  members: Map<string, number>;
  identifiers: Map<string, number>;
  /** Files in which any member name may be a workspace function (mapped types renaming keys...). */
  anyMember: number;
}

function countNames(counts: NameCounts, names: CalleeNames, delta: 1 | -1): void {
  const bump = (map: Map<string, number>, name: string) => {
    const n = (map.get(name) ?? 0) + delta;
    if (n > 0) map.set(name, n);
    else map.delete(name);
  };
  if (!names.members) counts.anyMember += delta;
  else for (const name of names.members) bump(counts.members, name);
  for (const name of names.identifiers) bump(counts.identifiers, name);
}

/** What factsOf and the callee lookups need from a file's syntax, found in one walk of its compiler nodes. */
interface FileSyntax {
  names: CalleeNames;
  /** The calls that may be library operations (see scanFile); dropped once factsOf used them. */
  candidates: ts.Node[] | undefined;
  /** How deeply the syntax tree nests (the source file's children are at depth 1). */
  depth: number;
}

/**
 * One walk of a file's compiler nodes: the calls that may be library
 * operations, the callee names of its declarations, and its function-like
 * and call nodes (its outline, see walk.ts).
 *
 * A call is a candidate when its method name is one an operation needs
 * (`operationNames`, undefined: any) and the expression whose library type
 * operationOf asks for (the receiver of `x.m(...)`, else the callee) is of a
 * kind typeOf can type at all (an identifier, call, `new`, or member access,
 * possibly in parentheses, `await`, `as` or `!`), not `this`, `super` or a literal.
 *
 * Callee names: the names of the declarations resolveCallee (functionOfDeclaration)
 * or resolveCallees (signatures, abstract methods) accept, and of the aliases
 * through which a call can reach them (imports, `export { f as g }`). A symbol's
 * declarations bear the name it is looked up by, except through aliases and
 * mapped types that rename keys (`[K in keyof T as ...]`), which lift the
 * restriction on member names, as do computed names that are not literals.
 */
function scanFile(file: ts.SourceFile, operationNames: Set<string> | undefined): FileSyntax {
  const members = new Set<string>();
  const identifiers = new Set<string>();
  const candidates: ts.Node[] = [];
  const outlined: ts.Node[] = [];
  const ends: number[] = [];
  let anyMember = false;
  const memberName = (name: ts.Node | undefined): void => {
    if (!name) return;
    switch (name.kind) {
      case SyntaxKind.Identifier:
      case SyntaxKind.PrivateIdentifier:
      case SyntaxKind.StringLiteral:
      case SyntaxKind.NoSubstitutionTemplateLiteral:
      case SyntaxKind.NumericLiteral:
        members.add((name as ts.Identifier).text);
        return;
      case SyntaxKind.ComputedPropertyName: {
        const expr = (name as ts.ComputedPropertyName).expression;
        if (ts.isStringLiteralLike(expr) || ts.isNumericLiteral(expr)) members.add(expr.text);
        else anyMember = true;
        return;
      }
      default:
        anyMember = true;
    }
  };
  const isFunctionValue = (init: ts.Node | undefined) =>
    init !== undefined && (init.kind === SyntaxKind.ArrowFunction || init.kind === SyntaxKind.FunctionExpression);
  // Depth of the node being entered, and of each node on the way down (see MAX_SYNTAX_DEPTH).
  let depth = 0;
  let maxDepth = 0;
  const open: number[] = [];
  const enter = (n: ts.Node): void => {
    const kind = n.kind;
    if (++depth > maxDepth) maxDepth = depth;
    if (FUNCTION_LIKE_KINDS.has(kind) || CALL_KINDS.has(kind)) {
      open.push(outlined.push(n) - 1);
      ends.push(0);
    }
    if (kind === SyntaxKind.CallExpression || kind === SyntaxKind.NewExpression || kind === SyntaxKind.TaggedTemplateExpression) {
      const callee = kind === SyntaxKind.TaggedTemplateExpression ? (n as ts.TaggedTemplateExpression).tag : (n as ts.CallExpression | ts.NewExpression).expression;
      const member = kind !== SyntaxKind.NewExpression && callee.kind === SyntaxKind.PropertyAccessExpression;
      if ((!member || !operationNames || operationNames.has((callee as ts.PropertyAccessExpression).name.text)) &&
          isTypeable(member ? (callee as ts.PropertyAccessExpression).expression : callee)) {
        candidates.push(n);
      }
    }
    switch (kind) {
      case SyntaxKind.FunctionDeclaration: {
        const name = (n as ts.FunctionDeclaration).name;
        if (name) {
          members.add(name.text);
          identifiers.add(name.text);
        }
        break;
      }
      case SyntaxKind.VariableDeclaration: {
        const decl = n as ts.VariableDeclaration;
        if (decl.name.kind === SyntaxKind.Identifier && isFunctionValue(decl.initializer)) {
          members.add(decl.name.text);
          identifiers.add(decl.name.text);
        }
        break;
      }
      case SyntaxKind.PropertyDeclaration:
      case SyntaxKind.PropertyAssignment:
        if (isFunctionValue((n as ts.PropertyDeclaration | ts.PropertyAssignment).initializer)) memberName((n as ts.PropertyDeclaration).name);
        break;
      case SyntaxKind.MethodDeclaration:
      case SyntaxKind.MethodSignature:
      case SyntaxKind.PropertySignature:
        memberName((n as ts.MethodDeclaration).name);
        break;
      case SyntaxKind.ImportSpecifier:
      case SyntaxKind.ImportClause:
      case SyntaxKind.NamespaceImport:
      case SyntaxKind.ImportEqualsDeclaration: {
        const name = (n as ts.ImportSpecifier).name;
        if (name) {
          identifiers.add(name.text);
          members.add(name.text);
        }
        break;
      }
      case SyntaxKind.ExportSpecifier:
        memberName((n as ts.ExportSpecifier).name);
        break;
      case SyntaxKind.MappedType:
        if ((n as ts.MappedTypeNode).nameType) anyMember = true;
        break;
    }
  };
  const leave = (n: ts.Node): void => {
    depth--;
    if (FUNCTION_LIKE_KINDS.has(n.kind) || CALL_KINDS.has(n.kind)) ends[open.pop()!] = outlined.length;
  };
  walkDescendants(file, enter, leave);
  rememberOutline(file, outlined, ends);
  return { names: { members: anyMember ? undefined : members, identifiers }, candidates, depth: maxDepth };
}

/** True when typeOf can give the expression a type: the kinds computeType handles besides its wrappers. */
function isTypeable(expr: ts.Expression): boolean {
  for (;;) {
    switch (expr.kind) {
      case SyntaxKind.ParenthesizedExpression:
      case SyntaxKind.AsExpression:
      case SyntaxKind.NonNullExpression:
      case SyntaxKind.AwaitExpression:
      case SyntaxKind.SatisfiesExpression:
      case SyntaxKind.TypeAssertionExpression:
        expr = (expr as ts.ParenthesizedExpression).expression;
        continue;
      case SyntaxKind.Identifier:
      case SyntaxKind.NewExpression:
      case SyntaxKind.CallExpression:
      case SyntaxKind.PropertyAccessExpression:
        return true;
      default:
        return false;
    }
  }
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

function functionOfDeclaration(decl: Node): FunctionLike | undefined {
  if (Node.isFunctionDeclaration(decl) || Node.isMethodDeclaration(decl)) return decl.getBody() ? decl : undefined;
  if (Node.isVariableDeclaration(decl) || Node.isPropertyAssignment(decl) || Node.isPropertyDeclaration(decl)) {
    const init = decl.getInitializer();
    if (init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init))) return init;
  }
  return undefined;
}

/** The library an import comes from; undefined when it resolves to a workspace file. */
/**
 * `import { PrismaClient } from '../db'` where `db.ts` re-exports a library (`export * from
 * '@prisma/client'`) and declares no such name itself: the library's export, when exactly one
 * library is re-exported that way (without node_modules the re-export does not resolve).
 */
function reexportedLibraryType(spec: Node): string | undefined {
  if (!Node.isImportSpecifier(spec)) return undefined;
  const name = spec.getNameNode().getText();
  try {
    const target = spec.getImportDeclaration().getModuleSpecifierSourceFile();
    if (!target || target.isDeclarationFile()) return undefined;
    if (target.getExportSymbols().some((s) => s.getName() === name)) return undefined;
    const libs = target.getExportDeclarations()
      .filter((e) => !e.hasNamedExports() && !e.getNamespaceExport())
      .map((e) => e.getModuleSpecifierValue())
      .map((m) => (m ? libraryOf(m) : undefined))
      .filter((l): l is string => !!l);
    return libs.length === 1 ? `${libs[0]}#${name}` : undefined;
  } catch {
    return undefined;
  }
}

function moduleOfImportNode(node: Node): string | undefined {
  const decl = node.getFirstAncestorByKind(SyntaxKind.ImportDeclaration);
  if (!decl) return undefined;
  const specifier = decl.getModuleSpecifierValue();
  const lib = libraryOf(specifier) ?? generatedLibraryOf(specifier);
  if (!lib) return undefined;
  try {
    const target = decl.getModuleSpecifierSourceFile();
    if (target && !target.isDeclarationFile()) return undefined;
  } catch {
    // unresolvable: a library
  }
  return lib;
}
