/**
 * What a call to a workspace helper returns, for the carrier inspection:
 * `getCommandMessage(data, metadata)` builds the message (headers and all)
 * in another function, and the headers set there travel with the message.
 * The called function is the checker's declaration of the callee; only
 * functions with a body in the workspace are followed.
 */
import { Node, SyntaxKind } from 'ts-morph';
import { isFunctionLike } from './callResolution';

/** Helpers with more return statements than this are not followed (a dispatcher, not a message builder). */
const MAX_RETURNS = 4;

export interface Returned {
  /** The called function. */
  fn: Node;
  /** The expressions it returns (an arrow's expression body, or each `return x`). */
  values: Node[];
  /** The call's argument for each of the function's parameters, by parameter declaration. */
  argumentOf(param: Node): Node | undefined;
}

/** The workspace function a call runs and what it returns; undefined when it is not a workspace function with a body. */
export function returnedBy(call: Node): Returned | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const fn = calledFunction(call.getExpression());
  if (!fn) return undefined;
  const values: Node[] = [];
  const body = (fn as unknown as { getBody?(): Node | undefined }).getBody?.();
  if (!body) return undefined;
  if (!Node.isBlock(body)) values.push(body);
  else {
    for (const ret of body.getDescendantsOfKind(SyntaxKind.ReturnStatement)) {
      if (ret.getFirstAncestor(isFunctionLike) !== fn) continue;
      const e = ret.getExpression();
      if (e) values.push(e);
    }
  }
  if (!values.length || values.length > MAX_RETURNS) return undefined;
  const params = (fn as unknown as { getParameters(): Node[] }).getParameters();
  const args = call.getArguments();
  return {
    fn, values,
    argumentOf: (param) => {
      const i = params.indexOf(param);
      return i >= 0 && !args.slice(0, i + 1).some((a) => Node.isSpreadElement(a)) ? args[i] : undefined;
    },
  };
}

function calledFunction(callee: Node): Node | undefined {
  let decl: Node | undefined;
  try {
    let symbol = Node.isPropertyAccessExpression(callee) ? callee.getNameNode().getSymbol() : callee.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    const decls = symbol?.getDeclarations() ?? [];
    // An overloaded function: the implementation is the declaration with a body.
    decl = decls.find((d) => !!(d as unknown as { getBody?(): Node | undefined }).getBody?.()) ?? decls[0];
  } catch {
    return undefined;
  }
  if (!decl || decl.getSourceFile().isDeclarationFile()) return undefined;
  if (Node.isFunctionDeclaration(decl) || Node.isMethodDeclaration(decl)) return decl.getBody() ? decl : undefined;
  if (Node.isVariableDeclaration(decl) || Node.isPropertyAssignment(decl) || Node.isPropertyDeclaration(decl)) {
    const init = decl.getInitializer();
    if (init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init))) return init;
  }
  return undefined;
}

/**
 * `const { message } = build(...)`: the initializer the binding takes a member of and the
 * member's name; undefined for anything else (nested or computed patterns, rest elements).
 */
export function destructuredFrom(id: Node): { source: Node; member: string } | undefined {
  let decl: Node | undefined;
  try {
    const parent = id.getParent();
    let symbol = parent && Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === id ? parent.getValueSymbol() : id.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    decl = symbol?.getDeclarations()[0];
  } catch {
    return undefined;
  }
  if (!decl || !Node.isBindingElement(decl) || decl.getDotDotDotToken()) return undefined;
  const pattern = decl.getParent();
  const variable = pattern?.getParent();
  if (!pattern || !Node.isObjectBindingPattern(pattern) || !variable || !Node.isVariableDeclaration(variable)) return undefined;
  const source = variable.getInitializer();
  const property = decl.getPropertyNameNode();
  if (property && !Node.isIdentifier(property) && !Node.isStringLiteral(property)) return undefined;
  const member = property ? (Node.isStringLiteral(property) ? property.getLiteralValue() : property.getText()) : decl.getName();
  return source ? { source, member } : undefined;
}
