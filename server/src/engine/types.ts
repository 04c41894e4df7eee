/**
 * Core data types shared by the engine, the CLI and the language server.
 * Nothing here knows about LSP or `vscode`.
 */

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

/** 1-based line and column, like ESLint and editors show them. */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Location {
  /** Workspace-relative path with forward slashes. */
  file: string;
  range: Range;
}

export interface RelatedLocation extends Location {
  message: string;
}

export interface TextEdit {
  file: string;
  range: Range;
  newText: string;
}

/** A quick fix: one undoable set of edits. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Safe to apply together with the same fix for other findings of the rule in a file ("fix all"). */
  batchable?: boolean;
  isPreferred?: boolean;
  /**
   * Where the user is expected to type next once the edits are applied (e.g. the
   * placeholder reason of a recorded decision), in the text as it reads after them.
   */
  selection?: Location;
}

export interface Suppression {
  kind: 'inSource' | 'baseline';
  justification: string;
}

export interface Finding {
  ruleId: string;
  messageId: string;
  severity: Severity;
  /** What is wrong and why it matters. */
  message: string;
  /** How to fix it, one sentence. */
  hint: string;
  location: Location;
  related: RelatedLocation[];
  /** True when the finding rests on facts inferred without an architecture file. */
  inferred: boolean;
  suppressed?: Suppression;
  /** Quick fixes the rule offers for this finding (the editor shows them as code actions). */
  fixes?: Fix[];
  /** Stable identity for baselines: rule, file, message, and the text of the flagged node. */
  fingerprint: string;
}
