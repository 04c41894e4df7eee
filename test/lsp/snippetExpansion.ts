/**
 * Expands a VS Code snippet body the way the editor does when every
 * placeholder keeps its default: `$1`, `${1}`, `${1:default}` (nested),
 * `${1|first,second|}` (the first choice), `$0`, and the `\$ \} \\` escapes.
 * A tab stop without a default mirrors the default given elsewhere.
 * Variables ($TM_FILENAME...) are rejected: the snippets do not use them.
 */
export function expandSnippet(body: string | string[]): string {
  const text = Array.isArray(body) ? body.join('\n') : body;
  const defaults = new Map<string, string>();
  // First pass: collect defaults (a tab stop may be written with its default only once).
  const collect = new Parser(text, defaults, true);
  collect.parse();
  return new Parser(text, defaults, false).parse();
}

class Parser {
  private i = 0;
  constructor(private readonly s: string, private readonly defaults: Map<string, string>, private readonly collecting: boolean) {}

  parse(until?: string): string {
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (until && c === until) return out;
      if (c === '\\' && this.i + 1 < this.s.length && '$}\\|,'.includes(this.s[this.i + 1])) {
        out += this.s[this.i + 1];
        this.i += 2;
        continue;
      }
      if (c === '$') {
        out += this.dollar();
        continue;
      }
      out += c;
      this.i++;
    }
    if (until) throw new Error(`unterminated placeholder, expected "${until}"`);
    return out;
  }

  private dollar(): string {
    const rest = this.s.slice(this.i);
    let m = /^\$(\d+)/.exec(rest);
    if (m) {
      this.i += m[0].length;
      return this.defaults.get(m[1]) ?? '';
    }
    m = /^\$\{(\d+)\}/.exec(rest);
    if (m) {
      this.i += m[0].length;
      return this.defaults.get(m[1]) ?? '';
    }
    m = /^\$\{(\d+)\|/.exec(rest);
    if (m) {
      this.i += m[0].length;
      const end = this.s.indexOf('|}', this.i);
      if (end < 0) throw new Error('unterminated choice');
      const first = this.s.slice(this.i, end).split(',')[0];
      this.i = end + 2;
      if (this.collecting && !this.defaults.has(m[1])) this.defaults.set(m[1], first);
      return first;
    }
    m = /^\$\{(\d+):/.exec(rest);
    if (m) {
      this.i += m[0].length;
      const value = this.parse('}');
      this.i++; // the closing brace
      if (this.collecting && !this.defaults.has(m[1])) this.defaults.set(m[1], value);
      return value;
    }
    if (/^\$[A-Za-z_{]/.test(rest)) throw new Error(`snippet variables are not supported: ${rest.slice(0, 20)}`);
    this.i++;
    return '$';
  }
}
