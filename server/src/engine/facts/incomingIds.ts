/**
 * Whether a send inside a consumer's flow copies the incoming message's identity: its envelope
 * (`msg.properties.messageId`, headers, a Service Bus `sessionId`), its own `id`, or its body passed on
 * whole. Such a follow-up can be tied to the message that caused it (missing-correlation-id).
 */
import { Node } from 'ts-morph';
import { variableOf } from './libraries/staticValues';
import { incomingNames } from './requeue';
import type { Analysis } from './analysis';

/** Envelope members of an incoming message whose value ties a follow-up to it. */
const ENVELOPE = /^(headers|properties|attributes|messageattributes|metadata|userproperties|applicationproperties|messageid|eventid|correlationid|causationid|sessionid)$/i;
/** Names that hold a message's payload, whose `id` is a business entity's, not the message's. */
const PAYLOAD_NAME = /^(data|payload|body|dto|input|value|content|params|args)$/i;

/**
 * True when the call's arguments copy an id or the envelope of the message a handler received: a handler
 * that lexically encloses the call, or (given the analysis) a function every caller of which passes it
 * that message (requeue.ts incomingNames). A member taken out by destructuring counts as the member
 * (`const { sessionId } = msg`, then `{ sessionId }`).
 */
export function copiesIncomingId(call: Node, handlers: Map<Node, string[]>, analysis?: Analysis): boolean {
  const names = new Set<string>();
  if (analysis) incomingNames(call, handlers, analysis, 0).forEach((x) => names.add(x));
  for (let n: Node | undefined = call.getParent(); n; n = n.getParent()) {
    const own = handlers.get(n);
    if (own) own.forEach((x) => names.add(x));
  }
  if (!names.size) return false;
  const args = (Node.isCallExpression(call) || Node.isNewExpression(call)) ? call.getArguments() : [call];
  const scan = (root: Node, depth: number): boolean => {
    for (const access of [root, ...root.getDescendants()]) {
      if (Node.isPropertyAccessExpression(access) || Node.isElementAccessExpression(access)) {
        if (copiesFrom(access, names)) return true;
      } else if (depth < 1 && Node.isIdentifier(access)) {
        if (destructuredId(access, names)) return true;
        const init = variableOf(access)?.getInitializer();
        if (init && scan(init, depth + 1)) return true;
      }
    }
    return false;
  };
  return args.some((a) => scan(a, 0));
}

/** `sessionId` bound by `const { sessionId } = msg` (or `{ id: messageId }`) from the incoming message: its envelope or id. */
function destructuredId(id: Node, names: Set<string>): boolean {
  const parent = id.getParent();
  const symbol = parent && Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === id ? parent.getValueSymbol() : id.getSymbol();
  const element = symbol?.getDeclarations()[0];
  if (!element || !Node.isBindingElement(element)) return false;
  const decl = element.getParent()?.getParent();
  const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  if (!init || !Node.isIdentifier(init) || !names.has(init.getText())) return false;
  const member = element.getPropertyNameNode()?.getText() ?? element.getName();
  return ENVELOPE.test(member) || (member === 'id' && !PAYLOAD_NAME.test(init.getText()));
}

function copiesFrom(access: Node, names: Set<string>): boolean {
  // The chain's root and its first member: `msg.properties.messageId` → msg, properties.
  const chain: string[] = [];
  let n: Node = access;
  while (Node.isPropertyAccessExpression(n) || Node.isElementAccessExpression(n)) {
    const name = Node.isPropertyAccessExpression(n) ? n.getName() : n.getArgumentExpression()?.getText().replace(/^['"`]|['"`]$/g, '');
    if (name !== undefined) chain.unshift(name);
    n = n.getExpression();
  }
  if (!Node.isIdentifier(n) || !names.has(n.getText())) return false;
  const root = n.getText();
  if (chain.some((m) => ENVELOPE.test(m))) return true;
  if (chain.length === 1 && PAYLOAD_NAME.test(chain[0]) && !PAYLOAD_NAME.test(root) && forwardedWhole(access)) return true;
  return chain[0] === 'id' && !PAYLOAD_NAME.test(root);
}

/**
 * `{ message: message.value.toString(), error }`, `add('failed', job.data)`: the incoming body passed on
 * whole (as a value, possibly as text), not a field picked out of it. The message goes on with every id
 * it carries: whether it carries one is a question for the publish that first sent it.
 */
function forwardedWhole(access: Node): boolean {
  const outer = (e: Node): Node => {
    let x = e;
    for (let p = x.getParent(); p && (Node.isNonNullExpression(p) || Node.isParenthesizedExpression(p) || Node.isAsExpression(p)); p = x.getParent()) x = p;
    return x;
  };
  let n: Node = outer(access);
  let parent = n.getParent();
  // `message.value.toString()`, `msg.content.toString('utf8')`
  if (parent && Node.isPropertyAccessExpression(parent) && parent.getName() === 'toString') {
    const call = parent.getParent();
    if (!call || !Node.isCallExpression(call)) return false;
    n = outer(call);
    parent = n.getParent();
  }
  if (!parent) return false;
  if (Node.isPropertyAssignment(parent) || Node.isArrayLiteralExpression(parent)) return parent !== n;
  if (Node.isCallExpression(parent) && parent.getArguments().includes(n as never)) {
    const callee = parent.getExpression().getText();
    return callee !== 'JSON.parse' && !/\.(parse|decode|deserialize)$/i.test(callee);
  }
  return false;
}
