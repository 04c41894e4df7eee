/**
 * The YAML syntax problems of an architecture file, as the user should read
 * them: each parser error with a hint on how to fix it, positioned where the
 * fix goes (the opening quote of an unclosed string), duplicate keys, and
 * without the schema echoes of a line that does not parse.
 */
import { visit } from 'yaml';
import type { Node, Scalar, YAMLError } from 'yaml';
import type { ArchitectureProblem } from './model';
import { keyName, keyNode, nodeRange, offsetsToRange } from './yamlNodes';
import type { SourceContext } from './yamlNodes';

const YAML_HINTS: Record<string, string> = {
  BAD_INDENT: 'Indent with spaces so that keys of the same mapping start at the same column, and nested keys further right.',
  TAB_AS_INDENT: 'Replace the tabs with spaces; YAML does not allow tabs for indentation.',
  MISSING_CHAR: 'Add the missing closing character.',
  MULTIPLE_DOCS: 'Keep a single document: remove the --- separator and merge the sections into one mapping.',
  BLOCK_AS_IMPLICIT_KEY: 'Put a space after the colon of the key, or quote the key.',
  MULTILINE_IMPLICIT_KEY: 'Keep each key on one line and put a space after its colon, or quote the value.',
  UNEXPECTED_TOKEN: 'Check the punctuation around this point: a key needs "key: value", a list item needs "- value".',
  BAD_SCALAR_START: 'Quote the value, e.g. "..." when it starts with a special character such as @, ` or %.',
  BAD_DQ_ESCAPE: 'Fix the backslash escape in the double-quoted string, or use single quotes.',
  BAD_ALIAS: 'Define the anchor (&name) before using the alias (*name).',
  BLOCK_IN_FLOW: 'Inside [ ] or { } write values on one line, or switch to block style with "- item" lines.',
  KEY_OVER_1024_CHARS: 'Shorten the key.',
  COMMENT_SPACE: 'Put a space before the # that starts a comment.',
};

/**
 * The quoted scalar an unclosed-quote error belongs to: yaml reports the
 * error where the text ends, but the opening quote is what needs fixing.
 */
function unclosedQuote(ctx: SourceContext, offset: number): Scalar | undefined {
  let found: Scalar | undefined;
  visit(ctx.doc, {
    Scalar(_, scalar) {
      const [start, end] = scalar.range ?? [0, 0];
      const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';
      if (quoted && start < offset && end >= offset && (!found || start > (found.range?.[0] ?? 0))) found = scalar;
    },
  });
  return found;
}

export function yamlProblem(ctx: SourceContext, error: YAMLError): ArchitectureProblem {
  const [start, end] = error.pos;
  // yaml appends " at line L, column C:" and a code excerpt; the range carries that.
  let message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
  let range = offsetsToRange(ctx, start, Math.max(start, end));
  let hint = YAML_HINTS[error.code] ?? 'Fix the YAML syntax at this point; quoting a value with special characters often helps.';
  if (error.code === 'MULTIPLE_DOCS') message = 'The architecture file must contain a single YAML document';
  if (error.code === 'MISSING_CHAR' && /quote/i.test(message)) {
    const scalar = unclosedQuote(ctx, start);
    if (scalar?.range) {
      const open = scalar.range[0];
      const lineEnd = ctx.text.indexOf('\n', open);
      const quote = ctx.text[open] === "'" ? 'single' : 'double';
      message = `The ${quote}-quoted string that starts here is never closed`;
      hint = `Add the closing ${quote === 'single' ? "'" : '"'} at the end of the value.`;
      range = offsetsToRange(ctx, open, (lineEnd < 0 ? ctx.text.length : lineEnd) - (ctx.text[lineEnd - 1] === '\r' ? 1 : 0));
    }
  }
  if (/^Flow (sequence|mapping)/.test(message)) {
    hint = 'Close the [ list ] or { mapping } on the same line, or indent its continuation lines further than the key.';
  }
  if (!/[.!?]$/.test(message)) message += '.';
  return { messageId: 'yamlSyntax', message: `YAML syntax error: ${message}`, hint, range };
}

/**
 * Drops schema and reference problems that are only echoes of a syntax error:
 * anything on the broken line, and "got nothing" on the line before it (a key
 * whose indented value could not be read).
 */
export function withoutSyntaxEchoes(problems: ArchitectureProblem[], syntaxLines: ReadonlySet<number>): ArchitectureProblem[] {
  if (syntaxLines.size === 0) return problems;
  return problems.filter((p) => {
    const line = p.range.start.line;
    if (syntaxLines.has(line)) return false;
    return !(syntaxLines.has(line + 1) && p.message.endsWith('got nothing.'));
  });
}

/** Repeated keys in any mapping (the second and later occurrences). */
export function duplicateKeyProblems(ctx: SourceContext): ArchitectureProblem[] {
  const problems: ArchitectureProblem[] = [];
  visit(ctx.doc, {
    Map(_, map) {
      const seen = new Map<string, Node>();
      for (const pair of map.items) {
        const name = keyName(pair);
        const key = keyNode(pair);
        if (name === undefined || !key) continue;
        const first = seen.get(name);
        if (!first) {
          seen.set(name, key);
          continue;
        }
        problems.push({
          messageId: 'duplicateKey',
          message: `Duplicate key "${name}": it is already defined on line ${nodeRange(ctx, first).start.line}.`,
          hint: 'Remove or rename one of them; when a key repeats, only the last one is used.',
          range: nodeRange(ctx, key),
        });
      }
    },
  });
  return problems;
}
