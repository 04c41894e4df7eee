/**
 * CommonJS modules loaded by `require`: the workspace file a `require('./models/file.js')` or a
 * `require(path.join(__dirname, 'resonate', 'file.js'))` loads (a path built from `__dirname` and
 * string literals is as static as a literal), and the value its `module.exports = ...` sets. Used to
 * follow a module that exports a factory and is called where it is required
 * (`require('./file.js')(sequelize, DataTypes)`, the sequelize-cli model layout). Nothing is run.
 */
import path from 'node:path';
import { Node, SyntaxKind, type CallExpression, type SourceFile } from 'ts-morph';
import { resolveSpecifier } from './imports';
import { isFunctionLike } from './callResolution';
import { declarationOf } from './syntax';

const EXTENSIONS = ['', '.js', '.cjs', '.ts', '.cts', '/index.js', '/index.ts'];

/** True for `require(<one argument>)` with the global `require`. */
export function isRequireCall(node: Node): node is CallExpression {
  if (!Node.isCallExpression(node)) return false;
  const callee = node.getExpression();
  return Node.isIdentifier(callee) && callee.getText() === 'require' && node.getArguments().length === 1 && !declarationOf(callee);
}

/** The workspace file a `require(...)` call loads, when its argument is a literal or a path of `__dirname` and literals. */
export function requiredFile(call: Node): SourceFile | undefined {
  if (!isRequireCall(call)) return undefined;
  const arg = call.getArguments()[0];
  try {
    if (Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg)) return resolveSpecifier(call.getProject(), call.getSourceFile(), arg.compilerNode);
    const built = dirnamePath(arg);
    if (!built) return undefined;
    const base = path.resolve(path.dirname(call.getSourceFile().getFilePath()), built);
    for (const ext of EXTENSIONS) {
      const sf = call.getProject().getSourceFile(base + ext);
      if (sf && !sf.isDeclarationFile()) return sf;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** `path.join(__dirname, 'resonate', 'file.js')` (or `path.resolve`): the path relative to the file's folder. */
function dirnamePath(arg: Node): string | undefined {
  if (!Node.isCallExpression(arg)) return undefined;
  const callee = arg.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || !/^(join|resolve)$/.test(callee.getName()) || !/^path$/.test(callee.getExpression().getText())) return undefined;
  const [first, ...rest] = arg.getArguments();
  if (!first || first.getText() !== '__dirname' || !rest.length) return undefined;
  const parts: string[] = [];
  for (const p of rest) {
    if (!Node.isStringLiteral(p) && !Node.isNoSubstitutionTemplateLiteral(p)) return undefined;
    parts.push(p.getLiteralText());
  }
  return `./${path.posix.join(...parts.map((p) => p.replace(/^\/+/, '')))}`;
}

/** The value a CommonJS module sets with `module.exports = ...` (the last such statement at its top level). */
export function moduleExportsValue(file: SourceFile): Node | undefined {
  let value: Node | undefined;
  for (const s of file.getStatements()) {
    if (!Node.isExpressionStatement(s)) continue;
    const e = s.getExpression();
    if (Node.isBinaryExpression(e) && e.getOperatorToken().getKind() === SyntaxKind.EqualsToken && e.getLeft().getText() === 'module.exports') value = e.getRight();
  }
  return value;
}

/** The function a `require(...)` call's module exports as a whole (`module.exports = (sequelize, DataTypes) => ...`). */
export function requiredFunction(call: Node): Node | undefined {
  const file = requiredFile(call);
  let value = file ? moduleExportsValue(file) : undefined;
  if (value && Node.isIdentifier(value)) {
    const decl = declarationOf(value);
    value = decl && (Node.isFunctionDeclaration(decl) ? decl : Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined);
  }
  return value && isFunctionLike(value) ? value : undefined;
}

const MAX_MEMBER_STEPS = 4;

/**
 * The value a required module exports under `name` (`const { File } = require('../db/models')`):
 * from `module.exports = { ...db }` or `{ File }`, an object whose member is assigned
 * (`db.File = ...`), or `module.exports.File = ...` / `exports.File = ...`.
 */
export function requiredMember(call: Node, name: string): Node | undefined {
  const file = requiredFile(call);
  if (!file) return undefined;
  const exported = moduleExportsValue(file);
  return (exported ? memberOf(exported, name, file, 0) : undefined) ?? assignedMember(file, ['module.exports', 'exports'], name)
    ?? registeredMember(file, 'module.exports') ?? registeredMember(file, 'exports');
}

/** `queues.makeOfferQueue` where `queues` is a const holding `require('./queues')` (or `require('./models').Entity`): that module's member. */
export function requiredModuleMember(target: Node, name: string): Node | undefined {
  // `require('../models/index').Entity`
  if (isRequireCall(target)) return requiredMember(target, name);
  if (!Node.isIdentifier(target)) return undefined;
  // The variable itself: in JavaScript the checker takes `const x = require(...)` as an alias of the module.
  let decl: Node | undefined;
  try {
    decl = target.getSymbol()?.getDeclarations()[0];
  } catch {
    return undefined;
  }
  const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  return init && isRequireCall(init) ? requiredMember(init, name) : undefined;
}

function memberOf(value: Node, name: string, file: SourceFile, steps: number): Node | undefined {
  if (steps > MAX_MEMBER_STEPS) return undefined;
  if (Node.isObjectLiteralExpression(value)) {
    for (const p of [...value.getProperties()].reverse()) {
      if (Node.isPropertyAssignment(p) && p.getName() === name) return p.getInitializer();
      if (Node.isShorthandPropertyAssignment(p) && p.getName() === name) return p.getNameNode();
      if (Node.isSpreadAssignment(p)) {
        const found = memberOf(p.getExpression(), name, file, steps + 1);
        if (found) return found;
      }
    }
    return undefined;
  }
  if (Node.isIdentifier(value)) {
    const decl = declarationOf(value);
    const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
    return (init ? memberOf(init, name, file, steps + 1) : undefined) ?? assignedMember(file, [value.getText()], name)
      ?? registeredMember(file, value.getText());
  }
  return undefined;
}

/**
 * A registry filled under computed keys (`db[model.name] = model` for each model file the
 * sequelize-cli index loads): any member is one of the values assigned, when there is one such
 * assignment in the file.
 */
function registeredMember(file: SourceFile, object: string): Node | undefined {
  const values: Node[] = [];
  for (const e of file.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
    if (e.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
    const left = e.getLeft();
    if (!Node.isElementAccessExpression(left) || left.getExpression().getText() !== object) continue;
    const key = left.getArgumentExpression();
    if (!key || Node.isStringLiteral(key) || Node.isNumericLiteral(key)) continue;
    values.push(e.getRight());
  }
  return values.length === 1 ? values[0] : undefined;
}

/** `<object>.<name> = value` at the top level of the file, for an object written as one of `objects`. */
function assignedMember(file: SourceFile, objects: string[], name: string): Node | undefined {
  let value: Node | undefined;
  for (const s of file.getStatements()) {
    if (!Node.isExpressionStatement(s)) continue;
    const e = s.getExpression();
    if (!Node.isBinaryExpression(e) || e.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
    const left = e.getLeft();
    if (Node.isPropertyAccessExpression(left) && left.getName() === name && objects.includes(left.getExpression().getText())) value = e.getRight();
  }
  return value;
}

/** A workspace module loaded in place of a library (`require('./fallbackQueue')`): a stand-in with its interface. */
export function localStandIn(node: Node): boolean {
  if (!isRequireCall(node)) return false;
  const spec = node.getArguments()[0];
  return !!spec && Node.isStringLiteral(spec) && spec.getLiteralText().startsWith('.');
}

/**
 * JavaScript's expando members: the value of `db.Resonate = new Sequelize(...)`, the assignment
 * the checker takes as the declaration of `db.Resonate` (its left side, or the whole assignment).
 */
export function expandoValue(decl: Node): Node | undefined {
  const assignment = Node.isBinaryExpression(decl) ? decl : Node.isPropertyAccessExpression(decl) ? decl.getParent() : undefined;
  if (!assignment || !Node.isBinaryExpression(assignment) || assignment.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) return undefined;
  return assignment === decl || assignment.getLeft() === decl ? assignment.getRight() : undefined;
}
