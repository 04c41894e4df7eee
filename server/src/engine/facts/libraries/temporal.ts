/**
 * Temporal task queues, for the system model only (`endpoint` facts the rules do not check):
 * workflows started on a task queue (`client.workflow.start(wf, { taskQueue })`,
 * nestjs-temporal-core's `temporalService.startWorkflow(name, args, { taskQueue })`), activities and
 * child workflows called on one (`proxyActivities({ taskQueue })`, `startChild`/`executeChild`),
 * and the workers polling it (`Worker.create({ taskQueue })`, nestjs-temporal-core's
 * `TemporalModule.register({ taskQueue, worker })`). A registration whose options come from a
 * wrapper's parameter (`static forRoot(options) { return TemporalModule.registerAsync({ useFactory:
 * () => ({ ...options }) }) }`) names its queue where the wrapper is called.
 *
 * A workflow start is also a publish for the rules: it hands work to other processes (the workers
 * polling its task queue), so a flow that writes its own datastore and then starts a workflow is
 * a dual write. A start with a `workflowId` is idempotent (Temporal refuses a second running
 * execution with that id); the workflow id and Temporal's history tie the workflow to its caller,
 * so a start is not checked for a correlation id. Activities are not consumers: Temporal records
 * their completion, it does not redeliver a message.
 */
import { Node } from 'ts-morph';
import type { Fact } from '../facts';
import type { LibraryTable, OperationAnalyzer } from './table';
import { arg, calleeName, channelName, objectLiteral, prop, stringValue } from '../syntax';
import { publishFact } from './build';

const LIBRARY = 'temporal';

function endpoint(call: Node, role: 'producer' | 'consumer', options: Node | undefined, detail: string): Fact | undefined {
  const queue = prop(options, 'taskQueue');
  if (!queue) return undefined;
  const channel = channelName(queue);
  return { kind: 'endpoint', role, node: calleeName(call), library: LIBRARY, detail: `${detail} on task queue "${channel ?? '?'}"`, channel };
}

const producer = (index: number, detail: string): OperationAnalyzer => (call) => endpoint(call, 'producer', arg(call, index), detail);

/** A workflow start: the task-queue endpoint and the publish the rules see (see above). */
const start = (index: number): OperationAnalyzer => (call, analysis) => {
  const options = arg(call, index);
  const workflow = stringValue(arg(call, 0)) ?? arg(call, 0)?.getText();
  const queue = prop(options, 'taskQueue');
  const queueName = queue ? channelName(queue) ?? queue.getText() : undefined;
  const detail = ['starts Temporal workflow', workflow && `"${workflow}"`, queueName && `on task queue ${queueName}`].filter(Boolean).join(' ');
  const publish = { ...publishFact(LIBRARY, call, detail, queueName, [], { nonIdempotent: !prop(options, 'workflowId') }), correlation: 'present' as const, correlationValues: [] };
  const ep = producer(index, 'Temporal workflow start')(call, analysis);
  return [...(ep ? (Array.isArray(ep) ? ep : [ep]) : []), publish];
};

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
    'temporal.WorkflowClient|start': start(1),
    'temporal.WorkflowClient|execute': start(1),
    'temporal.WorkflowClient|signalWithStart': start(1),
    'temporal.NestService|startWorkflow': start(2),
    '@temporalio/worker#Worker|create': (call) => endpoint(call, 'consumer', arg(call, 0), 'Temporal worker'),
    'nestjs-temporal-core#TemporalModule|register': registration,
    'nestjs-temporal-core#TemporalModule|registerAsync': registration,
    'nestjs-temporal-core#TemporalModule|forRoot': registration,
    'nestjs-temporal-core#TemporalModule|forRootAsync': registration,
  },
};
