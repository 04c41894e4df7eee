declare module '@nestjs/common' {
  export function Injectable(): ClassDecorator;
  export function Controller(prefix?: string): ClassDecorator;
  export function Inject(token: unknown): ParameterDecorator & PropertyDecorator;
  export function Post(path?: string): MethodDecorator;
  export function Body(): ParameterDecorator;
}
declare module '@nestjs/microservices' {
  import type { KafkaMessage } from 'kafkajs';
  import type { Observable } from 'rxjs';
  export function EventPattern(pattern: string | Record<string, unknown>): MethodDecorator;
  export function MessagePattern(pattern: string | Record<string, unknown>): MethodDecorator;
  export function Payload(): ParameterDecorator;
  export function Ctx(): ParameterDecorator;
  export abstract class ClientProxy {
    emit<TResult = any, TInput = any>(pattern: any, data: TInput): Observable<TResult>;
    send<TResult = any, TInput = any>(pattern: any, data: TInput): Observable<TResult>;
  }
  export class KafkaContext {
    getMessage(): KafkaMessage;
    getPartition(): number;
    getTopic(): string;
  }
  export class RmqContext {
    getMessage(): Record<string, any>;
    getChannelRef(): any;
    getPattern(): string;
  }
}
declare module 'rxjs' {
  export interface Observable<T> { subscribe(next?: (value: T) => void): unknown; }
  export function lastValueFrom<T>(source: Observable<T>): Promise<T>;
  export function firstValueFrom<T>(source: Observable<T>): Promise<T>;
}
