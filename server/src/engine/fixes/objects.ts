/** Edits that add properties to object literals and arguments to calls, keeping the code's layout. */
import { Node, type CallExpression, type ObjectLiteralExpression } from 'ts-morph';
import type { TextEdit } from '../types';
import { indentAt, insertAt, replaceNode } from './text';

export type Prop = [key: string, value: string];

export function propKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`;
}

/** `{ k: v, ... }` written inline. */
export function objectText(props: Prop[]): string {
  return props.length ? `{ ${props.map(([k, v]) => `${propKey(k)}: ${v}`).join(', ')} }` : '{}';
}

/** Appends properties after the last one (one per line when the literal spans lines). */
export function addProps(file: string, obj: ObjectLiteralExpression, props: Prop[]): TextEdit {
  const sf = obj.getSourceFile();
  const existing = obj.getProperties();
  if (!existing.length) return replaceNode(file, obj, objectText(props));
  const last = existing[existing.length - 1];
  if (obj.getText().includes('\n')) {
    const indent = indentAt(sf, last.getStart());
    return insertAt(file, sf, last.getEnd(), props.map(([k, v]) => `,\n${indent}${propKey(k)}: ${v}`).join(''));
  }
  return insertAt(file, sf, last.getEnd(), props.map(([k, v]) => `, ${propKey(k)}: ${v}`).join(''));
}

/** The initializer of property `name` of an object literal, and the property itself. */
export function propOf(obj: ObjectLiteralExpression, name: string): { prop: Node; init: Node | undefined } | undefined {
  for (const p of obj.getProperties()) {
    if (Node.isPropertyAssignment(p)) {
      const n = p.getNameNode();
      const key = Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n) ? n.getLiteralValue() : n.getText();
      if (key === name) return { prop: p, init: p.getInitializer() };
    } else if (Node.isShorthandPropertyAssignment(p) && p.getName() === name) {
      return { prop: p, init: p.getNameNode() };
    }
  }
  return undefined;
}

/**
 * Adds entries to the object under `key` of `obj`: merged into a literal,
 * spread from anything else (`headers: h` → `headers: { ...h, k: v }`), or a
 * new property.
 */
export function mergeInto(file: string, obj: ObjectLiteralExpression, key: string, props: Prop[]): TextEdit {
  const found = propOf(obj, key);
  if (!found) return addProps(file, obj, [[key, objectText(props)]]);
  const init = found.init;
  if (init && Node.isObjectLiteralExpression(init)) return addProps(file, init, props);
  if (init && Node.isShorthandPropertyAssignment(found.prop)) {
    return replaceNode(file, found.prop, `${propKey(key)}: { ...${init.getText()}, ${props.map(([k, v]) => `${propKey(k)}: ${v}`).join(', ')} }`);
  }
  return replaceNode(file, init!, `{ ...${init!.getText()}, ${props.map(([k, v]) => `${propKey(k)}: ${v}`).join(', ')} }`);
}

/** Adds an argument at `index`, filling skipped optional ones with `undefined`. */
export function addArgument(file: string, call: CallExpression, index: number, text: string): TextEdit {
  const args = call.getArguments();
  const fill = Array.from({ length: Math.max(0, index - args.length) }, () => 'undefined');
  const parts = [...fill, text];
  const sf = call.getSourceFile();
  if (args.length) return insertAt(file, sf, args[args.length - 1].getEnd(), parts.map((p) => `, ${p}`).join(''));
  const close = call.getEnd() - 1; // the `)`
  return insertAt(file, sf, close, parts.join(', '));
}
