/**
 * Where the cursor is in a YAML document, read from indentation alone so it
 * works while the file is half typed and does not parse: the chain of keys
 * and sequence items above the cursor, and whether a key or a value is being
 * typed.
 */
import type { PathStep } from './schema';

interface Token {
  column: number;
  kind: 'dash' | 'key';
  key?: string;
  /** For keys: the text after `key:` on the same line. */
  value?: string;
}

const KEY_RE = /^(?:"([^"]*)"|'([^']*)'|([^\s"'#:\-?][^:#]*?|-[^\s:#][^:#]*?))\s*:(?=\s|$)/;

/** Dash and key tokens of one line; empty for blank, comment-only and document-marker lines. */
export function tokensOf(line: string): Token[] {
  const tokens: Token[] = [];
  let column = line.length - line.trimStart().length;
  let rest = line.slice(column);
  if (rest === '' || rest.startsWith('#') || rest.startsWith('---') || rest.startsWith('...')) return [];
  while (/^-(\s|$)/.test(rest)) {
    tokens.push({ column, kind: 'dash' });
    const after = rest.slice(1);
    const skip = 1 + (after.length - after.trimStart().length);
    column += skip;
    rest = rest.slice(skip);
  }
  const m = KEY_RE.exec(rest);
  if (m) {
    const key = (m[1] ?? m[2] ?? m[3] ?? '').trim();
    tokens.push({ column, kind: 'key', key, value: stripComment(rest.slice(m[0].length)).trim() });
  }
  return tokens;
}

function stripComment(text: string): string {
  const m = /(^|\s)#/.exec(text);
  return m ? text.slice(0, m.index) : text;
}

/** The steps (outermost first) of the collections that contain a token at `column` on `line`. */
export function ancestorsOf(lines: readonly string[], line: number, column: number): PathStep[] {
  const steps: PathStep[] = [];
  let limit = column;
  for (let i = line - 1; i >= 0 && limit > 0; i--) {
    const tokens = tokensOf(lines[i]);
    if (!tokens.length) continue;
    // The innermost token left of the limit is the parent; tokens before it on the line are its parents.
    const inner = tokens.filter((t) => t.column < limit);
    for (let j = inner.length - 1; j >= 0; j--) {
      const t = inner[j];
      steps.push(t.kind === 'key' ? { key: t.key! } : { item: true });
    }
    if (inner.length) limit = inner[0].column;
  }
  return steps.reverse();
}

export type CursorContext =
  | { kind: 'key'; path: PathStep[]; prefix: string; column: number; siblings: string[] }
  | { kind: 'value'; path: PathStep[]; key: string; prefix: string; column: number }
  /** Typing after `- ` where the sequence items may be scalars or mappings. */
  | { kind: 'item'; path: PathStep[]; prefix: string; column: number; siblings: string[] };

/** What is being typed at (line, character), or undefined in comments and block scalars we cannot read. */
export function contextAt(lines: readonly string[], line: number, character: number): CursorContext | undefined {
  const text = lines[line] ?? '';
  const before = text.slice(0, character);
  if (/(^|\s)#/.test(before)) return undefined;
  const indent = before.length - before.trimStart().length;
  let column = indent;
  let rest = before.slice(indent);
  const dashes: number[] = [];
  while (/^-\s/.test(rest)) {
    dashes.push(column);
    const skip = 1 + (rest.slice(1).length - rest.slice(1).trimStart().length);
    column += skip;
    rest = rest.slice(skip);
  }
  const parentPath = ancestorsOf(lines, line, dashes.length ? dashes[0] : column);
  const path: PathStep[] = [...parentPath, ...dashes.map(() => ({ item: true as const }))];
  const valueMatch = /^(?:"([^"]*)"|'([^']*)'|([^"'#:][^:#]*?))\s*:\s+(.*)$/.exec(rest);
  if (valueMatch) {
    const key = (valueMatch[1] ?? valueMatch[2] ?? valueMatch[3] ?? '').trim();
    const prefix = valueMatch[4];
    if (/^[[{|>]/.test(prefix)) return undefined; // flow collections and block scalars: not handled
    return { kind: 'value', path, key, prefix: prefix.replace(/^["']/, ''), column: character - prefix.replace(/^["']/, '').length };
  }
  if (rest.includes(':')) return undefined;
  if (!/^[\w.\-/"']*$/.test(rest)) return undefined;
  const prefix = rest.replace(/^["']/, '');
  // A new sequence item starts on this line, so only the lines below can belong to it.
  const siblings = siblingKeys(lines, line, column, dashes.length === 0);
  return { kind: dashes.length ? 'item' : 'key', path, prefix, column: character - prefix.length, siblings };
}

/** Keys already present in the mapping that has a key at `column` on `line`. */
export function siblingKeys(lines: readonly string[], line: number, column: number, includeAbove = true): string[] {
  const keys: string[] = [];
  const scan = (from: number, step: number) => {
    for (let i = from; i >= 0 && i < lines.length; i += step) {
      const tokens = tokensOf(lines[i]);
      if (!tokens.length) continue;
      const first = tokens[0];
      if (first.column < column) {
        // A dash at a lower column starts (going down) or ends (going up) this item.
        const sameItemKey = tokens.find((t) => t.kind === 'key' && t.column === column);
        if (sameItemKey && step < 0) keys.push(sameItemKey.key!);
        return;
      }
      const own = tokens.find((t) => t.column === column && t.kind === 'key');
      if (own) keys.push(own.key!);
    }
  };
  if (includeAbove) scan(line - 1, -1);
  scan(line + 1, 1);
  return keys;
}
