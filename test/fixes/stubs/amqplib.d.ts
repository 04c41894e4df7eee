// After @types/amqplib 0.10: properties typed as in its index.d.ts (messageId/correlationId are `any`).
declare module 'amqplib' {
  export interface MessageProperties {
    contentType: any | undefined;
    contentEncoding: any | undefined;
    headers: MessagePropertyHeaders | undefined;
    deliveryMode: any | undefined;
    priority: any | undefined;
    correlationId: any | undefined;
    replyTo: any | undefined;
    expiration: any | undefined;
    messageId: any | undefined;
    timestamp: any | undefined;
    type: any | undefined;
    userId: any | undefined;
    appId: any | undefined;
    clusterId: any | undefined;
  }
  export interface MessagePropertyHeaders { [key: string]: any; }
  export interface MessageFields { deliveryTag: number; redelivered: boolean; exchange: string; routingKey: string; }
  export interface Message { content: Buffer; fields: MessageFields; properties: MessageProperties; }
  export interface ConsumeMessage extends Message { fields: MessageFields & { consumerTag: string }; }
  export namespace Options {
    interface Publish {
      expiration?: string | number; userId?: string; CC?: string | string[]; mandatory?: boolean; persistent?: boolean;
      deliveryMode?: boolean | number; BCC?: string | string[]; contentType?: string; contentEncoding?: string;
      headers?: any; priority?: number; correlationId?: string; replyTo?: string; messageId?: string;
      timestamp?: number; type?: string; appId?: string;
    }
    interface Consume { consumerTag?: string; noLocal?: boolean; noAck?: boolean; exclusive?: boolean; priority?: number; }
    interface AssertQueue { durable?: boolean; deadLetterExchange?: string; }
  }
  export interface Channel {
    assertQueue(queue: string, options?: Options.AssertQueue): Promise<{ queue: string }>;
    prefetch(count: number): Promise<unknown>;
    publish(exchange: string, routingKey: string, content: Buffer, options?: Options.Publish): boolean;
    sendToQueue(queue: string, content: Buffer, options?: Options.Publish): boolean;
    consume(queue: string, onMessage: (msg: ConsumeMessage | null) => void, options?: Options.Consume): Promise<{ consumerTag: string }>;
    ack(message: Message, allUpTo?: boolean): void;
    nack(message: Message, allUpTo?: boolean, requeue?: boolean): void;
  }
  export interface ChannelModel { createChannel(): Promise<Channel>; close(): Promise<void>; }
  export function connect(url: string): Promise<ChannelModel>;
}
