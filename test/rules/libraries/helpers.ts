/** Helpers for the library recognizer tests: fixture text and the position of a marked token. */

/** Joins lines into a file. */
export const lines = (...l: string[]) => `${l.join('\n')}\n`;

/**
 * The 1-based line and column of the `occurrence`-th (1-based) `needle` in
 * `text`, so a test names the token a finding points at instead of counting.
 */
export function at(text: string, needle: string, occurrence = 1): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" (occurrence ${occurrence}) not found in fixture`);
  }
  const before = text.slice(0, index).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** A second deployable, so calls and shared stores are cross-service. */
export const PAYMENTS_SERVICE = { 'services/payments/src/main.ts': 'export const port = 3001;\n' };
