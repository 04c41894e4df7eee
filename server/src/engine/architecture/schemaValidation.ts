/**
 * Validates the architecture file against `schemas/architecture.schema.json`
 * with ajv and turns ajv's errors into plain-worded problems positioned at the
 * offending YAML node.
 */
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isMap, isSeq } from 'yaml';
import type { Node } from 'yaml';
import schemaJson from '../../../../schemas/architecture.schema.json';
import type { Range } from '../types';
import type { ArchitectureProblem } from './model';
import { closest } from './suggest';
import { field, isEmptyValue, nodeRange, resolve, yamlSnippet } from './yamlNodes';
import type { SourceContext } from './yamlNodes';

/** The JSON Schema users get for completion and validation in the editor. */
export const architectureSchema: object = schemaJson;

let validator: ValidateFunction | undefined;

function getValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true }).compile(schemaJson);
  return validator;
}

/** Section key → the noun for one of its entries. */
const SECTION_NOUNS: Record<string, string> = {
  services: 'service',
  datastores: 'datastore',
  channels: 'channel',
  apis: 'API',
  workflows: 'workflow',
};

/** Hints more specific than the generic "write a number" for a few properties. */
const TYPE_HINT_LEADS: Record<string, string> = {
  timeoutMs: 'Write the timeout in milliseconds',
  version: 'Write the format version as a number',
};

interface SchemaFragment {
  title?: string;
  description?: string;
  examples?: unknown[];
  properties?: Record<string, SchemaFragment>;
  enum?: unknown[];
}

/** The node at a JSON pointer, with the key (or list item) that leads to it. */
interface Located {
  /** The value as written (an alias stays an alias). */
  written: Node | null;
  /** The resolved value. */
  value: Node | null;
  /** The mapping key or list item leading to the value; undefined for the root. */
  anchor: Node | undefined;
}

function locate(ctx: SourceContext, segments: readonly string[]): Located | undefined {
  let written = (ctx.doc.contents as Node | null) ?? null;
  let value = resolve(ctx, written);
  let anchor: Node | undefined;
  for (const segment of segments) {
    if (isMap(value)) {
      const entry = field(ctx, value, segment);
      if (!entry) return undefined;
      anchor = entry.key;
      written = entry.written;
      value = entry.value;
    } else if (isSeq(value)) {
      const item = (value.items[Number(segment)] as Node | null | undefined) ?? null;
      if (!item) return undefined;
      anchor = item;
      written = item;
      value = resolve(ctx, item);
    } else {
      return undefined;
    }
  }
  return { written, value, anchor };
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const isIndex = (segment: string | undefined) => segment !== undefined && /^\d+$/.test(segment);

/** `service "orders"`, `decision 2`, `step 1 of workflow "checkout"`, or undefined when the path is not an entity. */
function entityLabel(segments: readonly string[]): string | undefined {
  const [section, name, sub, index] = segments;
  if (segments.length === 0) return 'the architecture file';
  if (segments.length === 2 && section === 'decisions' && isIndex(name)) return `decision ${Number(name) + 1}`;
  if (segments.length === 2 && section !== undefined && name !== undefined && SECTION_NOUNS[section]) {
    return `${SECTION_NOUNS[section]} "${name}"`;
  }
  if (segments.length === 4 && section === 'workflows' && sub === 'steps' && isIndex(index)) {
    return `step ${Number(index) + 1} of workflow "${name}"`;
  }
  return undefined;
}

/** How a message names the value at a path: an entity, `item 2 of "consumers"`, or `"timeoutMs"`. */
function subject(segments: readonly string[]): string {
  const entity = entityLabel(segments);
  if (entity) return entity;
  const last = segments[segments.length - 1]!;
  const parent = segments[segments.length - 2];
  if (isIndex(last)) return `item ${Number(last) + 1} of "${parent}"`;
  if (parent === 'rules' && segments.length === 2) return `rule "${last}"`;
  return `"${last}"`;
}

/** The key to show in a `key: value` example, when the value sits under a named key. */
function exampleKey(segments: readonly string[]): string | undefined {
  const last = segments[segments.length - 1];
  return last === undefined || isIndex(last) ? undefined : last;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `string "${shown}"`;
  }
  if (typeof value === 'number') return `number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'empty',
};

function describeTypes(types: readonly string[]): string {
  if (types.length === 2 && types.includes('string') && types.includes('array')) return 'a string or a list of strings';
  return types.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
}

function example(schema: SchemaFragment | undefined): unknown {
  return schema?.examples?.[0];
}

/** `, e.g. key: value` (or `, e.g. value` for list items), empty without an example. */
function eg(key: string | undefined, value: unknown): string {
  if (value === undefined) return '';
  return key === undefined ? `, e.g. ${yamlSnippet(value)}` : `, e.g. ${yamlSnippet(key)}: ${yamlSnippet(value)}`;
}

function typeHint(segments: readonly string[], types: readonly string[], data: unknown, schema: SchemaFragment | undefined): string {
  const key = exampleKey(segments);
  const ex = example(schema);
  const lead = key !== undefined ? TYPE_HINT_LEADS[key] : undefined;
  if (lead) return `${lead}${eg(key, ex)}.`;
  if (schema?.enum) {
    const allowed = schema.enum.map(String);
    return `Use one of ${allowed.join(', ')}${eg(key, schema.enum[0])}.`;
  }
  if (types.includes('string') && (typeof data === 'number' || typeof data === 'boolean')) {
    return `Quote the value so YAML reads it as text${eg(key, String(data))}.`;
  }
  if (types.includes('object')) {
    const [section, name] = segments;
    if (segments.length === 2 && section !== undefined && name !== undefined && SECTION_NOUNS[section] && schema?.properties?.[name]) {
      // `paths:` written at the level of the service names instead of under one.
      return `"${name}" is a ${SECTION_NOUNS[section]} property, not a ${SECTION_NOUNS[section]} name: indent it under the ${SECTION_NOUNS[section]} it belongs to.`;
    }
    if (segments.length === 1 && section !== undefined && SECTION_NOUNS[section]) {
      return `Key each ${SECTION_NOUNS[section]} by its name${eg(key, ex)}.`;
    }
    const entity = entityLabel(segments);
    if (entity) return `Write the settings of ${entity} as a mapping${eg(key, ex)}.`;
    return `Write a mapping${eg(key, ex)}.`;
  }
  if (types.includes('array') && types.includes('string')) return `Write one value or a list${eg(key, ex)}.`;
  if (types.includes('array')) return `Write a list${eg(key, ex)}.`;
  if (types.includes('number')) return `Write a number${eg(key, ex)}.`;
  return `Write ${describeTypes(types)}${eg(key, ex)}.`;
}

function problem(message: string, hint: string, range: Range): ArchitectureProblem {
  return { messageId: 'schema', message, hint, range };
}

/** Where to report a problem about a value: the value itself, or its key when the value is empty. */
function valueRange(ctx: SourceContext, located: Located | undefined): Range {
  if (located?.written && !isEmptyValue(located.written)) return nodeRange(ctx, located.written);
  return anchorRange(ctx, located);
}

/** The key (or list item) that holds a value; the start of the file for the root. */
function anchorRange(ctx: SourceContext, located: Located | undefined): Range {
  if (located?.anchor) return nodeRange(ctx, located.anchor);
  const root = (ctx.doc.contents as Node | null) ?? null;
  if (root) {
    const range = nodeRange(ctx, root);
    return { start: range.start, end: range.start };
  }
  return { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
}

function toProblem(ctx: SourceContext, error: ErrorObject): ArchitectureProblem | undefined {
  const segments = pointerSegments(error.instancePath);
  const located = locate(ctx, segments);
  const parentSchema = error.parentSchema as SchemaFragment | undefined;
  const who = subject(segments);
  switch (error.keyword) {
    case 'type': {
      const types = String((error.params as { type: string | string[] }).type).split(',');
      return problem(
        `${capitalise(who)} must be ${describeTypes(types)}, got ${describeValue(error.data)}.`,
        typeHint(segments, types, error.data, parentSchema),
        valueRange(ctx, located),
      );
    }
    case 'enum':
    case 'const': {
      const allowed = error.keyword === 'enum'
        ? ((error.params as { allowedValues: unknown[] }).allowedValues ?? [])
        : [(error.params as { allowedValue: unknown }).allowedValue];
      const shown = allowed.map(String);
      const key = exampleKey(segments);
      const keyPrefix = key === undefined ? '' : `${key}: `;
      const expectation = shown.length === 1 ? `must be ${shown[0]}` : `must be one of ${shown.join(', ')}`;
      const suggestion = typeof error.data === 'string' ? closest(error.data, shown) : undefined;
      const hint = key === 'version'
        ? 'This analyzer reads version 1 of the format; write version: 1 (or leave it out).'
        : suggestion !== undefined
          ? `Did you mean ${keyPrefix}${suggestion}?`
          : `Use one of the allowed values, e.g. ${keyPrefix}${shown[0]}.`;
      return problem(`${capitalise(who)} ${expectation}; got ${describeValue(error.data)}.`, hint, valueRange(ctx, located));
    }
    case 'additionalProperties': {
      const property = (error.params as { additionalProperty: string }).additionalProperty;
      const target = locate(ctx, [...segments, property]);
      const known = Object.keys(parentSchema?.properties ?? {});
      const suggestion = closest(property, known);
      const atRoot = segments.length === 0;
      const kind = atRoot ? 'section' : 'property';
      const where = atRoot ? '' : ` in ${entityLabel(segments) ?? who}`;
      const knownList = `Known ${kind === 'section' ? 'sections' : 'properties'}: ${known.join(', ')}.`;
      const hint = suggestion !== undefined
        ? `Did you mean "${suggestion}"? ${knownList}`
        : atRoot
          ? `Remove it, or prefix it with x- to keep private data. ${knownList}`
          : `Remove it. ${knownList}`;
      return problem(`Unknown ${kind} "${property}"${where}.`, hint, target?.anchor ? nodeRange(ctx, target.anchor) : anchorRange(ctx, located));
    }
    case 'required': {
      const property = (error.params as { missingProperty: string }).missingProperty;
      const propertySchema = parentSchema?.properties?.[property];
      const title = propertySchema?.title?.toLowerCase() ?? `"${property}"`;
      return problem(
        `${capitalise(entityLabel(segments) ?? who)} is missing "${property}".`,
        `Add the ${title}${eg(property, example(propertySchema))}.`,
        anchorRange(ctx, located),
      );
    }
    case 'minItems':
    case 'minLength':
      return problem(
        `${capitalise(who)} must not be empty.`,
        `Write a value${eg(exampleKey(segments), example(parentSchema))}.`,
        valueRange(ctx, located),
      );
    case 'exclusiveMinimum':
    case 'minimum': {
      const limit = (error.params as { limit: number }).limit;
      const comparison = error.keyword === 'minimum' ? 'at least' : 'greater than';
      return problem(
        `${capitalise(who)} must be ${comparison} ${limit}, got ${describeValue(error.data)}.`,
        `Write a positive number${eg(exampleKey(segments), example(parentSchema))}.`,
        valueRange(ctx, located),
      );
    }
    default:
      return problem(
        `${capitalise(who)} ${error.message ?? 'is invalid'}.`,
        parentSchema?.description ? `Expected: ${parentSchema.description}` : 'See the architecture file schema.',
        valueRange(ctx, located),
      );
  }
}

/**
 * Validates `data` (the document as plain JS) against the schema; one problem
 * per offending value, at its node in the YAML source.
 */
export function validateAgainstSchema(ctx: SourceContext, data: unknown): ArchitectureProblem[] {
  const validate = getValidator();
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  // A value of the wrong type also fails its enum/length checks: report only the type.
  // A `oneOf` value (a severity, or [severity, options]) fails every branch. When the list branch fits
  // and an item is wrong, the item is the problem; otherwise the value's own (enum) problem is, not the
  // other branch's type.
  const oneOf = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const inside = new Set([...oneOf].filter((p) => errors.some((e) => e.instancePath.startsWith(`${p}/`))));
  const skip = (e: ErrorObject) => e.keyword === 'oneOf' ||
    (oneOf.has(e.instancePath) && (inside.has(e.instancePath) || e.keyword === 'type'));
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type' && !skip(e)).map((e) => e.instancePath));
  const seen = new Set<string>();
  const problems: ArchitectureProblem[] = [];
  for (const error of errors) {
    if (skip(error)) continue;
    if (error.keyword !== 'type' && wrongType.has(error.instancePath)) continue;
    const p = toProblem(ctx, error);
    if (!p) continue;
    const id = `${p.range.start.line}:${p.range.start.column}:${p.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(p);
  }
  return problems;
}
