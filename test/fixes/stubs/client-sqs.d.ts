declare module '@aws-sdk/client-sqs' {
  export interface MessageAttributeValue { StringValue?: string; BinaryValue?: Uint8Array; DataType: string | undefined; }
  export interface Message {
    MessageId?: string;
    ReceiptHandle?: string;
    Body?: string;
    Attributes?: Record<string, string>;
    MessageAttributes?: Record<string, MessageAttributeValue>;
  }
  export interface SendMessageCommandInput {
    QueueUrl: string | undefined;
    MessageBody: string | undefined;
    DelaySeconds?: number;
    MessageAttributes?: Record<string, MessageAttributeValue>;
    MessageDeduplicationId?: string;
    MessageGroupId?: string;
  }
  export class SendMessageCommand { constructor(input: SendMessageCommandInput); readonly input: SendMessageCommandInput; }
  export interface ReceiveMessageCommandInput { QueueUrl: string | undefined; MaxNumberOfMessages?: number; WaitTimeSeconds?: number; MessageAttributeNames?: string[]; }
  export class ReceiveMessageCommand { constructor(input: ReceiveMessageCommandInput); readonly input: ReceiveMessageCommandInput; }
  export class DeleteMessageCommand { constructor(input: { QueueUrl: string | undefined; ReceiptHandle: string | undefined }); }
  export class SQSClient {
    constructor(config?: { region?: string; endpoint?: string });
    send(command: SendMessageCommand): Promise<{ MessageId?: string }>;
    send(command: ReceiveMessageCommand): Promise<{ Messages?: Message[] }>;
    send(command: DeleteMessageCommand): Promise<{}>;
  }
}
declare module 'sqs-consumer' {
  import type { Message, SQSClient } from '@aws-sdk/client-sqs';
  export class Consumer {
    static create(options: {
      queueUrl: string;
      sqs?: SQSClient;
      handleMessage?(message: Message): Promise<Message | void>;
      handleMessageBatch?(messages: Message[]): Promise<Message[] | void>;
      messageAttributeNames?: string[];
    }): Consumer;
    start(): void;
    stop(): void;
  }
}
