/**
 * BullMQ (and bull v3): `new Worker(name, processor)`, `queue.add(name, data, { jobId })`,
 * and their NestJS integrations (`@Processor` + `WorkerHost.process`, `@Process`).
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { LibraryTable } from './table';
import type { Analysis } from '../analysis';
import { consumerFact, publishFact, withChannelIds } from './build';
import { arg, assignedFieldValue, calleeName, channelName, declarationOf, initializerOf, parameterOf, prop, receiver, stringValue } from '../syntax';
import { channelIdentity } from '../channelIdentity';
import { registrationSites } from '../registrations';
import type { Fact } from '../facts';

/**
 * The queue a `queue.add` goes to: the name given to `new Queue(name)` where the receiver was
 * built, to the one queue the workspace function handing it out builds, or to `@InjectQueue(name)`
 * on the NestJS constructor parameter or property it is.
 */
function queueName(call: Node, analysis?: Analysis): string | undefined {
  let recv = receiver(call);
  while (recv && (Node.isNonNullExpression(recv) || Node.isParenthesizedExpression(recv) || Node.isAwaitExpression(recv))) recv = recv.getExpression();
  if (!recv) return undefined;
  if (Node.isCallExpression(recv)) return analysis ? returnedQueueName(recv, analysis) : undefined;
  const init = initializerOf(recv) ?? assignedFieldValue(recv);
  const call0 = init && Node.isAwaitExpression(init) ? init.getExpression() : init;
  if (analysis && call0 && Node.isCallExpression(call0) && !isQueueFactory(call0)) return returnedQueueName(call0, analysis);
  return constructedQueueName(recv) ?? injectedQueueName(recv);
}

const isQueueFactory = (call: Node) => Node.isCallExpression(call) && /^(Queue|Bull)$/i.test(call.getExpression().getText());

/**
 * A queue handed out by a workspace function (`NotificationQueue.getInstance().add(...)`): the name
 * of the queue it returns from a field or variable (`return this.syncJobsQueue`, injected with
 * `@InjectQueue(name)` or built), else of the one queue its body builds (`new Queue(name)`);
 * undefined when it builds none or several.
 */
function returnedQueueName(call: Node, analysis: Analysis): string | undefined {
  const fn = analysis.resolveCallee(call);
  if (!fn) return undefined;
  // A getter of a queue the class holds (`getSyncJobsQueue() { return this.syncJobsQueue; }`, injected or built).
  const body = (fn as unknown as { getBody?(): Node | undefined }).getBody?.();
  const returns = body && Node.isBlock(body) ? body.getStatements().filter(Node.isReturnStatement) : [];
  const held = returns.length === 1 ? returns[0].getExpression() : body && !Node.isBlock(body) ? body : undefined;
  if (held && (Node.isPropertyAccessExpression(held) || Node.isIdentifier(held))) {
    const name = constructedQueueName(held) ?? injectedQueueName(held);
    if (name !== undefined) return name;
  }
  const built = fn.getDescendantsOfKind(SyntaxKind.NewExpression).filter((n) => /^bull(mq)?\.Queue$/.test(analysis.typeOf(n) ?? ''));
  const names = new Set(built.map((n) => channelName(arg(n, 0))));
  return names.size === 1 ? [...names][0] : undefined;
}

/** The name a queue object was built with: `new Queue(name)`, bull's `Queue(name)`, held in a const or field. */
function constructedQueueName(queue: Node): string | undefined {
  const init = initializerOf(queue) ?? assignedFieldValue(queue);
  if (init && (Node.isNewExpression(init) || isQueueFactory(init))) {
    return channelName(arg(init, 0));
  }
  return undefined;
}

/** The queue a `new Worker(name)` takes jobs from: the name, or a queue object's `.name` (`new Worker(ordersQueue.name, ...)`). */
function workerQueueName(node: Node | undefined): string | undefined {
  if (node && Node.isPropertyAccessExpression(node) && node.getName() === 'name') {
    return constructedQueueName(node.getExpression()) ?? channelName(node);
  }
  return channelName(node);
}

/**
 * The symbolic identity of the queue a call is made on (`this.queue.add` where `this.queue = new
 * Queue(this.queueName)`): the declaration its name resolves to, when the name is not a literal.
 */
function queueIdentity(call: Node): string[] | undefined {
  let recv = receiver(call);
  while (recv && (Node.isNonNullExpression(recv) || Node.isParenthesizedExpression(recv) || Node.isAwaitExpression(recv))) recv = recv.getExpression();
  if (!recv || Node.isCallExpression(recv)) return undefined;
  const init = initializerOf(recv) ?? assignedFieldValue(recv);
  const id = init && (Node.isNewExpression(init) || isQueueFactory(init)) ? channelIdentity(arg(init, 0)) : undefined;
  return id ? [id] : undefined;
}

/** The identity of the queue a `new Worker(name)` takes jobs from (a queue object's `.name` is that queue's). */
function workerQueueIdentity(node: Node | undefined): string[] | undefined {
  let id = channelIdentity(node);
  if (node && Node.isPropertyAccessExpression(node) && node.getName() === 'name') {
    const init = initializerOf(node.getExpression()) ?? assignedFieldValue(node.getExpression());
    if (init && (Node.isNewExpression(init) || isQueueFactory(init))) id = channelIdentity(arg(init, 0));
  }
  return id ? [id] : undefined;
}

/** The name Bull gives a job added without one (`queue.add(data)`). */
const BULL_DEFAULT_JOB = '__default__';


function injectedQueueName(recv: Node): string | undefined {
  let decl: Node | undefined;
  try {
    decl = (Node.isPropertyAccessExpression(recv) ? recv.getNameNode() : recv).getSymbol()?.getDeclarations()[0];
  } catch {
    return undefined;
  }
  if (!decl || !(Node.isParameterDeclaration(decl) || Node.isPropertyDeclaration(decl))) return undefined;
  const inject = decl.getDecorator('InjectQueue');
  return inject ? queueNameOf(inject.getArguments()[0]) : undefined;
}

/**
 * The flow waits for the job's result: `(await queue.add(...)).finished()`, or the job it holds is
 * asked for it (`job.finished()`, `job.waitUntilFinished(events)`) in the same function. The job is
 * then a call into the queue's worker, answered to the caller, not an event left for others.
 */
function awaitsResult(call: Node): boolean {
  const asked = (n: Node | undefined): boolean => {
    const access = n?.getParent();
    if (!access || !Node.isPropertyAccessExpression(access) || access.getExpression() !== n || !RESULT_METHODS.has(access.getName())) return false;
    const called = access.getParent();
    return !!called && Node.isCallExpression(called) && called.getExpression() === access;
  };
  let e: Node = call;
  while (Node.isAwaitExpression(e.getParent()) || Node.isParenthesizedExpression(e.getParent())) e = e.getParentOrThrow();
  if (asked(e)) return true;
  const decl = e.getParent();
  if (!decl || !Node.isVariableDeclaration(decl) || decl.getInitializer() !== e || !Node.isIdentifier(decl.getNameNode())) return false;
  const name = decl.getName();
  const scope = decl.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a)) ?? decl.getSourceFile();
  return scope.getDescendantsOfKind(SyntaxKind.Identifier).some((id) => id.getText() === name && id !== decl.getNameNode() && asked(id) && declarationOf(id) === decl);
}

const RESULT_METHODS = new Set(['finished', 'waitUntilFinished']);

/**
 * The name a queue facade builds its queue from (`const queue = this.getQueue(name)` in `add(name, data)`
 * or `process(name, fn)`; `queue.name` too), when the builder is a workspace function given a parameter
 * of the enclosing function: both ends built by the same helper from one name use one queue, so the
 * facade's callers name it.
 */
function factoryNameArgument(queueExpr: Node | undefined): Node | undefined {
  let e = queueExpr;
  if (e && Node.isPropertyAccessExpression(e) && e.getName() === 'name') e = e.getExpression();
  if (!e || !(Node.isIdentifier(e) || Node.isPropertyAccessExpression(e))) return undefined;
  let init = initializerOf(e);
  while (init && Node.isAwaitExpression(init)) init = init.getExpression();
  if (!init || !Node.isCallExpression(init) || isQueueFactory(init)) return undefined;
  return init.getArguments().find((a) => parameterOf(a) !== undefined);
}

function add(call: Node, analysis: Analysis) {
  const name = stringValue(arg(call, 0));
  const built = queueName(call, analysis);
  // Built by a facade from the name its caller gives (`this.getQueue(name)`): the callers name the queue.
  // Or the queue object itself is the caller's (`addToQueue(queue, data) { queue.add(queue.name, data) }`): the callers name it.
  const facadeParam = built === undefined || built.includes('?') ? parameterOf(factoryNameArgument(receiver(call))) ?? queueParameter(call) : undefined;
  const queue = facadeParam ? undefined : built;
  const jobId = prop(arg(call, 2), 'jobId');
  const detail = queue ? `queue.add "${name ?? '?'}" to queue "${queue}"` : `queue.add "${name ?? '?'}"`;
  // The channel is the queue; a job name is not one (workers take every job of their queue).
  // A repeatable job is keyed by its name and schedule: adding it again registers nothing new.
  const repeat = prop(arg(call, 2), 'repeat');
  const published = publishFact('bullmq', call, detail, queue, [arg(call, 1), arg(call, 2)], { nonIdempotent: !jobId && !repeat, payload: { node: arg(call, 1) } });
  const fact = withResult(repeat ? { ...published, scheduled: true } : published, call);
  const own = facadeParam ? { ...fact, channelFrom: { param: facadeParam } } : fact;
  return withChannelIds(name !== undefined ? { ...own, job: name } : own, queueIdentity(call));
}

/** The parameter a call's receiver is, when it is a bare parameter of the function around it (`queue` of `queue.add(...)`). */
function queueParameter(call: Node): Node | undefined {
  let recv = receiver(call);
  while (recv && (Node.isNonNullExpression(recv) || Node.isParenthesizedExpression(recv))) recv = recv.getExpression();
  return parameterOf(recv);
}

const withResult = (fact: Fact, call: Node): Fact => awaitsResult(call) ? { ...fact, awaitsResult: true } : fact;

/** BullMQ `upsertJobScheduler(id, { every | pattern }, { name, data })`: a job the queue adds on a schedule. */
function upsertJobScheduler(call: Node, analysis: Analysis) {
  const template = arg(call, 2);
  const name = stringValue(prop(template, 'name'));
  const queue = queueName(call, analysis);
  const detail = `queue.upsertJobScheduler "${name ?? '?'}"${queue ? ` on queue "${queue}"` : ''}`;
  const fact = { ...publishFact('bullmq', call, detail, queue, [prop(template, 'data')], { nonIdempotent: false, payload: { node: prop(template, 'data') } }), scheduled: true };
  return withChannelIds(name !== undefined ? { ...fact, job: name } : fact, queueIdentity(call));
}

/**
 * A bull queue built with `settings: { maxStalledCount: 0 }` and no retries (`defaultJobOptions.attempts`
 * unset or 1): a stalled job is failed, not run again, and a failed one is not retried: at most once.
 */
function noRetryQueue(call: Node): boolean {
  const recv = receiver(call);
  const built = recv && (Node.isIdentifier(recv) || Node.isPropertyAccessExpression(recv)) ? initializerOf(recv) : undefined;
  if (!built || !(Node.isNewExpression(built) || Node.isCallExpression(built))) return false;
  const opts = built.getArguments().slice(1).find((a) => Node.isObjectLiteralExpression(a));
  const stalled = prop(prop(opts, 'settings'), 'maxStalledCount');
  const attempts = prop(prop(opts, 'defaultJobOptions'), 'attempts');
  return !!stalled && stalled.getText() === '0' && (!attempts || attempts.getText() === '1');
}

function bullProcess(call: Node, analysis: Analysis) {
  const args = (call as unknown as { getArguments(): Node[] }).getArguments();
  const handler = analysis.functionFrom(args[args.length - 1]);
  const queue = queueName(call, analysis);
  const transport = noRetryQueue(call) ? 'bull-no-retry' : 'bull';
  // `process(name, [concurrency,] handler)` takes the jobs of that name (`*`: every name); `process([concurrency,] handler)` Bull's default job.
  const first = args[0];
  const named = args.length >= 2 && !Node.isNumericLiteral(first) ? stringValue(first) : undefined;
  const job = named !== undefined ? (named === '*' ? undefined : named) : args.length === 1 || (args.length === 2 && Node.isNumericLiteral(first)) ? BULL_DEFAULT_JOB : undefined;
  if (handler) {
    const fact = consumerFact('bull', call, calleeName(call), handler, queue, `bull queue.process handler${job && job !== BULL_DEFAULT_JOB ? ` "${job}"` : ''}${queue ? ` for "${queue}"` : ''}`, transport);
    return withChannelIds(job !== undefined ? { ...fact, job } : fact, queueIdentity(call));
  }
  return throughWrapper(call, args[args.length - 1], undefined, analysis, 'bull', (q) => `bull queue.process handler${(q ?? queue) ? ` for "${q ?? queue}"` : ''}`);
}

/**
 * A worker or `process` registered inside a wrapper (`register(queue, processor)`): one consumer at
 * each call of the wrapper, with the processor and queue name given there (see registrations.ts).
 */
function throughWrapper(call: Node, handlerExpr: Node | undefined, queueExpr: Node | undefined, analysis: Analysis,
  transport: 'bullmq' | 'bull', detail: (queue: string | undefined) => string): Fact[] | undefined {
  const sites = registrationSites(call, handlerExpr, analysis);
  if (!sites?.length) return undefined;
  return sites.map(({ site, handler, argument }) => {
    const q = argument(queueExpr);
    const queue = channelName(q) ?? (q && q !== queueExpr ? q.getText() : undefined);
    return consumerFact(transport, site, calleeName(site), handler, queue, `${detail(queue)}, registered through ${calleeName(site).getText()}()`, transport);
  });
}

/** The class a decorator call (`@Processor('emails')`) decorates, and the method a `@Process()` decorates. */
function decorated(call: Node): Node | undefined {
  const decorator = call.getParent();
  return decorator && Node.isDecorator(decorator) ? decorator.getParent() : undefined;
}

function queueNameOf(node: Node | undefined): string | undefined {
  return channelName(node) ?? channelName(prop(node, 'name'));
}

/** @nestjs/bullmq: `@Processor('q') class X extends WorkerHost { async process(job) { ... } }`. */
function nestProcessor(call: Node) {
  const cls = decorated(call);
  if (!cls || !Node.isClassDeclaration(cls)) return undefined;
  const handler = cls.getInstanceMethod('process');
  const queue = queueNameOf(arg(call, 0));
  // A `process` inherited from a base worker class is not followed; the queue is still consumed here.
  return consumerFact('bullmq', call, calleeName(call), handler, queue, `BullMQ processor for "${queue ?? '?'}"`, 'bullmq');
}

/** @nestjs/bull: `@Process('name') async handle(job) { ... }` inside a `@Processor('q')` class. */
function nestProcess(call: Node) {
  const method = decorated(call);
  if (!method || !Node.isMethodDeclaration(method)) return undefined;
  const cls = method.getParent();
  const processor = Node.isClassDeclaration(cls) ? cls.getDecorator('Processor') : undefined;
  const queue = processor ? queueNameOf(processor.getArguments()[0]) : undefined;
  const job = stringValue(arg(call, 0)) ?? stringValue(prop(arg(call, 0), 'name'));
  const fact = consumerFact('bull', call, calleeName(call), method, queue, `Bull @Process(${job ? `"${job}"` : ''}) handler${queue ? ` for "${queue}"` : ''}`, 'bull');
  return job !== undefined ? { ...fact, job } : fact;
}

/** `new Worker(name, processor)` (BullMQ, and `WorkerPro` of BullMQ Pro). */
function worker(node: Node, analysis: Analysis): Fact | Fact[] {
  const queue = workerQueueName(arg(node, 0));
  const handler = analysis.functionFrom(arg(node, 1));
  const fact = withChannelIds(consumerFact('bullmq', node, calleeName(node), handler, queue, `BullMQ worker for "${queue ?? '?'}"`, 'bullmq'), workerQueueIdentity(arg(node, 0)));
  // `register(queueName, processor) { new Worker(queueName, ...) }`: the callers name the queue.
  const param = queue === undefined ? parameterOf(arg(node, 0)) : undefined;
  const own = param ? { ...fact, channelFrom: { param } } : fact;
  // A queue facade's `process(name, n, processor) { new Worker(this.getQueue(name).name, this.wrap(processor)) }`:
  // one worker per call of the facade, on the queue its caller names.
  const named = queue === undefined ? factoryNameArgument(arg(node, 0)) : undefined;
  const wrapped = !handler || named ? throughWrapper(node, arg(node, 1), named ?? arg(node, 0), analysis, 'bullmq', (q) => `BullMQ worker for "${q ?? '?'}"`) : undefined;
  if (wrapped && named) return wrapped;
  return wrapped ? [own, ...wrapped] : own;
}

export const bullmq: LibraryTable = {
  name: 'bullmq',
  transitions: {
    'bullmq#Queue|new': 'bullmq.Queue',
    'bullmq#Queue|instance': 'bullmq.Queue',
    'bullmq#FlowProducer|new': 'bullmq.Queue',
    // BullMQ Pro: the same API under Pro names (groups and rate limits added).
    '@taskforcesh/bullmq-pro#QueuePro|new': 'bullmq.Queue',
    '@taskforcesh/bullmq-pro#QueuePro|instance': 'bullmq.Queue',
    '@taskforcesh/bullmq-pro#FlowProducerPro|new': 'bullmq.Queue',
    'bull#default|new': 'bull.Queue',
    'bull#default|()': 'bull.Queue',
    'bull#Queue|instance': 'bull.Queue',
  },
  operations: {
    'bullmq#Worker|new': (node, analysis) => worker(node, analysis),
    '@taskforcesh/bullmq-pro#WorkerPro|new': (node, analysis) => worker(node, analysis),
    'bullmq.Queue|add': (call, analysis) => add(call, analysis),
    'bullmq.Queue|upsertJobScheduler': (call, analysis) => upsertJobScheduler(call, analysis),
    'bullmq.Queue|addBulk': (call, analysis) => withChannelIds(publishFact('bullmq', call, 'queue.addBulk', queueName(call, analysis), [arg(call, 0)]), queueIdentity(call)),
    'bull.Queue|add': (call, analysis) => {
      const first = arg(call, 0);
      // `add(name, data, opts)`: with three arguments the first is the job name, even when it is not a literal.
      const named = first && (stringValue(first) !== undefined || arg(call, 2) !== undefined);
      const data = named ? arg(call, 1) : first;
      const opts = named ? arg(call, 2) : arg(call, 1);
      const queue = queueName(call, analysis);
      const repeat = prop(opts, 'repeat');
      const built = publishFact('bull', call, `queue.add${queue ? ` to queue "${queue}"` : ''}`, queue, [data, opts], { nonIdempotent: !prop(opts, 'jobId') && !repeat, payload: { node: data } });
      const fact = withResult(repeat ? { ...built, scheduled: true } : built, call);
      // A job without a name is Bull's default job (`@Process()` takes it); a name that does not resolve is unknown.
      const job = named ? stringValue(first) : first && Node.isObjectLiteralExpression(first) ? BULL_DEFAULT_JOB : undefined;
      return withChannelIds(job !== undefined ? { ...fact, job } : fact, queueIdentity(call));
    },
    'bull.Queue|process': (call, analysis) => bullProcess(call, analysis),
    '@nestjs/bullmq#Processor|()': (call) => nestProcessor(call),
    '@nestjs/bull#Process|()': (call) => nestProcess(call),
  },
};
