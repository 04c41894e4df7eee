import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { createRedis } from './redis';

export const EMAIL_QUEUE = 'emails';

export type EmailKind = 'order-receipt' | 'payment-declined' | 'order-cancelled';

export interface EmailJob {
  kind: EmailKind;
  orderId: string;
  customerId: string;
  correlationId?: string;
  causationId?: string;
}

@Injectable()
export class EmailQueue implements OnModuleDestroy {
  private readonly queue = new Queue<EmailJob>(EMAIL_QUEUE, {
    connection: createRedis(),
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 5_000 },
      // completed jobs are kept a week so a re-added jobId is still ignored
      removeOnComplete: { age: 7 * 24 * 3600 },
    },
  });

  /** One email of each kind per order: the job id is derived from both. */
  async enqueue(job: EmailJob): Promise<void> {
    await this.queue.add(job.kind, job, { jobId: `${job.kind}-${job.orderId}` });
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
  }
}
