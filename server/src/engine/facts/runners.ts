/**
 * Runners: functions the process runs by itself rather than once per request or message. On a timer
 * (libraries/schedulers.ts: `@Cron`, `cron.schedule`, `new CronJob`, `setInterval`, and the function a
 * call given to a scheduler returns), or once when it starts: a call in a module's top-level code
 * (`await reconcileJobSchedulers(...)`, `main().catch(...)`) and the lifecycle hooks a framework calls
 * at start (LIFECYCLE_HOOKS). A repeatable job's handler is found by the rules (scheduledJobHandler.ts).
 */
import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import type { Analysis } from './analysis';
import { isFunctionLike } from './analysis';
import { isScheduled, scheduledFactoryCalls } from './libraries/schedulers';

/** Methods a framework calls once as the application starts (NestJS `OnModuleInit`, `OnApplicationBootstrap`). */
const LIFECYCLE_HOOKS = new Set(['onModuleInit', 'onApplicationBootstrap']);

/** The runners of a file: its scheduled functions, its lifecycle hooks, and the functions its top-level code calls. */
export function runnersOf(file: SourceFile, functions: Node[], analysis: Analysis): Node[] {
  const out = new Set<Node>();
  const add = (fn: Node | undefined) => {
    if (fn && !fn.getSourceFile().isDeclarationFile()) out.add(fn);
  };
  for (const fn of functions) {
    if (isScheduled(fn, analysis)) add(fn);
    else if (Node.isMethodDeclaration(fn) && LIFECYCLE_HOOKS.has(fn.getName()) && fn.getParent()?.getKind() === SyntaxKind.ClassDeclaration) add(fn);
  }
  // `onTick: this.tasks.reDispatch()`: the function the factory returns (the resolver's handler-factory rule).
  for (const kind of [SyntaxKind.CallExpression, SyntaxKind.NewExpression]) {
    for (const call of file.getDescendantsOfKind(kind)) for (const factory of scheduledFactoryCalls(call, analysis)) add(analysis.functionFrom(factory));
  }
  for (const statement of file.getStatements()) {
    if (Node.isFunctionDeclaration(statement) || Node.isClassDeclaration(statement) || Node.isInterfaceDeclaration(statement) || Node.isTypeAliasDeclaration(statement)) continue;
    for (const call of [statement, ...statement.getDescendantsOfKind(SyntaxKind.CallExpression)]) {
      if (Node.isCallExpression(call) && !call.getFirstAncestor(isFunctionLike)) add(analysis.resolveCallee(call));
    }
  }
  return [...out];
}
