/**
 * non-idempotent-consumer: a handler declared once in an abstract base processor (`@Process()` calling
 * `this.process(job)`) runs the overrides of the subclasses the framework is given. A subclass that nothing
 * in production names (its decorator and provider entry removed, only a barrel's `export *` left) while a
 * sibling subclass is registered by name is never constructed, so its override's effects are not the
 * handler's. A subclass named anywhere (a provider list, a `new`) keeps them, and so does one whose
 * siblings are not named either (a container may load classes by file name).
 */
import { runRuleTests } from '../support/ruleTester';

const base = `import { Process } from '@nestjs/bull';
import { Job } from 'bull';

export abstract class BaseQueue<T> {
  @Process()
  async processQueue(job: Job<T>): Promise<void> {
    await this.process(job);
  }
  protected abstract process(job: Job<T>): Promise<void>;
}
`;

const scheduler = (decorated: boolean) => `import { Processor } from '@nestjs/bull';
import { Job } from 'bull';
import axios from 'axios';
import { BaseQueue } from './base-queue';

${decorated ? "@Processor('atbc-response')\n" : ''}export class AtbcResponseScheduler extends BaseQueue<void> {
  protected async process(job: Job<void>): Promise<void> {
    await axios.post('https://atbc.example.gov/api/requests', { job: job.id });
  }
}
`;

/** A sibling scheduler with no effects of its own, registered by name unless `siblingNamed` is false. */
const sibling = `import { Processor } from '@nestjs/bull';
import { Job } from 'bull';
import { BaseQueue } from './base-queue';

export class SfasScheduler extends BaseQueue<void> {
  protected async process(job: Job<void>): Promise<void> {
    console.log('sfas', job.id);
  }
}
`;

const files = (decorated: boolean, registered: boolean, siblingNamed = true) => ({
  'services/queue-consumers/src/processors/base-queue.ts': base,
  'services/queue-consumers/src/processors/atbc-response.scheduler.ts': scheduler(decorated),
  'services/queue-consumers/src/processors/sfas.scheduler.ts': sibling,
  'services/queue-consumers/src/processors/index.ts': "export * from './base-queue';\nexport * from './atbc-response.scheduler';\nexport * from './sfas.scheduler';\n",
  'services/queue-consumers/src/app.module.ts': [
    `import { ${[registered ? 'AtbcResponseScheduler' : '', siblingNamed ? 'SfasScheduler' : ''].filter(Boolean).join(', ') || 'BaseQueue'} } from './processors';`,
    '// The ATBC scheduler was removed from the providers.',
    `export const providers = [${[registered ? 'AtbcResponseScheduler' : '', siblingNamed ? 'SfasScheduler' : ''].filter(Boolean).join(', ')}];`,
    '',
  ].join('\n'),
});

const error = { messageId: 'unguarded', file: 'services/queue-consumers/src/processors/base-queue.ts', line: 5, column: 4 };

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'the subclass has no decorator and no production code names it, while its sibling is registered: its POST never runs', files: files(false, false) },
  ],
  invalid: [
    { name: 'the subclass is registered as a provider', files: files(false, true), errors: [error] },
    { name: 'the subclass is a decorated processor', files: files(true, false), errors: [error] },
    { name: 'no subclass is named: they may be registered by a convention not read', files: files(false, false, false), errors: [error] },
  ],
});
