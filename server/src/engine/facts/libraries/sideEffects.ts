/**
 * Irreversible outside effects: e-mail (nodemailer, SendGrid, Nest mailer, Amazon SES, Resend,
 * Postmark, Mailgun), SMS (Twilio), push notifications (Firebase Cloud Messaging through
 * firebase-admin, Expo), chat messages (Slack Web API and incoming webhooks, Telegram bots,
 * Discord webhooks), notification platforms (Novu) and payments (Stripe).
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { calleeName, receiver } from '../syntax';

const email = (library: string): OperationAnalyzer => (call) =>
  ({ kind: 'sideEffect', node: calleeName(call), library, detail: 'sends an e-mail', nonIdempotent: true });

const push = (library: string, service: string): OperationAnalyzer => (call) =>
  ({ kind: 'sideEffect', node: calleeName(call), library, detail: `sends a push notification (${service})`, nonIdempotent: true });

const chat = (library: string, detail: string): OperationAnalyzer => (call) =>
  ({ kind: 'sideEffect', node: calleeName(call), library, detail, nonIdempotent: true });

/** Novu `trigger(event, { to, payload, transactionId })`: a trigger with a transaction id is deduplicated by Novu. */
const novuTrigger: OperationAnalyzer = (call) => {
  const args = (call as unknown as { getArguments(): Node[] }).getArguments();
  const keyed = args.some((a) => /\btransactionId\b/.test(a.getText()));
  return { kind: 'sideEffect', node: calleeName(call), library: 'novu', detail: 'triggers a Novu notification', nonIdempotent: !keyed };
};

const SES_SEND_COMMANDS = /^(SendEmail|SendRawEmail|SendTemplatedEmail|SendBulkTemplatedEmail|SendBulkEmail)Command$/;

/** SES SDK v3 `client.send(new SendEmailCommand(...))` (inline or through a const). */
const sesSend = (module: string): OperationAnalyzer => (call, analysis) => {
  let cmd: Node | undefined = (call as unknown as { getArguments(): Node[] }).getArguments()[0];
  if (cmd && Node.isIdentifier(cmd)) {
    const decl = cmd.getSymbol()?.getDeclarations()[0];
    cmd = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  }
  if (!cmd || !Node.isNewExpression(cmd)) return undefined;
  const t = analysis.typeOf(cmd.getExpression());
  return t?.startsWith(`${module}#`) && SES_SEND_COMMANDS.test(t.slice(module.length + 1)) ? email('ses')(call, analysis) : undefined;
};

const stripeCreate: OperationAnalyzer = (call) => {
  const args = (call as unknown as { getArguments(): Node[] }).getArguments();
  const keyed = args.slice(1).some((a) => /idempotencyKey\s*:/.test(a.getText()));
  const recv = receiver(call);
  const resource = recv && Node.isPropertyAccessExpression(recv) ? recv.getName() : 'resource';
  return { kind: 'sideEffect', node: calleeName(call), library: 'stripe', detail: `calls Stripe \`${resource}.${calleeName(call).getText()}\``, nonIdempotent: !keyed };
};

export const sideEffects: LibraryTable = {
  name: 'side-effects',
  transitions: {
    'nodemailer#createTransport|()': 'nodemailer.Transport',
    'nodemailer#Transporter|instance': 'nodemailer.Transport',
    '@nestjs-modules/mailer#MailerService|instance': 'nodemailer.Transport',
    // Nest wrappers around SendGrid (`@anchan828/nest-sendgrid`, `@ntegral/nestjs-sendgrid`) and Twilio SMS.
    '@anchan828/nest-sendgrid#SendGridService|instance': 'sendgrid.Service',
    '@ntegral/nestjs-sendgrid#SendGridService|instance': 'sendgrid.Service',
    '@sendgrid/mail#MailService|new': 'sendgrid.Service',
    'twilio#default|()': 'twilio.Client',
    'twilio#Twilio|new': 'twilio.Client',
    'twilio.Client|.messages': 'twilio.Messages',
    'stripe#default|new': 'stripe.Client',
    'stripe#Stripe|new': 'stripe.Client',
    'stripe#default|instance': 'stripe.Client',
    'stripe.Client|.*': 'stripe.Resource',
    'aws-sdk#SES|new': 'ses.Client',
    'aws-sdk#SES|instance': 'ses.Client',
    'aws-sdk/clients/ses#default|new': 'ses.Client',
    '@aws-sdk/client-ses#SES|new': 'ses.Client',
    '@aws-sdk/client-ses#SESClient|new': 'sesv3.Client',
    '@aws-sdk/client-ses#SESClient|instance': 'sesv3.Client',
    '@aws-sdk/client-sesv2#SESv2Client|new': 'sesv2.Client',
    '@aws-sdk/client-sesv2#SESv2Client|instance': 'sesv2.Client',
    // Firebase Cloud Messaging: `admin.initializeApp().messaging()`, `admin.messaging()`, `getMessaging()`.
    'firebase-admin#initializeApp|()': 'firebase.App',
    'firebase-admin#app.App|instance': 'firebase.App',
    'firebase-admin#app|.App': 'firebase.AppType',
    'firebase.AppType|instance': 'firebase.App',
    'firebase-admin/app#initializeApp|()': 'firebase.App',
    'firebase-admin/app#App|instance': 'firebase.App',
    'firebase.App|messaging()': 'firebase.Messaging',
    'firebase-admin#messaging|()': 'firebase.Messaging',
    'firebase-admin/messaging#getMessaging|()': 'firebase.Messaging',
    'firebase-admin/messaging#Messaging|instance': 'firebase.Messaging',
    'expo-server-sdk#Expo|new': 'expo.Client',
    'expo-server-sdk#Expo|instance': 'expo.Client',
    'expo-server-sdk#default|new': 'expo.Client',
    // E-mail APIs: `new Resend(key).emails.send()`, `new postmark.ServerClient(token).sendEmail()`,
    // `new Mailgun(FormData).client({ key }).messages.create()`, `mailgun({ apiKey, domain }).messages().send()`.
    'resend#Resend|new': 'resend.Client',
    'resend#Resend|instance': 'resend.Client',
    'resend.Client|.emails': 'resend.Emails',
    'resend.Client|.batch': 'resend.Emails',
    'postmark#ServerClient|new': 'postmark.Client',
    'postmark#ServerClient|instance': 'postmark.Client',
    'postmark#Client|new': 'postmark.Client',
    'mailgun.js#default|new': 'mailgun.Factory',
    'mailgun.js#default|instance': 'mailgun.Factory',
    'mailgun.Factory|client()': 'mailgun.Client',
    'mailgun.Client|.messages': 'mailgun.Messages',
    'mailgun-js#default|()': 'mailgunjs.Client',
    'mailgunjs.Client|messages()': 'mailgunjs.Messages',
    // Chat: Slack's Web API (`new WebClient(token).chat.postMessage()`, a Bolt app's `app.client`) and incoming
    // webhooks, Telegram bots (node-telegram-bot-api, Telegraf's `bot.telegram`), Discord webhooks.
    '@slack/web-api#WebClient|new': 'slack.Client',
    '@slack/web-api#WebClient|instance': 'slack.Client',
    '@slack/bolt#App|new': 'slack.App',
    '@slack/bolt#App|instance': 'slack.App',
    'slack.App|.client': 'slack.Client',
    'slack.Client|.chat': 'slack.Chat',
    '@slack/webhook#IncomingWebhook|new': 'slack.Webhook',
    '@slack/webhook#IncomingWebhook|instance': 'slack.Webhook',
    'node-telegram-bot-api#default|new': 'telegram.Bot',
    'node-telegram-bot-api#default|instance': 'telegram.Bot',
    'telegraf#Telegraf|new': 'telegraf.Bot',
    'telegraf#Telegraf|instance': 'telegraf.Bot',
    'telegraf.Bot|.telegram': 'telegram.Bot',
    'discord.js#WebhookClient|new': 'discord.Webhook',
    'discord.js#WebhookClient|instance': 'discord.Webhook',
    '@novu/node#Novu|new': 'novu.Client',
    '@novu/node#Novu|instance': 'novu.Client',
    '@novu/api#Novu|new': 'novu.Client',
    '@novu/api#Novu|instance': 'novu.Client',
  },
  operations: {
    'nodemailer.Transport|sendMail': email('nodemailer'),
    '@sendgrid/mail#default|send': email('@sendgrid/mail'),
    'sendgrid.Service|send': email('sendgrid'),
    'sendgrid.Service|sendMultiple': email('sendgrid'),
    'twilio.Messages|create': (call) => ({ kind: 'sideEffect', node: calleeName(call), library: 'twilio', detail: 'sends an SMS (Twilio)', nonIdempotent: true }),
    '@sendgrid/mail#default|sendMultiple': email('@sendgrid/mail'),
    'stripe.Resource|create': stripeCreate,
    'stripe.Resource|capture': stripeCreate,
    'ses.Client|sendEmail': email('ses'),
    'ses.Client|sendRawEmail': email('ses'),
    'ses.Client|sendTemplatedEmail': email('ses'),
    'ses.Client|sendBulkTemplatedEmail': email('ses'),
    'sesv3.Client|send': sesSend('@aws-sdk/client-ses'),
    'sesv2.Client|send': sesSend('@aws-sdk/client-sesv2'),
    'firebase.Messaging|send': push('firebase-admin', 'FCM'),
    'firebase.Messaging|sendEach': push('firebase-admin', 'FCM'),
    'firebase.Messaging|sendEachForMulticast': push('firebase-admin', 'FCM'),
    'firebase.Messaging|sendMulticast': push('firebase-admin', 'FCM'),
    'firebase.Messaging|sendAll': push('firebase-admin', 'FCM'),
    'firebase.Messaging|sendToDevice': push('firebase-admin', 'FCM'),
    'firebase.Messaging|sendToTopic': push('firebase-admin', 'FCM'),
    'firebase.Messaging|sendToCondition': push('firebase-admin', 'FCM'),
    'expo.Client|sendPushNotificationsAsync': push('expo-server-sdk', 'Expo'),
    'resend.Emails|send': email('resend'),
    'postmark.Client|sendEmail': email('postmark'),
    'postmark.Client|sendEmailWithTemplate': email('postmark'),
    'postmark.Client|sendEmailBatch': email('postmark'),
    'postmark.Client|sendEmailBatchWithTemplates': email('postmark'),
    'mailgun.Messages|create': email('mailgun.js'),
    'mailgunjs.Messages|send': email('mailgun-js'),
    'slack.Chat|postMessage': chat('@slack/web-api', 'posts a Slack message'),
    'slack.Chat|scheduleMessage': chat('@slack/web-api', 'posts a Slack message'),
    'slack.Webhook|send': chat('@slack/webhook', 'posts a Slack message'),
    'telegram.Bot|sendMessage': chat('telegram', 'sends a Telegram message'),
    'telegram.Bot|sendPhoto': chat('telegram', 'sends a Telegram message'),
    'telegram.Bot|sendDocument': chat('telegram', 'sends a Telegram message'),
    'discord.Webhook|send': chat('discord.js', 'posts a Discord message'),
    'novu.Client|trigger': novuTrigger,
    'novu.Client|bulkTrigger': novuTrigger,
    'novu.Client|broadcast': novuTrigger,
  },
};
