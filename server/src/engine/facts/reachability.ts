/**
 * Code nothing runs: a method of a class in use (registered as a provider, injected, constructed)
 * that no production code refers to, neither by a reference the checker resolves nor by name (a
 * member access `.name` or a string naming it). Left alone: a method with a decorator (a route, a
 * handler, a job the framework calls), a member of a library's interface the class implements or of a class it
 * extends (a lifecycle hook, an override), a method of a class a framework decorator drives, and
 * anything outside a deployable's own code (a library's API is called from elsewhere). A
 * `RedisService.acquireLock` copied into a service and never used takes no lock; a collector method
 * nobody calls makes no dual write, and a client method never called sends no message. Functions, exports and callbacks are not judged: a framework may
 * call them by convention (a serverless handler, a Next.js route export), where silence would be a guess.
 */
import { Node, SyntaxKind, ts, type ClassDeclaration, type ExpressionWithTypeArguments, type Identifier, type SourceFile } from 'ts-morph';
import { withoutComments } from './codeText';
import type { SystemModel } from '../model';
import { isFunctionBoundary } from './effects';

/** Per analysis: an edit elsewhere (a new call) can bring a method back into use. */
const memo = new WeakMap<SystemModel, WeakMap<Node, boolean>>();

/** True when the class method holding `node` is never referred to by production code (see above). */
export function unusedMethod(model: SystemModel, node: Node): boolean {
  const method = Node.isMethodDeclaration(node) ? node : node.getFirstAncestor((a) => Node.isMethodDeclaration(a));
  if (!method || !Node.isMethodDeclaration(method)) return false;
  // The method must be the function the node runs in, not a callback inside it.
  const fn = node === method ? method : node.getFirstAncestor(isFunctionBoundary);
  if (fn !== method) return false;
  return remembered(memo, model, method, () => computeUnused(model, method, new Set()));
}

/** An answer per analysis and node: an edit elsewhere makes a new analysis, and the question is asked again. */
function remembered(store: WeakMap<SystemModel, WeakMap<Node, boolean>>, model: SystemModel, node: Node, compute: () => boolean): boolean {
  let known = store.get(model);
  if (!known) store.set(model, known = new WeakMap());
  let out = known.get(node);
  if (out === undefined) known.set(node, out = compute());
  return out;
}

/**
 * `visiting`: methods whose answer is being computed further up (a method used only by a method that is used
 * only by the first is dead with it: nothing outside the cycle calls in).
 */
function computeUnused(model: SystemModel, method: Node, visiting: Set<Node>): boolean {
  if (!Node.isMethodDeclaration(method) || method.getDecorators().length) return false;
  // Only in a deployable's own code: a library (or code the layout does not place) may be called from elsewhere.
  if (!model.serviceOf(method)) return false;
  const cls = method.getParent();
  if (!cls || !Node.isClassDeclaration(cls)) return false;
  // A class the framework drives (`@Processor`, `@Controller`, `@Resolver`, `@EventsHandler`): it calls the methods.
  if (cls.getDecorators().some((d) => d.getName() !== 'Injectable')) return false;
  // A member of an interface the class implements or of a class it extends (`onModuleInit`, `process`, `handle`):
  // the framework or the base class calls it.
  const bases = [...cls.getImplements(), ...(cls.getExtends() ? [cls.getExtends()!] : [])];
  const member = method.getName();
  if (bases.some((b) => declares(b, member))) return false;
  const name = method.getNameNode();
  const className = cls.getNameNode();
  if (!Node.isIdentifier(name) || !className) return false;
  const production = productionFiles(model);
  // A declaration of the name (the port's `charge(...): Promise<void>`, another implementation) is not a use of it,
  // nor is the method naming itself (a recursion, its own job name `'trackEvent'`).
  const usedElsewhere = (id: Identifier, skip?: Node) => id.findReferencesAsNodes().some((ref) => ref !== id && production.has(ref.getSourceFile()) && !isDeclarationName(ref) && !(skip && inside(skip, ref)));
  try {
    // The class is in use but this method never is: read as text too, so a call through an import the
    // checker does not resolve (a path alias) or by name in a string keeps it alive. A `.trackEvent(` the checker
    // resolves to another class's member is that member's use.
    if (!usedElsewhere(className)) return false;
    const service = model.serviceOf(method)!.name;
    const uses = textUses(model, name.getText(), service).filter((u) => !(u.file === method.getSourceFile() && method.containsRange(u.pos, u.pos + 1)) && !memberOfAnotherClass(u, cls));
    if (!uses.length && !usedElsewhere(name, method)) return true;
    // Used only by sibling methods of the same class (`this.acquireLock(...)` in `lockCall`), each of them unused:
    // dead with them. Any use elsewhere, or by a live sibling, keeps it.
    const callers = siblingCallers(cls, method, uses);
    if (!callers) return false;
    if (name.findReferencesAsNodes().some((ref) => ref !== name && production.has(ref.getSourceFile()) && !isDeclarationName(ref) && !inside(method, ref) && !callers.some((c) => inside(c, ref)))) return false;
    const inner = new Set([...visiting, method]);
    return callers.every((c) => inner.has(c) || computeUnused(model, c, inner));
  } catch {
    return false;
  }
}

/**
 * True when a base (an implemented interface, an extended class) declares the member. When its type is
 * not known (the package not installed), an extended class may declare anything (no guess), and an
 * interface is read from its name: `OnModuleInit` declares `onModuleInit`.
 */
function declares(base: ExpressionWithTypeArguments, member: string): boolean {
  const type = base.getType();
  if (!type.isAny() && type.getProperties().length) {
    const declared = type.getProperty(member);
    if (!declared) return false;
    // A member of an interface the workspace itself declares (`IProductsService.findOneById`) is called through that
    // interface, by name, as any other method: no framework calls it. Members a library declares (`OnModuleInit`) are.
    const parent = base.getParent();
    const implemented = !!parent && Node.isHeritageClause(parent) && parent.getToken() === SyntaxKind.ImplementsKeyword;
    return !(implemented && declaredInWorkspaceOnly(declared.getDeclarations()));
  }
  const parent = base.getParent();
  if (parent && Node.isHeritageClause(parent) && parent.getToken() === SyntaxKind.ExtendsKeyword) return true;
  const name = base.getExpression().getText().split('.').pop() ?? '';
  return name.charAt(0).toLowerCase() + name.slice(1) === member;
}

function isDeclarationName(ref: Node): boolean {
  const parent = ref.getParent();
  return !!parent && (Node.isMethodSignature(parent) || Node.isPropertySignature(parent) || Node.isMethodDeclaration(parent)) && parent.getNameNode() === ref;
}

function declaredInWorkspaceOnly(declarations: Node[]): boolean {
  return declarations.length > 0 && declarations.every((d) => {
    const file = d.getSourceFile();
    return !file.isDeclarationFile() && !file.isInNodeModules();
  });
}

const productionMemo = new WeakMap<SystemModel, Set<Node>>();

function productionFiles(model: SystemModel): Set<Node> {
  let out = productionMemo.get(model);
  if (!out) productionMemo.set(model, out = new Set(model.files.map((f) => f.sourceFile)));
  return out;
}

function inside(container: Node, node: Node): boolean {
  return container.getSourceFile() === node.getSourceFile() && container.containsRange(node.getPos(), node.getEnd());
}

/** A textual use of a member's name: where a `.name` or a string `'name'` starts in a production file. */
interface TextUse { file: SourceFile; pos: number }

const usesMemo = new WeakMap<SystemModel, Map<string, TextUse[]>>();

/**
 * Where production code that can call into the method's service reads a member of that name, or names it in a
 * string: the service's own files and code outside every deployable (shared packages), comments left out. Another
 * service's `.publish(` calls its own publisher, not this one; copies of the method elsewhere do not count either.
 */
function textUses(model: SystemModel, name: string, service: string): TextUse[] {
  let seen = usesMemo.get(model);
  if (!seen) usesMemo.set(model, seen = new Map());
  const key = `${service}\u0000${name}`;
  let out = seen.get(key);
  if (!out) {
    // A use reads the member (`svc.name(`, `Card.name`, `this.name`) or names it in a string (`'name'`); a declaration does neither.
    const word = new RegExp(`(?:\\.|['"\`])${escapeName(name)}(?![\\w$])`, 'g');
    out = [];
    for (const file of serviceFiles(model, service)) {
      const raw = file.getFullText();
      if (!raw.includes(name)) continue;
      for (const m of codeOf(model, file).matchAll(word)) out.push({ file, pos: m.index ?? 0 });
    }
    seen.set(key, out);
  }
  return out;
}

/**
 * True when the use is a member access (`this.service.trackEvent(`) the checker resolves to a method or
 * property of another class, neither a base nor a subclass of `cls`: a call of that class's member. A use it
 * cannot resolve, or resolves to an interface (a structural use), may be this method's.
 */
function memberOfAnotherClass(use: TextUse, cls: ClassDeclaration): boolean {
  if (use.file.getFullText()[use.pos] !== '.') return false;
  const id = use.file.getDescendantAtPos(use.pos + 1);
  const access = id?.getParent();
  if (!id || !Node.isIdentifier(id) || !access || !Node.isPropertyAccessExpression(access) || access.getNameNode() !== id) return false;
  const declarations = id.getSymbol()?.getDeclarations() ?? [];
  return declarations.length > 0 && declarations.every((d) => {
    const owner = d.getParent();
    return (Node.isMethodDeclaration(d) || Node.isPropertyDeclaration(d)) && !!owner && Node.isClassDeclaration(owner) && owner !== cls && !related(owner, cls) && !related(cls, owner);
  });
}

/** True when `base` is among the classes `cls` extends. */
function related(cls: ClassDeclaration, base: ClassDeclaration): boolean {
  let current: ClassDeclaration | undefined = cls;
  for (let i = 0; i < 10 && current; i++) {
    current = current.getBaseClass();
    if (current === base) return true;
  }
  return false;
}

/**
 * The other methods of `cls` in which every textual use of the member sits, or undefined when some use is
 * elsewhere (another file, a field initializer, a callback outside a method).
 */
function siblingCallers(cls: ClassDeclaration, method: Node, uses: TextUse[]): Node[] | undefined {
  const methods = cls.getMethods().filter((m) => m !== method);
  const callers = new Set<Node>();
  for (const use of uses) {
    const caller = use.file === cls.getSourceFile() ? methods.find((m) => m.getStart() <= use.pos && use.pos < m.getEnd()) : undefined;
    if (!caller) return undefined;
    callers.add(caller);
  }
  return callers.size ? [...callers] : undefined;
}

/**
 * True when the code holding `node` runs in no execution: its method is unused or in an unregistered controller,
 * and so is every flow that reaches it (`callers`, the functions whose effects include it).
 */
export function runsNowhere(model: SystemModel, node: Node, callers: readonly Node[]): boolean {
  const dead = (n: Node) => unusedMethod(model, n) || inUnregisteredController(model, n);
  return dead(node) && callers.every(dead);
}

const classMemo = new WeakMap<SystemModel, WeakMap<Node, boolean>>();
const textsMemo = new WeakMap<SystemModel, Map<string, string[]>>();
const filesMemo = new WeakMap<SystemModel, Map<string, SourceFile[]>>();
const codeMemo = new WeakMap<SystemModel, Map<SourceFile, string>>();

/** The production files that can call into a service: its own, and shared code outside every deployable. */
function serviceFiles(model: SystemModel, service: string): SourceFile[] {
  let byService = filesMemo.get(model);
  if (!byService) filesMemo.set(model, byService = new Map());
  let out = byService.get(service);
  if (!out) {
    out = model.files.filter((f) => [undefined, service].includes(model.serviceOf(f.sourceFile)?.name)).map((f) => f.sourceFile);
    byService.set(service, out);
  }
  return out;
}

/** Their texts. */
function serviceTexts(model: SystemModel, service: string): string[] {
  let byService = textsMemo.get(model);
  if (!byService) textsMemo.set(model, byService = new Map());
  let out = byService.get(service);
  if (!out) byService.set(service, out = serviceFiles(model, service).map((f) => f.getFullText()));
  return out;
}

/** A file's text with comments blanked (codeText.ts), per analysis. */
function codeOf(model: SystemModel, file: SourceFile): string {
  let byFile = codeMemo.get(model);
  if (!byFile) codeMemo.set(model, byFile = new Map());
  let out = byFile.get(file);
  if (out === undefined) byFile.set(file, out = withoutComments(file.getFullText(), /\.[jt]sx$/.test(file.getFilePath())));
  return out;
}

/**
 * True when `fn` is a method of a class left out of the wiring its siblings are in: it extends a
 * workspace base class whose other subclasses production code names (a provider list, a `new`, a
 * registration), while nothing in production names this one except its own `class` header (a barrel's
 * `export *` names nothing). It has no decorator (a framework may find a decorated class by scanning),
 * is not abstract and sits in a deployable's own code. Such a class is never constructed, so a call
 * that reaches its override through the base (`this.process(job)` in an abstract processor) never
 * runs it: a scheduler whose `@Processor` decorator and provider entry were removed while the other
 * schedulers stay registered. A class with no named sibling is kept: it may be registered by a
 * convention the analysis does not read (a container loading modules by file name).
 */
export function unreferencedClassMethod(model: SystemModel, fn: Node): boolean {
  const cls = fn.getParent();
  if (!Node.isMethodDeclaration(fn) || !cls || !Node.isClassDeclaration(cls)) return false;
  return remembered(classMemo, model, cls, () => computeUnreferenced(model, cls));
}

function computeUnreferenced(model: SystemModel, cls: ClassDeclaration): boolean {
  const name = cls.getName();
  const service = model.serviceOf(cls)?.name;
  const base = cls.getExtends()?.getExpression().getText().split('.').pop();
  if (!name || !base || !service || cls.isAbstract() || cls.getDecorators().length || cls.isDefaultExport()) return false;
  const texts = serviceTexts(model, service);
  if (named(texts, name)) return false;
  // The other subclasses of the same base: at least one must be wired by name.
  const subclass = new RegExp(`\\bclass\\s+([\\w$]+)[^{]*?\\bextends\\s+(?:[\\w$]+\\.)?${escapeName(base)}\\b`, 'g');
  const siblings = new Set(texts.flatMap((t) => [...t.matchAll(subclass)].map((m) => m[1])).filter((n) => n !== name));
  return [...siblings].some((sibling) => named(texts, sibling));
}

/** True when a text names the class other than in its own `class` header. */
function named(texts: string[], name: string): boolean {
  const word = new RegExp(`(?<![\\w$])${escapeName(name)}(?![\\w$])`, 'g');
  const header = new RegExp(`\\bclass\\s+${escapeName(name)}(?![\\w$])`, 'g');
  return texts.some((text) => (text.match(word)?.length ?? 0) > (text.match(header)?.length ?? 0));
}

function escapeName(name: string): string {
  return name.replace(/[$]/g, '\\$');
}

const controllerMemo = new WeakMap<SystemModel, WeakMap<Node, boolean>>();
const CONTROLLERS_LIST = /\bcontrollers\s*:/;

/**
 * True when the node runs in a method of a NestJS `@Controller()` class that no code of its service
 * (or shared code) names outside comments, in a service whose modules list their controllers
 * (`controllers: [...]`): a controller is served only once a module lists it there, which needs its
 * name, so one whose import and list entry are commented out (`// DiscountsController,`) serves no
 * route and its methods run in no execution.
 */
export function inUnregisteredController(model: SystemModel, node: Node): boolean {
  const method = Node.isMethodDeclaration(node) ? node : node.getFirstAncestor((a) => Node.isMethodDeclaration(a));
  const cls = method?.getParent();
  if (!method || !cls || !Node.isClassDeclaration(cls)) return false;
  return remembered(controllerMemo, model, cls, () => {
    const name = cls.getName();
    const service = model.serviceOf(cls)?.name;
    if (!name || !service || cls.isDefaultExport() || !cls.getDecorators().some((d) => d.getName() === 'Controller')) return false;
    const texts = serviceTexts(model, service);
    // Only where the service's modules are seen listing controllers: a fixture or a service wired another way says nothing.
    if (!texts.some((t) => CONTROLLERS_LIST.test(t))) return false;
    // Identifier tokens only (the scanner skips comments and string contents), in the files the name's text appears in;
    // the class's own name is one.
    const word = new RegExp(`(?<![\\w$])${escapeName(name)}(?![\\w$])`);
    let mentions = 0;
    for (const text of texts) if (word.test(text)) mentions += identifierTokens(text, name);
    return mentions <= 1;
  });
}

/** How many identifier tokens of the text are `name` (comments and string literals are skipped). */
function identifierTokens(text: string, name: string): number {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  let count = 0;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.Identifier && scanner.getTokenText() === name) count++;
  }
  return count;
}
