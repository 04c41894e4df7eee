/**
 * Outside side effects reached through wrappers: SMS through SNS
 * (`PhoneNumber`, not a message to a service), Twilio, SendGrid behind a Nest
 * service, and `@nestjs/bull` `@Process` handlers that send them.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const SNS_SMS = lines(
  "import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';",
  '',
  'const sns = new SNSClient({});',
  '',
  'export async function sendCode(phone: string, code: string) {',
  '  await sns.send(new PublishCommand({ PhoneNumber: phone, Message: `Your code is ${code}` }));',
  '}',
);

const SNS_OPAQUE_INPUT = lines(
  "import { SNSClient, PublishCommand, PublishCommandInput } from '@aws-sdk/client-sns';",
  '',
  'const sns = new SNSClient({});',
  'declare function buildInput(topic: string, body: string): { body: PublishCommandInput };',
  '',
  'export async function publish(topic: string, body: string) {',
  '  await sns.send(new PublishCommand(buildInput(topic, body).body));',
  '}',
);

const BULL_PROCESSOR = lines(
  "import { Processor, Process } from '@nestjs/bull';",
  "import { Job } from 'bull';",
  "import { SendGridService } from '@anchan828/nest-sendgrid';",
  '',
  "@Processor('notification_queue')",
  'export class AuthProcess {',
  '  constructor(private readonly sendGrid: SendGridService) {}',
  '',
  "  @Process('user-registered')",
  '  async welcome(job: Job<{ email: string }>) {',
  "    await this.sendGrid.send({ to: job.data.email, templateId: 'welcome' });",
  '  }',
  '}',
);

const TWILIO_CONSUMER = lines(
  "import twilio from 'twilio';",
  "import { Consumer } from 'sqs-consumer';",
  '',
  'const client = twilio(process.env.TWILIO_SID, process.env.TWILIO_TOKEN);',
  '',
  'export const consumer = Consumer.create({',
  '  queueUrl: process.env.QUEUE_URL!,',
  '  handleMessage: async (message) => {',
  '    const { phone } = JSON.parse(message.Body!);',
  "    await client.messages.create({ to: phone, from: process.env.TWILIO_FROM, body: 'Your order shipped' });",
  '  },',
  '});',
);

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'SNS PublishCommand with PhoneNumber sends an SMS, not a message to a service', files: { 'services/auth/src/sms.ts': SNS_SMS } },
    { name: 'SNS PublishCommand whose input is built by a helper is unknown, not absent', files: { 'services/auth/src/publish.ts': SNS_OPAQUE_INPUT } },
  ],
  invalid: [],
});

runRuleTests('non-idempotent-consumer', {
  valid: [],
  invalid: [
    {
      name: '@nestjs/bull @Process handler sending a SendGrid e-mail through the Nest service',
      files: { 'services/notification/src/auth.process.ts': BULL_PROCESSOR },
      errors: [{ messageId: 'unguarded', ...at(BULL_PROCESSOR, "Process('user") }],
    },
    {
      name: 'sqs-consumer handler sending a Twilio SMS',
      files: { 'services/notification/src/consumer.ts': TWILIO_CONSUMER },
      errors: [{ messageId: 'unguarded', ...at(TWILIO_CONSUMER, 'handleMessage') }],
    },
  ],
});
