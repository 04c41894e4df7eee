/**
 * dual-write and a scheduled relay: a `@Cron` job that first aborts stale rows, then selects the
 * pending ones and enqueues each, is the polling publisher an outbox relay is: a lost enqueue is
 * derived again on the next run. The same code run per request is still reported, and so is a run
 * that marks the selected rows queued before enqueueing them (the next run would not find them).
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const RELAY = (decorator: string, mark = '') => lines(
  "import { Injectable } from '@nestjs/common';",
  "import { Cron } from '@nestjs/schedule';",
  "import { InjectModel } from '@nestjs/mongoose';",
  "import { InjectQueue } from '@nestjs/bullmq';",
  "import type { Model } from 'mongoose';",
  "import type { Queue } from 'bullmq';",
  '',
  '@Injectable()',
  'export class DeliveryService {',
  "  constructor(@InjectModel('Notification') private notifications: Model<{ deliveredAt?: Date; abortedAt?: Date }>, @InjectQueue('delivery') private queue: Queue) {}",
  '',
  `  ${decorator}`,
  '  async deliverPending() {',
  '    const monthAgo = new Date(Date.now() - 30 * 86400000);',
  '    await this.notifications.updateMany({ deliveredAt: null, createdAt: { $lt: monthAgo } }, { $set: { abortedAt: new Date() } });',
  '    const pending = await this.notifications.find({ deliveredAt: null, abortedAt: null }).limit(200);',
  `    ${mark}`,
  '    for (const n of pending) {',
  "      await this.queue.add('deliver', { id: n._id.toString() });",
  '    }',
  '  }',
  '}',
);

const CRON = RELAY("@Cron('0 */5 * * * *')");
const ON_REQUEST = RELAY('');
const MARKED = RELAY("@Cron('0 */5 * * * *')", "await this.notifications.updateMany({ _id: { $in: pending.map((p) => p._id) } }, { $set: { queuedAt: new Date() } });");

const FILE = 'services/delivery/src/delivery.service.ts';

runRuleTests('dual-write', {
  valid: [{ name: 'a @Cron job that enqueues the rows it selects after aborting stale ones', files: { [FILE]: CRON } }],
  invalid: [
    { name: 'the same code run per request', files: { [FILE]: ON_REQUEST }, errors: [{ messageId: 'dualWrite', file: FILE, ...at(ON_REQUEST, 'add(') }] },
    { name: 'a scheduled run that marks the selected rows before enqueueing them', files: { [FILE]: MARKED }, errors: [{ messageId: 'dualWrite', file: FILE, ...at(MARKED, 'add(') }] },
  ],
});
