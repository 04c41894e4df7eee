/**
 * dual-write and a send made only when something else failed: a queue fallback in the `.catch` of a
 * direct send, or an alert in a `catch` block, is not the event the flow's write announces. A write
 * and a publish both in the same `catch` block are the failure path's own dual write.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const MAIL = lines(
  "import PgBoss from 'pg-boss';",
  "import nodemailer from 'nodemailer';",
  '',
  'const boss = new PgBoss(process.env.DATABASE_URL!);',
  'const transporter = nodemailer.createTransport({ host: process.env.SMTP_HOST });',
  '',
  'export const sendEmail = (payload: { to: string; subject: string }) => {',
  '  transporter.sendMail(payload).catch(() => {',
  "    void boss.send('email-queue', payload, { retryLimit: 15 });",
  '  });',
  '};',
);

const FLOW = lines(
  "import { Pool } from 'pg';",
  "import { sendEmail } from './mail';",
  '',
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
  '',
  'export async function changeTier(userId: string, tier: string) {',
  "  await pool.query('UPDATE users SET tier = $2 WHERE id = $1', [userId, tier]);",
  "  sendEmail({ to: userId, subject: 'Your plan changed' });",
  '}',
);

const FAILED = lines(
  "import PgBoss from 'pg-boss';",
  "import { Pool } from 'pg';",
  '',
  'const boss = new PgBoss(process.env.DATABASE_URL!);',
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
  '',
  'export async function charge(orderId: string) {',
  '  try {',
  "    await fetch(`${process.env.PAYMENTS_URL}/charges`, { method: 'POST', body: orderId });",
  '  } catch (e) {',
  "    await pool.query(\"UPDATE orders SET status = 'FAILED' WHERE id = $1\", [orderId]);",
  "    await boss.send('order-failed', { orderId, correlationId: orderId });",
  '  }',
  '}',
);

runRuleTests('dual-write', {
  valid: [{ name: 'a queue fallback in the .catch of a direct e-mail send', files: { 'services/app/src/mail.ts': MAIL, 'services/app/src/tier.ts': FLOW } }],
  invalid: [{
    name: 'a write and a publish in the same catch block',
    files: { 'services/app/src/charge.ts': FAILED },
    errors: [{ messageId: 'dualWrite', file: 'services/app/src/charge.ts', ...at(FAILED, "send('order-failed'") }],
  }],
});
