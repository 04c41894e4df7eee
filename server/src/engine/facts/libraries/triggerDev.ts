/**
 * Trigger.dev background tasks (`@trigger.dev/sdk`, `@trigger.dev/sdk/v3`): a task is defined with
 * `task({ id, run })` or `schemaTask({ id, schema, run })`, whose `run` is the handler of the runs
 * triggered for that id; a flow hands work to it with `tasks.trigger(id, payload, options)`,
 * `myTask.trigger(payload, options)` or their batch forms. The task id is the channel.
 *
 * A crashed run is final; a run that throws is run again under the task's `retry` settings. Whether
 * an effect can be repeated then depends on what can throw after it (notification tasks catch their
 * own failures), which is not followed: a task is taken as run once (delivery.ts), and
 * non-idempotent-consumer stays silent on it (every finding read on the corpus was false). A trigger with an
 * `idempotencyKey` is idempotent (a second trigger with the key returns the first run). Trigger.dev
 * records each run with the trace context and the parent run of the code that triggered it, so a
 * trigger is not checked for a correlation id. `triggerAndWait` waits for the run's result: a call
 * into the task, not an event.
 */
import { Node } from 'ts-morph';
import type { Fact } from '../facts';
import type { LibraryTable, OperationAnalyzer } from './table';
import { consumerFact, publishFact } from './build';
import { arg, calleeName, channelName, initializerOf, prop, receiver } from '../syntax';

const LIBRARY = 'trigger-dev';
const MODULES = ['@trigger.dev/sdk', '@trigger.dev/sdk/v3'];

/** A trigger: `payload` and `options` are the arguments at those positions; the task id is `id`. */
function trigger(call: Node, id: Node | undefined, payloadAt: number, optionsAt: number, waits: boolean): Fact {
  const channel = channelName(id);
  const options = arg(call, optionsAt);
  const method = Node.isCallExpression(call) ? calleeName(call).getText() : 'trigger';
  const detail = `${method} Trigger.dev task "${channel ?? '?'}"`;
  const published = publishFact(LIBRARY, call, detail, channel, [], { nonIdempotent: !prop(options, 'idempotencyKey'), payload: { node: arg(call, payloadAt) } });
  return { ...published, correlation: 'present', correlationValues: [], ...(waits ? { awaitsResult: true } : {}) };
}

/** `tasks.trigger(id, payload, options)` and its forms. */
const byId = (waits: boolean): OperationAnalyzer => (call) => trigger(call, arg(call, 0), 1, 2, waits);

/** `myTask.trigger(payload, options)`: the id is in the `task({ id })` the receiver was defined with. */
const onTask = (waits: boolean): OperationAnalyzer => (call) => {
  const recv = receiver(call);
  const definition = recv ? initializerOf(recv) : undefined;
  const id = definition && Node.isCallExpression(definition) ? prop(arg(definition, 0), 'id') : undefined;
  return trigger(call, id, 0, 1, waits);
};

/** `task({ id, retry, run })`: the consumer of the runs triggered for `id`. */
const definition: OperationAnalyzer = (call) => {
  const options = arg(call, 0);
  const run = prop(options, 'run');
  const handler = run && (Node.isArrowFunction(run) || Node.isFunctionExpression(run) || Node.isMethodDeclaration(run)) ? run : undefined;
  const id = prop(options, 'id');
  const channel = channelName(id);
  return consumerFact(LIBRARY, call, calleeName(call), handler, channel, `Trigger.dev task "${channel ?? '?'}"`, 'trigger-dev');
};

const transitions: Record<string, string> = {};
const operations: Record<string, OperationAnalyzer> = {};
for (const m of MODULES) {
  for (const factory of ['task', 'schemaTask']) {
    transitions[`${m}#${factory}|()`] = 'trigger-dev.Task';
    operations[`${m}#${factory}|()`] = definition;
  }
  operations[`${m}#tasks|trigger`] = byId(false);
  operations[`${m}#tasks|batchTrigger`] = byId(false);
  operations[`${m}#tasks|triggerAndWait`] = byId(true);
  operations[`${m}#tasks|batchTriggerAndWait`] = byId(true);
}
operations['trigger-dev.Task|trigger'] = onTask(false);
operations['trigger-dev.Task|batchTrigger'] = onTask(false);
operations['trigger-dev.Task|triggerAndWait'] = onTask(true);
operations['trigger-dev.Task|batchTriggerAndWait'] = onTask(true);

export const triggerDev: LibraryTable = { name: LIBRARY, transitions, operations };
