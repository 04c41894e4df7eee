/**
 * The part of mocha's API the extension-host suite uses. mocha ships no types,
 * and @types/mocha would declare `suite`/`test`/`describe` as globals for the
 * whole repo's type check; the suite imports them from ./tdd instead.
 */
declare module 'mocha' {
  interface MochaOptions {
    ui?: 'tdd' | 'bdd';
    timeout?: number;
    slow?: number;
    color?: boolean;
    reporter?: string;
    grep?: string | RegExp;
  }
  interface Runnable {
    title: string;
    fullTitle(): string;
    duration?: number;
  }
  interface Runner {
    on(event: 'pass' | 'pending', listener: (test: Runnable) => void): Runner;
    on(event: 'fail', listener: (test: Runnable, error: Error) => void): Runner;
    on(event: 'end', listener: () => void): Runner;
  }
  class Mocha {
    /** The built-in reporters; `Base.consoleLog` is where every one of them prints. */
    static readonly reporters: { Base: { consoleLog: (...args: unknown[]) => void } };
    constructor(options?: MochaOptions);
    readonly suite: { emit(event: 'pre-require', context: object, file: string, mocha: Mocha): boolean };
    run(done?: (failures: number) => void): Runner;
  }
  export default Mocha;
}
