/**
 * Schedulers: what makes a function run on a timer rather than once per request or message.
 * NestJS `@Cron(...)` / `@Interval(...)` methods (`@nestjs/schedule`), callbacks given to
 * `cron.schedule(expr, fn)` (node-cron), `new CronJob(expr, fn)` / `CronJob.from({ onTick })` (cron),
 * `schedule.scheduleJob(rule, fn)` (node-schedule), and the global `setInterval(fn, ms)`.
 */
import { Node } from 'ts-morph';
import type { Analysis } from '../analysis';
import { declarationOf } from '../syntax';

/** Decorators that schedule the method they decorate, as library exports. */
const SCHEDULE_DECORATORS = new Set(['@nestjs/schedule#Cron', '@nestjs/schedule#Interval']);
/** Modules whose exports run a callback given to them on a schedule. */
const SCHEDULER_MODULES = ['node-cron', 'cron', 'node-schedule', 'toad-scheduler'];

/** True when `fn` runs on a schedule: a scheduled method, or a callback a scheduler is given. */
export function isScheduled(fn: Node, analysis: Analysis): boolean {
  if (Node.isMethodDeclaration(fn) && fn.getDecorators().some((d) => SCHEDULE_DECORATORS.has(analysis.typeOf(d.getNameNode()) ?? ''))) return true;
  let at: Node = fn;
  // `{ onTick: async () => ... }` given to `CronJob.from(...)`
  const parent = at.getParent();
  if (parent && Node.isPropertyAssignment(parent)) at = parent.getParent() ?? at;
  const call = at.getParent();
  if (!call || !(Node.isCallExpression(call) || Node.isNewExpression(call)) || !call.getArguments().includes(at as never)) return false;
  return isSchedulerCall(call, analysis);
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
