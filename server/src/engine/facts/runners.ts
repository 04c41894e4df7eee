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

export interface Runner {
  fn: Node;
  when: 'schedule' | 'start';
}

/** The runners of a file: its scheduled functions, its lifecycle hooks, and the functions its top-level code calls. */
export function runnersOf(file: SourceFile, functions: Node[], analysis: Analysis): Runner[] {
  const out: Runner[] = [];
  const seen = new Set<Node>();
  const add = (fn: Node | undefined, when: Runner['when']) => {
    if (!fn || seen.has(fn) || fn.getSourceFile().isDeclarationFile()) return;
    seen.add(fn);
    out.push({ fn, when });
  };
  for (const fn of functions) {
    if (isScheduled(fn, analysis)) add(fn, 'schedule');
    else if (Node.isMethodDeclaration(fn) && LIFECYCLE_HOOKS.has(fn.getName()) && fn.getParent()?.getKind() === SyntaxKind.ClassDeclaration) add(fn, 'start');
  }
  for (const kind of [SyntaxKind.CallExpression, SyntaxKind.NewExpression]) {
    for (const call of file.getDescendantsOfKind(kind)) {
      for (const factory of scheduledFactoryCalls(call, analysis)) {
        const made = analysis.resolveCallee(factory);
        for (const fn of made ? returnedFunctions(made) : []) add(fn, 'schedule');
      }
    }
  }
  for (const statement of file.getStatements()) {
    if (Node.isFunctionDeclaration(statement) || Node.isClassDeclaration(statement) || Node.isInterfaceDeclaration(statement) || Node.isTypeAliasDeclaration(statement)) continue;
    for (const call of [statement, ...statement.getDescendantsOfKind(SyntaxKind.CallExpression)]) {
      if (Node.isCallExpression(call) && !call.getFirstAncestor(isFunctionLike)) add(analysis.resolveCallee(call), 'start');
    }
  }
  return out;
}

/** The functions a factory returns (`return async () => { ... }`), not those nested deeper. */
function returnedFunctions(fn: Node): Node[] {
  const out: Node[] = [];
  for (const ret of fn.getDescendantsOfKind(SyntaxKind.ReturnStatement)) {
    if (ret.getFirstAncestor(isFunctionLike) !== fn) continue;
    const value = ret.getExpression();
    if (value && isFunctionLike(value)) out.push(value);
  }
  if (Node.isArrowFunction(fn)) {
    const body = fn.getBody();
    if (isFunctionLike(body)) out.push(body);
  }
  return out;
}
