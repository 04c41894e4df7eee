/**
 * Where a library decorator call lands. Written on a method (`@RabbitSubscribe({...}) handle()`),
 * that method. Composed with Nest's `applyDecorators` into a decorator factory of the workspace
 * (`export const CompetingConsumer = (config) => applyDecorators(RabbitSubscribe({ queue:
 * config.queueName }))`), every method decorated with a call of that factory
 * (`@CompetingConsumer({ queueName: 'orders' })`), with the factory's parameters read as the
 * arguments that use gives.
 */
import { Node } from 'ts-morph';
import type { Analysis } from './analysis';
import { isFunctionLike } from './analysis';
import { callSites, functionName } from './carriers';
import { parameterOf, prop } from './syntax';

export interface DecoratorUse {
  /** The decorator's call where it is written on the declaration (the finding's place). */
  call: Node;
  /** The decorated declaration: a method, a class, a property. */
  target: Node;
  /** An expression of the library call, as the use gives it (a factory parameter becomes the use's argument). */
  argument(expr: Node | undefined): Node | undefined;
}

const same = (expr: Node | undefined) => expr;

/** The uses of a library decorator call, directly or through applyDecorators factories; empty when it decorates nothing. */
export function decoratorUses(call: Node, analysis: Analysis): DecoratorUse[] {
  const parent = call.getParent();
  if (parent && Node.isDecorator(parent)) return [{ call, target: parent.getParent(), argument: same }];
  const compose = parent && Node.isCallExpression(parent) && /(^|\.)applyDecorators$/.test(parent.getExpression().getText()) ? parent : undefined;
  if (!compose) return [];
  const factory = factoryReturning(compose);
  const name = factory && functionName(factory);
  if (!factory || !name) return [];
  const params = (factory as unknown as { getParameters(): Node[] }).getParameters();
  const out: DecoratorUse[] = [];
  for (const site of callSites(factory, name, analysis)) {
    const decorator = site.getParent();
    if (!decorator || !Node.isDecorator(decorator)) continue;
    const args = site.getArguments();
    out.push({ call: site, target: decorator.getParent(), argument: (expr) => bound(expr, params, args) });
  }
  return out;
}

/** The function whose result is the applyDecorators call: its arrow body or one of its `return`s. */
function factoryReturning(compose: Node): Node | undefined {
  const parent = compose.getParent();
  const fn = parent && Node.isReturnStatement(parent) ? parent.getFirstAncestor(isFunctionLike) : parent;
  return fn && isFunctionLike(fn) ? fn : undefined;
}

/** `config` or `config.queueName` where `config` is the factory's parameter: the use's argument (or its property). */
function bound(expr: Node | undefined, params: Node[], args: Node[]): Node | undefined {
  const base = expr && Node.isPropertyAccessExpression(expr) ? expr.getExpression() : expr;
  const param = parameterOf(base);
  const i = param ? params.indexOf(param) : -1;
  if (i < 0) return expr;
  return expr && Node.isPropertyAccessExpression(expr) ? prop(args[i], expr.getName()) : args[i];
}
