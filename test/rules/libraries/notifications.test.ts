/**
 * Outside side effects reached through wrappers: SMS through SNS
 * (`PhoneNumber`, written inline or in a const input, not a message to a service), Twilio, SendGrid behind a Nest
 * service, push notifications (Firebase Cloud Messaging, Expo), and
 * `@nestjs/bull` `@Process` handlers that send them; e-mail APIs (Resend, Postmark, Mailgun) and chat
 * messages (Slack, Telegram, Discord webhooks) sent from job handlers, and Novu triggers (deduplicated by
 * their `transactionId`).
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

/** The same SMS with its input held by a const, then the send recorded (a worker's SMS sender). */
const SNS_SMS_CONST = lines(
  "import { SNSClient, PublishCommand, type PublishCommandInput } from '@aws-sdk/client-sns';",
  "import { Pool } from 'pg';",
  '',
  'const sns = new SNSClient({});',
  'const pool = new Pool();',
  '',
  'export async function sendSms(id: number, recipient: string, message: string) {',
  '  const params: PublishCommandInput = { Message: message, PhoneNumber: recipient };',
  '  const data = await sns.send(new PublishCommand(params));',
  "  await pool.query('UPDATE sms_ops SET message_id = $1 WHERE id = $2', [data.MessageId, id]);",
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

/** A Kafka consumer whose push service sends through an app from `admin.initializeApp` (typed `admin.app.App`). */
const FCM_PUSH_SERVICE = lines(
  "import * as admin from 'firebase-admin';",
  '',
  'export class PushService {',
  '  private firebaseApp: admin.app.App | null = null;',
  '  init() {',
  '    this.firebaseApp = admin.initializeApp({ projectId: process.env.FIREBASE_PROJECT });',
  '  }',
  '  async send(tokens: string[], title: string) {',
  '    if (!this.firebaseApp) return;',
  '    await this.firebaseApp.messaging().sendEachForMulticast({ tokens, notification: { title } });',
  '  }',
  '}',
);

const FCM_CONSUMER = lines(
  "import { Controller } from '@nestjs/common';",
  "import { EventPattern, Payload } from '@nestjs/microservices';",
  "import { PushService } from './push.service';",
  '',
  '@Controller()',
  'export class NotificationConsumer {',
  '  constructor(private readonly push: PushService) {}',
  '',
  "  @EventPattern('orders.events')",
  '  async onOrder(@Payload() message: { data: { tokens: string[] } }) {',
  "    await this.push.send(message.data.tokens, 'Order placed');",
  '  }',
  '}',
);

const FCM_MAIN = lines(
  "import { NestFactory } from '@nestjs/core';",
  "import { Transport } from '@nestjs/microservices';",
  "import { AppModule } from './app.module';",
  '',
  'async function bootstrap() {',
  "  const app = await NestFactory.createMicroservice(AppModule, { transport: Transport.KAFKA, options: { client: { brokers: ['kafka:9092'] } } });",
  '  await app.listen();',
  '}',
  'bootstrap();',
);

const EXPO_WORKER = lines(
  "import { Worker } from 'bullmq';",
  "import { Expo } from 'expo-server-sdk';",
  "import { getMessaging } from 'firebase-admin/messaging';",
  '',
  'const expo = new Expo();',
  '',
  "new Worker('reminders', async (job) => {",
  "  await expo.sendPushNotificationsAsync([{ to: job.data.token, body: 'Reminder' }]);",
  '});',
  '',
  "new Worker('alerts', async (job) => {",
  "  await getMessaging().send({ token: job.data.token, notification: { title: 'Alert' } });",
  '});',
);

/** A BullMQ worker posting a daily digest to Slack through a client its factory returns, typed by the factory. */
const SLACK_DIGEST = lines(
  "import { Worker } from 'bullmq';",
  "import type { WebClient } from '@slack/web-api';",
  '',
  'export function digestWorker(getClient: (team: string) => Promise<WebClient | null>) {',
  "  return new Worker('digest-notify', async (job) => {",
  '    const client = await getClient(job.data.teamId);',
  '    if (!client) return;',
  "    await client.chat.postMessage({ channel: job.data.channel, text: 'Your digest' });",
  '  });',
  '}',
);

/** Job handlers sending through e-mail APIs and chat bots. */
const MAIL_AND_CHAT_WORKERS = lines(
  "import { Worker } from 'bullmq';",
  "import { Resend } from 'resend';",
  "import * as postmark from 'postmark';",
  "import Mailgun from 'mailgun.js';",
  "import TelegramBot from 'node-telegram-bot-api';",
  "import { WebhookClient } from 'discord.js';",
  '',
  'const resend = new Resend(process.env.RESEND_KEY);',
  'const pm = new postmark.ServerClient(process.env.POSTMARK_TOKEN!);',
  "const mg = new Mailgun(FormData).client({ username: 'api', key: process.env.MAILGUN_KEY! });",
  'const bot = new TelegramBot(process.env.BOT_TOKEN!);',
  'const discord = new WebhookClient({ url: process.env.DISCORD_WEBHOOK! });',
  '',
  "new Worker('welcome', async (job) => {",
  "  await resend.emails.send({ from: 'a@b.c', to: job.data.email, subject: 'Welcome', html: '' });",
  '});',
  "new Worker('receipt', async (job) => {",
  "  await pm.sendEmail({ From: 'a@b.c', To: job.data.email, Subject: 'Receipt' });",
  '});',
  "new Worker('invite', async (job) => {",
  "  await mg.messages.create('example.com', { to: job.data.email, subject: 'Invite' });",
  '});',
  "new Worker('alert', async (job) => {",
  '  await bot.sendMessage(job.data.chatId, job.data.text);',
  '});',
  "new Worker('release', async (job) => {",
  '  await discord.send({ content: job.data.text });',
  '});',
);

/** A Kafka @EventPattern handler triggering Novu notifications through a static client: once without, once with a transaction id. */
const NOVU_CONSUMER = lines(
  "import { Controller } from '@nestjs/common';",
  "import { EventPattern, Payload } from '@nestjs/microservices';",
  "import { Novu } from '@novu/node';",
  '',
  'class Notifier {',
  '  static novu = new Novu(process.env.NOVU_API_KEY as string);',
  '}',
  '',
  '@Controller()',
  'export class BuildController {',
  "  @EventPattern('build.completed')",
  '  async completed(@Payload() m: { userId: string }) {',
  "    await Notifier.novu.trigger('build-completed', { to: { subscriberId: m.userId }, payload: {} });",
  '  }',
  "  @EventPattern('build.failed')",
  '  async failed(@Payload() m: { userId: string; buildId: string }) {',
  "    await Notifier.novu.trigger('build-failed', { to: { subscriberId: m.userId }, payload: {}, transactionId: m.buildId });",
  '  }',
  '}',
);

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'SNS PublishCommand with PhoneNumber sends an SMS, not a message to a service', files: { 'services/auth/src/sms.ts': SNS_SMS } },
    { name: 'SNS PublishCommand whose input is built by a helper is unknown, not absent', files: { 'services/auth/src/publish.ts': SNS_OPAQUE_INPUT } },
  ],
  invalid: [],
});

runRuleTests('dual-write', {
  valid: [
    { name: 'an SMS through SNS (input held by a const), then the send recorded: not a message to a service', files: { 'services/worker/src/sms.ts': SNS_SMS_CONST } },
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
    {
      name: 'a Kafka @EventPattern handler sending an FCM push through a service holding `admin.app.App`',
      files: {
        'services/notification/src/main.ts': FCM_MAIN,
        'services/notification/src/notification.consumer.ts': FCM_CONSUMER,
        'services/notification/src/push.service.ts': FCM_PUSH_SERVICE,
      },
      errors: [{ messageId: 'unguarded', file: 'services/notification/src/notification.consumer.ts', ...at(FCM_CONSUMER, "EventPattern('orders"), messageIncludes: 'sends a push notification (FCM)' }],
    },
    {
      name: 'a BullMQ worker posting to Slack through a client typed by the factory that returns it',
      files: { 'services/notifier/src/digest.ts': SLACK_DIGEST },
      errors: [{ messageId: 'unguarded', ...at(SLACK_DIGEST, "Worker('digest"), messageIncludes: 'posts a Slack message' }],
    },
    {
      name: 'BullMQ workers sending e-mail through Resend, Postmark and Mailgun, and chat messages through Telegram and Discord',
      files: { 'services/notifier/src/workers.ts': MAIL_AND_CHAT_WORKERS },
      errors: [
        { messageId: 'unguarded', ...at(MAIL_AND_CHAT_WORKERS, "Worker('welcome"), messageIncludes: 'sends an e-mail' },
        { messageId: 'unguarded', ...at(MAIL_AND_CHAT_WORKERS, "Worker('receipt"), messageIncludes: 'sends an e-mail' },
        { messageId: 'unguarded', ...at(MAIL_AND_CHAT_WORKERS, "Worker('invite"), messageIncludes: 'sends an e-mail' },
        { messageId: 'unguarded', ...at(MAIL_AND_CHAT_WORKERS, "Worker('alert"), messageIncludes: 'sends a Telegram message' },
        { messageId: 'unguarded', ...at(MAIL_AND_CHAT_WORKERS, "Worker('release"), messageIncludes: 'posts a Discord message' },
      ],
    },
    {
      name: 'Novu: a trigger without a transaction id is repeated by a redelivery; one with it is deduplicated by Novu',
      files: {
        'services/notification/src/main.ts': FCM_MAIN,
        'services/notification/src/build.controller.ts': NOVU_CONSUMER,
      },
      errors: [{ messageId: 'unguarded', file: 'services/notification/src/build.controller.ts', ...at(NOVU_CONSUMER, "EventPattern('build.completed"), messageIncludes: 'triggers a Novu notification' }],
    },
    {
      name: 'BullMQ workers sending Expo and FCM (modular API) pushes',
      files: { 'services/notification/src/workers.ts': EXPO_WORKER },
      errors: [
        { messageId: 'unguarded', ...at(EXPO_WORKER, "Worker('reminders"), messageIncludes: 'sends a push notification (Expo)' },
        { messageId: 'unguarded', ...at(EXPO_WORKER, "Worker('alerts"), messageIncludes: 'sends a push notification (FCM)' },
      ],
    },
  ],
});
