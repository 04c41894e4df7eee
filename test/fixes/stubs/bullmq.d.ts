declare module 'bullmq' {
  export interface JobsOptions { jobId?: string; attempts?: number; delay?: number; removeOnComplete?: boolean | number; }
  export class Job<DataType = any, ReturnType = any, NameType extends string = string> {
    id?: string;
    name: NameType;
    data: DataType;
    attemptsMade: number;
    returnvalue: ReturnType;
  }
  export type Processor<T = any, R = any, N extends string = string> = (job: Job<T, R, N>, token?: string) => Promise<R>;
  export interface ConnectionOptions { host?: string; port?: number; url?: string; }
  export class Queue<DataType = any, ResultType = any, NameType extends string = string> {
    constructor(name: string, opts?: { connection?: ConnectionOptions });
    add(name: NameType, data: DataType, opts?: JobsOptions): Promise<Job<DataType, ResultType, NameType>>;
  }
  export class Worker<DataType = any, ResultType = any, NameType extends string = string> {
    constructor(name: string, processor?: string | Processor<DataType, ResultType, NameType>, opts?: { connection?: ConnectionOptions; concurrency?: number });
    close(): Promise<void>;
  }
}
