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
  type Range,
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

  const fixAllRules = new Set<string>();
  const docs = new Set<string>();
  const quickFixes: CodeAction[] = [];
  const disables: CodeAction[] = [];
  const documentation: CodeAction[] = [];
  for (const { entry, echoed } of selectFindings(file, params)) {
    const { diagnostic } = entry;
    const ruleId = entry.finding.ruleId;
    if (isCurrent(context)) {
      for (const fix of entry.finding.fixes ?? []) {
        const edit = toWorkspaceEdit(fix.edits, context.edits);
        if (!edit) continue;
        quickFixes.push({
          title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.isPreferred, edit,
          ...(fix.selection ? { command: revealCommand(fix.selection, context.edits) } : {}),
        });
      }
      if (entry.finding.fixes?.some((f) => f.batchable)) fixAllRules.add(ruleId);
    }
    // The line to disable: where the editor shows the diagnostic now, else the analysed one if the text is unchanged.
    const at = echoed && isRange(echoed.range) ? { ...diagnostic, range: echoed.range } : isCurrent(context) ? diagnostic : undefined;
    if (context.supportsComments && at) {
      const disable = disableAction(context.document, at, ruleId, context.edits.capabilities.documentChanges);
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

/**
 * The server's own current findings a code-action request is about: those the
 * request's diagnostics identify (by the key in `data`, else by code and
 * range), or, when they identify none, those whose range intersects the
 * requested range (an empty range, a cursor, stands for its whole line).
 * Clients echo diagnostics differently (some without range or message, some
 * not at all), so the echo only narrows, it is never required.
 */
export function selectFindings(file: FileDiagnostics | undefined, params: CodeActionParams): SelectedFinding[] {
  if (!file) return [];
  const identified = new Map<StoredFinding, Partial<Diagnostic>>();
  for (const diagnostic of params.context?.diagnostics ?? []) {
    const stored = findStored(file, diagnostic);
    if (stored && !identified.has(stored)) identified.set(stored, diagnostic);
  }
  if (identified.size) return file.entries.filter((e) => identified.has(e)).map((entry) => ({ entry, echoed: identified.get(entry) }));
  const range = isEmpty(params.range)
    ? { start: { line: params.range.start.line, character: 0 }, end: { line: params.range.start.line, character: Number.MAX_SAFE_INTEGER } }
    : params.range;
  return file.entries.filter((e) => intersects(e.diagnostic.range, range)).map((entry) => ({ entry }));
}

export interface SelectedFinding {
  entry: StoredFinding;
  /** The diagnostic the client sent that identified it, if one did. */
  echoed?: Partial<Diagnostic>;
}

/** The stored finding behind an echoed diagnostic: by the key in `data`, else by rule and range. */
function findStored(file: FileDiagnostics, diagnostic: Partial<Diagnostic> | null | undefined): StoredFinding | undefined {
  if (!diagnostic || typeof diagnostic !== 'object') return undefined;
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  const key = data && typeof data === 'object' && typeof data.key === 'string' ? data.key : undefined;
  if (key) {
    const byKey = file.entries.find((e) => e.key === key);
    if (byKey) return byKey;
  }
  if (diagnostic.code === undefined || !isRange(diagnostic.range)) return undefined;
  return file.entries.find((e) => e.diagnostic.code === diagnostic.code && sameRange(e.diagnostic.range, diagnostic.range!));
}

type Position = Range['start'];

function isRange(value: unknown): value is Range {
  const r = value as Range | undefined;
  return !!r && typeof r === 'object' && !!r.start && !!r.end && typeof r.start.line === 'number' && typeof r.end.line === 'number';
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character &&
    a.end.line === b.end.line && a.end.character === b.end.character;
}

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character < b.character);
const isEmpty = (r: Range) => r.start.line === r.end.line && r.start.character === r.end.character;

/** True when the ranges share a position (touching counts: a cursor at a finding's end is on it). */
function intersects(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
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
