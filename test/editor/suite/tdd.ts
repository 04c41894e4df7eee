/**
 * mocha's TDD interface (`suite`, `test`, `suiteSetup`, ...) as imports.
 * mocha puts these on the global object just before it loads the test
 * files (index.ts emits `pre-require` first); these wrappers look them up at
 * call time, so the test files need no global type declarations.
 */
type Body = () => void | Promise<unknown>;

interface TddGlobals {
  suite(title: string, body: () => void): void;
  test(title: string, body: Body): void;
  suiteSetup(body: Body): void;
  suiteTeardown(body: Body): void;
  setup(body: Body): void;
  teardown(body: Body): void;
}

function tdd(): TddGlobals {
  const globals = globalThis as unknown as Partial<TddGlobals>;
  if (typeof globals.suite !== 'function') throw new Error('mocha has not set up its TDD interface; load the tests through index.ts');
  return globals as TddGlobals;
}

export const suite = (title: string, body: () => void): void => tdd().suite(title, body);
export const test = (title: string, body: Body): void => tdd().test(title, body);
export const suiteSetup = (body: Body): void => tdd().suiteSetup(body);
export const suiteTeardown = (body: Body): void => tdd().suiteTeardown(body);
export const setup = (body: Body): void => tdd().setup(body);
export const teardown = (body: Body): void => tdd().teardown(body);
