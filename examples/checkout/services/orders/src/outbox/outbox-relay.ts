import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { KAFKA_PRODUCER } from '../kafka/kafka.provider';

interface OutboxRow {
  id: string;
  message_id: string;
  topic: string;
  message_key: string;
  payload: unknown;
  correlation_id: string;
  causation_id: string | null;
}

/**
 * Publishes outbox rows in id order. Rows are locked (SKIP LOCKED, so several
 * replicas can relay) and marked published only after Kafka acknowledged them;
 * a crash in between re-publishes, and consumers dedupe on message-id.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.drain(), 500);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.producer.disconnect();
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while ((await this.publishBatch()) > 0) {
        // keep going until the outbox is empty
      }
    } catch (err) {
      this.logger.error('outbox relay failed, retrying on next tick', err as Error);
    } finally {
      this.busy = false;
    }
  }

  async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, message_id, topic, message_key, payload, correlation_id, causation_id
           FROM outbox
          WHERE published_at IS NULL
          ORDER BY id
          LIMIT 100
            FOR UPDATE SKIP LOCKED`,
      );
      for (const row of rows) {
        await this.producer.send({
          topic: row.topic,
          messages: [
            {
              key: row.message_key,
              value: JSON.stringify(row.payload),
              headers: {
                'message-id': row.message_id,
                'correlation-id': row.correlation_id,
                'causation-id': row.causation_id ?? undefined,
              },
            },
          ],
        });
      }
      if (rows.length > 0) {
        await manager.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [
          rows.map((r) => r.id),
        ]);
      }
      return rows.length;
    });
  }
}
