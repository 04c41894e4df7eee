// Minimal ambient typings matching the shapes of the real packages, for fixture type checks.
declare module 'ioredis' {
  export default class Redis {
    constructor(url?: string);
    set(key: string, value: string, ...args: (string | number)[]): Promise<'OK' | null>;
    get(key: string): Promise<string | null>;
    del(...keys: string[]): Promise<number>;
  }
}
