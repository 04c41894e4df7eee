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

// C0 controls (ESC, BEL, CR, backspace, newline...), DEL, C1 controls (CSI U+009B...), and the bidirectional
// overrides and isolates that reorder what a terminal shows ("Trojan Source").
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the workspace (file names, topic strings quoted in messages) made safe to print on a terminal:
 * every control character is shown as an escape (`\x1b`, `\n`, `\u202e`) instead of being sent raw, whether or
 * not colours are on, so a file name cannot move the cursor, rewrite earlier lines or change the title.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
