/**
 * A MongoDB change-stream listener relays changes already committed (change data capture): its publish
 * followed by saving the resume token is the relay's checkpoint, not a dual write. A `watch()` without
 * change-stream options (a file watcher) is no relay. Also: a callback registry whose loop variable has
 * the registration method's name (`for (const upgrade of this.upgradeCallbacks) await upgrade(state)`)
 * is resolved without recursing forever.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const MODELS = lines(
  "import mongoose from 'mongoose';",
  '',
  "export const Checkpoint = mongoose.model('Checkpoint', new mongoose.Schema({ key: String, resumeToken: String }));",
  "export const Order = mongoose.model('Order', new mongoose.Schema({ total: Number }));",
);

const NATS = lines(
  "import { connect } from 'nats';",
  '',
  'export async function publish(subject: string, data: unknown) {',
  '  const nc = await connect({ servers: process.env.NATS_URL });',
  '  await nc.jetstream().publish(subject, JSON.stringify(data));',
  '}',
);

const RELAY = lines(
  "import mongoose from 'mongoose';",
  "import { Checkpoint } from './models';",
  "import { publish } from './nats';",
  '',
  'export function watch(connection: mongoose.Connection, key: string, resumeAfter?: string) {',
  "  const stream = connection.db!.watch([], { fullDocument: 'updateLookup', resumeAfter: resumeAfter ? { _data: resumeAfter } : undefined });",
  "  stream.on('change', async (change: any) => {",
  '    await publish(`${change.ns.db}.${change.ns.coll}`, { documentKey: change.documentKey, fullDocument: change.fullDocument });',
  '    await Checkpoint.updateOne({ key }, { key, resumeToken: change._id._data }, { upsert: true });',
  '  });',
  '}',
);

const FILE_WATCHER = lines(
  "import chokidar from 'chokidar';",
  "import { Order } from './models';",
  "import { publish } from './nats';",
  '',
  'export function watchImports(dir: string) {',
  "  chokidar.watch(dir).on('change', async (file: string) => {",
  '    const order = await new Order({ total: 0 }).save();',
  "    await publish('orders.imported', { file, orderId: order.id, correlationId: file });",
  '  });',
  '}',
);

const REGISTRY = lines(
  "import { Order } from './models';",
  "import { publish } from './nats';",
  '',
  'type State = { user?: string; correlationId?: string };',
  'export class Gateway {',
  '  private upgradeCallbacks: ((state: State) => Promise<void>)[] = [];',
  '  public upgrade(callback: (state: State) => Promise<void>) {',
  '    this.upgradeCallbacks.push(callback);',
  '  }',
  '  public async onUpgradeRequest(state: State) {',
  '    for (const upgrade of this.upgradeCallbacks) {',
  '      await upgrade(state);',
  '    }',
  '  }',
  '}',
  '',
  'export const gateway = new Gateway();',
  'gateway.upgrade(async (state) => {',
  '  const order = await new Order({ total: 0 }).save();',
  "  await publish('orders.opened', { orderId: order.id, correlationId: state.correlationId });",
  '});',
);

const files = (name: string, text: string) => ({ 'services/cdc/src/models.ts': MODELS, 'services/cdc/src/nats.ts': NATS, [`services/cdc/src/${name}`]: text });

runRuleTests('dual-write', {
  valid: [{ name: 'a change-stream listener publishes each change, then saves its resume token', files: files('watch.ts', RELAY) }],
  invalid: [
    {
      name: "a file watcher's 'change' listener is no relay",
      files: files('imports.ts', FILE_WATCHER),
      errors: [{ messageId: 'dualWrite', file: 'services/cdc/src/imports.ts', ...at(FILE_WATCHER, 'publish(') }],
    },
    {
      name: 'a callback registered through a method named like the loop variable that calls it',
      files: files('gateway.ts', REGISTRY),
      errors: [{ messageId: 'dualWrite', file: 'services/cdc/src/gateway.ts', ...at(REGISTRY, "publish('orders.opened'") }],
    },
  ],
});
