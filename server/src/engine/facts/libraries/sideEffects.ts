/** Irreversible outside effects: e-mail (nodemailer, SendGrid, Nest mailer) and payments (Stripe). */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { calleeName, receiver } from '../syntax';

const email = (library: string): OperationAnalyzer => (call) =>
  ({ kind: 'sideEffect', node: calleeName(call), library, detail: 'sends an e-mail', nonIdempotent: true });

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
  },
};
