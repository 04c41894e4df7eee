/**
 * Registrations inside functions (`export function initTelemetry() { new NodeSDK({ instrumentations:
 * [getNodeAutoInstrumentations()] }).start() }`): they cover a service when its code calls the
 * function, directly or through wrappers in shared modules (`createMetricsContext()` calling
 * `initTelemetry()`). Calls are found by name in the files that import the registering module
 * (the import graph, through barrels and workspace packages) and confirmed by the checker (call →
 * declaration, through re-exports and `export *`).
 */
import { Node, SyntaxKind, ts, type SourceFile } from 'ts-morph';

export interface StartingCall {
  file: SourceFile;
  /** 1-based line of the call in `file`. */
  line: number;
  /** What is called there, down to the registering function: "createContext() → initSdk()". */
  chain: string;
  /** The call is in a service's entry file (no workspace file imports it), in the first statement of its body. */
  first: boolean;
  /** The call is in a shared module and runs when it loads (or where this analysis does not follow): its importers are covered. */
  onLoad: boolean;
}

/** The name of the module-level function (declaration, or const holding an arrow/function) a node is inside; undefined elsewhere. */
export function moduleFunction(node: ts.Node): string | undefined {
  let fn: ts.Node | undefined;
  for (let n: ts.Node | undefined = node.parent; n && !ts.isSourceFile(n); n = n.parent) if (ts.isFunctionLike(n)) fn = n;
  if (!fn) return undefined;
  const parent = fn.parent;
  if (ts.isFunctionDeclaration(fn) && fn.name && parent && ts.isSourceFile(parent)) return fn.name.text;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) &&
    parent.parent?.parent && ts.isVariableStatement(parent.parent.parent) && ts.isSourceFile(parent.parent.parent.parent)) return parent.name.text;
  return undefined;
}

/**
 * The name of the module-level class a node is inside (a method, constructor or field of `export class
 * TracingInstance`): the registration runs when the class is constructed and its code called, not on load.
 */
export function moduleClass(node: ts.Node): string | undefined {
  for (let n: ts.Node | undefined = node.parent; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isClassDeclaration(n) && n.name && n.parent && ts.isSourceFile(n.parent)) return n.name.text;
  }
  return undefined;
}

/** The calls that start a registration made inside `functions` of `file`, in service files and shared modules that import it. */
export function startingCalls(input: {
  file: SourceFile;
  functions: string[];
  importers: Map<SourceFile, Set<SourceFile>>;
  resolveCallees: (call: Node) => Node[];
  isServiceFile: (file: SourceFile) => boolean;
  maxDepth: number;
}): StartingCall[] {
  const { importers, resolveCallees, isServiceFile } = input;
  /** Registering functions (their declaration and, for a const, its initializer) → the chain below them. */
  const registering = new Map<Node, string>();
  const names = new Set<string>();
  const register = (sf: SourceFile, name: string, below: string) => {
    const found: (Node | undefined)[] = [sf.getFunction(name), sf.getVariableDeclaration(name), sf.getVariableDeclaration(name)?.getInitializer(), sf.getClass(name)];
    const nodes = found.filter((n): n is Node => !!n);
    if (!nodes.length || nodes.some((n) => registering.has(n))) return false;
    nodes.forEach((n) => registering.set(n, below));
    names.add(name);
    return true;
  };
  input.functions.forEach((name) => register(input.file, name, ''));
  const out: StartingCall[] = [];
  const scan = (sf: SourceFile) => {
    for (let changed = true; changed;) {
      changed = false;
      const text = sf.getFullText();
      if (![...names].some((n) => text.includes(`${n}(`) || text.includes(`${n} (`))) return;
      for (const call of [...sf.getDescendantsOfKind(SyntaxKind.CallExpression), ...sf.getDescendantsOfKind(SyntaxKind.NewExpression)]) {
        const callee = call.getExpression();
        const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : Node.isIdentifier(callee) ? callee.getText() : undefined;
        if (!name || !names.has(name)) continue;
        const target = Node.isNewExpression(call) ? constructedClass(callee, registering) : resolveCallees(call).find((t) => registering.has(t));
        if (!target) continue;
        const below = registering.get(target)!;
        const chain = `${name}()${below ? ` → ${below}` : ''}`;
        const line = call.getStartLineNumber();
        if (isServiceFile(sf)) {
          out.push({ file: sf, line, chain, first: !importers.get(sf)?.size && firstStatement(call.compilerNode), onLoad: false });
          continue;
        }
        const outer = moduleFunction(call.compilerNode);
        if (outer) changed = register(sf, outer, chain) || changed;
        else out.push({ file: sf, line, chain, first: false, onLoad: true });
      }
    }
  };
  // The registering file, then its importers layer by layer (shared wrappers first, the services that call them later).
  let frontier = [input.file];
  const seen = new Set<SourceFile>(frontier);
  for (let depth = 0; depth <= input.maxDepth && frontier.length; depth++) {
    frontier.forEach(scan);
    const next: SourceFile[] = [];
    for (const f of frontier) for (const importer of importers.get(f) ?? []) if (!seen.has(importer)) { seen.add(importer); next.push(importer); }
    frontier = next;
  }
  return out;
}

/** The registering class a `new X(...)` constructs (through an import alias). */
function constructedClass(callee: Node, registering: Map<Node, string>): Node | undefined {
  let symbol = callee.getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
  return symbol?.getDeclarations().find((d) => registering.has(d));
}

/** The statement holding the node is the first of its block or file (imports and declarations of types aside). */
function firstStatement(node: ts.Node): boolean {
  let n = node;
  while (n.parent && !ts.isBlock(n.parent) && !ts.isSourceFile(n.parent)) n = n.parent;
  const statements = n.parent && (ts.isBlock(n.parent) || ts.isSourceFile(n.parent)) ? n.parent.statements : undefined;
  const runs = statements?.filter((s) => !ts.isImportDeclaration(s) && !ts.isInterfaceDeclaration(s) && !ts.isTypeAliasDeclaration(s) && !ts.isFunctionDeclaration(s));
  return !!runs && runs[0] === n;
}
