/**
 * non-idempotent-consumer: a Bull `@Process('name')` handler for a job name that no producer of its queue adds
 * (every producer of that queue in the workspace naming its jobs) runs in no execution. A producer that adds
 * the name, one whose job name does not resolve, or a queue nobody in the workspace feeds keeps the finding.
 */
import { runRuleTests } from '../support/ruleTester';

/** A mail processor with two job handlers (lines 9 and 13), and a service adding `add` to its queue. */
const mail = (add: string | undefined) => ({
  'services/notifications/src/mail.processor.ts': `import { Process, Processor } from '@nestjs/bull';
import { MailerService } from '@nestjs-modules/mailer';
import { Job } from 'bull';

@Processor('mail')
export class MailProcessor {
  constructor(private readonly mailer: MailerService) {}

  @Process('welcome')
  async sendWelcome(job: Job<{ email: string }>) {
    await this.mailer.sendMail({ to: job.data.email, subject: 'Welcome' });
  }
  @Process('send-batch')
  async sendBatch(job: Job<{ emails: string[] }>) {
    for (const to of job.data.emails) await this.mailer.sendMail({ to, subject: 'News' });
  }
}
`,
  ...(add === undefined ? {} : {
    'services/notifications/src/users.service.ts': `import { InjectQueue } from '@nestjs/bull';
import { Queue } from 'bull';

export class UsersService {
  constructor(@InjectQueue('mail') private readonly mail: Queue) {}
  async signUp(email: string, kind: string) {
    await this.mail.add(${add}, { email });
  }
}
`,
  }),
});

const welcome = { messageId: 'unguarded', file: 'services/notifications/src/mail.processor.ts', line: 9, column: 4 };
const batch = { messageId: 'unguarded', file: 'services/notifications/src/mail.processor.ts', line: 13, column: 4 };

runRuleTests('non-idempotent-consumer', {
  valid: [],
  invalid: [
    { name: 'only "welcome" is ever added: the "send-batch" handler is fed by nothing', files: mail("'welcome'"), errors: [welcome] },
    { name: 'a job name that does not resolve may be either', files: mail('kind'), errors: [welcome, batch] },
    { name: 'no producer of the queue in the workspace: another system may feed both', files: mail(undefined), errors: [welcome, batch] },
  ],
});
