/**
 * Library clients kept in a container: `this.queues[name]` where
 * `queues: Record<QueueName, Queue>`, `clients.get(topic)` on a
 * `Map<string, Producer>` (or an untyped `new Map()` whose `set` calls put one kind of client in),
 * `workers[0]` or `queues.find(...)` of a `Worker[]`, or an object literal whose values are all built
 * the same way. The element's library type comes
 * from the container's declared type (or its one kind of value), never from
 * the key. Helpers of the type follower (typeFollower.ts).
 */
import { Node, SyntaxKind } from 'ts-morph';
import { declarationOf } from './syntax';
import type { TypeFollower } from './typeFollower';

const RECORD_LIKE = new Set(['Record']);
const WRAPPERS = new Set(['Partial', 'Readonly', 'Required', 'NonNullable']);
const ARRAY_LIKE = new Set(['Array', 'ReadonlyArray']);
const MAP_LIKE = new Set(['Map', 'ReadonlyMap', 'WeakMap']);

/** `container[key]`: the library type of one element. */
export function typeOfElement(types: TypeFollower, access: Node, depth: number): string | undefined {
  if (!Node.isElementAccessExpression(access)) return undefined;
  return elementType(types, access.getExpression(), depth, false);
}

/** `container.get(key)` on a Map: the library type of one value. */
export function typeOfMapGet(types: TypeFollower, call: Node, depth: number): string | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'get' || call.getArguments().length !== 1) return undefined;
  return elementType(types, callee.getExpression(), depth, true);
}

/** Array methods that return one element: `queues.find((q) => q.name === type)`, `workers.at(0)`, `clients.pop()`. */
const ELEMENT_PICKS = new Set(['find', 'findLast', 'at', 'pop', 'shift']);

/** `container.find(...)` (and the other ELEMENT_PICKS) on an array: the library type of one element. */
export function typeOfArrayPick(types: TypeFollower, call: Node, depth: number): string | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || !ELEMENT_PICKS.has(callee.getName())) return undefined;
  return elementType(types, callee.getExpression(), depth, false);
}

/** `for (const queue of all)`: the loop variable is one element of what it iterates (an array the follower types). */
export function typeOfLoopVariable(types: TypeFollower, decl: Node, depth: number): string | undefined {
  const loop = decl.getParent()?.getParent();
  if (!Node.isVariableDeclaration(decl) || !loop || !Node.isForOfStatement(loop) || !Node.isIdentifier(decl.getNameNode())) return undefined;
  return elementType(types, loop.getExpression(), depth, false);
}

function elementType(types: TypeFollower, container: Node, depth: number, viaGet: boolean): string | undefined {
  const decl = containerDeclaration(container);
  if (!decl) return undefined;
  const typeNode = declaredTypeNode(decl);
  if (typeNode) {
    const element = elementTypeNode(typeNode, viaGet, 0);
    return element ? types.typeFromTypeNode(element, depth) : undefined;
  }
  if (viaGet) return valuesSetInto(types, decl, depth);
  // `const queues = { orders: new Queue('orders'), mail: new Queue('mail') }`: the one type of its values.
  const init = Node.isVariableDeclaration(decl) || Node.isPropertyDeclaration(decl) ? decl.getInitializer() : undefined;
  const values = init && Node.isObjectLiteralExpression(init)
    ? init.getProperties().map((p) => (Node.isPropertyAssignment(p) ? p.getInitializer() : undefined))
    : init && Node.isArrayLiteralExpression(init) ? init.getElements() : undefined;
  if (!values || values.length === 0) return undefined;
  const found = new Set<string | undefined>(values.map((v) => (v ? types.typeOf(v, depth) : undefined)));
  return found.size === 1 ? [...found][0] : undefined;
}

/**
 * An untyped `const queues = new Map()` filled in its own file (`queues.set(name, new Queue(name))`, a
 * memoizing factory): the one library type of the values set into it.
 */
function valuesSetInto(types: TypeFollower, decl: Node, depth: number): string | undefined {
  if (!Node.isVariableDeclaration(decl) || !Node.isIdentifier(decl.getNameNode())) return undefined;
  const init = decl.getInitializer();
  if (!init || !Node.isNewExpression(init) || !MAP_LIKE.has(init.getExpression().getText()) || init.getArguments().length) return undefined;
  const name = decl.getName();
  const found = new Set<string | undefined>();
  for (const call of decl.getSourceFile().getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'set' || call.getArguments().length !== 2) continue;
    const target = callee.getExpression();
    if (!Node.isIdentifier(target) || target.getText() !== name || declarationOf(target) !== decl) continue;
    found.add(types.typeOf(call.getArguments()[1], depth));
  }
  return found.size === 1 ? [...found][0] : undefined;
}

function containerDeclaration(container: Node): Node | undefined {
  if (Node.isIdentifier(container)) return declarationOf(container);
  if (Node.isPropertyAccessExpression(container)) return declarationOf(container.getNameNode());
  return undefined;
}

/** The declared type of a variable, property or parameter, or the type its initializer asserts (`{} as Record<K, Queue>`). */
function declaredTypeNode(decl: Node): Node | undefined {
  if (!(Node.isVariableDeclaration(decl) || Node.isPropertyDeclaration(decl) || Node.isParameterDeclaration(decl) || Node.isPropertySignature(decl))) return undefined;
  const declared = decl.getTypeNode();
  if (declared) return declared;
  const init = Node.isPropertySignature(decl) ? undefined : decl.getInitializer();
  if (init && (Node.isAsExpression(init) || Node.isSatisfiesExpression(init))) return init.getTypeNode();
  // `new Map<string, Producer>()`
  if (init && Node.isNewExpression(init) && MAP_LIKE.has(init.getExpression().getText())) {
    const args = init.getTypeArguments();
    return args.length === 2 ? init : undefined;
  }
  return undefined;
}

function elementTypeNode(typeNode: Node, viaGet: boolean, depth: number): Node | undefined {
  if (depth > 4) return undefined;
  if (Node.isNewExpression(typeNode)) return viaGet ? typeNode.getTypeArguments()[1] : undefined;
  if (Node.isArrayTypeNode(typeNode)) return viaGet ? undefined : typeNode.getElementTypeNode();
  if (Node.isTypeLiteral(typeNode)) {
    const index = typeNode.getMembers().find((m) => m.getKind() === SyntaxKind.IndexSignature);
    return !viaGet && index && Node.isIndexSignatureDeclaration(index) ? index.getReturnTypeNode() : undefined;
  }
  if (Node.isUnionTypeNode(typeNode)) {
    const kept = typeNode.getTypeNodes().filter((t) => !['undefined', 'null'].includes(t.getText()));
    return kept.length === 1 ? elementTypeNode(kept[0], viaGet, depth + 1) : undefined;
  }
  if (!Node.isTypeReference(typeNode)) return undefined;
  const name = typeNode.getTypeName().getText();
  const args = typeNode.getTypeArguments();
  if (WRAPPERS.has(name) && args.length === 1) return elementTypeNode(args[0], viaGet, depth + 1);
  if (RECORD_LIKE.has(name) && args.length === 2) return viaGet ? undefined : args[1];
  if (ARRAY_LIKE.has(name) && args.length === 1) return viaGet ? undefined : args[0];
  if (MAP_LIKE.has(name) && args.length === 2) return viaGet ? args[1] : undefined;
  // A workspace `type Queues = Record<Name, Queue>` or an interface with an index signature.
  const decl = declarationOf(typeNode.getTypeName());
  if (decl && Node.isTypeAliasDeclaration(decl) && !decl.getSourceFile().isDeclarationFile()) {
    const aliased = decl.getTypeNode();
    return aliased ? elementTypeNode(aliased, viaGet, depth + 1) : undefined;
  }
  if (decl && Node.isInterfaceDeclaration(decl) && !decl.getSourceFile().isDeclarationFile() && !viaGet) {
    const index = decl.getIndexSignatures()[0];
    return index?.getReturnTypeNode();
  }
  return undefined;
}
