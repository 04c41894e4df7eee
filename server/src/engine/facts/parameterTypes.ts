/**
 * An untyped parameter of a workspace function takes the library type its callers pass: a
 * bootstrap helper `connect(app, queue)` called with what `NestFactory.create()` returned, or
 * `start({ client })` given an ioredis client. The type is the one the known call sites agree on;
 * sites that pass something untyped say nothing, and two sites passing different library types
 * leave the parameter untyped (prefer silence to a guess).
 *
 * Free functions are followed (function declarations and functions held by a `const`): a
 * module-local one is called from its own file, an exported one is found through the call-site
 * index. So are the constructors of named classes, through their `new C(...)` sites (a JavaScript
 * class handed its broker client: `constructor(channel) { this.channel = channel; }`). A method's
 * name (`update`, `run`) is found in too many files to resolve them all for one parameter's type.
 */
import { Node, SyntaxKind, type ts, type CallExpression, type NewExpression, type ParameterDeclaration } from 'ts-morph';
import { walkDescendants, wrapperFor } from './walk';
import { declarationOf } from './syntax';
import type { TypeFollower } from './typeFollower';
import { callSites, constructionSites, functionName } from './carriers';

/** Call sites read per parameter at most: a helper called from more places is typed by the first ones. */
const MAX_SITES = 50;

/**
 * The library type of `param` (or, with `member`, of the property `member` of the object it
 * receives: `function start({ client })`) from the arguments its call sites give it.
 */
export function typeFromCallSites(follower: TypeFollower, param: ParameterDeclaration, member: string | undefined, depth: number): string | undefined {
  const fn = param.getParent();
  const index = (fn as unknown as { getParameters?(): Node[] }).getParameters?.().indexOf(param) ?? -1;
  if (index < 0 || param.isRestParameter()) return undefined;
  const sites = sitesOf(fn, follower);
  const found = new Set<string>();
  for (const site of sites.slice(0, MAX_SITES)) {
    const arg = site.getArguments()[index];
    if (!arg || Node.isSpreadElement(arg)) continue;
    const t = member === undefined ? follower.typeOf(arg, depth + 1) : memberOfArgument(follower, arg, member, depth + 1);
    if (t) found.add(t);
    if (found.size > 1) return undefined;
  }
  return found.size === 1 ? [...found][0] : undefined;
}

function sitesOf(fn: Node, follower: TypeFollower): (CallExpression | NewExpression)[] {
  const holder = fn.getParent();
  // A constructor's parameters: what `new C(...)` passes, found by the class's name (`new Producer(manager, queue)`).
  if (Node.isConstructorDeclaration(fn)) return holder && Node.isClassDeclaration(holder) && holder.getName() ? constructionSites(holder, follower.analysis) : [];
  const free = Node.isFunctionDeclaration(fn) || ((Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) && Node.isVariableDeclaration(holder));
  const name = free ? functionName(fn) : undefined;
  if (!name) return [];
  const exported = Node.isFunctionDeclaration(fn) ? fn.isExported() : holder?.getFirstAncestorByKind(SyntaxKind.VariableStatement)?.isExported();
  return exported ? callSites(fn, name, follower.analysis, fn.getSourceFile()) : sameFileCalls(fn, name, follower);
}

/** Calls of a module-local function: only its own file can make them (found on the compiler's tree, wrapping only those). */
function sameFileCalls(fn: Node, name: string, follower: TypeFollower): CallExpression[] {
  const wrap = wrapperFor(fn);
  const out: CallExpression[] = [];
  walkDescendants(fn.getSourceFile().compilerNode, (raw) => {
    if (raw.kind !== SyntaxKind.CallExpression) return;
    const callee = (raw as ts.CallExpression).expression;
    if (callee.kind !== SyntaxKind.Identifier || (callee as ts.Identifier).text !== name) return;
    const call = wrap(raw) as CallExpression;
    const decl = declarationOf(call.getExpression());
    if (decl === fn || decl === fn.getParent()) out.push(call);
  });
  return out;
}

/** `{ rclient: client }` or `{ rclient }` at the site, or `.rclient` of an object of a library type. */
function memberOfArgument(follower: TypeFollower, arg: Node, member: string, depth: number): string | undefined {
  if (Node.isObjectLiteralExpression(arg)) {
    const p = arg.getProperty(member);
    if (p && Node.isPropertyAssignment(p)) {
      const init = p.getInitializer();
      return init ? follower.typeOf(init, depth) : undefined;
    }
    return p && Node.isShorthandPropertyAssignment(p) ? follower.typeOf(p.getNameNode(), depth) : undefined;
  }
  return follower.step(follower.typeOf(arg, depth), `.${member}`);
}
