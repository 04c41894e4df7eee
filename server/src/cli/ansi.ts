/** Minimal ANSI styling; every function is the identity when colour is off. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  underline(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  green(s: string): string;
}

function wrap(open: number, close: number): (s: string) => string {
  return (s) => (s === '' ? s : `\u001b[${open}m${s}\u001b[${close}m`);
}

const identity = (s: string): string => s;

export function createStyle(color: boolean): Style {
  if (!color) {
    return { bold: identity, dim: identity, underline: identity, red: identity, yellow: identity, blue: identity, green: identity };
  }
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    underline: wrap(4, 24),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    blue: wrap(34, 39),
    green: wrap(32, 39),
  };
}
