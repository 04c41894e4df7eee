/**
 * Walks the architecture file's JSON Schema (schemas/architecture.schema.json)
 * along a path of YAML keys and sequence items. The schema is plain draft-07
 * with properties, patternProperties, additionalProperties and items (no $ref),
 * which is all this needs to follow.
 */
import { architectureSchema } from '../../engine/architecture/load';

export interface SchemaNode {
  title?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
}

/** One step into the document: a mapping key or "an item of a sequence". */
export type PathStep = { key: string } | { item: true };

export const ROOT_SCHEMA = architectureSchema as SchemaNode;

export function typesOf(node: SchemaNode): string[] {
  return node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
}

/** The schema of a mapping key's value under `node`, if the schema says anything about it. */
export function propertySchema(node: SchemaNode, key: string): SchemaNode | undefined {
  const named = node.properties?.[key];
  if (named) return named;
  for (const [pattern, schema] of Object.entries(node.patternProperties ?? {})) {
    if (new RegExp(pattern).test(key)) return schema;
  }
  return typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
}

export function schemaAt(path: readonly PathStep[], root: SchemaNode = ROOT_SCHEMA): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const step of path) {
    if (!node) return undefined;
    node = 'key' in step ? propertySchema(node, step.key) : typesOf(node).includes('array') ? node.items : undefined;
  }
  return node;
}

/** Markdown describing a schema node: title, description, allowed values. */
export function describeSchema(node: SchemaNode, name?: string): string {
  const parts: string[] = [];
  const heading = node.title && name && node.title !== name ? `**${name}** — ${node.title}` : `**${name ?? node.title ?? ''}**`;
  if (name || node.title) parts.push(heading);
  if (node.description) parts.push(node.description);
  if (node.enum?.length) parts.push(`Allowed values: ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  const types = typesOf(node);
  if (types.length && !node.enum) parts.push(`Type: ${types.join(' or ')}`);
  if (node.required?.length) parts.push(`Required keys: ${node.required.map((r) => `\`${r}\``).join(', ')}`);
  return parts.join('\n\n');
}
