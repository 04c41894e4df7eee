/**
 * What one walk of a file's compiler nodes finds: the calls that may be
 * library operations (the candidates factsOf types), the names a workspace
 * function declared in the file can be called by (so that call resolution
 * skips calls no workspace function can answer), how deeply the tree nests,
 * and the file's outline (see walk.ts).
 */
import { SyntaxKind, ts } from 'ts-morph';
import { CALL_KINDS, FUNCTION_LIKE_KINDS, rememberOutline, walkDescendants } from './walk';


/**
 * Names a call's callee can have when it resolves to a workspace function:
 * `identifiers` for `f(...)`, `members` for `x.f(...)` (undefined: any name).
 */
export interface CalleeNames {
  members: Set<string> | undefined;
  identifiers: Set<string>;
}

/** In how many files each callee name is declared. */
export interface NameCounts {
  members: Map<string, number>;
  identifiers: Map<string, number>;
  /** Files in which any member name may be a workspace function (mapped types renaming keys...). */
  anyMember: number;
}

export function countNames(counts: NameCounts, names: CalleeNames, delta: 1 | -1): void {
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
export interface FileSyntax {
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
 * kind typeOf can type at all (an identifier, call, `new`, member or element access, `this`, `super`,
 * `a ? b : c`, `a ?? b` or `a || b`, possibly in parentheses, `await`, `as` or `!`),
 * not `super` or a literal.
 *
 * Callee names: the names of the declarations resolveCallee (functionOfDeclaration)
 * or resolveCallees (signatures, abstract methods) accept, and of the aliases
 * through which a call can reach them (imports, `export { f as g }`). A symbol's
 * declarations bear the name it is looked up by, except through aliases and
 * mapped types that rename keys (`[K in keyof T as ...]`), which lift the
 * restriction on member names, as do computed names that are not literals.
 */
export function scanFile(file: ts.SourceFile, operationNames: Set<string> | undefined): FileSyntax {
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
    if (kind === SyntaxKind.CallExpression) forEachParam(n as ts.CallExpression, identifiers);
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
        } else if (decl.name.kind === SyntaxKind.Identifier && (isLookup(decl.initializer) || decl.parent?.parent?.kind === SyntaxKind.ForOfStatement)) {
          // A function taken from a callback registry (callbackRegistry.ts): `for (const h of this.handlers)`, `const h = handlers.get(k)`.
          identifiers.add(decl.name.text);
        } else if (decl.name.kind === SyntaxKind.Identifier && isCallValue(decl.initializer)) {
          // A function a factory returns (callResolution.ts): `const announce = publisherFor(topic)`.
          identifiers.add(decl.name.text);
        }
        break;
      }
      case SyntaxKind.Parameter: {
        // A parameter whose default is a function (`send = sendToSqs`): calls of it run that function (callResolution.ts).
        const param = n as ts.ParameterDeclaration;
        const init = param.initializer;
        if (param.name.kind === SyntaxKind.Identifier && init && (isFunctionValue(init) || init.kind === SyntaxKind.Identifier || init.kind === SyntaxKind.PropertyAccessExpression)) {
          identifiers.add(param.name.text);
        }
        break;
      }
      case SyntaxKind.PropertyDeclaration:
      case SyntaxKind.PropertyAssignment:
        if (isFunctionValue((n as ts.PropertyDeclaration | ts.PropertyAssignment).initializer)) memberName((n as ts.PropertyDeclaration).name);
        break;
      case SyntaxKind.BinaryExpression: {
        // A JavaScript member assigned a function (`Worker.prototype.process = function`): callResolution.ts.
        const { left, operatorToken, right } = n as ts.BinaryExpression;
        if (operatorToken.kind === SyntaxKind.EqualsToken && left.kind === SyntaxKind.PropertyAccessExpression && isFunctionValue(right)) {
          memberName((left as ts.PropertyAccessExpression).name);
        }
        break;
      }
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
      case SyntaxKind.ElementAccessExpression:
      case SyntaxKind.ThisKeyword:
      case SyntaxKind.SuperKeyword:
      case SyntaxKind.ConditionalExpression:
        return true;
      case SyntaxKind.BinaryExpression: {
        const op = (expr as ts.BinaryExpression).operatorToken.kind;
        return op === SyntaxKind.QuestionQuestionToken || op === SyntaxKind.BarBarToken;
      }
      default:
        return false;
    }
  }
}

/** `x.get(k)`, `x[k]`, optionally `?? fallback`: a value looked up in a container (a callback registry or handler map). */
function isLookup(init: ts.Expression | undefined): boolean {
  while (init && (init.kind === SyntaxKind.ParenthesizedExpression || init.kind === SyntaxKind.NonNullExpression || init.kind === SyntaxKind.AsExpression)) {
    init = (init as ts.ParenthesizedExpression).expression;
  }
  if (!init) return false;
  if (init.kind === SyntaxKind.BinaryExpression && (init as ts.BinaryExpression).operatorToken.kind === SyntaxKind.QuestionQuestionToken) return isLookup((init as ts.BinaryExpression).left);
  if (init.kind === SyntaxKind.ElementAccessExpression) return true;
  if (init.kind !== SyntaxKind.CallExpression) return false;
  const callee = (init as ts.CallExpression).expression;
  return callee.kind === SyntaxKind.PropertyAccessExpression && (callee as ts.PropertyAccessExpression).name.text === 'get';
}

/** A call, awaited or not: the value a factory returns. */
function isCallValue(init: ts.Expression | undefined): boolean {
  while (init && (init.kind === SyntaxKind.AwaitExpression || init.kind === SyntaxKind.ParenthesizedExpression)) init = (init as ts.AwaitExpression).expression;
  return init?.kind === SyntaxKind.CallExpression;
}

/** The element parameter of `x.forEach((h) => ...)`, a function a callback registry holds (callbackRegistry.ts). */
function forEachParam(call: ts.CallExpression, identifiers: Set<string>): void {
  const callee = call.expression;
  if (callee.kind !== SyntaxKind.PropertyAccessExpression || (callee as ts.PropertyAccessExpression).name.text !== 'forEach') return;
  const fn = call.arguments[0];
  if (!fn || (fn.kind !== SyntaxKind.ArrowFunction && fn.kind !== SyntaxKind.FunctionExpression)) return;
  const param = (fn as ts.ArrowFunction).parameters[0];
  if (param && param.name.kind === SyntaxKind.Identifier) identifiers.add(param.name.text);
}
