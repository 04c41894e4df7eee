/**
 * Which library type an expression has (`kafkajs.Producer`), or which
 * library export it is (`kafkajs#Kafka`): followed back through variables,
 * parameters, type annotations, aliases and calls to the import it comes
 * from, never by name alone, and stepped along the library tables'
 * transitions (`kafkajs#Kafka|new` → ...). Memoized per compiler node.
 *
 * Works on syntax plus symbol resolution of workspace code only: library
 * type declarations are never loaded, so the result is the same with or
 * without node_modules. Receiver typing (`this.x`, wrapped clients, return
 * types) is in receiverTypes.ts, import modules in importedTypes.ts.
 */
import { Node, SyntaxKind, type SourceFile, type ts, type Symbol as TsSymbol } from 'ts-morph';
import { declarationOf } from './syntax';
import { walkDescendants, wrapperFor } from './walk';
import { libraryOf } from './modules';
import { moduleOfImportNode, reexportedLibraryType, requireType } from './importedTypes';
import { expandoValue, isRequireCall, localStandIn, moduleExportsValue, requiredFile, requiredMember, requiredModuleMember } from './requiredModules';
import { returnTypeOfWorkspaceCall, typeOfThis, typeOfThisMember, wrappedClientType, memberOfWorkspaceCall } from './receiverTypes';
import type { Analysis } from './analysis';
import { trpcContextMember } from './trpcContext';
import { globalAssignments, globalMemberName } from './globalAssignments';
import { typeOfArrayPick, typeOfElement, typeOfMapGet, typeOfLoopVariable } from './containerTypes';
import { MAX_TYPE_DEPTH, memberTypeNode, typeFromTypeNode } from './typeNodes';
import { typeFromCallSites } from './parameterTypes';


/** The parts of ts-morph's (internal) project context the analysis uses to wrap only what it needs. */
export interface MorphContext {
  typeChecker: { compilerObject: ts.TypeChecker };
  compilerFactory: {
    getSymbol(symbol: ts.Symbol): TsSymbol;
    getNodeFromCompilerNode(node: ts.Node, sourceFile: SourceFile): Node;
    getSourceFileForNode(node: ts.Node): SourceFile;
  };
}

export class TypeFollower {
  /** Library types by compiler node (factsOf types receivers before, or without, wrapping their calls). */
  private readonly typeMemo = new Map<ts.Node, string | undefined>();
  private readonly inProgress = new Set<ts.Node>();

  /** `transitions`: the library tables' type steps; `analysis`: for workspace calls, indexes and cache keys. */
  /** The packages the tables model by export (`pg#Pool`): imported by name, they stay libraries even when the workspace holds their source. */
  private readonly modeled: ReadonlySet<string>;

  constructor(readonly transitions: ReadonlyMap<string, string>, readonly analysis: Analysis, operationKeys: Iterable<string> = []) {
    this.modeled = new Set([...transitions.keys(), ...operationKeys].filter((k) => k.includes('#')).map((k) => k.slice(0, k.indexOf('#'))));
  }

  /** Forgets the type memoized for a compiler node (see Analysis.invalidate). */
  forget(key: ts.Node): void {
    this.typeMemo.delete(key);
  }

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
    this.analysis.keyOf(node.getSourceFile().compilerNode, key);
    return result;
  }

  /**
   * typeOf(identifier) at depth 0 on the compiler node, wrapping only the
   * declaration it resolves to (typeOfIdentifier and typeOfSymbol without the
   * wrappers): factsOf types most receivers this way and wraps a call only
   * when it is an operation.
   */
  typeOfRawIdentifier(id: ts.Identifier, context: MorphContext): string | undefined {
    if (this.typeMemo.has(id)) return this.typeMemo.get(id);
    if (this.inProgress.has(id)) return undefined;
    this.inProgress.add(id);
    let result: string | undefined;
    try {
      const symbol = (id as ts.Identifier & { symbol?: ts.Symbol }).symbol ?? context.typeChecker.compilerObject.getSymbolAtLocation(id);
      const name = id.getText();
      const decl = symbol?.declarations?.[0];
      const declFile = decl?.getSourceFile();
      if (!symbol) {
        // A name no declaration binds: `fetch`, or a value the workspace hangs on the global object.
        const factory = context.compilerFactory;
        result = name === 'fetch' ? 'global#fetch' : this.typeOfGlobal(name, factory.getNodeFromCompilerNode(id, factory.getSourceFileForNode(id)), 1);
      } else if (!decl || declFile!.isDeclarationFile || declFile!.fileName.indexOf('/node_modules/') >= 0) {
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
    this.analysis.keyOf(id.getSourceFile(), id);
    return result;
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
    // `const Queue = require('bull'); new Queue(...)`: a CommonJS module's namespace is its default export.
    if (from.endsWith('#*') && (step === 'new' || step === '()')) return this.transitions.get(`${from.slice(0, -1)}default|${step}`);
    if (step === 'instance' && hash > 0) return this.transitions.get(`${from}|new`);
    if (step.startsWith('.')) return this.transitions.get(`${from}|.*`);
    if (step.endsWith('()') && step !== '()') return this.transitions.get(`${from}|*()`);
    return undefined;
  }

  namespaceMember(from: string, member: string): string {
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
    // `typeof redlockModule.default` in a type query: the namespace's member.
    if (Node.isQualifiedName(node)) return this.step(this.typeOf(node.getLeft(), depth), `.${node.getRight().getText()}`);
    if (Node.isThisExpression(node)) return typeOfThis(this, node, depth);
    // `super.add(...)` in a class extending a library class: an instance of that class.
    if (Node.isSuperExpression(node)) return this.step(this.baseClassType(node, depth), 'instance');
    // `found ? await User.findByPk(id) : undefined`, `cached ?? new PrismaClient()`: the one type the value can have.
    if (Node.isConditionalExpression(node)) return this.eitherType(node.getWhenTrue(), node.getWhenFalse(), depth, true);
    if (Node.isBinaryExpression(node) && ['??', '||'].includes(node.getOperatorToken().getText())) {
      return this.eitherType(node.getLeft(), node.getRight(), depth, false);
    }
    if (Node.isNewExpression(node)) {
      return this.step(this.typeOf(node.getExpression(), depth), 'new') ?? wrappedClientType(this, node.getArguments(), depth);
    }
    if (Node.isCallExpression(node)) {
      const callee = node.getExpression();
      if (Node.isPropertyAccessExpression(callee)) {
        const base = this.typeOf(callee.getExpression(), depth);
        if (base) return this.step(base, `${callee.getName()}()`);
        // `this.connection(TABLE)`: a member that is itself a callable client (a Knex instance held in a field).
        if (Node.isThisExpression(callee.getExpression())) {
          const member = this.typeOf(callee, depth);
          if (member) return this.step(member, '()');
        }
        const value = typeOfMapGet(this, node, depth) ?? typeOfArrayPick(this, node, depth);
        if (value) return value;
      } else if (Node.isElementAccessExpression(callee)) {
        // `sequelize['import'](file)`: a method named by a literal.
        const key = callee.getArgumentExpression();
        if (key && Node.isStringLiteral(key)) {
          const base = this.typeOf(callee.getExpression(), depth);
          if (base) return this.step(base, `${key.getLiteralText()}()`);
        }
      } else {
        const t = this.typeOf(callee, depth);
        if (t) return this.step(t, '()');
        if (Node.isIdentifier(callee) && callee.getText() === 'require') {
          // `require('./certificate')` of a module whose `module.exports = mongoose.model(...)`: that value's type.
          const library = requireType(node);
          if (library) return library;
          const file = requiredFile(node);
          const exported = file ? moduleExportsValue(file) : undefined;
          return exported ? this.typeOf(exported, depth + 1) : undefined;
        }
      }
      return returnTypeOfWorkspaceCall(this, node, depth);
    }
    if (Node.isPropertyAccessExpression(node)) {
      const target = node.getExpression();
      if (Node.isThisExpression(target)) return typeOfThisMember(this, node, depth);
      const base = this.typeOf(target, depth);
      if (base) return this.step(base, `.${node.getName()}`);
      // `ctx.prisma` in a tRPC resolver: the member of what the server's context creator returns (trpcContext.ts).
      const context = trpcContextMember(target, node.getName(), this.analysis);
      if (context) return Node.isShorthandPropertyAssignment(context) ? this.typeOfSymbol(context.getValueSymbol(), depth + 1) : this.typeOf(context, depth + 1);
      // `queues.makeOfferQueue` of `const queues = require('./queues')`: what that module exports under the name.
      const required = requiredModuleMember(target, node.getName());
      if (required) return this.typeOf(required, depth);
      const global = globalMemberName(node);
      if (global) return this.typeOfGlobal(global, node, depth);
      // `kafkaClient.kafkaProducer` where `global.kafkaClient = require('./kafka')()`: the member of the value assigned.
      if (Node.isIdentifier(target) && !target.getSymbol()) return this.typeOfGlobalMember(target.getText(), node.getName(), node, depth);
      return this.typeOfSymbol(node.getNameNode().getSymbol(), depth) ?? memberOfWorkspaceCall(this, target, node.getName(), depth);
    }
    if (Node.isElementAccessExpression(node)) {
      const key = node.getArgumentExpression();
      const required = key && Node.isStringLiteral(key) ? requiredModuleMember(node.getExpression(), key.getLiteralText()) : undefined;
      return required ? this.typeOf(required, depth) : typeOfElement(this, node, depth);
    }
    return undefined;
  }

  /**
   * Both alternatives' type when they agree, or the one typed when the other is `null`/`undefined`
   * (or, with `strict` false, for `cached ?? new Client()`, untyped: the idiom keeps one client).
   */
  private eitherType(a: Node, b: Node, depth: number, strict: boolean): string | undefined {
    const ta = this.typeOf(a, depth);
    const tb = this.typeOf(b, depth);
    if (ta && tb) return ta === tb ? ta : undefined;
    const other = ta ? b : a;
    // `REDIS_URL ? require('bull') : require('./fallbackQueue')`: a local stand-in for the library when it is not configured.
    if (strict && !(Node.isNullLiteral(other) || (Node.isIdentifier(other) && other.getText() === 'undefined') || localStandIn(other))) return undefined;
    return ta ?? tb;
  }

  private typeOfIdentifier(id: Node, depth: number): string | undefined {
    const symbol = id.getSymbol();
    if (!symbol) return id.getText() === 'fetch' ? 'global#fetch' : this.typeOfGlobal(id.getText(), id, depth);
    return this.typeOfSymbol(symbol, depth, id.getText());
  }

  /** A name no declaration binds, or read off `global`: the one library type the workspace's `global.<name> = ...` assign (globalAssignments.ts). */
  private typeOfGlobal(name: string, at: Node, depth: number): string | undefined {
    const types = new Set<string>();
    for (const value of globalAssignments(this.analysis, name, at.getSourceFile())) {
      const t = this.typeOf(value, depth);
      if (t) types.add(t);
    }
    return types.size === 1 ? [...types][0] : undefined;
  }

  /** A member of what the workspace assigns to `global.<name>`, as the checker finds it on that value's type. */
  private typeOfGlobalMember(name: string, member: string, at: Node, depth: number): string | undefined {
    const types = new Set<string>();
    for (const value of globalAssignments(this.analysis, name, at.getSourceFile())) {
      const symbol = value.getType().getProperty(member);
      const t = symbol ? this.typeOfSymbol(symbol, depth + 1) : undefined;
      if (t) types.add(t);
    }
    return types.size === 1 ? [...types][0] : undefined;
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

  typeOfDeclaration(decl: Node, symbol: TsSymbol | undefined, depth: number): string | undefined {
    if (Node.isImportSpecifier(decl)) {
      const lib = moduleOfImportNode(decl, this.modeled);
      if (lib) return `${lib}#${decl.getNameNode().getText()}`;
      return this.typeOfAliased(symbol, depth) ?? reexportedLibraryType(decl);
    }
    if (Node.isImportClause(decl)) {
      const lib = moduleOfImportNode(decl, this.modeled);
      if (lib) return `${lib}#default`;
      return this.typeOfAliased(symbol, depth);
    }
    if (Node.isNamespaceImport(decl)) {
      const lib = moduleOfImportNode(decl, this.modeled);
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
      // `const { MailQueue } = require('../queues')` in JavaScript: the checker binds it to the module's export.
      const aliased = symbol?.isAlias() ? this.typeOfAliased(symbol, depth) : undefined;
      if (aliased) return aliased;
      const pattern = decl.getParent();
      const holder = pattern?.getParent();
      const prop = decl.getPropertyNameNode()?.getText() ?? decl.getName();
      if (holder && Node.isVariableDeclaration(holder)) {
        const init = holder.getInitializer();
        if (!init) return undefined;
        const typed = this.step(this.typeOf(init, depth), `.${prop}`) ?? memberOfWorkspaceCall(this, init, prop, depth);
        if (typed || !isRequireCall(init)) return typed;
        const required = requiredMember(init, prop);
        return required ? this.typeOf(required, depth) : undefined;
      }
      if (holder && Node.isParameterDeclaration(holder)) {
        const typeNode = holder.getTypeNode();
        const member = typeNode ? this.memberTypeNode(typeNode, prop) : undefined;
        if (member) return this.typeFromTypeNode(member, depth);
        // `({ manager }: InsertEvent<User>)`: a member of a library type, as its table says.
        if (typeNode) return this.step(this.typeFromTypeNode(typeNode, depth), `.${prop}`);
        // `function start({ client })` called as `start({ client: redis })`: what its callers pass.
        return pattern && Node.isObjectBindingPattern(pattern) ? typeFromCallSites(this, holder, prop, depth) : undefined;
      }
      return undefined;
    }
    // Untyped (or `any`) callback parameters take their type from the call they are passed to.
    if (Node.isParameterDeclaration(decl) && (!decl.getTypeNode() || decl.getTypeNode()!.getKind() === SyntaxKind.AnyKeyword)) {
      return this.callbackParameterType(decl, depth) ?? typeFromCallSites(this, decl, undefined, depth);
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
      // `let channel: any = null`, assigned its client later (`channel = await connection.createChannel()`): the assignment types it.
      if (init && !Node.isNullLiteral(init) && init.getText() !== 'undefined') return this.typeOf(init, depth);
      return Node.isVariableDeclaration(decl) ? typeOfLoopVariable(this, decl, depth) ?? this.typeOfAssigned(decl, depth) : undefined;
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
    const assigned = expandoValue(decl);
    return assigned ? this.typeOf(assigned, depth) : undefined;
  }

  /** The library class the class around `node` extends (`class MailQueue extends Queue`), as an export (`bullmq#Queue`). */
  baseClassType(node: Node, depth: number): string | undefined {
    const cls = node.getFirstAncestor((a) => Node.isClassDeclaration(a) || Node.isClassExpression(a));
    const base = cls && (Node.isClassDeclaration(cls) || Node.isClassExpression(cls)) ? cls.getExtends()?.getExpression() : undefined;
    return base ? this.typeOf(base, depth) : undefined;
  }

  /**
   * `prisma.$transaction(async (tx) => ...)`: the parameter's type comes from the call it is passed to; a `.then`
   * callback's first parameter is what the promise it is chained on gives.
   */
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
    // `amqp.connect(url).then((connection) => ...)`: a promise's value is the client its call gives (awaiting is transparent here).
    if (callee.getName() === 'then' && index === 0 && argIndex === 0) return base;
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

  /** The declared type of property `name` of a local interface, type alias or type literal (typeNodes.ts). */
  memberTypeNode(typeNode: Node, name: string): Node | undefined {
    return memberTypeNode(typeNode, name);
  }

  /**
   * A variable declared without a value and assigned later in its scope (`let client; async function
   * connect() { client = redis.createClient(...) }`, a module singleton behind a getter): the type of
   * the first assignment whose value has one.
   */
  private typeOfAssigned(decl: Node, depth: number): string | undefined {
    if (!Node.isVariableDeclaration(decl) || !Node.isIdentifier(decl.getNameNode())) return undefined;
    const name = decl.getName();
    const scope = decl.getFirstAncestor((a) => Node.isSourceFile(a) || Node.isBlock(a) || Node.isModuleBlock(a));
    if (!scope) return undefined;
    // `name = <expr>` found on the compiler's tree; only those are wrapped and resolved.
    const assignments: ts.BinaryExpression[] = [];
    walkDescendants(scope.compilerNode, (raw) => {
      if (raw.kind === SyntaxKind.BinaryExpression) {
        const bin = raw as ts.BinaryExpression;
        if (bin.operatorToken.kind === SyntaxKind.EqualsToken && bin.left.kind === SyntaxKind.Identifier && (bin.left as ts.Identifier).text === name) assignments.push(bin);
      }
    });
    const wrap = wrapperFor(scope);
    for (const raw of assignments) {
      const bin = wrap(raw);
      if (!Node.isBinaryExpression(bin) || declarationOf(bin.getLeft()) !== decl) continue;
      const t = this.typeOf(bin.getRight(), depth + 1);
      if (t) return t;
    }
    return undefined;
  }

  /** The library type a type annotation names (typeNodes.ts). */
  typeFromTypeNode(typeNode: Node, depth: number): string | undefined {
    return typeFromTypeNode(this, typeNode, depth);
  }
}

