/**
 * Engine text edits (root-relative files, 1-based ranges) -> LSP workspace
 * edits, including files a fix creates, and combining several fixes without
 * overlapping edits for "fix all".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CreateFile,
  TextDocumentEdit,
  type OptionalVersionedTextDocumentIdentifier,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Fix, TextEdit as EngineTextEdit } from '../engine/types';
import { toLspRange } from './diagnostics';
import { pathToUri } from './uris';

export interface EditCapabilities {
  /** `workspace.workspaceEdit.documentChanges`. */
  documentChanges: boolean;
  /** `workspace.workspaceEdit.resourceOperations` includes `create`. */
  createFiles: boolean;
}

export interface OpenDocumentInfo {
  uri: string;
  version: number;
}

export interface EditContext {
  root: string;
  capabilities: EditCapabilities;
  /** The open document at an absolute path, if any. */
  openDocument(abs: string): OpenDocumentInfo | undefined;
  /** Version the edits were computed against, for the file they were computed for (others: the open version). */
  versionFor?(abs: string): number | null | undefined;
  fileExists?(abs: string): boolean;
}

/**
 * A workspace edit applying `edits`, or undefined when the client cannot
 * apply it (a file to create without `resourceOperations: create`).
 */
export function toWorkspaceEdit(edits: readonly EngineTextEdit[], context: EditContext): WorkspaceEdit | undefined {
  const byFile = new Map<string, EngineTextEdit[]>();
  for (const edit of edits) {
    const abs = path.resolve(context.root, edit.file);
    byFile.set(abs, [...(byFile.get(abs) ?? []), edit]);
  }
  const exists = context.fileExists ?? ((abs: string) => fs.existsSync(abs));
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  const changes: Record<string, TextEdit[]> = {};
  for (const [abs, fileEdits] of byFile) {
    const open = context.openDocument(abs);
    const uri = open?.uri ?? pathToUri(abs);
    const lspEdits = fileEdits.map((e): TextEdit => ({ range: toLspRange(e.range), newText: e.newText }));
    const isNew = !open && !exists(abs);
    if (isNew && !(context.capabilities.documentChanges && context.capabilities.createFiles)) return undefined;
    if (context.capabilities.documentChanges) {
      if (isNew) documentChanges.push(CreateFile.create(uri, { ignoreIfExists: true }));
      const tracked = context.versionFor?.(abs);
      const version = tracked !== undefined ? tracked : (open?.version ?? null);
      const id: OptionalVersionedTextDocumentIdentifier = { uri, version };
      documentChanges.push(TextDocumentEdit.create(id, lspEdits));
    } else {
      changes[uri] = lspEdits;
    }
  }
  return context.capabilities.documentChanges ? { documentChanges } : { changes };
}

function before(a: EngineTextEdit['range']['start'], b: EngineTextEdit['range']['start']): number {
  return a.line - b.line || a.column - b.column;
}

function sameEdit(a: EngineTextEdit, b: EngineTextEdit): boolean {
  return a.file === b.file && a.newText === b.newText && before(a.range.start, b.range.start) === 0 && before(a.range.end, b.range.end) === 0;
}

/** True when two edits of one file touch the same text (or insert at the same point). */
export function overlaps(a: EngineTextEdit, b: EngineTextEdit): boolean {
  if (a.file !== b.file) return false;
  const aEmpty = before(a.range.start, a.range.end) === 0;
  const bEmpty = before(b.range.start, b.range.end) === 0;
  if (before(a.range.start, b.range.start) === 0 && (aEmpty || bEmpty)) return true;
  return before(a.range.start, b.range.end) < 0 && before(b.range.start, a.range.end) < 0;
}

/**
 * Edits of several fixes applied together: a fix whose edits overlap an
 * already accepted one is left out whole (it is offered again after the
 * next analysis); edits identical to accepted ones (e.g. two fixes adding the
 * same migration file) are applied once.
 */
export function combineFixes(fixes: readonly Fix[]): { edits: EngineTextEdit[]; applied: number; skipped: number; appliedIndexes: number[] } {
  const accepted: EngineTextEdit[] = [];
  const appliedIndexes: number[] = [];
  let applied = 0;
  let skipped = 0;
  for (const [index, fix] of fixes.entries()) {
    const fresh = fix.edits.filter((e) => !accepted.some((a) => sameEdit(a, e)));
    if (fresh.some((e) => accepted.some((a) => overlaps(a, e)))) {
      skipped++;
      continue;
    }
    accepted.push(...fresh);
    appliedIndexes.push(index);
    applied++;
  }
  return { edits: accepted, applied, skipped, appliedIndexes };
}
