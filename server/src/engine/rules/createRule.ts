/**
 * The rule factory. A rule is data (meta) plus a `check` that reads the
 * system model and reports. Modelled on typescript-eslint's RuleCreator:
 * the docs URL is derived from the id, and messages are templates with
 * `{{placeholders}}` keyed by message id.
 */
import type { Fix, Location, RelatedLocation, Severity } from '../types';
import type { SystemModel } from '../model';

export const DOCS_BASE_URL = 'https://github.com/distributed-patterns/distributed-patterns/blob/main/docs/rules/';

export interface RuleMessage {
  /** What is wrong and why it matters. */
  message: string;
  /** How to fix it. */
  hint: string;
}

export interface RuleMeta<M extends string = string> {
  id: string;
  description: string;
  defaultSeverity: Severity;
  docsUrl: string;
  messages: Record<M, RuleMessage>;
  /** Quick fixes this rule offers in the editor (titles; the server builds the edits). */
  fixes: string[];
  /** Options the rule reads (`rule: [severity, { ... }]` in the architecture file), with their defaults. */
  defaultOptions?: Record<string, unknown>;
}

export interface Report<M extends string> {
  messageId: M;
  data?: Record<string, string | number>;
  location: Location;
  related?: RelatedLocation[];
  /** Source text of the flagged node, used for baseline fingerprints. */
  snippet?: string;
  inferred?: boolean;
  /**
   * The highest severity this finding may have (a finding on inferred evidence
   * is at most a warning); the configured severity is never raised.
   */
  maxSeverity?: Severity;
  /**
   * The evidence is inferred only (a guess the code does not show): the finding is shown one
   * severity lower than the rule's (error → warning → info), and its message says what was inferred.
   */
  inferredOnly?: boolean;
  /** Quick fixes, built lazily only when the caller asks for fixes (the editor does, the CLI does not). */
  fixes?: () => Fix[];
}

export interface RuleContext<M extends string> {
  model: SystemModel;
  /** Options from the architecture file (`rule: [severity, { ... }]`), over the rule's defaults. */
  options: Record<string, unknown>;
  report(report: Report<M>): void;
}

export interface Rule<M extends string = string> {
  meta: RuleMeta<M>;
  check(context: RuleContext<M>): void;
}

export interface RuleDefinition<M extends string> {
  id: string;
  description: string;
  defaultSeverity: Severity;
  messages: Record<M, RuleMessage>;
  fixes?: string[];
  defaultOptions?: Record<string, unknown>;
  check(context: RuleContext<M>): void;
}

export function createRule<M extends string>(def: RuleDefinition<M>): Rule<M> {
  return {
    meta: {
      id: def.id,
      description: def.description,
      defaultSeverity: def.defaultSeverity,
      docsUrl: `${DOCS_BASE_URL}${def.id}.md`,
      messages: def.messages,
      fixes: def.fixes ?? [],
      ...(def.defaultOptions ? { defaultOptions: def.defaultOptions } : {}),
    },
    check: def.check,
  };
}

/** Fills `{{name}}` placeholders; unknown placeholders are left visible. */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) =>
    key in data ? String(data[key]) : whole,
  );
}
