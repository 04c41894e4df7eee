/**
 * Limits on the size of a YAML document, checked on its tokens before a
 * syntax tree is built. Building the tree, converting it to data, validating
 * it and mapping source ranges each cost time per node, and aliases multiply
 * what the later steps see: an 800 KB file repeating one anchor 200,000
 * times took minutes. The lexer is the cheapest pass over the text and stops
 * at the first token over a limit, so a hostile file is refused in
 * milliseconds with a problem at the line where the limit was crossed.
 */
import { Lexer } from 'yaml';
import type { ArchitectureProblem } from './model';

/** Aliases (`*name`) in one document; a hand-written architecture file uses a handful. */
export const MAX_YAML_ALIASES = 1000;
/** Scalars, aliases and collections in one document; the checkout example has about 400. */
export const MAX_YAML_NODES = 50_000;

// Zero-width markers the lexer inserts (document start, flow error end, scalar start); they are not in the text.
const DOCUMENT = '\x02';
const FLOW_END = '\x18';
const SCALAR = '\x1f';

export interface YamlBudget {
  maxAliases?: number;
  maxNodes?: number;
}

/** Where the text first goes over a limit, or undefined when it stays within them. */
export function yamlOverBudget(text: string, budget: YamlBudget = {}): { kind: 'aliases' | 'nodes'; offset: number; limit: number } | undefined {
  const maxAliases = budget.maxAliases ?? MAX_YAML_ALIASES;
  const maxNodes = budget.maxNodes ?? MAX_YAML_NODES;
  let aliases = 0;
  let nodes = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === DOCUMENT || token === FLOW_END) continue;
    if (token === SCALAR) {
      if (++nodes > maxNodes) return { kind: 'nodes', offset, limit: maxNodes };
      continue;
    }
    const first = token[0];
    if (first === '*') {
      if (++aliases > maxAliases) return { kind: 'aliases', offset, limit: maxAliases };
      if (++nodes > maxNodes) return { kind: 'nodes', offset, limit: maxNodes };
    } else if (first === '"' || first === "'" || first === '[' || first === '{' || first === '|' || first === '>' || token === '-') {
      if (++nodes > maxNodes) return { kind: 'nodes', offset, limit: maxNodes };
    }
    offset += token.length;
  }
  return undefined;
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** The problem to report for a document over the limits (nothing else of it is read), or undefined. */
export function yamlBudgetProblem(text: string, budget: YamlBudget = {}): ArchitectureProblem | undefined {
  const over = yamlOverBudget(text, budget);
  if (!over) return undefined;
  const start = position(text, over.offset);
  const lineEnd = text.indexOf('\n', over.offset);
  const end = { line: start.line, column: start.column + Math.max(1, Math.min(80, (lineEnd < 0 ? text.length : lineEnd) - over.offset)) };
  const message = over.kind === 'aliases'
    ? `The architecture file uses more than ${over.limit} aliases (*name); the file is not read, so that a document built to exhaust memory and time (an alias bomb) cannot stall the analysis. This is alias number ${over.limit + 1}.`
    : `The architecture file has more than ${over.limit} values; the file is not read, so that it cannot stall the analysis. Value number ${over.limit + 1} is here.`;
  const hint = over.kind === 'aliases'
    ? 'Write the repeated values out, or reference them by name (a service or datastore name) instead of by alias.'
    : 'Split generated content out of the architecture file; keep services, datastores, channels and decisions that a team maintains by hand.';
  return { messageId: 'tooLarge', message, hint, range: { start, end } };
}
