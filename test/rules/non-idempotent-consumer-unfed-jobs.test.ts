/**
 * non-idempotent-consumer: a Bull `@Process('name')` handler for a job name that no producer of its queue adds
 * (every producer of that queue in the workspace naming its jobs) runs in no execution. A producer that adds
 * the name, one whose job name does not resolve, or a queue nobody in the workspace feeds keeps the finding.
 * So does a queue whose every producer is code nothing runs: a method of a registered service whose only call
 * was commented out (a call of another class's method of the same name is not a call of it).
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

/**
 * The same processor; its queue is fed only by `UsersService.signUp` (a registered provider), which the
 * controller calls (`call`), calls only in a comment (`comment`), or does not call while calling an
 * `AuditService.signUp` of its own (`other`).
 */
const deadProducer = (caller: 'call' | 'comment' | 'other') => ({
  ...mail('kind'),
  'services/notifications/package.json': JSON.stringify({ name: 'notifications', version: '1.0.0', scripts: { start: 'node dist/main.js' } }),
  'services/notifications/src/app.module.ts': `import { UsersService } from './users.service';
import { AuditService } from './audit.service';
export const providers = [UsersService, AuditService];
`,
  'services/notifications/src/audit.service.ts': `export class AuditService {
  async signUp(email: string) {
    return email.length;
  }
}
`,
  'services/notifications/src/users.controller.ts': `import { UsersService } from './users.service';
import { AuditService } from './audit.service';

export class UsersController {
  constructor(private readonly users: UsersService, private readonly audit: AuditService) {}
  async post(email: string) {
    ${caller === 'call' ? "await this.users.signUp(email, 'welcome');" : caller === 'comment' ? "// await this.users.signUp(email, 'welcome');" : 'await this.audit.signUp(email);'}
  }
}
`,
});

const welcome = { messageId: 'unguarded', file: 'services/notifications/src/mail.processor.ts', line: 9, column: 4 };
const batch = { messageId: 'unguarded', file: 'services/notifications/src/mail.processor.ts', line: 13, column: 4 };

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'the only producer of the queue is a method whose call was commented out', files: deadProducer('comment') },
    { name: 'the only producer of the queue is a method never called: the controller calls another class\'s signUp', files: deadProducer('other') },
  ],
  invalid: [
    { name: 'only "welcome" is ever added: the "send-batch" handler is fed by nothing', files: mail("'welcome'"), errors: [welcome] },
    { name: 'a job name that does not resolve may be either', files: mail('kind'), errors: [welcome, batch] },
    { name: 'no producer of the queue in the workspace: another system may feed both', files: mail(undefined), errors: [welcome, batch] },
    { name: 'the producer method is called by the controller', files: deadProducer('call'), errors: [welcome, batch] },
  ],
});
