/**
 * Schedulers: what makes a function run on a timer rather than once per request or message.
 * NestJS `@Cron(...)` / `@Interval(...)` methods (`@nestjs/schedule`), callbacks given to
 * `cron.schedule(expr, fn)` (node-cron), `new CronJob(expr, fn)` / `CronJob.from({ onTick })` (cron),
 * `schedule.scheduleJob(rule, fn)` (node-schedule), and the global `setInterval(fn, ms)`.
 */
import { Node } from 'ts-morph';
import type { Analysis } from '../analysis';
import { declarationOf } from '../syntax';
import { moduleOfImportNode } from '../importedTypes';

/** Decorators that schedule the method they decorate, by the module that exports them. */
const SCHEDULE_DECORATORS: Record<string, string[]> = { '@nestjs/schedule': ['Cron', 'Interval'] };
/** Modules whose exports run a callback given to them on a schedule. */
const SCHEDULER_MODULES = ['node-cron', 'cron', 'node-schedule', 'toad-scheduler'];

/** True when `fn` runs on a schedule: a scheduled method, or a callback a scheduler is given. */
export function isScheduled(fn: Node, analysis: Analysis): boolean {
  if (Node.isMethodDeclaration(fn) && fn.getDecorators().some((d) => scheduleDecorator(d))) return true;
  let at: Node = fn;
  // `{ onTick: async () => ... }` given to `CronJob.from(...)`
  const parent = at.getParent();
  if (parent && Node.isPropertyAssignment(parent)) at = parent.getParent() ?? at;
  const call = at.getParent();
  if (!call || !(Node.isCallExpression(call) || Node.isNewExpression(call)) || !call.getArguments().includes(at as never)) return false;
  const callee = call.getExpression();
  if (Node.isIdentifier(callee) && callee.getText() === 'setInterval' && !declarationOf(callee)) return true;
  const typed = Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee;
  const t = analysis.typeOf(typed);
  return !!t && SCHEDULER_MODULES.includes(t.slice(0, t.indexOf('#') >= 0 ? t.indexOf('#') : t.indexOf('.')));
}

function scheduleDecorator(decorator: Node): boolean {
  if (!Node.isDecorator(decorator)) return false;
  let decl: Node | undefined;
  try {
    // The import specifier itself (the library's declaration files are never loaded).
    decl = decorator.getNameNode().getSymbol()?.getDeclarations()[0];
  } catch {
    return false;
  }
  if (!decl || !Node.isImportSpecifier(decl)) return false;
  const module = moduleOfImportNode(decl);
  return !!module && (SCHEDULE_DECORATORS[module] ?? []).includes(decl.getNameNode().getText());
}
