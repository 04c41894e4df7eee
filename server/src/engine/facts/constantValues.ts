/**
 * Known values of expressions, and the branches they decide: the evaluator
 * behind constantArguments.ts (values a flow passes down its calls) and
 * exclusiveConditions.ts (constants a condition compares with).
 *
 * Values followed: literals, enum members and members of const (or static
 * readonly) objects, object literals (a property one lacks is `undefined` when
 * nothing unknown is spread into it; `'k' in obj` is then known), parameter
 * defaults, `const` locals and destructuring, one-line predicate helpers
 * (`return <expression>`) evaluated on their arguments, and a `let` flag
 * whose every assignment sits on a branch these values rule out.
 * Anything else is unknown, and a branch whose condition is unknown may run:
 * the check only removes a path it can show never runs.
 */
import { Node, SyntaxKind } from 'ts-morph';
import { declarationOf, propName } from './syntax';
import { exitJumps } from './jumps';
import { writesIn } from './assignments';

export type Literal = string | number | boolean | null | undefined;

/** A known value: a literal, or an object whose known properties are listed (null: present, value unknown). */
export type Value =
  | { kind: 'lit'; value: Literal }
  | { kind: 'obj'; props: ReadonlyMap<string, Value | null>; closed: boolean };

/** The values bound to a function's parameters at one call (keyed by parameter declaration). */
export type Bindings = ReadonlyMap<Node, Value>;

const MAX_DEPTH = 8;

const lit = (value: Literal): Value => ({ kind: 'lit', value });

/** Skips what does not change a value: parentheses, `as`, `satisfies`, `!`, `<T>x`. */
export function unwrap(n: Node): Node {
  while (Node.isParenthesizedExpression(n) || Node.isAsExpression(n) || Node.isSatisfiesExpression(n) || Node.isNonNullExpression(n) || Node.isTypeAssertion(n)) n = n.getExpression();
  return n;
}

function propertyOf(v: Value | undefined, name: string): Value | undefined {
  if (!v || v.kind !== 'obj') return undefined;
  if (v.props.has(name)) return v.props.get(name) ?? undefined;
  return v.closed ? lit(undefined) : undefined;
}

function truthy(v: Value | undefined): boolean | undefined {
  if (!v) return undefined;
  return v.kind === 'obj' ? true : !!v.value;
}

function typeOf(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (v.kind === 'obj') return 'object';
  return v.value === null ? 'object' : typeof v.value;
}

/** Evaluates expressions of one function with its parameters bound. */
export class Evaluator {
  /** `let` flags being evaluated, so that a flag read in the condition of its own assignment ends. */
  private readonly pending = new Set<Node>();

  constructor(private readonly env: Bindings, private readonly fn: Node) {}

  value(expr: Node, depth = 0): Value | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const e = unwrap(expr);
    if (Node.isStringLiteral(e) || Node.isNoSubstitutionTemplateLiteral(e)) return lit(e.getLiteralValue());
    if (Node.isNumericLiteral(e)) return lit(e.getLiteralValue());
    if (Node.isTrueLiteral(e)) return lit(true);
    if (Node.isFalseLiteral(e)) return lit(false);
    if (Node.isNullLiteral(e)) return lit(null);
    if (Node.isIdentifier(e)) return this.identifier(e, depth);
    if (Node.isPropertyAccessExpression(e)) {
      const base = this.value(e.getExpression(), depth + 1);
      if (base) return propertyOf(base, e.getName());
      return this.declared(e.getNameNode(), depth);
    }
    if (Node.isObjectLiteralExpression(e)) return this.object(e, depth);
    if (Node.isTypeOfExpression(e)) {
      const t = typeOf(this.value(e.getExpression(), depth + 1));
      return t === undefined ? undefined : lit(t);
    }
    if (Node.isPrefixUnaryExpression(e) && e.getOperatorToken() === SyntaxKind.ExclamationToken) {
      const t = this.truth(e.getOperand(), depth + 1);
      return t === undefined ? undefined : lit(!t);
    }
    if (Node.isBinaryExpression(e)) return this.binary(e, depth);
    if (Node.isCallExpression(e)) return this.includes(e, depth) ?? this.inlined(e, depth);
    return undefined;
  }

  /**
   * A call to a predicate helper whose body is one `return <expression>` (`isEnablingMFASetting(name,
   * value)`, `isCodeChallengedVersion(dto)`): that expression with the call's values bound.
   */
  private inlined(call: Node, depth: number): Value | undefined {
    const helper = Node.isCallExpression(call) ? singleReturnHelper(call) : undefined;
    if (!helper || !Node.isCallExpression(call)) return undefined;
    const env = new Map<Node, Value>();
    const args = call.getArguments();
    helper.fn.getParameters().forEach((p, i) => {
      const a = args[i];
      const v = a ? this.value(a, depth + 1) : lit(undefined);
      if (v) env.set(p, v);
    });
    return new Evaluator(env, helper.fn).value(helper.returned, depth + 1);
  }

  /** Whether a condition holds: true, false, or undefined when it depends on what is not known. */
  truth(expr: Node, depth = 0): boolean | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const e = unwrap(expr);
    if (Node.isPrefixUnaryExpression(e) && e.getOperatorToken() === SyntaxKind.ExclamationToken) {
      const t = this.truth(e.getOperand(), depth + 1);
      return t === undefined ? undefined : !t;
    }
    if (Node.isBinaryExpression(e)) {
      const op = e.getOperatorToken().getKind();
      if (op === SyntaxKind.AmpersandAmpersandToken || op === SyntaxKind.BarBarToken) {
        const a = this.truth(e.getLeft(), depth + 1);
        const b = this.truth(e.getRight(), depth + 1);
        if (op === SyntaxKind.AmpersandAmpersandToken) return a === false || b === false ? false : a && b ? true : undefined;
        return a === true || b === true ? true : a === false && b === false ? false : undefined;
      }
    }
    return truthy(this.value(e, depth));
  }

  private binary(e: Node & { getLeft(): Node; getRight(): Node; getOperatorToken(): Node }, depth: number): Value | undefined {
    const op = e.getOperatorToken().getKind();
    switch (op) {
      case SyntaxKind.EqualsEqualsEqualsToken:
      case SyntaxKind.ExclamationEqualsEqualsToken:
      case SyntaxKind.EqualsEqualsToken:
      case SyntaxKind.ExclamationEqualsToken: {
        const a = this.value(e.getLeft(), depth + 1);
        const b = a && this.value(e.getRight(), depth + 1);
        if (!a || !b) return undefined;
        let same: boolean;
        if (a.kind === 'lit' && b.kind === 'lit') {
          const loose = op === SyntaxKind.EqualsEqualsToken || op === SyntaxKind.ExclamationEqualsToken;
          same = a.value === b.value || (loose && a.value == null && b.value == null);
        } else if (a.kind !== b.kind) {
          same = false;
        } else {
          return undefined;
        }
        return lit(op === SyntaxKind.EqualsEqualsEqualsToken || op === SyntaxKind.EqualsEqualsToken ? same : !same);
      }
      case SyntaxKind.AmpersandAmpersandToken:
      case SyntaxKind.BarBarToken: {
        const t = this.truth(e.getLeft(), depth + 1);
        if (t === undefined) return undefined;
        const takeLeft = op === SyntaxKind.AmpersandAmpersandToken ? !t : t;
        return takeLeft ? this.value(e.getLeft(), depth + 1) : this.value(e.getRight(), depth + 1);
      }
      case SyntaxKind.InKeyword: {
        // `'codeChallenge' in dto`: known for an object whose properties are all listed.
        const key = this.value(e.getLeft(), depth + 1);
        const obj = this.value(e.getRight(), depth + 1);
        if (key?.kind !== 'lit' || typeof key.value !== 'string' || obj?.kind !== 'obj') return undefined;
        return obj.props.has(key.value) ? lit(true) : obj.closed ? lit(false) : undefined;
      }
      case SyntaxKind.QuestionQuestionToken: {
        const a = this.value(e.getLeft(), depth + 1);
        if (!a) return undefined;
        return a.kind === 'lit' && a.value == null ? this.value(e.getRight(), depth + 1) : a;
      }
      case SyntaxKind.AsteriskToken:
      case SyntaxKind.SlashToken:
      case SyntaxKind.MinusToken:
      case SyntaxKind.PlusToken: {
        // Arithmetic on known numbers (`60 * 60 * 24 * 1000`); string concatenation is left unknown.
        const a = this.value(e.getLeft(), depth + 1);
        const b = a && this.value(e.getRight(), depth + 1);
        if (a?.kind !== 'lit' || b?.kind !== 'lit' || typeof a.value !== 'number' || typeof b.value !== 'number') return undefined;
        if (op === SyntaxKind.AsteriskToken) return lit(a.value * b.value);
        if (op === SyntaxKind.SlashToken) return b.value === 0 ? undefined : lit(a.value / b.value);
        return lit(op === SyntaxKind.MinusToken ? a.value - b.value : a.value + b.value);
      }
      default:
        return undefined;
    }
  }

  /** `[A, B].includes(x)` with every member and `x` known. */
  private includes(call: Node, depth: number): Value | undefined {
    if (!Node.isCallExpression(call)) return undefined;
    const callee = call.getExpression();
    const [arg] = call.getArguments();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'includes' || !arg || call.getArguments().length !== 1) return undefined;
    const list = unwrap(callee.getExpression());
    if (!Node.isArrayLiteralExpression(list)) return undefined;
    const x = this.value(arg, depth + 1);
    if (!x || x.kind !== 'lit') return undefined;
    let unknown = false;
    for (const el of list.getElements()) {
      const v = this.value(el, depth + 1);
      if (!v || v.kind !== 'lit') unknown = true;
      else if (v.value === x.value) return lit(true);
    }
    return unknown ? undefined : lit(false);
  }

  private object(obj: Node, depth: number): Value | undefined {
    if (!Node.isObjectLiteralExpression(obj)) return undefined;
    const props = new Map<string, Value | null>();
    let closed = true;
    for (const p of obj.getProperties()) {
      if (Node.isPropertyAssignment(p)) {
        const nameNode = p.getNameNode();
        if (Node.isComputedPropertyName(nameNode)) {
          closed = false;
          continue;
        }
        // Nested literals are bounded by the syntax: only hops through names and calls count toward the depth.
        props.set(propName(nameNode), this.value(p.getInitializer()!, depth) ?? null);
      } else if (Node.isShorthandPropertyAssignment(p)) {
        props.set(p.getName(), this.identifier(p.getNameNode(), depth + 1) ?? null);
      } else if (Node.isSpreadAssignment(p)) {
        const spread = this.value(p.getExpression(), depth + 1);
        if (spread?.kind === 'obj') {
          for (const [k, v] of spread.props) props.set(k, v);
          if (!spread.closed) closed = false;
        } else {
          // What the spread brings may replace anything listed so far.
          for (const k of props.keys()) props.set(k, null);
          closed = false;
        }
      } else if (Node.isMethodDeclaration(p) || Node.isGetAccessorDeclaration(p) || Node.isSetAccessorDeclaration(p)) {
        props.set(propName(p.getNameNode()), null);
      }
    }
    return { kind: 'obj', props, closed };
  }

  private identifier(id: Node, depth: number): Value | undefined {
    if (id.getText() === 'undefined') return lit(undefined);
    const parent = id.getParent();
    let decl: Node | undefined;
    if (parent && Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === id) {
      try {
        decl = parent.getValueSymbol()?.getDeclarations()[0];
      } catch {
        return undefined;
      }
    } else {
      decl = declarationOf(id);
    }
    return decl && this.ofDeclaration(decl, id, depth);
  }

  /** The constant a name resolves to: an enum member, or a member of a const object or of a static readonly one. */
  private declared(name: Node, depth: number): Value | undefined {
    const decl = declarationOf(name);
    if (!decl) return undefined;
    if (Node.isEnumMember(decl)) return this.enumMember(decl);
    if (Node.isPropertyAssignment(decl)) {
      const holder = decl.getParent()?.getParent();
      const init = decl.getInitializer();
      if (holder && init && ((Node.isVariableDeclaration(holder) && isConst(holder)) || (Node.isPropertyDeclaration(holder) && holder.isReadonly()))) return this.value(init, depth + 1);
    }
    if (Node.isPropertyDeclaration(decl) && decl.isReadonly() && decl.isStatic()) {
      const init = decl.getInitializer();
      return init && this.value(init, depth + 1);
    }
    return undefined;
  }

  private enumMember(decl: Node): Value | undefined {
    if (!Node.isEnumMember(decl)) return undefined;
    try {
      const v = decl.getValue();
      return v === undefined ? undefined : lit(v);
    } catch {
      return undefined;
    }
  }

  private ofDeclaration(decl: Node, use: Node, depth: number): Value | undefined {
    if (Node.isParameterDeclaration(decl)) return this.env.get(decl);
    if (Node.isEnumMember(decl)) return this.enumMember(decl);
    if (Node.isBindingElement(decl)) return this.bindingElement(decl, use, depth);
    if (Node.isVariableDeclaration(decl)) {
      if (isConst(decl)) {
        const init = decl.getInitializer();
        return init ? this.value(init, depth + 1) : undefined;
      }
      return this.letFlag(decl, depth);
    }
    return undefined;
  }

  /** `const { platform } = data`, `({ isFirstUpdate = false }) => …`: the property of the destructured value, or its default. */
  private bindingElement(el: Node, use: Node, depth: number): Value | undefined {
    if (!Node.isBindingElement(el) || el.getDotDotDotToken()) return undefined;
    const pattern = el.getParent();
    if (!pattern || !Node.isObjectBindingPattern(pattern)) return undefined;
    const holder = pattern.getParent();
    let base: Value | undefined;
    if (holder && Node.isParameterDeclaration(holder)) base = this.env.get(holder);
    else if (holder && Node.isBindingElement(holder)) base = this.bindingElement(holder, use, depth);
    else if (holder && Node.isVariableDeclaration(holder) && isConst(holder)) {
      const init = holder.getInitializer();
      base = init && this.value(init, depth + 1);
    }
    const key = el.getPropertyNameNode();
    const v = propertyOf(base, key ? propName(key) : el.getName());
    const fallback = el.getInitializer();
    if (v?.kind === 'lit' && v.value === undefined && fallback) return this.value(fallback, depth + 1);
    return v;
  }

  /**
   * A `let` declared in this function whose every assignment is on a branch the bound values
   * rule out keeps its initial value (`let recalculate = false; if (<never>) recalculate = true`).
   */
  private letFlag(decl: Node, depth: number): Value | undefined {
    if (!Node.isVariableDeclaration(decl) || !Node.isIdentifier(decl.getNameNode())) return undefined;
    if (!this.fn.containsRange(decl.getPos(), decl.getEnd())) return undefined;
    const init = decl.getInitializer();
    const start = init ? this.value(init, depth + 1) : lit(undefined);
    if (!start) return undefined;
    // A flag whose value is being worked out (its own assignment's condition reads it) is not known.
    if (this.pending.has(decl)) return undefined;
    this.pending.add(decl);
    try {
      for (const id of writesIn(this.fn, decl.getName())) {
        if (declarationOf(id) !== decl) continue;
        if (!this.decidedAgainst(id, depth + 1)) return undefined;
      }
      return start;
    } finally {
      this.pending.delete(decl);
    }
  }

  /**
   * True when a branch on the way from the function's start to `target` is
   * decided against it: an `if`/`? :`/`&&`/`||`/`switch` whose condition the
   * bound values make false for its side, or an earlier `if` that always
   * leaves the block when its condition (now known) holds.
   */
  decidedAgainst(target: Node, depth = 0): boolean {
    if (depth > MAX_DEPTH) return false;
    let child = target;
    for (let n = target.getParent(); n && n !== this.fn; child = n, n = n.getParent()) {
      if (Node.isIfStatement(n)) {
        if (child === n.getThenStatement() && this.truth(n.getExpression(), depth) === false) return true;
        if (child === n.getElseStatement() && this.truth(n.getExpression(), depth) === true) return true;
      } else if (Node.isConditionalExpression(n)) {
        if (child === n.getWhenTrue() && this.truth(n.getCondition(), depth) === false) return true;
        if (child === n.getWhenFalse() && this.truth(n.getCondition(), depth) === true) return true;
      } else if (Node.isBinaryExpression(n) && child === n.getRight()) {
        const op = n.getOperatorToken().getKind();
        if (op === SyntaxKind.AmpersandAmpersandToken && this.truth(n.getLeft(), depth) === false) return true;
        if (op === SyntaxKind.BarBarToken && this.truth(n.getLeft(), depth) === true) return true;
      } else if (Node.isCaseBlock(n) && (Node.isCaseClause(child) || Node.isDefaultClause(child))) {
        if (this.caseRuledOut(n, child, depth)) return true;
      }
      if (Node.isBlock(n) || Node.isSourceFile(n) || Node.isCaseClause(n) || Node.isDefaultClause(n)) {
        for (const s of n.getStatements()) {
          if (s === child) break;
          if (this.leavesBefore(s, depth)) return true;
        }
      }
    }
    return false;
  }

  /** An earlier `if` whose now-known condition sends control out of the block (`if (skip) return`). */
  private leavesBefore(s: Node, depth: number): boolean {
    if (!Node.isIfStatement(s)) return false;
    const t = this.truth(s.getExpression(), depth);
    if (t === true) return !!exitJumps(s.getThenStatement().compilerNode);
    const otherwise = s.getElseStatement();
    return t === false && !!otherwise && !!exitJumps(otherwise.compilerNode);
  }

  /** A `case` the switch value (known) cannot enter, directly or by falling through from the clauses above. */
  private caseRuledOut(block: Node, clause: Node, depth: number): boolean {
    const sw = block.getParent();
    if (!sw || !Node.isSwitchStatement(sw) || !Node.isCaseBlock(block)) return false;
    const on = this.value(sw.getExpression(), depth + 1);
    if (!on || on.kind !== 'lit') return false;
    const clauses = block.getClauses();
    for (let i = clauses.indexOf(clause as never); i >= 0; i--) {
      const c = clauses[i];
      if (i < clauses.indexOf(clause as never) && c.getStatements().some((s) => exitJumps(s.compilerNode))) break;
      if (Node.isDefaultClause(c)) return false;
      const test = this.value(c.getExpression(), depth + 1);
      if (!test || test.kind !== 'lit' || test.value === on.value) return false;
    }
    return true;
  }
}

function isConst(decl: Node): boolean {
  const list = decl.getParent();
  return !!list && Node.isVariableDeclarationList(list) && (list.getFlags() & 2) !== 0; // NodeFlags.Const
}

/**
 * A helper whose body is one `return <expression>` (or an arrow's expression body), declared in
 * the workspace, that a call names directly (`this.isX(...)`, `isX(...)`).
 */
export function singleReturnHelper(call: Node & { getExpression(): Node }): { fn: Node & { getParameters(): import('ts-morph').ParameterDeclaration[] }; returned: Node } | undefined {
  const callee = call.getExpression();
  const name = Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : Node.isIdentifier(callee) ? callee : undefined;
  const decl = name && declarationOf(name);
  if (!decl || decl.getSourceFile().isDeclarationFile()) return undefined;
  const fn = Node.isMethodDeclaration(decl) || Node.isFunctionDeclaration(decl) ? decl
    : Node.isVariableDeclaration(decl) || Node.isPropertyDeclaration(decl) ? decl.getInitializer()
      : Node.isExportAssignment(decl) ? decl.getExpression() : undefined; // `export default () => ({ ... })`
  if (!fn || !(Node.isMethodDeclaration(fn) || Node.isFunctionDeclaration(fn) || Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))) return undefined;
  const body = fn.getBody();
  if (!body) return undefined;
  if (!Node.isBlock(body)) return { fn, returned: body };
  const statements = body.getStatements();
  const only = statements.length === 1 ? statements[0] : undefined;
  const returned = only && Node.isReturnStatement(only) ? only.getExpression() : undefined;
  return returned ? { fn, returned } : undefined;
}

/** The value of an expression that needs no bindings (a literal, an enum member, a const object's member), if known. */
export function constantValue(expr: Node, fn: Node): Literal | undefined | typeof UNKNOWN {
  const v = new Evaluator(new Map(), fn).value(expr);
  return v?.kind === 'lit' ? v.value : UNKNOWN;
}

/** What constantValue returns when the value is not a known literal. */
export const UNKNOWN = Symbol('unknown');
