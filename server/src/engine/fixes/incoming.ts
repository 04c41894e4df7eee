/**
 * The incoming message of a consumer, as code can name it: the expressions
 * for its identity (what an inbox dedupes on), its correlation id and its id
 * as the causation of what the handler sends, per library shape; and the
 * same names carried into the workspace functions the handler passes the
 * message to (`handle(deps, message)` → `message` there).
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { Fact } from '../facts/facts';
import type { Reached } from '../facts/effects';
import type { SystemModel } from '../model';
import type { TextEdit } from '../types';
import { insertAt } from './text';

export interface Incoming {
  /** The expression the others are built from (`message`, `msg`, `job`, `data`, `ctx`). */
  root: string;
  correlation(root: string): string | undefined;
  causation(root: string): string | undefined;
  /** Whether the expressions may be `undefined` (HTTP headers need a string). */
  maybeUndefined: boolean;
}

export interface Identity {
  /** The message id expression, in the handler. */
  id: string;
  /** Words for the fix title: "message-id header, else topic:partition:offset". */
  label: string;
  /** Edits the expression needs (names added to a destructuring pattern). */
  edits: TextEdit[];
}

/** The handler's parameters. */
function params(handler: Node): Node[] {
  return (handler as unknown as { getParameters?(): Node[] }).getParameters?.() ?? [];
}

/** The declared or destructured local name of property `name` in an object binding pattern parameter. */
function bindingName(param: Node, name: string): string | undefined {
  const nameNode = (param as unknown as { getNameNode(): Node }).getNameNode();
  if (!Node.isObjectBindingPattern(nameNode)) return undefined;
  for (const el of nameNode.getElements()) {
    const prop = el.getPropertyNameNode()?.getText() ?? el.getName();
    if (prop === name && Node.isIdentifier(el.getNameNode())) return el.getName();
  }
  return undefined;
}

function isKafkaEachMessage(consumer: Fact): boolean {
  return consumer.library === 'kafkajs' && /eachMessage/.test(consumer.detail);
}

/** Nest `@Payload()` and `@Ctx()` parameters of a pattern handler. */
function nestParams(handler: Node): { payload?: Node; ctx?: Node } {
  const out: { payload?: Node; ctx?: Node } = {};
  for (const p of params(handler)) {
    if (!Node.isParameterDeclaration(p)) continue;
    const decorators = p.getDecorators().map((d) => d.getName());
    if (decorators.includes('Ctx')) out.ctx = p;
    else if (decorators.includes('Payload') || (!decorators.length && !out.payload)) out.payload = p;
  }
  return out;
}

function declaresMember(param: Node | undefined, member: string): boolean {
  if (!param || !Node.isParameterDeclaration(param) || !param.getTypeNode()) return false;
  try {
    return !!param.getType().getProperty(member);
  } catch {
    return false;
  }
}

function typeName(param: Node | undefined): string | undefined {
  if (!param || !Node.isParameterDeclaration(param)) return undefined;
  return param.getTypeNode()?.getText().replace(/<.*$/, '').replace(/^.*\./, '');
}

function simpleName(param: Node | undefined): string | undefined {
  if (!param || !Node.isParameterDeclaration(param)) return undefined;
  const n = param.getNameNode();
  return Node.isIdentifier(n) ? n.getText() : undefined;
}

/** True when the handler body starts with `if (!msg) return;` (amqplib's null message on cancel). */
function narrowsNull(handler: Node, name: string): boolean {
  const body = (handler as unknown as { getBody?(): Node | undefined }).getBody?.();
  const first = body && Node.isBlock(body) ? body.getStatements()[0] : undefined;
  return !!first && new RegExp(`^if\\s*\\(\\s*!\\s*${name}\\s*\\)\\s*(return|\\{\\s*return)`).test(first.getText());
}

const kafkaHeader = (message: string, key: string) => `${message}.headers?.['${key}']?.toString()`;

/** How the incoming message is named inside the handler itself. */
export function incomingOf(consumer: Fact): Incoming | undefined {
  const handler = consumer.handler;
  if (!handler) return undefined;
  const [first] = params(handler);
  if (isKafkaEachMessage(consumer)) {
    if (!first) return undefined;
    const name = simpleName(first);
    const root = name ? `${name}.message` : bindingName(first, 'message');
    if (!root) return undefined;
    return {
      root, maybeUndefined: true,
      correlation: (m) => `${kafkaHeader(m, 'correlation-id')} ?? ${kafkaHeader(m, 'message-id')}`,
      causation: (m) => kafkaHeader(m, 'message-id'),
    };
  }
  if (consumer.library === 'amqplib') {
    const name = simpleName(first);
    if (!name) return undefined;
    const p = narrowsNull(handler, name) ? `${name}.properties` : `${name}?.properties`;
    return {
      root: name, maybeUndefined: true,
      correlation: (m) => `${p.replace(name, m)}.correlationId ?? ${p.replace(name, m)}.messageId`,
      causation: (m) => `${p.replace(name, m)}.messageId`,
    };
  }
  if (consumer.library === 'sqs-consumer') {
    const name = simpleName(first);
    if (!name) return undefined;
    return {
      root: name, maybeUndefined: true,
      correlation: (m) => `${m}.MessageAttributes?.['correlation-id']?.StringValue ?? ${m}.MessageId`,
      causation: (m) => `${m}.MessageId`,
    };
  }
  if (consumer.library === 'bullmq' || consumer.library === 'bull') {
    const name = simpleName(first);
    if (!name || !Node.isParameterDeclaration(first)) return undefined;
    const typeArgs = first.getTypeNode()?.getText().includes('<');
    const dataIsAny = !typeArgs || /^Job<\s*any\b/.test(first.getTypeNode()!.getText());
    const id = (m: string) => (consumer.library === 'bull' ? `String(${m}.id)` : `${m}.id`);
    return {
      root: name, maybeUndefined: true,
      correlation: (m) => (dataIsAny ? `${m}.data.correlationId ?? ${id(m)}` : undefined),
      causation: id,
    };
  }
  if (consumer.library === '@nestjs/microservices') {
    const { payload, ctx } = nestParams(handler);
    const payloadName = simpleName(payload);
    if (payloadName && declaresMember(payload, 'messageId')) {
      return {
        root: payloadName, maybeUndefined: true,
        correlation: (m) => (declaresMember(payload, 'correlationId') ? `${m}.correlationId ?? ${m}.messageId` : `${m}.messageId`),
        causation: (m) => `${m}.messageId`,
      };
    }
    if (payloadName && declaresMember(payload, 'correlationId')) {
      return { root: payloadName, maybeUndefined: true, correlation: (m) => `${m}.correlationId`, causation: () => undefined };
    }
    const ctxName = simpleName(ctx);
    if (ctxName && typeName(ctx) === 'KafkaContext') {
      return {
        root: ctxName, maybeUndefined: true,
        correlation: (c) => `${kafkaHeader(`${c}.getMessage()`, 'correlation-id')} ?? ${kafkaHeader(`${c}.getMessage()`, 'message-id')}`,
        causation: (c) => kafkaHeader(`${c}.getMessage()`, 'message-id'),
      };
    }
    if (ctxName && typeName(ctx) === 'RmqContext') {
      return {
        root: ctxName, maybeUndefined: true,
        correlation: (c) => `${c}.getMessage().properties.correlationId ?? ${c}.getMessage().properties.messageId`,
        causation: (c) => `${c}.getMessage().properties.messageId`,
      };
    }
  }
  return undefined;
}

/**
 * The identity an inbox dedupes on, in the handler: kafkajs `message-id`
 * header else topic:partition:offset; AMQP `messageId`; SQS `MessageId`;
 * BullMQ job id; Nest payload `messageId` or the transport context's.
 */
export function identityOf(model: SystemModel, consumer: Fact): Identity | undefined {
  const handler = consumer.handler;
  if (!handler) return undefined;
  const [first] = params(handler);
  if (isKafkaEachMessage(consumer)) {
    if (!first || !Node.isParameterDeclaration(first)) return undefined;
    const name = simpleName(first);
    if (name) {
      return {
        id: `${kafkaHeader(`${name}.message`, 'message-id')} ?? \`\${${name}.topic}:\${${name}.partition}:\${${name}.message.offset}\``,
        label: 'message-id header, else topic:partition:offset', edits: [],
      };
    }
    const pattern = first.getNameNode();
    if (!Node.isObjectBindingPattern(pattern)) return undefined;
    const message = bindingName(first, 'message');
    if (!message) return undefined;
    const edits: TextEdit[] = [];
    const names: Record<string, string> = {};
    const used = new Set(handler.getDescendantsOfKind(SyntaxKind.Identifier).map((i) => i.getText()));
    const elements = pattern.getElements();
    for (const key of ['topic', 'partition']) {
      const local = bindingName(first, key);
      if (local) { names[key] = local; continue; }
      if (used.has(key)) return undefined;
      names[key] = key;
    }
    const missing = ['topic', 'partition'].filter((k) => !bindingName(first, k));
    if (missing.length) {
      const last = elements[elements.length - 1];
      edits.push(insertAt(model.relOf(handler), handler.getSourceFile(), last.getEnd(), `, ${missing.join(', ')}`));
    }
    return {
      id: `${kafkaHeader(message, 'message-id')} ?? \`\${${names.topic}}:\${${names.partition}}:\${${message}.offset}\``,
      label: 'message-id header, else topic:partition:offset', edits,
    };
  }
  if (consumer.library === 'amqplib') {
    const name = simpleName(first);
    return name ? { id: `${name}.properties.messageId`, label: 'AMQP messageId property', edits: [] } : undefined;
  }
  if (consumer.library === 'sqs-consumer') {
    const name = simpleName(first);
    return name ? { id: `${name}.MessageId`, label: 'SQS MessageId', edits: [] } : undefined;
  }
  if (consumer.library === 'bullmq') {
    const name = simpleName(first);
    return name ? { id: `${name}.id`, label: 'BullMQ job id', edits: [] } : undefined;
  }
  if (consumer.library === 'bull') {
    const name = simpleName(first);
    return name ? { id: `String(${name}.id)`, label: 'Bull job id', edits: [] } : undefined;
  }
  if (consumer.library === '@nestjs/microservices') {
    const { payload, ctx } = nestParams(handler);
    const payloadName = simpleName(payload);
    if (payloadName && declaresMember(payload, 'messageId')) return { id: `${payloadName}.messageId`, label: 'messageId of the payload', edits: [] };
    const ctxName = simpleName(ctx);
    if (ctxName && typeName(ctx) === 'KafkaContext') {
      const m = `${ctxName}.getMessage()`;
      return {
        id: `${kafkaHeader(m, 'message-id')} ?? \`\${${ctxName}.getTopic()}:\${${ctxName}.getPartition()}:\${${m}.offset}\``,
        label: 'message-id header, else topic:partition:offset', edits: [],
      };
    }
    if (ctxName && typeName(ctx) === 'RmqContext') return { id: `${ctxName}.getMessage().properties.messageId`, label: 'AMQP messageId property', edits: [] };
  }
  return undefined;
}

/**
 * The incoming message's root expression inside the function holding a fact
 * the handler reaches: the handler's own when the fact is in it, else the
 * parameter each call on the way receives it as.
 */
export function rootAt(model: SystemModel, incoming: Incoming, reached: Reached): string | undefined {
  let root = incoming.root;
  let call: Node | undefined = reached.via;
  for (const fn of reached.path) {
    if (!call || (!Node.isCallExpression(call) && !Node.isNewExpression(call))) return undefined;
    const index = (call.getArguments() ?? []).findIndex((a) => a.getText().replace(/\s+/g, '') === root.replace(/\s+/g, ''));
    if (index < 0) return undefined;
    const param = params(fn)[index];
    const name = simpleName(param);
    if (!name) return undefined;
    root = name;
    const next = reached.path[reached.path.indexOf(fn) + 1];
    call = next ? fn.getDescendants().find((d) => Node.isCallExpression(d) && model.analysis.resolveCallee(d) === next) : undefined;
  }
  return root;
}

/** The consumer whose handler reaches a fact, with how it reaches it. */
export function consumerReaching(model: SystemModel, fact: Fact): { consumer: Fact; reached: Reached } | undefined {
  for (const consumer of model.facts) {
    if (consumer.kind !== 'consumer' || !consumer.handler) continue;
    const reached = model.effects.of(consumer.handler).find((r) => r.fact === fact);
    if (reached) return { consumer, reached };
  }
  return undefined;
}
