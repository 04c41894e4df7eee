/**
 * NATS: `nats` (core publish/subscribe and JetStream) and `node-nats-streaming`
 * (STAN), including the `Listener`/`Publisher` base classes projects wrap it in
 * (`new OrderCreatedPublisher(stan).publish(data)`,
 * `new TicketCreatedListener(stan).listen()` with an `onMessage(data, msg)`).
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import type { Analysis } from '../analysis';
import { consumerFact, publishFact } from './build';
import { arg, calleeName, channelName, optionKeyNode, prop, receiver, stringValue } from '../syntax';
import { isFunctionLike } from '../analysis';
import type { TransportId } from './delivery';

/** `nc.subscribe(subject, { callback })`, or an async-iterated subscription consumed in the enclosing function. */
function subscription(library: string, detail: string, transport: TransportId): OperationAnalyzer {
  return (call, analysis) => {
    const subject = channelName(arg(call, 0));
    const callback = prop(arg(call, 1), 'callback');
    if (callback) {
      return consumerFact(library, call, optionKeyNode(callback), analysis.functionFrom(callback), subject, `${detail} for "${subject ?? '?'}"`, transport);
    }
    // `opts.callback(handler)` on a consumer-options builder: the subscribe call registers it.
    const built = builtCallback(arg(call, 1));
    if (built) return consumerFact(library, call, calleeName(call), analysis.functionFrom(built), subject, `${detail} for "${subject ?? '?'}"`, transport);
    // `const sub = nc.subscribe(subject); sub.callback = (err, msg) => …`: the handler is assigned after the call.
    const assigned = assignedCallback(call);
    if (assigned) return consumerFact(library, call, calleeName(call), analysis.functionFrom(assigned), subject, `${detail} for "${subject ?? '?'}"`, transport);
    if (!iterated(call)) return undefined; // a subscription handed elsewhere: its consumer is found where it is read
    const fn = call.getFirstAncestor(isFunctionLike);
    return fn ? consumerFact(library, call, calleeName(call), fn, subject, `${detail} for "${subject ?? '?'}"`, transport) : undefined;
  };
}

/**
 * The handler set on a JetStream consumer-options builder: `const opts = consumerOpts(); ...;
 * opts.callback(handler)` in the function holding the const, or `consumerOpts().callback(handler)`
 * written in the argument itself.
 */
function builtCallback(options: Node | undefined): Node | undefined {
  if (!options) return undefined;
  const chained = Node.isCallExpression(options) ? callbackCall(options) : undefined;
  if (chained) return chained;
  if (!Node.isIdentifier(options)) return undefined;
  const decl = options.getSymbol()?.getDeclarations()[0];
  const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  if (!init || !Node.isCallExpression(init) || !/^consumerOpts$/.test(init.getExpression().getText().split('.').pop() ?? '')) return undefined;
  const fn = decl!.getFirstAncestor(isFunctionLike) ?? decl!.getSourceFile();
  for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'callback' && callee.getExpression().getText() === options.getText()) return arg(call, 0);
  }
  return undefined;
}

/** `consumerOpts().durable(name).callback(handler)`: the handler of a chain that sets one. */
function callbackCall(chain: Node): Node | undefined {
  for (let n: Node | undefined = chain; n && Node.isCallExpression(n);) {
    const callee = n.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return undefined;
    if (callee.getName() === 'callback') return arg(n, 0);
    n = callee.getExpression();
  }
  return undefined;
}

/** The function that holds `const sub = nc.subscribe(…)`, and the variable's name. */
function heldSubscription(call: Node): { fn: Node; name: string | undefined } | undefined {
  const fn = call.getFirstAncestor(isFunctionLike);
  if (!fn) return undefined;
  const decl = call.getFirstAncestor((a) => Node.isVariableDeclaration(a));
  return { fn, name: decl && Node.isVariableDeclaration(decl) ? decl.getName() : undefined };
}

/** The function assigned to `sub.callback` in the function that holds `const sub = nc.subscribe(…)`. */
function assignedCallback(call: Node): Node | undefined {
  const held = heldSubscription(call);
  if (!held?.name) return undefined;
  for (const n of held.fn.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
    const left = n.getLeft();
    if (n.getOperatorToken().getKind() === SyntaxKind.EqualsToken && Node.isPropertyAccessExpression(left) &&
      left.getName() === 'callback' && left.getExpression().getText() === held.name) return n.getRight();
  }
  return undefined;
}

/** True when the subscription is read in the same function with `for await (const m of sub)`. */
function iterated(call: Node): boolean {
  const held = heldSubscription(call);
  if (!held) return false;
  return held.fn.getDescendants().some((n) => Node.isForOfStatement(n) && n.isAwaited() &&
    (n.getExpression() === call || n.getExpression().getText() === held.name || n.getExpression().getText().includes(call.getText())));
}

/** `msgID` (JetStream) deduplicates a republished message inside the stream's duplicate window. */
function natsPublish(library: string, jetstream: boolean, transport?: TransportId): OperationAnalyzer {
  return (call) => {
    const subject = channelName(arg(call, 0));
    const opts = arg(call, 2);
    const dedup = jetstream && !!prop(opts, 'msgID');
    const fact = publishFact(library, call, `${jetstream ? 'JetStream ' : ''}publish to "${subject ?? '?'}"`, subject, [arg(call, 2), arg(call, 1)], { nonIdempotent: !dedup, channelNode: arg(call, 0), payload: { node: arg(call, 1) } });
    return transport ? { ...fact, transport } : fact;
  };
}

// ------------------------------------------------------------- node-nats-streaming

const STAN = 'node-nats-streaming';

/** The workspace class a `new C(...)` receiver builds, when it is one. */
function constructedClass(call: Node): Node | undefined {
  const recv = receiver(call);
  if (!recv || !Node.isNewExpression(recv)) return undefined;
  try {
    return classOfNew(recv);
  } catch {
    return undefined;
  }
}

/** A class member (searching workspace base classes too). */
function memberOf(cls: Node | undefined, name: string): Node | undefined {
  let c: Node | undefined = cls;
  for (let i = 0; i < 5 && c && Node.isClassDeclaration(c); i++) {
    const m = c.getMethod(name) ?? c.getProperty(name);
    if (m) return m;
    c = c.getBaseClass();
  }
  return undefined;
}

/** `wrapper.publish(data)` on a library Publisher subclass: the subject is the class's `subject` field. */
const wrapperPublish: OperationAnalyzer = (call, analysis) => {
  if (analysis.resolveCallee(call)) return undefined; // the workspace defines publish(): its body says what it does
  const cls = constructedClass(call) ?? classOfReceiver(call, analysis);
  const subjectInit = memberOf(cls, 'subject');
  const subject = subjectInit && Node.isPropertyDeclaration(subjectInit) ? channelName(subjectInit.getInitializer()) ?? subjectInit.getInitializer()?.getText() : undefined;
  return publishFact(STAN, call, `${cls && Node.isClassDeclaration(cls) ? cls.getName() ?? 'publisher' : 'publisher'}.publish to "${subject ?? '?'}"`, subject, [arg(call, 0)]);
};

/** `new TicketCreatedListener(stan).listen()`: the handler is the class's `onMessage(data, msg)`. */
/** The transport is STAN's for a STAN wrapper; a wrapper of a core NATS connection may use JetStream inside: unknown. */
const wrapperListen = (transport: TransportId | undefined): OperationAnalyzer => (call, analysis) => {
  if (analysis.resolveCallee(call)) return undefined;
  const cls = constructedClass(call) ?? classOfReceiver(call, analysis);
  const handler = memberOf(cls, 'onMessage');
  if (!handler || !isFunctionLike(handler)) return undefined;
  const subjectInit = memberOf(cls, 'subject');
  const subject = subjectInit && Node.isPropertyDeclaration(subjectInit) ? channelName(subjectInit.getInitializer()) ?? subjectInit.getInitializer()?.getText() : undefined;
  const name = Node.isMethodDeclaration(handler) ? handler.getNameNode() : handler;
  return consumerFact(STAN, call, name, handler, subject, `${cls && Node.isClassDeclaration(cls) ? cls.getName() : 'listener'}.onMessage handler${subject ? ` for ${subject}` : ''}`, transport);
};

/** `const p = new XPublisher(stan); p.publish(...)`: the class of a variable holding a wrapper. */
function classOfReceiver(call: Node, _analysis: Analysis): Node | undefined {
  const recv = receiver(call);
  if (!recv || !Node.isIdentifier(recv)) return undefined;
  try {
    const decl = recv.getSymbol()?.getDeclarations()[0];
    const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
    return init ? classOfNew(init) : undefined;
  } catch {
    return undefined;
  }
}

function classOfNew(expr: Node): Node | undefined {
  if (!Node.isNewExpression(expr)) return undefined;
  let symbol = expr.getExpression().getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
  const decl = symbol?.getDeclarations()[0];
  return decl && Node.isClassDeclaration(decl) && !decl.getSourceFile().isDeclarationFile() ? decl : undefined;
}

const stanOn: OperationAnalyzer = (call, analysis) => {
  if (stringValue(arg(call, 0)) !== 'message') return undefined;
  return consumerFact(STAN, call, calleeName(call), analysis.functionFrom(arg(call, 1)), undefined, 'node-nats-streaming subscription message handler', 'stan');
};

export const nats: LibraryTable = {
  name: 'nats',
  transitions: {
    'nats#connect|()': 'nats.Connection',
    'nats#NatsConnection|instance': 'nats.Connection',
    'nats.Connection|jetstream()': 'nats.JetStream',
    'nats#JetStreamClient|instance': 'nats.JetStream',
    [`${STAN}#connect|()`]: 'stan.Client',
    [`${STAN}#Stan|instance`]: 'stan.Client',
    'stan.Client|subscribe()': 'stan.Subscription',
    [`${STAN}#Subscription|instance`]: 'stan.Subscription',
    'stan.Client|wrapped': 'stan.Wrapper',
    'nats.Connection|wrapped': 'nats.Wrapper',
  },
  operations: {
    'nats.Connection|publish': natsPublish('nats', false, 'nats-core'),
    'nats.Connection|request': natsPublish('nats', false),
    'nats.JetStream|publish': natsPublish('nats', true),
    'nats.Connection|subscribe': subscription('nats', 'NATS subscription', 'nats-core'),
    'nats.JetStream|subscribe': subscription('nats', 'JetStream subscription', 'nats-jetstream'),
    'nats.JetStream|pullSubscribe': subscription('nats', 'JetStream pull subscription', 'nats-jetstream'),
    'stan.Client|publish': (call) => {
      const subject = channelName(arg(call, 0));
      return publishFact(STAN, call, `stan.publish to "${subject ?? '?'}"`, subject, [arg(call, 1)]);
    },
    'stan.Subscription|on': stanOn,
    'stan.Wrapper|publish': wrapperPublish,
    'stan.Wrapper|listen': wrapperListen('stan'),
    'nats.Wrapper|publish': wrapperPublish,
    'nats.Wrapper|listen': wrapperListen(undefined),
  },
};
