/**
 * The NestJS module graph: which controllers an app's root module brings in, through
 * `@Module({ imports, controllers })`, dynamic modules (`X.forRoot(...)`, `{ module: X, ... }`,
 * `forwardRef(() => X)`) and spreads of arrays declared in the workspace. A process that bootstraps
 * two apps (`createMicroservice(AppModule, TCP)` and `createMicroservice(KafkaAppModule, KAFKA)`)
 * serves each controller only over the transports of the apps whose module graph holds it.
 *
 * The answer is three-valued: `true` (the root module reaches the controller), `false` (the whole
 * graph was read and the controller is not in it), `undefined` (some element could not be
 * resolved, so the engine cannot know).
 */
import { Node, type ClassDeclaration } from 'ts-morph';
import { initializerOf } from './syntax';

const MAX_SPREAD_DEPTH = 3;

interface ModuleGraph {
  controllers: Set<Node>;
  complete: boolean;
}

const graphs = new WeakMap<Node, ModuleGraph>();

/** Whether the root module's graph holds the controller class (see the file comment for undefined). */
export function moduleReaches(root: Node, controller: Node): boolean | undefined {
  const graph = graphOf(root);
  if (graph.controllers.has(controller)) return true;
  return graph.complete ? false : undefined;
}

/** The class a module expression names (`AppModule`, an imported alias), else undefined. */
export function classOf(node: Node | undefined): ClassDeclaration | undefined {
  if (!node) return undefined;
  try {
    let symbol = node.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    const decl = symbol?.getDeclarations().find((d) => Node.isClassDeclaration(d));
    return decl && Node.isClassDeclaration(decl) && !decl.getSourceFile().isDeclarationFile() ? decl : undefined;
  } catch {
    return undefined;
  }
}

function graphOf(root: Node): ModuleGraph {
  let graph = graphs.get(root);
  if (graph) return graph;
  graph = { controllers: new Set(), complete: true };
  const seen = new Set<Node>();
  const queue: Node[] = [root];
  while (queue.length) {
    const mod = queue.pop()!;
    if (seen.has(mod)) continue;
    seen.add(mod);
    const meta = moduleMetadata(mod);
    if (!meta) {
      graph.complete = false;
      continue;
    }
    for (const entry of meta) {
      const element = elementsOf(entry.value, 0);
      if (!element) {
        graph.complete = false;
        continue;
      }
      for (const item of element) {
        if (entry.key === 'controllers') {
          const cls = classOf(item);
          if (cls) graph.controllers.add(cls);
          else graph.complete = false;
          continue;
        }
        const imported = importedModule(item);
        if (imported.library) continue;
        if (imported.cls) queue.push(imported.cls);
        if (imported.extra) queue.push(imported.extra);
        if (!imported.cls && !imported.extra) graph.complete = false;
      }
    }
  }
  graphs.set(root, graph);
  return graph;
}

/** `imports` and `controllers` of a module: its `@Module({...})` decorator, or a dynamic module's object literal. */
function moduleMetadata(mod: Node): { key: string; value: Node }[] | undefined {
  let obj: Node | undefined;
  if (Node.isClassDeclaration(mod)) {
    const decorator = mod.getDecorator('Module');
    if (!decorator) return undefined;
    obj = decorator.getArguments()[0];
    if (!obj) return [];
  } else {
    obj = mod;
  }
  if (!obj || !Node.isObjectLiteralExpression(obj)) return undefined;
  const out: { key: string; value: Node }[] = [];
  for (const p of obj.getProperties()) {
    if (Node.isSpreadAssignment(p)) return undefined;
    if (!Node.isPropertyAssignment(p) && !Node.isShorthandPropertyAssignment(p)) continue;
    const key = p.getName();
    if (key !== 'imports' && key !== 'controllers') continue;
    const value = Node.isPropertyAssignment(p) ? p.getInitializer() : initializerOf(p.getNameNode());
    if (!value) return undefined;
    out.push({ key, value });
  }
  return out;
}

/** The elements of an array expression, through spreads of workspace arrays; undefined when unreadable. */
function elementsOf(node: Node, depth: number): Node[] | undefined {
  if (depth > MAX_SPREAD_DEPTH) return undefined;
  const value = Node.isIdentifier(node) || Node.isPropertyAccessExpression(node) ? initializerOf(node) : node;
  if (!value || !Node.isArrayLiteralExpression(value)) return undefined;
  const out: Node[] = [];
  for (const e of value.getElements()) {
    if (Node.isSpreadElement(e)) {
      const inner = elementsOf(e.getExpression(), depth + 1);
      if (!inner) return undefined;
      out.push(...inner);
    } else out.push(e);
  }
  return out;
}

/**
 * The module an `imports` element brings in: a class (`OrdersModule`), a dynamic module
 * (`X.forRoot(...)`: X, and the object literal the static method returns when it has one),
 * `forwardRef(() => X)`, or an object literal `{ module: X, imports, controllers }`.
 */
function importedModule(item: Node): { cls?: Node; extra?: Node; library?: boolean } {
  if (Node.isAsExpression(item) || Node.isParenthesizedExpression(item)) return importedModule(item.getExpression());
  if (Node.isCallExpression(item) && item.getExpression().getText() === 'forwardRef') {
    const fn = item.getArguments()[0];
    const body = fn && Node.isArrowFunction(fn) ? fn.getBody() : undefined;
    return body && !Node.isBlock(body) ? importedModule(body) : {};
  }
  if (fromLibrary(item)) return { library: true };
  if (Node.isIdentifier(item) || Node.isPropertyAccessExpression(item)) {
    const cls = classOf(item);
    if (cls) return { cls };
    const init = initializerOf(item);
    return init && init !== item ? importedModule(init) : {};
  }
  if (Node.isObjectLiteralExpression(item)) {
    const module = item.getProperty('module');
    const cls = module && Node.isPropertyAssignment(module) ? classOf(module.getInitializer()) : undefined;
    return { cls, extra: item };
  }
  if (Node.isCallExpression(item)) {
    const callee = item.getExpression();
    if (Node.isPropertyAccessExpression(callee)) {
      if (fromLibrary(callee.getExpression())) return { library: true };
      const cls = classOf(callee.getExpression());
      if (!cls) return {};
      const method = cls.getStaticMethod(callee.getName());
      const returned = method?.getBody() && Node.isBlock(method.getBody()!) ? method.getStatements().flatMap((s) => (Node.isReturnStatement(s) ? [s.getExpression()] : [])) : [];
      const literal = returned.length === 1 && returned[0] && Node.isObjectLiteralExpression(returned[0]) ? returned[0] : undefined;
      return { cls, extra: literal };
    }
  }
  return {};
}

/**
 * A module of an installed library (`TypeOrmModule`, `ConfigModule.forRoot()`): imported from a
 * package that does not resolve to a workspace file. It brings in no workspace controller.
 */
function fromLibrary(item: Node): boolean {
  const head = Node.isCallExpression(item) ? item.getExpression() : item;
  const root = Node.isPropertyAccessExpression(head) ? leftmost(head) : head;
  if (!Node.isIdentifier(root)) return false;
  try {
    const decl = root.getSymbol()?.getDeclarations()[0];
    if (!decl) return false;
    const importDecl = decl.getFirstAncestor((a) => Node.isImportDeclaration(a));
    if (!importDecl || !Node.isImportDeclaration(importDecl)) return decl.getSourceFile().isDeclarationFile();
    const specifier = importDecl.getModuleSpecifierValue();
    if (specifier.startsWith('.')) return false;
    const target = importDecl.getModuleSpecifierSourceFile();
    return !target || target.isDeclarationFile() || target.getFilePath().includes('/node_modules/');
  } catch {
    return false;
  }
}

function leftmost(node: Node): Node {
  let n = node;
  while (Node.isPropertyAccessExpression(n) || Node.isCallExpression(n)) n = n.getExpression();
  return n;
}
