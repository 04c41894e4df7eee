import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { type Job, Worker } from 'bullmq';
import nodemailer from 'nodemailer';
import { findCustomer } from './customers';
import { EMAIL_QUEUE, type EmailJob, type EmailKind } from './email.queue';
import { createRedis } from './redis';

const SUBJECTS: Record<EmailKind, string> = {
  'order-receipt': 'Your order is confirmed',
  'payment-declined': 'Your payment was declined',
  'order-cancelled': 'Your order was cancelled',
};

@Injectable()
export class EmailWorker implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EmailWorker.name);
  private readonly redis = createRedis();
  private readonly mailer = nodemailer.createTransport({
    host: process.env.SMTP_HOST ?? 'localhost',
    port: Number(process.env.SMTP_PORT ?? 1025),
    secure: false,
  });
  private worker?: Worker<EmailJob>;

  onModuleInit(): void {
    this.worker = new Worker<EmailJob>(EMAIL_QUEUE, (job) => this.send(job), {
      connection: createRedis(),
      concurrency: 5,
    });
    this.worker.on('failed', (job, err) => this.logger.warn(`email job ${job?.id} failed: ${err.message}`));
  }

  /** Sends each job's email at most once, even when BullMQ retries a stalled job. */
  private async send(job: Job<EmailJob>): Promise<void> {
    const key = `processed:${job.id}`;
    const first = await this.redis.set(key, '1', 'EX', 86_400, 'NX');
    if (first !== 'OK') return;

    try {
      const customer = await findCustomer(job.data.customerId);
      if (!customer) throw new Error(`unknown customer ${job.data.customerId}`);
      await this.mailer.sendMail({
        from: process.env.MAIL_FROM,
        to: customer.email,
        subject: SUBJECTS[job.data.kind],
        text: `Hello ${customer.fullName}, about order ${job.data.orderId}.`,
        headers: { 'X-Correlation-Id': job.data.correlationId ?? '' },
      });
    } catch (err) {
      await this.redis.del(key); // let the retry send it
      throw err;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    await this.redis.quit();
  }
}
