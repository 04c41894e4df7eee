declare module 'redlock' {
  import type Redis from 'ioredis';
  export interface Lock { release(): Promise<unknown>; }
  export default class Redlock {
    constructor(clients: Iterable<Redis>, settings?: { retryCount?: number; retryDelay?: number });
    acquire(resources: string[], duration: number): Promise<Lock>;
    using<T>(resources: string[], duration: number, routine: (signal: { aborted: boolean }) => Promise<T>): Promise<T>;
  }
}
