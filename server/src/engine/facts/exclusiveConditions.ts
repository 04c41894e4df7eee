/**
 * Two points of one function kept apart by their conditions: each runs only
 * under an `if` that pins the same value to a set of constants, and the two
 * sets do not meet (`if (isMuteSetting(name)) publish(...)` and
 * `if (name === SettingName.MfaSecret) generateCodes(...)`: one setting name
 * per call, so no execution runs both). A condition pins a value by `===`/`==`
 * against a constant, `[A, B].includes(x)`, `&&` and `||` of those, or a
 * predicate helper whose body is one `return` of them. The value is a name or
 * a property path (`dto.updatedSettingName`, not one on `this`) that the function never assigns
 * nor hands, as an object, to a call that could change it.
 */
import { Node, SyntaxKind } from 'ts-morph';
import { constantValue, singleReturnHelper, UNKNOWN, unwrap, type Literal } from './constantValues';

/**
 * What a condition being true says: each value (by its path) is one of these constants, or (key
 * `!path`, from `!==`) none of these.
 */
type Pins = Map<string, Set<Literal>>;

const NOT = '!';

/** Inside a helper: its parameter names and the caller's paths they stand for (undefined: the function itself). */
type Names = Map<string, string | undefined> | undefined;

const MAX_DEPTH = 4;

export function exclusiveConditions(a: Node, b: Node, fn: Node): boolean {
  const pa = pinsOnTheWay(a, b, fn);
  if (!pa.length) return false;
  const pb = pinsOnTheWay(b, a, fn);
  for (const x of pa) {
    for (const y of pb) {
      for (const [path, values] of x) {
        if (path.startsWith(NOT)) continue;
        const other = y.get(path);
        if (other && concrete(values) && concrete(other) && ![...values].some((v) => other.has(v)) && !changeable(fn, path)) return true;
        // One side pins the value to constants the other rules out (`state === LIVE` and `state !== LIVE`).
        const excluded = y.get(NOT + path);
        if (excluded && [...values].every((v) => excluded.has(v)) && !changeable(fn, path)) return true;
      }
      for (const [path, values] of y) {
        const excluded = path.startsWith(NOT) ? undefined : x.get(NOT + path);
        if (excluded && [...values].every((v) => excluded.has(v)) && !changeable(fn, path)) return true;
      }
    }
  }
  return false;
}

/** The pins of each `if` whose then-branch holds `point` (and not `other`), between it and fn. */
function pinsOnTheWay(point: Node, other: Node, fn: Node): Pins[] {
  const out: Pins[] = [];
  let child = point;
  for (let n = point.getParent(); n && n !== fn; child = n, n = n.getParent()) {
    if (!Node.isIfStatement(n) || child !== n.getThenStatement()) continue;
    if (n.containsRange(other.getPos(), other.getEnd())) continue;
    const pins = pinsOf(n.getExpression(), undefined, fn, 0);
    if (pins?.size) out.push(pins);
  }
  return out;
}

/**
 * The pins a condition sets when true. `names` maps a helper's parameter names to the paths its
 * caller passed (undefined: not a path).
 */
function pinsOf(expr: Node, names: Names, fn: Node, depth: number): Pins | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const e = unwrap(expr);
  if (Node.isBinaryExpression(e)) {
    const op = e.getOperatorToken().getKind();
    if (op === SyntaxKind.EqualsEqualsEqualsToken || op === SyntaxKind.EqualsEqualsToken) {
      return pinned(e.getLeft(), e.getRight(), names, fn) ?? pinned(e.getRight(), e.getLeft(), names, fn);
    }
    if (op === SyntaxKind.ExclamationEqualsEqualsToken || op === SyntaxKind.ExclamationEqualsToken) {
      const pins = pinned(e.getLeft(), e.getRight(), names, fn) ?? pinned(e.getRight(), e.getLeft(), names, fn);
      return pins && new Map([...pins].map(([path, values]) => [NOT + path, values]));
    }
    if (op === SyntaxKind.AmpersandAmpersandToken) {
      const l = pinsOf(e.getLeft(), names, fn, depth + 1);
      const r = pinsOf(e.getRight(), names, fn, depth + 1);
      if (!l || !r) return l ?? r;
      const out: Pins = new Map(l);
      for (const [path, values] of r) {
        const had = out.get(path);
        // Both hold: one of the intersection, or none of the union.
        out.set(path, !had ? values : path.startsWith(NOT) ? new Set([...had, ...values]) : new Set([...had].filter((v) => values.has(v))));
      }
      return out;
    }
    if (op === SyntaxKind.BarBarToken) {
      const l = pinsOf(e.getLeft(), names, fn, depth + 1);
      const r = pinsOf(e.getRight(), names, fn, depth + 1);
      if (!l || !r) return undefined;
      const out: Pins = new Map();
      for (const [path, values] of l) {
        const more = r.get(path);
        // Either holds: one of the union, or none of the intersection.
        if (more) out.set(path, path.startsWith(NOT) ? new Set([...values].filter((v) => more.has(v))) : new Set([...values, ...more]));
      }
      return out;
    }
    return undefined;
  }
  if (!Node.isCallExpression(e)) return undefined;
  const callee = e.getExpression();
  const args = e.getArguments();
  // `[A, B].includes(x)`
  if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'includes' && args.length === 1) {
    const list = unwrap(callee.getExpression());
    const path = pathOf(args[0], names);
    if (!Node.isArrayLiteralExpression(list) || !path) return undefined;
    const values = new Set<Literal>();
    for (const el of list.getElements()) {
      const v = constantValue(el, fn);
      if (v === UNKNOWN) return undefined;
      values.add(v as Literal);
    }
    return new Map([[path, values]]);
  }
  // A predicate helper: its returned expression, with its parameters named by the caller's paths.
  const helper = singleReturnHelper(e);
  if (!helper) return undefined;
  const inner = new Map<string, string | undefined>();
  helper.fn.getParameters().forEach((p, i) => inner.set(p.getName(), args[i] ? pathOf(args[i], names) : undefined));
  return pinsOf(helper.returned, inner, helper.fn, depth + 1);
}

/** `x === C` with x a path and C a constant. */
function pinned(side: Node, constant: Node, names: Names, fn: Node): Pins | undefined {
  const path = pathOf(side, names);
  if (!path) return undefined;
  const v = constantValue(constant, fn);
  if (v !== UNKNOWN) return new Map([[path, new Set([v as Literal])]]);
  const member = symbolicMember(constant);
  return member === undefined ? undefined : new Map([[path, new Set([member])]]);
}

/**
 * A member of an enum or constant object whose value the workspace does not show (an enum of a
 * library: `OpportunityState.LIVE`), by its text. Two of them with the same text are the same
 * value; two different ones may still be equal, so they only ever prove a value ruled out by `!==`.
 */
const SYMBOLIC = '\u0000';
function symbolicMember(expr: Node): string | undefined {
  const e = unwrap(expr);
  if (!Node.isPropertyAccessExpression(e) || !/^[A-Z]/.test(e.getExpression().getText()) || !/^[\w$.]+$/.test(e.getText())) return undefined;
  return SYMBOLIC + e.getText();
}

const concrete = (values: Set<Literal>) => ![...values].some((v) => typeof v === 'string' && v.startsWith(SYMBOLIC));

/**
 * The path an expression reads (`dto.updatedSettingName`, `name`), with a helper's parameter
 * replaced by what its caller passed; undefined for anything else, or for an enum/const member
 * (that is a constant, not a value that varies).
 */
function pathOf(expr: Node, names: Names): string | undefined {
  const e = unwrap(expr);
  if (Node.isIdentifier(e)) return names ? names.get(e.getText()) : e.getText();
  if (Node.isPropertyAccessExpression(e)) {
    const base = pathOf(e.getExpression(), names);
    return base === undefined ? undefined : `${base}.${e.getName()}`;
  }
  return undefined;
}

/**
 * True when fn may change the value at a path: it assigns the path or a prefix of it (`name =
 * ...`, `dto.kind = ...`, `dto = ...`), or hands an object on the path to a call that could
 * (`order.markPaid()`, `apply(order)`). Passing the value itself (a string, a number) changes nothing.
 */
function changeable(fn: Node, path: string): boolean {
  const prefixes = path.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'));
  const objects = new Set(prefixes.slice(0, -1));
  for (const bin of fn.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
    const op = bin.getOperatorToken().getKind();
    if (op < SyntaxKind.FirstAssignment || op > SyntaxKind.LastAssignment) continue;
    if (prefixes.includes(bin.getLeft().getText())) return true;
  }
  for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (Node.isPropertyAccessExpression(callee) && objects.has(callee.getExpression().getText())) return true;
    if (call.getArguments().some((a) => objects.has(unwrap(a).getText()))) return true;
  }
  return false;
}
