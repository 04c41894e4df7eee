/**
 * Completion in the architecture file: keys the schema allows at the cursor
 * (with their descriptions), enum values, and service names where a field
 * refers to a service declared under `services:`.
 */
import { parseDocument } from 'yaml';
import { yamlOverBudget } from '../../engine/architecture/yamlBudget';
import {
  CompletionItemKind,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  type CompletionItem,
  type Position,
  type Range,
} from 'vscode-languageserver/node';
import { contextAt } from './yamlContext';
import { describeSchema, schemaAt, typesOf, type PathStep, type SchemaNode } from './schema';

/** Fields whose value is a service name, by key, outside the `services:` section itself. */
const SERVICE_REFERENCES = new Set(['producer', 'consumers', 'provider', 'service', 'services', 'owner']);

export function architectureCompletions(text: string, position: Position, snippetSupport: boolean): CompletionItem[] {
  const lines = text.split(/\r?\n/);
  const context = contextAt(lines, position.line, position.character);
  if (!context) return [];
  const range = { start: { line: position.line, character: context.column }, end: position };

  if (context.kind === 'value') {
    const schema = schemaAt([...context.path, { key: context.key }]);
    return schema ? valueItems(schema, [...context.path, { key: context.key }], text, range) : [];
  }
  const container = schemaAt(context.path);
  if (!container) return [];
  if (context.kind === 'item' && !typesOf(container).includes('object')) {
    // `- ` in a list of scalars: complete the scalar.
    return valueItems(container, context.path, text, range);
  }
  return keyItems(container, context.siblings, range, snippetSupport);
}

function keyItems(container: SchemaNode, siblings: string[], range: Range, snippetSupport: boolean): CompletionItem[] {
  const items: CompletionItem[] = [];
  const required = new Set(container.required ?? []);
  for (const [key, schema] of Object.entries(container.properties ?? {})) {
    if (siblings.includes(key)) continue;
    const types = typesOf(schema);
    let newText = `${key}: `;
    let format: InsertTextFormat = InsertTextFormat.PlainText;
    if (types.length === 1 && types[0] === 'object') newText = `${key}:\n  `;
    else if (types.length === 1 && types[0] === 'array') newText = `${key}:\n  - `;
    if (snippetSupport) {
      format = InsertTextFormat.Snippet;
      newText = newText.replace(/\$/g, '\\$') + '$0';
    }
    items.push({
      label: key,
      kind: CompletionItemKind.Property,
      detail: schema.title,
      documentation: { kind: MarkupKind.Markdown, value: describeSchema(schema, key) },
      sortText: `${required.has(key) ? '0' : '1'}${key}`,
      textEdit: { range, newText },
      insertTextFormat: format,
      insertTextMode: InsertTextMode.adjustIndentation,
    });
  }
  return items;
}

function valueItems(schema: SchemaNode, path: PathStep[], text: string, range: Range): CompletionItem[] {
  const target = typesOf(schema).includes('array') && !schema.enum && schema.items ? schema.items : schema;
  const items: CompletionItem[] = [];
  for (const value of target.enum ?? []) {
    items.push({
      label: String(value),
      kind: CompletionItemKind.EnumMember,
      documentation: { kind: MarkupKind.Markdown, value: describeSchema(schema, lastKey(path)) },
      textEdit: { range, newText: String(value) },
    });
  }
  const key = lastKey(path);
  const section = 'key' in (path[0] ?? {}) ? (path[0] as { key: string }).key : undefined;
  if (!target.enum && key && SERVICE_REFERENCES.has(key) && section !== 'services') {
    for (const name of declaredServices(text)) {
      items.push({
        label: name,
        kind: CompletionItemKind.Reference,
        detail: 'service declared under services:',
        textEdit: { range, newText: name },
      });
    }
  }
  if (!items.length && typesOf(target).includes('boolean')) {
    for (const value of ['true', 'false']) items.push({ label: value, kind: CompletionItemKind.Value, textEdit: { range, newText: value } });
  }
  return items;
}

function lastKey(path: PathStep[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const step = path[i];
    if ('key' in step) return step.key;
  }
  return undefined;
}

/** Service names under `services:`, read leniently from a possibly broken document. */
export function declaredServices(text: string): string[] {
  try {
    if (yamlOverBudget(text)) return [];
    const doc = parseDocument(text, { prettyErrors: false, strict: false });
    const services = doc.toJS({ maxAliasCount: 50 })?.services;
    return services && typeof services === 'object' && !Array.isArray(services) ? Object.keys(services) : [];
  } catch {
    return [];
  }
}
