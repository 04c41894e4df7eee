/**
 * Temporal task queues, for the system model only (`endpoint` facts the rules do not check):
 * workflows started on a task queue (`client.workflow.start(wf, { taskQueue })`,
 * nestjs-temporal-core's `temporalService.startWorkflow(name, args, { taskQueue })`), activities and
 * child workflows called on one (`proxyActivities({ taskQueue })`, `startChild`/`executeChild`),
 * and the workers polling it (`Worker.create({ taskQueue })`, nestjs-temporal-core's
 * `TemporalModule.register({ taskQueue, worker })`). A registration whose options come from a
 * wrapper's parameter (`static forRoot(options) { return TemporalModule.registerAsync({ useFactory:
 * () => ({ ...options }) }) }`) names its queue where the wrapper is called.
 */
import { Node } from 'ts-morph';
import type { Fact } from '../facts';
import type { LibraryTable, OperationAnalyzer } from './table';
import { arg, calleeName, channelName, objectLiteral, prop } from '../syntax';

const LIBRARY = 'temporal';

function endpoint(call: Node, role: 'producer' | 'consumer', options: Node | undefined, detail: string): Fact | undefined {
  const queue = prop(options, 'taskQueue');
  if (!queue) return undefined;
  const channel = channelName(queue);
  return { kind: 'endpoint', role, node: calleeName(call), library: LIBRARY, detail: `${detail} on task queue "${channel ?? '?'}"`, channel };
}

const producer = (index: number, detail: string): OperationAnalyzer => (call) => endpoint(call, 'producer', arg(call, index), detail);

/** nestjs-temporal-core module registration: a worker when the options configure one. */
const registration: OperationAnalyzer = (call) => {
  const options = arg(call, 0);
  if (prop(options, 'taskQueue')) return prop(options, 'worker') ? endpoint(call, 'consumer', options, 'Temporal worker') : undefined;
  // `useFactory: () => ({ ...options, connection })`: the options are a parameter of the enclosing wrapper.
  const factory = prop(options, 'useFactory');
  const returned = factory && (Node.isArrowFunction(factory) || Node.isFunctionExpression(factory)) ? factory.getBody() : undefined;
  const body = returned && Node.isParenthesizedExpression(returned) ? returned.getExpression() : returned;
  const object = objectLiteral(body);
  for (const p of object?.getProperties() ?? []) {
    if (!Node.isSpreadAssignment(p)) continue;
    const decl = p.getExpression().getSymbol()?.getDeclarations()[0];
    if (!decl || !Node.isParameterDeclaration(decl)) continue;
    return { kind: 'endpoint', role: 'consumer', node: calleeName(call), library: LIBRARY, detail: 'Temporal worker (task queue given by the caller)', channelFrom: { param: decl, key: 'taskQueue', requires: 'worker' } };
  }
  return undefined;
};

export const temporal: LibraryTable = {
  name: 'temporal',
  transitions: {
    '@temporalio/client#Client|new': 'temporal.Client',
    '@temporalio/client#Client|instance': 'temporal.Client',
    'temporal.Client|.workflow': 'temporal.WorkflowClient',
    '@temporalio/client#WorkflowClient|new': 'temporal.WorkflowClient',
    '@temporalio/client#WorkflowClient|instance': 'temporal.WorkflowClient',
    'nestjs-temporal-core#TemporalService|instance': 'temporal.NestService',
    'nestjs-temporal-core#TemporalClientService|instance': 'temporal.NestService',
  },
  operations: {
    '@temporalio/workflow#proxyActivities|()': producer(0, 'Temporal activities'),
    '@temporalio/workflow#startChild|()': producer(1, 'Temporal child workflow'),
    '@temporalio/workflow#executeChild|()': producer(1, 'Temporal child workflow'),
    'temporal.WorkflowClient|start': producer(1, 'Temporal workflow start'),
    'temporal.WorkflowClient|execute': producer(1, 'Temporal workflow start'),
    'temporal.WorkflowClient|signalWithStart': producer(1, 'Temporal workflow start'),
    'temporal.NestService|startWorkflow': producer(2, 'Temporal workflow start'),
    '@temporalio/worker#Worker|create': (call) => endpoint(call, 'consumer', arg(call, 0), 'Temporal worker'),
    'nestjs-temporal-core#TemporalModule|register': registration,
    'nestjs-temporal-core#TemporalModule|registerAsync': registration,
    'nestjs-temporal-core#TemporalModule|forRoot': registration,
    'nestjs-temporal-core#TemporalModule|forRootAsync': registration,
  },
};
