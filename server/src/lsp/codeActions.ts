/**
 * Code actions for distributed-patterns diagnostics: the rule's quick fixes,
 * "Fix all <rule> problems in this file", "Disable ... for this line" and
 * "Show documentation"; and `source.fixAll.distributed-patterns` for
 * `editor.codeActionsOnSave`.
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DIRECTIVE } from '../engine/suppressions';
import type { Fix } from '../engine/types';
import * as path from 'node:path';
import type { Command } from 'vscode-languageserver/node';
import type { Location } from '../engine/types';
import { docsUrlOf, toLspRange, type DiagnosticData } from './diagnostics';
import { pathToUri } from './uris';
import { combineFixes, toWorkspaceEdit, type EditContext } from './edits';
import { Commands, FIX_ALL_KIND, SOURCE } from './protocol';
import type { FileDiagnostics, StoredFinding } from './store';

/** The reason text the disable comment starts with, for the user to overwrite. */
export const REASON_PLACEHOLDER = 'explain why this is safe';

export interface CodeActionContext {
  document: TextDocument;
  params: CodeActionParams;
  /** What the last analysis stored for this document, if anything. */
  file: FileDiagnostics | undefined;
  edits: EditContext;
  /** Command that opens a URL on the client, or the server's own command. */
  documentationCommand: string;
  /** Disable comments only make sense in JS/TS sources. */
  supportsComments: boolean;
}

export function codeActions(context: CodeActionContext): CodeAction[] {
  const { params, file } = context;
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const actions: CodeAction[] = [];

  if (only?.some((o) => FIX_ALL_KIND === o || FIX_ALL_KIND.startsWith(`${o}.`))) {
    const fixAll = fixAllAction(context, file?.entries ?? [], 'Fix all distributed-patterns problems in this file', FIX_ALL_KIND);
    if (fixAll) actions.push(fixAll);
  }
  if (!wants(CodeActionKind.QuickFix)) return actions;

  const ours = params.context.diagnostics.filter((d) => d.source === SOURCE && typeof d.code === 'string');
  const fixAllRules = new Set<string>();
  const docs = new Set<string>();
  const quickFixes: CodeAction[] = [];
  const disables: CodeAction[] = [];
  const documentation: CodeAction[] = [];
  for (const diagnostic of ours) {
    const ruleId = diagnostic.code as string;
    const stored = findStored(file, diagnostic);
    if (stored && isCurrent(context)) {
      for (const fix of stored.finding.fixes ?? []) {
        const edit = toWorkspaceEdit(fix.edits, context.edits);
        if (!edit) continue;
        quickFixes.push({
          title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.isPreferred, edit,
          ...(fix.selection ? { command: revealCommand(fix.selection, context.edits) } : {}),
        });
      }
      if (stored.finding.fixes?.some((f) => f.batchable)) fixAllRules.add(ruleId);
    }
    if (context.supportsComments) {
      const disable = disableAction(context.document, diagnostic, ruleId, context.edits.capabilities.documentChanges);
      if (disable) disables.push(disable);
    }
    const url = docsUrlOf(ruleId) ?? diagnostic.codeDescription?.href;
    if (url && !docs.has(ruleId)) {
      docs.add(ruleId);
      documentation.push({
        title: `Show documentation for ${SOURCE}/${ruleId}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: `Show documentation for ${SOURCE}/${ruleId}`, command: context.documentationCommand, arguments: [url, ruleId] },
      });
    }
  }
  actions.push(...quickFixes);
  for (const ruleId of fixAllRules) {
    const entries = (file?.entries ?? []).filter((e) => e.finding.ruleId === ruleId);
    if (entries.filter((e) => e.finding.fixes?.some((f) => f.batchable)).length < 2) continue;
    const action = fixAllAction(context, entries, `Fix all ${ruleId} problems in this file`, CodeActionKind.QuickFix);
    if (action) actions.push(action);
  }
  actions.push(...disables, ...documentation);
  return actions;
}

/** The stored finding behind a diagnostic: by the key in `data`, else by rule and range. */
function findStored(file: FileDiagnostics | undefined, diagnostic: Diagnostic): StoredFinding | undefined {
  if (!file) return undefined;
  const key = (diagnostic.data as DiagnosticData | undefined)?.key;
  if (key) {
    const byKey = file.entries.find((e) => e.key === key);
    if (byKey) return byKey;
  }
  return file.entries.find((e) => e.diagnostic.code === diagnostic.code && sameRange(e.diagnostic, diagnostic));
}

function sameRange(a: Diagnostic, b: Diagnostic): boolean {
  return a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character &&
    a.range.end.line === b.range.end.line && a.range.end.character === b.range.end.character;
}

/** Fix edits were computed for one version of the document; they are only offered for that version. */
function isCurrent(context: CodeActionContext): boolean {
  const version = context.file?.version;
  return version === null || version === undefined || version === context.document.version;
}

function fixAllAction(context: CodeActionContext, entries: StoredFinding[], title: string, kind: string): CodeAction | undefined {
  if (!isCurrent(context)) return undefined;
  const fixes: Fix[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const entry of entries) {
    const fix = entry.finding.fixes?.find((f) => f.batchable && f.isPreferred) ?? entry.finding.fixes?.find((f) => f.batchable);
    if (!fix) continue;
    fixes.push(fix);
    diagnostics.push(entry.diagnostic);
  }
  if (!fixes.length) return undefined;
  const combined = combineFixes(fixes);
  if (!combined.applied) return undefined;
  const edit = toWorkspaceEdit(combined.edits, context.edits);
  return edit ? { title, kind, diagnostics: combined.appliedIndexes.map((i) => diagnostics[i]), edit } : undefined;
}

const DIRECTIVE_LINE = new RegExp(`^(\\s*//\\s*${DIRECTIVE}\\s+)([^\\s,]+(?:\\s*,\\s*[^\\s,]+)*)`);

/**
 * Inserts `// distributed-patterns-disable-next-line <rule> -- <reason>` above
 * the flagged line with its indentation, or adds the rule to a directive
 * already there.
 */
export function disableAction(document: TextDocument, diagnostic: Diagnostic, ruleId: string, documentChanges = true): CodeAction | undefined {
  const line = diagnostic.range.start.line;
  if (line >= document.lineCount) return undefined;
  const text = lineText(document, line);
  const indent = /^\s*/.exec(text)![0];
  const title = `Disable ${SOURCE}/${ruleId} for this line`;
  let edit: TextEdit;
  const previous = line > 0 ? DIRECTIVE_LINE.exec(lineText(document, line - 1)) : null;
  if (previous && !previous[2].startsWith('--')) {
    if (previous[2].split(/\s*,\s*/).includes(ruleId)) return undefined;
    const at = { line: line - 1, character: previous[1].length + previous[2].length };
    edit = { range: { start: at, end: at }, newText: `, ${ruleId}` };
  } else {
    const eol = document.getText().includes('\r\n') ? '\r\n' : '\n';
    const at = { line, character: 0 };
    edit = { range: { start: at, end: at }, newText: `${indent}// ${DIRECTIVE} ${ruleId} -- ${REASON_PLACEHOLDER}${eol}` };
  }
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: documentChanges
      ? { documentChanges: [{ textDocument: { uri: document.uri, version: document.version }, edits: [edit] }] }
      : { changes: { [document.uri]: [edit] } },
  };
}

function lineText(document: TextDocument, line: number): string {
  return document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

/** The command that, once the fix's edit is applied, selects where the user types next (the editor runs it after the edit). */
function revealCommand(selection: Location, edits: EditContext): Command {
  const abs = path.resolve(edits.root, selection.file);
  const uri = edits.openDocument(abs)?.uri ?? pathToUri(abs);
  return { title: 'Show the text to fill in', command: Commands.revealSelection, arguments: [uri, toLspRange(selection.range)] };
}
