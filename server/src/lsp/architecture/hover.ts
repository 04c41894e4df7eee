/** Hover in the architecture file: the schema's title and description of the key (or enum value) under the cursor. */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import { ancestorsOf, tokensOf } from './yamlContext';
import { describeSchema, schemaAt } from './schema';

export function architectureHover(text: string, position: Position): Hover | null {
  const lines = text.split(/\r?\n/);
  const line = lines[position.line];
  if (line === undefined) return null;
  const tokens = tokensOf(line);
  const key = tokens.find((t) => t.kind === 'key');
  if (!key) return null;
  const keyStart = key.column + (line.slice(key.column).startsWith('"') || line.slice(key.column).startsWith("'") ? 1 : 0);
  const keyEnd = keyStart + key.key!.length;
  const path = [...ancestorsOf(lines, position.line, tokens[0].column), ...tokens.filter((t) => t.kind === 'dash').map(() => ({ item: true as const })), { key: key.key! }];
  const schema = schemaAt(path);
  if (!schema) return null;
  if (position.character >= keyStart && position.character <= keyEnd) {
    return {
      contents: { kind: MarkupKind.Markdown, value: describeSchema(schema, key.key) },
      range: { start: { line: position.line, character: keyStart }, end: { line: position.line, character: keyEnd } },
    };
  }
  // On an enum value: describe the field, marking the chosen value.
  const value = key.value?.replace(/^["']|["']$/g, '');
  if (value && schema.enum?.map(String).includes(value)) {
    const valueStart = line.indexOf(key.value!, keyEnd);
    if (position.character >= valueStart && position.character <= valueStart + key.value!.length) {
      return {
        contents: { kind: MarkupKind.Markdown, value: `\`${value}\` — ${describeSchema(schema, key.key)}` },
        range: { start: { line: position.line, character: valueStart }, end: { line: position.line, character: valueStart + key.value!.length } },
      };
    }
  }
  return null;
}
