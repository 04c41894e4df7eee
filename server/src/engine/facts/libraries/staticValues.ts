/**
 * What a value is, statically: the workspace variable an identifier reads,
 * a string fully known (a host, a database or channel name), an id minted
 * here (`randomUUID()`) rather than carried over, whether an insert's
 * primary key comes from the message, and whether a message body is empty.
 */
import { Node, VariableDeclarationKind, type VariableDeclaration } from 'ts-morph';
import { initializerOf, parameterOf, propName, stringValue } from '../syntax';
import { recordParts } from './recordBuilders';

/**
 * The value a name or field holds where it is set (`const client = createClient(...)`, a field given
 * its value in a constructor), through `await`, parentheses and `as`.
 */
export function heldValue(ref: Node | undefined): Node | undefined {
  let init = !ref ? undefined : Node.isIdentifier(ref) ? variableOf(ref)?.getInitializer() : Node.isPropertyAccessExpression(ref) ? initializerOf(ref) : undefined;
  while (init && (Node.isAwaitExpression(init) || Node.isParenthesizedExpression(init) || Node.isAsExpression(init))) init = init.getExpression();
  return init;
}

/** The workspace variable an identifier (or a `{ name }` shorthand) refers to. */
export function variableOf(id: Node): VariableDeclaration | undefined {
  try {
    const parent = id.getParent();
    let symbol = parent && Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === id ? parent.getValueSymbol() : id.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    const decl = symbol?.getDeclarations()[0];
    if (decl && Node.isVariableDeclaration(decl) && !decl.getSourceFile().isDeclarationFile()) return decl;
  } catch {
    return undefined;
  }
  return undefined;
}

/** A string fully known statically (no `${...}` parts). */
export function literalString(node: Node | undefined): string | undefined {
  const value = stringValue(node);
  return value !== undefined && !value.includes('?') ? value : undefined;
}

/** Calls that mint a new id (`randomUUID()`, `uuid.v4()`, `nanoid()`...). */
const FRESH_ID = /uuid|randomUUID|\bv4\b|nanoid|ulid|cuid|generateId|createId/i;

/** Expressions that mint a new document id or a time-based key. */
const FRESH_KEY = /ObjectId\(\s*\)|Date\.now\(|new Date\(|Math\.random\(/;

/**
 * True when the data of an insert sets its primary key (`id`, `_id`) to a value that is not minted
 * here (`_id: event.orderId`, `{ id }` from the message; `key` names the primary key: `_id` in MongoDB): a repeat of the same message hits the
 * unique key instead of inserting a second row. A literal we cannot read is not keyed.
 */
export function keyedInsert(data: Node | undefined, key: RegExp = /^_?id$/): boolean {
  const lit = objectLiteralOf(data);
  if (!lit) return false;
  for (const p of lit.getProperties()) {
    if (Node.isShorthandPropertyAssignment(p) && key.test(p.getName())) return !isFreshId(p.getNameNode()) && !FRESH_KEY.test(initText(p.getNameNode()));
    if (Node.isPropertyAssignment(p) && key.test(propName(p.getNameNode()))) {
      const value = p.getInitializer();
      return !!value && !isFreshId(value) && !FRESH_KEY.test(value.getText()) && !FRESH_KEY.test(initText(value)) && !Node.isNullLiteral(value);
    }
  }
  return false;
}

/**
 * The fields an insert's data sets to values that are not minted here (`userId: event.user_id`,
 * `{ email }`): the candidates for a key that makes a repeat collide. Undefined for data we cannot read.
 */
export function givenFields(data: Node | undefined): string[] | undefined {
  const lit = objectLiteralOf(data);
  if (!lit) return undefined;
  const out: string[] = [];
  for (const p of lit.getProperties()) {
    if (Node.isSpreadAssignment(p)) out.push(...spreadMessageFields(p.getExpression()));
    else if (Node.isShorthandPropertyAssignment(p)) {
      if (!isFreshId(p.getNameNode()) && !FRESH_KEY.test(initText(p.getNameNode()))) out.push(p.getName());
    } else if (Node.isPropertyAssignment(p)) {
      const value = p.getInitializer();
      if (value && !isFreshId(value) && !FRESH_KEY.test(value.getText()) && !FRESH_KEY.test(initText(value)) && !Node.isNullLiteral(value) && !isConstant(value)) out.push(propName(p.getNameNode()));
    }
  }
  return out;
}

/**
 * The fields a spread of the incoming data sets (`{ ...payload, createdAt }`, `{ ...msg.data }`):
 * the required properties of its declared type, when it is a parameter or read from one (data from
 * the caller or the message, not built here).
 */
function spreadMessageFields(expr: Node): string[] {
  let root: Node = expr;
  while (Node.isPropertyAccessExpression(root) || Node.isNonNullExpression(root) || Node.isParenthesizedExpression(root)) root = root.getExpression();
  if (!parameterOf(root)) return [];
  try {
    return expr.getType().getProperties().filter((sym) => !sym.isOptional()).map((sym) => sym.getName());
  } catch {
    return [];
  }
}

/** A literal (`status: 'NEW'`): the same for every message, so no key of one message. */
function isConstant(value: Node): boolean {
  return Node.isStringLiteral(value) || Node.isNumericLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)
    || Node.isTrueLiteral(value) || Node.isFalseLiteral(value) || (Node.isIdentifier(value) && value.getText() === 'undefined');
}

function objectLiteralOf(node: Node | undefined): Node & { getProperties(): Node[] } | undefined {
  if (!node) return undefined;
  if (Node.isObjectLiteralExpression(node)) return node;
  if (Node.isIdentifier(node)) {
    const init = variableOf(node)?.getInitializer();
    return init && Node.isObjectLiteralExpression(init) ? init : undefined;
  }
  return undefined;
}

function initText(node: Node): string {
  return Node.isIdentifier(node) ? variableOf(node)?.getInitializer()?.getText() ?? '' : '';
}

/** True when a correlation value is an id minted here (directly, awaited, or through a const or two) rather than carried over. */
export function isFreshId(value: Node, depth = 0): boolean {
  if (Node.isCallExpression(value)) return FRESH_ID.test(value.getExpression().getText());
  if (Node.isIdentifier(value) && depth < 2) {
    const init = variableOf(value)?.getInitializer();
    return !!init && isFreshId(init, depth + 1);
  }
  if (Node.isAwaitExpression(value) || Node.isParenthesizedExpression(value)) return isFreshId(value.getExpression(), depth);
  return false;
}

/** Calls that only encode their argument for the wire: an empty argument is an empty body. */
const ENCODER = /^(JSON\.stringify|Buffer\.from|String)$/;

/**
 * True when a message body is statically empty: not given, `null`, `undefined`, `void 0`, `{}` or
 * `''`, directly, encoded (`Buffer.from(JSON.stringify({}))`), through a const, or as the body of a
 * library-built record (`new RmqRecordBuilder(null).build()`). Such a message names an event and
 * nothing else: no entity, no business data.
 */
export function isEmptyBody(node: Node | undefined, depth = 0): boolean {
  if (!node) return true;
  if (depth > 4) return false;
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isNonNullExpression(node) || Node.isSatisfiesExpression(node)) {
    return isEmptyBody(node.getExpression(), depth);
  }
  if (Node.isNullLiteral(node)) return true;
  if (Node.isIdentifier(node)) {
    if (node.getText() === 'undefined') return true;
    const decl = variableOf(node);
    const init = decl?.getVariableStatement()?.getDeclarationKind() === VariableDeclarationKind.Const ? decl.getInitializer() : undefined;
    return !!init && isEmptyBody(init, depth + 1);
  }
  if (Node.isVoidExpression(node)) return Node.isNumericLiteral(node.getExpression());
  if (Node.isObjectLiteralExpression(node)) return node.getProperties().length === 0;
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue() === '';
  if (Node.isCallExpression(node) && ENCODER.test(node.getExpression().getText())) return isEmptyBody(node.getArguments()[0], depth + 1);
  if (Node.isCallExpression(node) || Node.isNewExpression(node)) {
    const record = recordParts(node);
    return !!record && record.complete && isEmptyBody(record.body, depth + 1);
  }
  return false;
}
