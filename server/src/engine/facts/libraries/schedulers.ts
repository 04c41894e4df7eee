/**
 * Schedulers: what makes a function run on a timer rather than once per request or message.
 * NestJS `@Cron(...)` / `@Interval(...)` methods (`@nestjs/schedule`), callbacks given to
 * `cron.schedule(expr, fn)` (node-cron), `new CronJob(expr, fn)` / `CronJob.from({ onTick })` (cron),
 * `schedule.scheduleJob(rule, fn)` (node-schedule), and the global `setInterval(fn, ms)`; and, run
 * later in the same way, listeners of a job queue's events (`worker.on('failed', ...)`).
 */
import { Node } from 'ts-morph';
import type { Analysis } from '../analysis';
import { declarationOf, initializerOf } from '../syntax';
import { isJobQueueLibrary } from './delivery';

/** Decorators that schedule the method they decorate, as library exports. */
const SCHEDULE_DECORATORS = new Set(['@nestjs/schedule#Cron', '@nestjs/schedule#Interval']);
/** Modules whose exports run a callback given to them on a schedule. */
const SCHEDULER_MODULES = ['node-cron', 'cron', 'node-schedule', 'toad-scheduler'];

/** True when `fn` runs on a schedule: a scheduled method, or a callback a scheduler is given. */
export function isScheduled(fn: Node, analysis: Analysis): boolean {
  if (Node.isMethodDeclaration(fn) && fn.getDecorators().some((d) => SCHEDULE_DECORATORS.has(analysis.typeOf(d.getNameNode()) ?? ''))) return true;
  if (isJobQueueListener(fn, analysis)) return true;
  let at: Node = fn;
  // `{ onTick: async () => ... }` given to `CronJob.from(...)`
  const parent = at.getParent();
  if (parent && Node.isPropertyAssignment(parent)) at = parent.getParent() ?? at;
  const call = at.getParent();
  if (!call || !(Node.isCallExpression(call) || Node.isNewExpression(call)) || !call.getArguments().includes(at as never)) return false;
  return isSchedulerCall(call, analysis);
}

/**
 * A listener of a job queue's own events (`worker.on('failed', async (job, err) => ...)` on a BullMQ
 * `Worker`, bull's `queue.on('completed', ...)`): it runs when the queue reports a job's outcome,
 * later and once per job, not in the start-up code that registers it.
 */
function isJobQueueListener(fn: Node, analysis: Analysis): boolean {
  const call = fn.getParent();
  if (!call || !Node.isCallExpression(call) || call.getArguments()[1] !== fn) return false;
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || !/^(on|once)$/.test(callee.getName())) return false;
  const receiver = callee.getExpression();
  // `const worker = new Worker(...)`: the class it was built from, when the instance has no table type.
  const init = Node.isIdentifier(receiver) ? initializerOf(receiver) : undefined;
  const t = analysis.typeOf(receiver) ?? (init && Node.isNewExpression(init) ? analysis.typeOf(init.getExpression()) : undefined);
  return !!t && isJobQueueLibrary(/^[^#.]+/.exec(t)?.[0] ?? '');
}

/** True when a call (or `new`) runs the callbacks it is given on a schedule: `setInterval`, `cron.schedule`, `new CronJob`, `CronJob.from`. */
export function isSchedulerCall(call: Node, analysis: Analysis): boolean {
  if (!Node.isCallExpression(call) && !Node.isNewExpression(call)) return false;
  const callee = call.getExpression();
  if (Node.isIdentifier(callee) && callee.getText() === 'setInterval' && !declarationOf(callee)) return true;
  const t = analysis.typeOf(Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee);
  return !!t && SCHEDULER_MODULES.includes(/^[^#.]+/.exec(t)?.[0] ?? '');
}

/**
 * The calls whose result a scheduler is given to run (`onTick: this.tasks.reDispatch()`,
 * `setInterval(makeSweep(db), ms)`): the function each returns is the scheduled one.
 */
export function scheduledFactoryCalls(call: Node, analysis: Analysis): Node[] {
  if (!Node.isCallExpression(call) && !Node.isNewExpression(call)) return [];
  const given = call.getArguments().flatMap((a) => (Node.isObjectLiteralExpression(a) ? a.getProperties().flatMap((p) => (Node.isPropertyAssignment(p) ? [p.getInitializerOrThrow()] : [])) : [a]));
  const factories = given.filter((a) => Node.isCallExpression(a));
  return factories.length && isSchedulerCall(call, analysis) ? factories : [];
}
