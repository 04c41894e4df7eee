import type { FactoryProvider } from '@nestjs/common';
import { Kafka, Partitioners, type Producer } from 'kafkajs';

export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');

export const kafkaProducerProvider: FactoryProvider<Producer> = {
  provide: KAFKA_PRODUCER,
  useFactory: async () => {
    const kafka = new Kafka({
      clientId: 'orders',
      brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(','),
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    return producer;
  },
};
