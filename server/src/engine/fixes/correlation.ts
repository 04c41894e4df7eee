/**
 * missing-correlation-id: "Add correlation and causation ids" to a message or
 * request (kafkajs headers, AMQP `correlationId`/headers, SQS message
 * attributes, BullMQ job data, a NestJS payload, fetch/axios headers), taken
 * from the incoming message inside a handler and minted with `randomUUID()`
 * elsewhere; and, for a handler that mints a new one, "Propagate the incoming
 * correlation id".
 */
import { Node, type CallExpression, type ObjectLiteralExpression } from 'ts-morph';
import type { Fact } from '../facts/facts';
import type { SystemModel } from '../model';
import type { Fix, TextEdit } from '../types';
import { correlationKeyOf } from '../facts/libraries/carrierInspection';
import { isFreshId, variableOf } from '../facts/libraries/staticValues';
import { isFunctionLike } from '../facts/analysis';
import { consumerReaching, incomingOf, rootAt } from './incoming';
import { randomUUIDIn } from './imports';
import { addArgument, addProps, mergeInto, objectText, propOf, type Prop } from './objects';
import { replaceNode } from './text';

export const ADD_CORRELATION_TITLE = 'Add correlation and causation ids';
export const PROPAGATE_CORRELATION_TITLE = 'Propagate the incoming correlation id';


interface Values {
  correlation: string;
  causation?: string;
  /** The values may be `undefined` at run time (HTTP headers then need a string). */
  maybeUndefined: boolean;
  edits: TextEdit[];
  /** Words for the title. */
  source: string;
}

/** The call expression a publish/http fact's node (the callee name) belongs to. */
export function callOf(node: Node): CallExpression | undefined {
  let n = node.getParent();
  if (n && Node.isPropertyAccessExpression(n) && n.getNameNode() === node) n = n.getParent();
  return n && Node.isCallExpression(n) ? n : undefined;
}

function literal(node: Node | undefined): ObjectLiteralExpression | undefined {
  let n = node;
  while (n && (Node.isParenthesizedExpression(n) || Node.isAsExpression(n) || Node.isSatisfiesExpression(n))) n = n.getExpression();
  if (n && Node.isIdentifier(n)) {
    const decl = variableOf(n);
    const init = decl?.getInitializer();
    // A const object built right there: edit its literal.
    if (init && Node.isObjectLiteralExpression(init) && decl!.getSourceFile() === n.getSourceFile()) return init;
    return undefined;
  }
  return n && Node.isObjectLiteralExpression(n) ? n : undefined;
}

/** Correlation values for a send at this fact: from the incoming message in a handler, else a parameter or a fresh UUID. */
function valuesFor(model: SystemModel, fact: Fact, file: string): Values | undefined {
  const reaching = consumerReaching(model, fact);
  if (reaching) {
    const incoming = incomingOf(reaching.consumer);
    if (!incoming) return undefined;
    const root = rootAt(model, incoming, reaching.reached);
    const correlation = root ? incoming.correlation(root) : undefined;
    if (!root || !correlation) return undefined;
    return { correlation, causation: incoming.causation(root), maybeUndefined: incoming.maybeUndefined, edits: [], source: 'from the incoming message' };
  }
  const param = correlationParam(fact.node);
  const uuid = randomUUIDIn(file, fact.node.getSourceFile());
  if (param) {
    if (!param.optional) return { correlation: param.name, maybeUndefined: false, edits: [], source: `from ${param.name}` };
    return { correlation: `${param.name} ?? ${uuid.call}`, maybeUndefined: false, edits: uuid.edits, source: `from ${param.name}` };
  }
  return { correlation: uuid.call, maybeUndefined: false, edits: uuid.edits, source: 'new' };
}

/** A parameter of an enclosing function that already holds the flow's correlation id. */
function correlationParam(node: Node): { name: string; optional: boolean } | undefined {
  for (let fn = node.getFirstAncestor(isFunctionLike); fn; fn = fn.getParent()?.getFirstAncestor(isFunctionLike)) {
    for (const p of (fn as unknown as { getParameters(): Node[] }).getParameters?.() ?? []) {
      if (!Node.isParameterDeclaration(p)) continue;
      const name = p.getNameNode();
      if (!Node.isIdentifier(name) || !/^correlation_?id$/i.test(name.getText())) continue;
      const type = p.getTypeNode()?.getText() ?? '';
      return { name: name.getText(), optional: p.hasQuestionToken() || !type || /undefined|null|any|unknown/.test(type) || !!p.getInitializer() };
    }
  }
  return undefined;
}

function httpValue(v: string, maybeUndefined: boolean): string {
  return maybeUndefined ? `${v} ?? ''` : v;
}

/** The edits that add the ids to this publish or request, or undefined for shapes the fix does not handle. */
function carrierEdits(model: SystemModel, fact: Fact, file: string, v: Values): TextEdit[] | undefined {
  const call = callOf(fact.node);
  if (!call) return undefined;
  const args = call.getArguments();
  const ids: Prop[] = [['correlation-id', v.correlation], ...(v.causation ? [['causation-id', v.causation] as Prop] : [])];
  const camel: Prop[] = [['correlationId', v.correlation], ...(v.causation ? [['causationId', v.causation] as Prop] : [])];
  const method = call.getExpression();
  const methodName = Node.isPropertyAccessExpression(method) ? method.getName() : method.getText();
  switch (fact.library) {
    case 'kafkajs': {
      if (methodName !== 'send') return undefined;
      const messages = propOf(literal(args[0]) ?? ({} as ObjectLiteralExpression), 'messages')?.init;
      if (!messages || !Node.isArrayLiteralExpression(messages) || !messages.getElements().length) return undefined;
      const edits: TextEdit[] = [];
      for (const m of messages.getElements()) {
        if (!Node.isObjectLiteralExpression(m)) return undefined;
        edits.push(mergeInto(file, m, 'headers', ids));
      }
      return edits;
    }
    case 'amqplib': {
      const index = methodName === 'publish' ? 3 : methodName === 'sendToQueue' ? 2 : -1;
      if (index < 0) return undefined;
      const props: Prop[] = [['correlationId', v.correlation], ...(v.causation ? [['headers', objectText([['causation-id', v.causation]])] as Prop] : [])];
      const options = args[index];
      if (!options) return args.length === index ? [addArgument(file, call, index, objectText(props))] : undefined;
      const obj = literal(options);
      if (!obj) return undefined;
      const edits = [addProps(file, obj, [props[0]])];
      if (v.causation) {
        const merged = mergeInto(file, obj, 'headers', [['causation-id', v.causation]]);
        // Two insertions at the same point: write them as one.
        if (merged.range.start.line === edits[0].range.start.line && merged.range.start.column === edits[0].range.start.column &&
            merged.range.end.line === edits[0].range.end.line && merged.range.end.column === edits[0].range.end.column) {
          return [addProps(file, obj, props)];
        }
        edits.push(merged);
      }
      return edits;
    }
    case '@aws-sdk/client-sqs': {
      const cmd = args[0];
      const created = cmd && Node.isIdentifier(cmd) ? variableOf(cmd)?.getInitializer() : cmd;
      if (!created || !Node.isNewExpression(created) || !/SendMessageCommand$/.test(created.getExpression().getText())) return undefined;
      const input = literal(created.getArguments()[0]);
      if (!input) return undefined;
      return [mergeInto(file, input, 'MessageAttributes', ids.map(([k, value]) => [k, `{ DataType: 'String', StringValue: ${value} }`]))];
    }
    case 'bullmq': {
      if (methodName !== 'add' || !untypedQueue(call)) return undefined;
      const data = literal(args[1]);
      return data ? [addProps(file, data, camel)] : undefined;
    }
    case '@nestjs/microservices': {
      const data = literal(args[1]);
      return data ? [addProps(file, data, camel)] : undefined;
    }
    case 'fetch':
    case 'node-fetch':
    case 'undici': {
      if (fact.library === 'undici' && Node.isPropertyAccessExpression(method)) return undefined;
      const headers: Prop[] = [['x-correlation-id', httpValue(v.correlation, v.maybeUndefined)], ...(v.causation ? [['x-causation-id', httpValue(v.causation, v.maybeUndefined)] as Prop] : [])];
      const init = args[1];
      if (!init) return args.length === 1 ? [addArgument(file, call, 1, objectText([['headers', objectText(headers)]]))] : undefined;
      const obj = literal(init);
      const existing = obj && propOf(obj, 'headers')?.init;
      if (!obj || (existing && !Node.isObjectLiteralExpression(existing))) return undefined; // a Headers instance or a variable
      return [mergeInto(file, obj, 'headers', headers)];
    }
    case 'axios': {
      const index = /^(get|delete|head)$/.test(methodName) ? 1 : /^(post|put|patch)$/.test(methodName) ? 2 : methodName === 'request' ? 0 : -1;
      if (index < 0) return undefined;
      const headers: Prop[] = [['x-correlation-id', v.correlation], ...(v.causation ? [['x-causation-id', v.causation] as Prop] : [])];
      const config = args[index];
      if (!config) return index > 0 ? [addArgument(file, call, index, objectText([['headers', objectText(headers)]]))] : undefined;
      const obj = literal(config);
      const existing = obj && propOf(obj, 'headers')?.init;
      if (!obj || (existing && !Node.isObjectLiteralExpression(existing))) return undefined;
      return [mergeInto(file, obj, 'headers', headers)];
    }
    default:
      return undefined;
  }
}

/** `new Queue('emails')` (data typed `any`): extra job data fields type-check. A `Queue<EmailJob>` would reject them. */
function untypedQueue(call: CallExpression): boolean {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) return false;
  const recv = callee.getExpression();
  let decl: Node | undefined;
  try {
    const symbol = Node.isPropertyAccessExpression(recv) ? recv.getNameNode().getSymbol() : recv.getSymbol();
    decl = symbol?.getDeclarations()[0];
  } catch {
    return false;
  }
  if (!decl) return false;
  const typed = (n: Node | undefined) => !!n && /<(?!\s*any\b)/.test(n.getText());
  if (Node.isVariableDeclaration(decl) || Node.isPropertyDeclaration(decl) || Node.isParameterDeclaration(decl)) {
    const init = (decl as unknown as { getInitializer?(): Node | undefined }).getInitializer?.();
    const initTyped = init && Node.isNewExpression(init) && init.getTypeArguments().some((t) => t.getText() !== 'any');
    return !typed(decl.getTypeNode()) && !initTyped;
  }
  return false;
}

/** "Add correlation and causation ids" for a send that carries none. */
export function addCorrelationFix(model: SystemModel, fact: Fact): Fix[] {
  const file = model.relOf(fact.node);
  const values = valuesFor(model, fact, file);
  if (!values) return [];
  const edits = carrierEdits(model, fact, file, values);
  if (!edits) return [];
  const what = values.causation ? ADD_CORRELATION_TITLE : 'Add a correlation id';
  const title = values.source === 'new' ? `${what} (new UUID)` : `${what} (${values.source})`;
  return [{ title, edits: [...values.edits, ...edits], batchable: true, isPreferred: true }];
}

/** "Propagate the incoming correlation id": a handler's send mints a new id; use the incoming message's instead. */
export function propagateCorrelationFix(model: SystemModel, fact: Fact): Fix[] {
  const file = model.relOf(fact.node);
  const values = valuesFor(model, fact, file);
  if (!values) return [];
  const http = fact.kind === 'http' && /fetch|undici/.test(fact.library);
  const edits: TextEdit[] = [];
  const replace = (value: Node, expr: string) => {
    const text = http ? httpValue(expr, values.maybeUndefined) : expr;
    const parent = value.getParent();
    // `{ correlationId }` → `{ correlationId: <incoming> }`
    if (parent && Node.isShorthandPropertyAssignment(parent)) edits.push(replaceNode(file, parent, `${parent.getName()}: ${text}`));
    else edits.push(replaceNode(file, value, text));
  };
  for (const value of fact.correlationValues ?? []) {
    const key = correlationKeyOf(value);
    if (!key || !isFreshId(value)) continue;
    if (/causation/i.test(key)) {
      if (values.causation) replace(value, values.causation);
    } else if (/correlation|conversation|trace[-_]?id/i.test(key)) replace(value, values.correlation);
  }
  if (!edits.length) return [];
  return [{ title: `${PROPAGATE_CORRELATION_TITLE} (${values.source})`, edits, batchable: true, isPreferred: true }];
}


