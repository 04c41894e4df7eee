/**
 * "Record a justification in architecture.yaml": appends a `decisions` entry
 * for the flagged flow (creating the file, or the `decisions:` section, when
 * missing) and leaves every other byte of the file as it was. The selection
 * is the placeholder reason, so the editor can put the cursor on it.
 */
import * as path from 'node:path';
import { Node } from 'ts-morph';
import { isMap, isSeq, parseDocument } from 'yaml';
import type { DecisionPattern } from '../architecture/model';
import type { SystemModel } from '../model';
import type { Fix, Position, TextEdit } from '../types';
import { isFunctionLike } from '../facts/analysis';
import { MAX_ARCHITECTURE_BYTES, readTextFile } from '../workspace/files';
import { yamlOverBudget } from '../architecture/yamlBudget';

export const JUSTIFICATION_FIX_TITLE = 'Record a justification in architecture.yaml';

const WHY: Partial<Record<DecisionPattern, string>> = {
  'two-phase-commit': 'two-phase commit across datastores',
  'distributed-lock': 'a lock held across processes',
};

export function justificationFix(model: SystemModel, node: Node, pattern: 'two-phase-commit' | 'distributed-lock'): Fix[] {
  const file = model.architectureFile ?? 'architecture.yaml';
  const target = model.relOf(node);
  const flow = flowName(node);
  const reason = `TODO: why this needs ${WHY[pattern]}`;
  const abs = path.resolve(model.root, file);
  // A file that cannot be read (a FIFO, a folder, too large) gets no edit of its text.
  const read = model.architectureFile ? readTextFile(abs, MAX_ARCHITECTURE_BYTES) : undefined;
  const text = typeof read === 'string' ? read : undefined;
  if (model.architectureFile && text === undefined) return [];
  const title = `Record a justification in ${path.posix.basename(file)} (decision "${flow}", pattern ${pattern})`;
  const item = (indent: string, eol: string) => [
    `${indent}- flow: ${yamlScalar(flow)}`,
    `${indent}  pattern: ${pattern}`,
    `${indent}  justification: "${reason}"`,
    `${indent}  paths:`,
    `${indent}    - ${yamlScalar(target)}`,
  ].join(eol);

  if (text === undefined) {
    const content = `version: 1\ndecisions:\n${item('  ', '\n')}\n`;
    const edit: TextEdit = { file, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, newText: content };
    return [{ title, edits: [edit], isPreferred: true, selection: { file, range: reasonRange(content, reason) } }];
  }

  if (yamlOverBudget(text)) return [];
  const doc = parseDocument(text);
  if (doc.errors.length || (doc.contents !== null && !isMap(doc.contents))) return [];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const decisionsLine = lines.findIndex((l) => /^decisions\s*:/.test(l));
  let offset: number;
  let insert: string;
  if (decisionsLine < 0) {
    // No section yet: append one at the end of the file.
    offset = text.length;
    insert = `${text.length && !text.endsWith('\n') ? eol : ''}decisions:${eol}${item('  ', eol)}${eol}`;
  } else {
    const decisions = isMap(doc.contents) ? doc.contents.get('decisions', true) : undefined;
    const rest = lines[decisionsLine].replace(/^decisions\s*:/, '').replace(/#.*$/, '').trim();
    if (rest === '[]' || (rest === '' && (decisions === null || decisions === undefined))) {
      // `decisions: []` or an empty `decisions:`: the new item becomes the block sequence.
      // A comment after the key stays on its line.
      const line = lines[decisionsLine];
      const lineStart = offsetOfLine(text, decisionsLine);
      const keyEnd = lineStart + line.indexOf(':') + 1;
      const tail = rest === '[]' ? line.slice(line.indexOf('[]') + 2) : line.slice(line.indexOf(':') + 1);
      const edit = replaceOffsets(file, text, keyEnd, lineStart + line.length, `${tail}${eol}${item('  ', eol)}`);
      const after = text.slice(0, keyEnd) + edit.newText;
      return [{ title, edits: [edit], isPreferred: true, selection: { file, range: reasonRange(after, reason) } }];
    }
    if (!isSeq(decisions) || decisions.flow) return [];
    // After the last line of the block (the next top-level key or the end ends it), skipping trailing blanks and comments.
    let last = decisionsLine;
    let indent: string | undefined;
    for (let i = decisionsLine + 1; i < lines.length; i++) {
      const l = lines[i];
      if (/^[^\s#]/.test(l)) break;
      if (!l.trim() || /^\s*#/.test(l)) continue;
      last = i;
      indent ??= /^(\s*)-/.exec(l)?.[1];
    }
    if (indent === undefined) return [];
    offset = offsetOfLine(text, last) + lines[last].length;
    insert = `${eol}${item(indent, eol)}`;
  }
  const edit = replaceOffsets(file, text, offset, offset, insert);
  const after = text.slice(0, offset) + insert;
  return [{ title, edits: [edit], isPreferred: true, selection: { file, range: reasonRange(after, reason, offset) } }];
}

/** The function (or class method) the node is in, else the file name: what a reader calls the flow. */
export function flowName(node: Node): string {
  const fn = node.getFirstAncestor(isFunctionLike);
  const named = fn && nameOfFunction(fn);
  if (named) return named;
  return path.posix.basename(node.getSourceFile().getFilePath()).replace(/\.[cm]?[jt]sx?$/, '');
}

function nameOfFunction(fn: Node): string | undefined {
  if (Node.isFunctionDeclaration(fn)) return fn.getName();
  if (Node.isMethodDeclaration(fn)) {
    const cls = fn.getParent();
    const clsName = Node.isClassDeclaration(cls) ? cls.getName() : undefined;
    return clsName ? `${clsName}.${fn.getName()}` : fn.getName();
  }
  const parent = fn.getParent();
  if (parent && (Node.isVariableDeclaration(parent) || Node.isPropertyAssignment(parent) || Node.isPropertyDeclaration(parent))) return parent.getName();
  const outer = fn.getParent()?.getFirstAncestor(isFunctionLike);
  return outer ? nameOfFunction(outer) : undefined;
}

function yamlScalar(value: string): string {
  return /^[\w./-]+$/.test(value) && !/^[-.]/.test(value) ? value : JSON.stringify(value);
}

function offsetOfLine(text: string, line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset = text.indexOf('\n', offset) + 1;
  return offset;
}

function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

function replaceOffsets(file: string, text: string, start: number, end: number, newText: string): TextEdit {
  return { file, range: { start: positionOf(text, start), end: positionOf(text, end) }, newText };
}

/** Range of the reason text (inside its quotes) in the file as it reads after the edit. */
function reasonRange(after: string, reason: string, from = 0): { start: Position; end: Position } {
  const at = after.indexOf(reason, from);
  return { start: positionOf(after, at), end: positionOf(after, at + reason.length) };
}
