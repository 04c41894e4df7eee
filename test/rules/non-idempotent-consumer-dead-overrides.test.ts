/**
 * non-idempotent-consumer: a handler declared once in an abstract base processor (`@Process()` calling
 * `this.process(job)`) runs the overrides of the subclasses the framework is given. A subclass that nothing
 * in production names (its decorator and provider entry removed, only a barrel's `export *` left) is never
 * constructed, so its override's effects are not the handler's. A subclass named anywhere (a provider list,
 * a `new`) keeps them.
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

const files = (decorated: boolean, registered: boolean) => ({
  'services/queue-consumers/src/processors/base-queue.ts': base,
  'services/queue-consumers/src/processors/atbc-response.scheduler.ts': scheduler(decorated),
  'services/queue-consumers/src/processors/index.ts': "export * from './base-queue';\nexport * from './atbc-response.scheduler';\n",
  'services/queue-consumers/src/app.module.ts': registered
    ? "import { AtbcResponseScheduler } from './processors';\nexport const providers = [AtbcResponseScheduler];\n"
    : "// The ATBC scheduler was removed from the providers.\nexport const providers = [];\n",
});

const error = { messageId: 'unguarded', file: 'services/queue-consumers/src/processors/base-queue.ts', line: 5, column: 4 };

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'the only subclass has no decorator and no production code names it: its POST never runs', files: files(false, false) },
  ],
  invalid: [
    { name: 'the subclass is registered as a provider', files: files(false, true), errors: [error] },
    { name: 'the subclass is a decorated processor', files: files(true, false), errors: [error] },
  ],
});
