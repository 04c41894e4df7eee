/**
 * Message records built by a library: a class that wraps a message body with
 * its envelope (headers, properties), as NestJS's `RmqRecordBuilder(data)
 * .setOptions({ headers }).build()` and `new RmqRecord(data, options)`. The
 * carrier inspection reads the body and the envelope out of such a chain,
 * so headers set through the builder count, and a record built without them
 * carries what its body carries. The class is recognized by the import it
 * comes from, never by its name alone.
 */
import { Node, SyntaxKind } from 'ts-morph';
import { moduleOfImportNode } from '../importedTypes';

/** What one argument of a constructor or builder method is: the body, the envelope, or a setting that carries neither. */
type Part = 'body' | 'envelope' | 'setting';

interface RecordClass {
  /** The constructor's arguments, in order. */
  constructor: Part[];
  /** Builder methods that return the builder, with what their (first) argument is. */
  setters?: Record<string, Part>;
  /** The method that returns the record. */
  build?: string;
}

/** By library, then exported class name. */
const RECORD_CLASSES: Record<string, Record<string, RecordClass>> = {
  '@nestjs/microservices': {
    // RmqRecordOptions: amqplib publish options (`headers`, `messageId`, `priority`...).
    RmqRecordBuilder: { constructor: ['body'], setters: { setData: 'body', setOptions: 'envelope' }, build: 'build' },
    RmqRecord: { constructor: ['body', 'envelope'] },
    // NATS headers (`nats.headers()` filled with `set(k, v)`).
    NatsRecordBuilder: { constructor: ['body'], setters: { setData: 'body', setHeaders: 'envelope' }, build: 'build' },
    NatsRecord: { constructor: ['body', 'envelope'] },
    // MQTT 5 properties (`correlationData`, `userProperties`).
    MqttRecordBuilder: {
      constructor: ['body'],
      setters: { setData: 'body', setProperties: 'envelope', setQoS: 'setting', setRetain: 'setting', setDup: 'setting' },
      build: 'build',
    },
    MqttRecord: { constructor: ['body', 'envelope'] },
  },
};

/** The parts of a library-built record: its body (undefined when none is given) and its envelope arguments. */
export interface RecordParts {
  body: Node | undefined;
  envelope: Node[];
  /** False when the chain holds a step the table does not describe, or the builder is kept in a variable. */
  complete: boolean;
}

/**
 * The body and envelope of a record built in one expression by a library's
 * record class (`new RmqRecordBuilder(data).setOptions({ headers }).build()`,
 * `new RmqRecord(data, options)`); undefined when the expression is not one.
 */
export function recordParts(node: Node): RecordParts | undefined {
  const steps: { method: string; args: Node[] }[] = [];
  let current: Node = node;
  while (Node.isCallExpression(current)) {
    const callee = current.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return undefined;
    steps.unshift({ method: callee.getName(), args: current.getArguments() });
    current = callee.getExpression();
    while (Node.isParenthesizedExpression(current)) current = current.getExpression();
  }
  if (!Node.isNewExpression(current)) return undefined;
  const cls = recordClassOf(current.getExpression());
  if (!cls) return undefined;
  // A builder that is never built is not a record (and a bare record class has no builder steps).
  if (cls.build ? steps[steps.length - 1]?.method !== cls.build : steps.length) return undefined;
  const parts: RecordParts = { body: undefined, envelope: [], complete: true };
  const take = (part: Part | undefined, value: Node | undefined) => {
    if (!part) parts.complete = false;
    else if (!value || part === 'setting') return;
    else if (Node.isSpreadElement(value)) parts.complete = false;
    else if (part === 'body') parts.body = value;
    else parts.envelope.push(value);
  };
  current.getArguments().forEach((a, i) => take(cls.constructor[i], a));
  for (const step of steps.slice(0, cls.build ? -1 : undefined)) take(cls.setters?.[step.method], step.args[0]);
  return parts;
}

/** The record class an expression names, by the import it comes from. */
function recordClassOf(expr: Node): RecordClass | undefined {
  let name: string | undefined;
  let importNode: Node | undefined;
  try {
    if (Node.isIdentifier(expr)) {
      const decl = expr.getSymbol()?.getDeclarations()[0];
      if (decl && Node.isImportSpecifier(decl)) { name = decl.getName(); importNode = decl; }
    } else if (Node.isPropertyAccessExpression(expr) && Node.isIdentifier(expr.getExpression())) {
      // `import * as micro from '@nestjs/microservices'; new micro.RmqRecordBuilder(data)`
      const decl = expr.getExpression().getSymbol()?.getDeclarations()[0];
      if (decl && decl.getKind() === SyntaxKind.NamespaceImport) { name = expr.getName(); importNode = decl; }
    }
  } catch {
    return undefined;
  }
  const library = importNode ? moduleOfImportNode(importNode) : undefined;
  return library && name ? RECORD_CLASSES[library]?.[name] : undefined;
}
