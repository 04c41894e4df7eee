/**
 * Entity ids a message carries: `{ orderId }`, `{ uuid, ...dto }`, a DTO type with a `projectId`
 * field, or a payload that is an id itself (`send('get_user', userId)`). An entity id names what the
 * flow acts on, not the flow, so missing-correlation-id still reports such a message and names the ids
 * in its message; teams that trace by entity ids take them as correlation with the rule's
 * `allowEntityIds` option (docs/rules/missing-correlation-id.md).
 */
import { Node } from 'ts-morph';
import { inspectCarrier } from './carrierInspection';
import { isFreshId } from './staticValues';

/**
 * `id`, `uuid`, `_id`, `guid`, or a name ending in one: `orderId`, `order_id`, `projectUUID`, `userIds`.
 * The camel-case suffix must start upper case, so `paid`, `valid` or `void` are not ids.
 */
const ENTITY_ID_KEY = /^(id|ids|uuid|_id|guid)$|^[a-z][A-Za-z0-9]*(Id|ID|Ids|IDs|Uuid|UUID|Guid)$|^[a-z][a-z0-9_]*_(id|ids|uuid)$|^[A-Z][A-Za-z0-9]*(Id|ID|Uuid|UUID)$/;

/** The entity id keys the given message parts carry (deduplicated, in order); an id minted here for the message is not one. */
export function entityIdKeysIn(carriers: (Node | undefined)[]): string[] {
  const keys: string[] = [];
  for (const carrier of carriers) {
    if (!carrier) continue;
    const own = idNamed(carrier);
    if (own) keys.push(own);
    for (const value of inspectCarrier(carrier, ENTITY_ID_KEY).values) {
      if (isFreshId(value)) continue;
      const key = keyOf(value);
      if (key) keys.push(key);
    }
  }
  return [...new Set(keys)];
}

/** A payload that is an id itself: `userId`, `dto.orderId`. */
function idNamed(node: Node): string | undefined {
  let n = node;
  while (Node.isParenthesizedExpression(n) || Node.isAsExpression(n) || Node.isNonNullExpression(n)) n = n.getExpression();
  const name = Node.isIdentifier(n) ? n.getText() : Node.isPropertyAccessExpression(n) ? n.getName() : undefined;
  return name && ENTITY_ID_KEY.test(name) ? name : undefined;
}

/** The key a matched value is set under: a property of a literal, or a member of a declared type. */
function keyOf(value: Node): string | undefined {
  const parent = value.getParent();
  if (parent && (Node.isPropertyAssignment(parent) || Node.isShorthandPropertyAssignment(parent) || Node.isPropertySignature(parent) ||
      Node.isPropertyDeclaration(parent) || Node.isParameterDeclaration(parent))) return parent.getName();
  if (Node.isIdentifier(value)) return value.getText();
  return undefined;
}
