/**
 * Small helpers over the `yaml` AST used by the architecture loader: source
 * ranges (1-based, end exclusive), alias resolution and typed field access.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, stringify, visit } from 'yaml';
import type { Alias, Document, LineCounter, Node, Pair, YAMLMap, YAMLSeq } from 'yaml';
import type { Range } from '../types';

export interface SourceContext {
  text: string;
  lineCounter: LineCounter;
  doc: Document;
}

/** Converts a pair of character offsets to a 1-based range. */
export function offsetsToRange(ctx: SourceContext, start: number, end: number): Range {
  const s = ctx.lineCounter.linePos(start);
  const e = ctx.lineCounter.linePos(Math.max(start, end));
  return { start: { line: s.line, column: s.col }, end: { line: e.line, column: e.col } };
}

/**
 * Where a node's value ends. A block collection's own range runs on over
 * trailing comments and blank lines; its last value's end is what users see.
 */
function valueEnd(node: Node): number {
  const own = node.range?.[1] ?? 0;
  if ((isMap(node) || isSeq(node)) && !node.flow) {
    const last = node.items[node.items.length - 1] as unknown;
    if (isPair(last)) {
      const value = last.value as Node | null;
      if (value && value.range && !(isScalar(value) && value.range[0] === value.range[1])) return valueEnd(value);
      const key = last.key as Node | null;
      return key?.range ? valueEnd(key) : own;
    }
    if (last && (last as Node).range) return valueEnd(last as Node);
  }
  return own;
}

/** The range of a node's value, without trailing whitespace and comments. */
export function nodeRange(ctx: SourceContext, node: Node): Range {
  const start = node.range?.[0] ?? 0;
  let end = Math.max(start, valueEnd(node));
  while (end > start && /\s/.test(ctx.text[end - 1] ?? '')) end--;
  return offsetsToRange(ctx, start, end);
}

/** Every alias of a document with the node it refers to, found in one walk. */
const aliasTargets = new WeakMap<Document, Map<Alias, Node | null>>();

function targetsOf(doc: Document): Map<Alias, Node | null> {
  let targets = aliasTargets.get(doc);
  if (targets) return targets;
  targets = new Map();
  // As `Alias.resolve` does (the last anchor of that name before the alias), but for all aliases at once:
  // resolving each alias on its own walks the whole document, which is quadratic in the number of aliases.
  const anchors = new Map<string, Node>();
  const found = targets;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) found.set(node, anchors.get(node.source) ?? null);
      else if ((node as { anchor?: string }).anchor) anchors.set((node as { anchor: string }).anchor, node);
    },
  });
  aliasTargets.set(doc, targets);
  return targets;
}

/** Follows `*alias` references to the anchored node. */
export function resolve(ctx: SourceContext, node: unknown): Node | null {
  if (isAlias(node)) return targetsOf(ctx.doc).get(node) ?? null;
  return (node as Node | null) ?? null;
}

/** True for a value written as nothing at all (`owner:` followed by a newline). */
export function isEmptyValue(node: Node | null): boolean {
  if (!node) return true;
  if (isScalar(node) && node.value === null) {
    const [start, end] = node.range ?? [0, 0];
    return start === end;
  }
  return false;
}

/** The string form of a mapping key, as `toJS()` would produce it. */
export function keyName(pair: Pair): string | undefined {
  const key = pair.key as unknown;
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return undefined;
  if (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean') return String(key);
  return undefined;
}

export function keyNode(pair: Pair): Node | null {
  const key = pair.key as unknown;
  return isScalar(key) || isMap(key) || isSeq(key) || isAlias(key) ? (key as Node) : null;
}

export interface Entry {
  name: string;
  /** The key node, for ranges. */
  key: Node;
  /** The resolved value node. */
  value: Node | null;
  /** The value node as written (an alias stays an alias), for ranges. */
  written: Node | null;
}

/**
 * The entries of a mapping keyed by name. When a key repeats, the last one
 * wins (like `toJS()`); the duplicate itself is reported elsewhere.
 */
export function entries(ctx: SourceContext, map: YAMLMap): Entry[] {
  const byName = new Map<string, Entry>();
  for (const pair of map.items) {
    const name = keyName(pair);
    const key = keyNode(pair);
    if (name === undefined || !key) continue;
    const written = (pair.value as Node | null) ?? null;
    byName.set(name, { name, key, value: resolve(ctx, written), written });
  }
  return [...byName.values()];
}

export function field(ctx: SourceContext, map: YAMLMap, name: string): Entry | undefined {
  let found: Entry | undefined;
  for (const pair of map.items) {
    if (keyName(pair) !== name) continue;
    const key = keyNode(pair);
    if (!key) continue;
    const written = (pair.value as Node | null) ?? null;
    found = { name, key, value: resolve(ctx, written), written };
  }
  return found;
}

export function asMap(node: Node | null): YAMLMap | undefined {
  return isMap(node) ? node : undefined;
}

export function asSeq(node: Node | null): YAMLSeq | undefined {
  return isSeq(node) ? node : undefined;
}

/** The value of a string field; undefined when missing or not a string. */
export function stringField(ctx: SourceContext, map: YAMLMap, name: string): string | undefined {
  const value = field(ctx, map, name)?.value ?? null;
  return isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
}

export function numberField(ctx: SourceContext, map: YAMLMap, name: string): number | undefined {
  const value = field(ctx, map, name)?.value ?? null;
  return isScalar(value) && typeof value.value === 'number' && Number.isFinite(value.value) ? value.value : undefined;
}

export function enumField<T extends string>(ctx: SourceContext, map: YAMLMap, name: string, allowed: readonly T[]): T | undefined {
  const value = stringField(ctx, map, name);
  return value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

export interface StringItem {
  value: string;
  /** The node as written, for ranges. */
  node: Node;
}

/**
 * A field written either as one string or as a list of strings, normalised to
 * its string items (non-string and empty items are skipped). Undefined when the
 * field is missing or neither a string nor a list.
 */
export function stringItems(ctx: SourceContext, entry: Entry | undefined): StringItem[] | undefined {
  if (!entry) return undefined;
  const value = entry.value;
  if (isScalar(value)) {
    if (typeof value.value !== 'string') return undefined;
    return value.value === '' ? [] : [{ value: value.value, node: entry.written ?? value }];
  }
  if (isSeq(value)) {
    const items: StringItem[] = [];
    for (const item of value.items) {
      const resolved = resolve(ctx, item);
      if (isScalar(resolved) && typeof resolved.value === 'string' && resolved.value !== '') {
        items.push({ value: resolved.value, node: (item as Node | null) ?? resolved });
      }
    }
    return items;
  }
  return undefined;
}

export function stringList(ctx: SourceContext, map: YAMLMap, name: string): string[] {
  return (stringItems(ctx, field(ctx, map, name)) ?? []).map((item) => item.value);
}

/** A value as a short one-line YAML snippet, for hints: `[services/orders]`, `{env: X}`. */
export function yamlSnippet(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0 }).trim();
}
