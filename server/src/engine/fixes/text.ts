/**
 * Text-edit helpers for fix builders: engine edits are root-relative, 1-based
 * and end-exclusive, computed from ts-morph positions.
 */
import type { Node, SourceFile } from 'ts-morph';
import type { Position, TextEdit } from '../types';

export function positionAt(sf: SourceFile, pos: number): Position {
  const { line, column } = sf.getLineAndColumnAtPos(pos);
  return { line, column };
}

export function replaceRange(file: string, sf: SourceFile, start: number, end: number, newText: string): TextEdit {
  return { file, range: { start: positionAt(sf, start), end: positionAt(sf, end) }, newText };
}

export function insertAt(file: string, sf: SourceFile, pos: number, newText: string): TextEdit {
  return replaceRange(file, sf, pos, pos, newText);
}

export function replaceNode(file: string, node: Node, newText: string): TextEdit {
  return replaceRange(file, node.getSourceFile(), node.getStart(), node.getEnd(), newText);
}

/** A file the fix creates: one insertion at its start. */
export function createFile(file: string, text: string): TextEdit {
  return { file, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, newText: text };
}

/** The whitespace a line starts with, for the line holding `pos`. */
export function indentAt(sf: SourceFile, pos: number): string {
  const text = sf.getFullText();
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** Position of the first character of the line holding `pos`. */
export function lineStartOf(sf: SourceFile, pos: number): number {
  return sf.getFullText().lastIndexOf('\n', pos - 1) + 1;
}

/** The file's indentation unit: two spaces unless the file uses four or tabs. */
export function indentUnit(sf: SourceFile): string {
  const text = sf.getFullText();
  if (/\n\t/.test(text)) return '\t';
  const sizes = [...text.matchAll(/\n( +)\S/g)].map((m) => m[1].length).filter((n) => n > 0);
  const smallest = sizes.length ? Math.min(...sizes) : 2;
  return smallest >= 4 ? '    ' : '  ';
}

export function eolOf(sf: SourceFile): string {
  return sf.getFullText().includes('\r\n') ? '\r\n' : '\n';
}

/** Adds `extra` to the indentation of every non-empty line after the first (text taken from a node). */
export function reindent(text: string, extra: string): string {
  return text.split('\n').map((line, i) => (i === 0 || !line.trim() ? line : extra + line)).join('\n');
}

/** The quote character string literals in this file mostly use. */
export function quoteOf(sf: SourceFile): string {
  const text = sf.getFullText();
  const single = (text.match(/'/g) ?? []).length;
  const double = (text.match(/"/g) ?? []).length;
  return double > single ? '"' : "'";
}
