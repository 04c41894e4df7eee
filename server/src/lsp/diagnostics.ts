/** Engine findings -> LSP diagnostics. */
import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver/node';
import { RULES } from '../engine/rules';
import type { Finding, Range as EngineRange, Severity, SeveritySetting } from '../engine/types';
import { SOURCE } from './protocol';
import { pathToUri } from './uris';

const DOCS_URL = new Map(RULES.map((r) => [r.meta.id, r.meta.docsUrl]));

export function docsUrlOf(ruleId: string): string | undefined {
  return DOCS_URL.get(ruleId);
}

/** Engine ranges are 1-based with an exclusive end column; LSP ranges are 0-based, end exclusive. */
export function toLspRange(range: EngineRange): Range {
  return {
    start: { line: Math.max(0, range.start.line - 1), character: Math.max(0, range.start.column - 1) },
    end: { line: Math.max(0, range.end.line - 1), character: Math.max(0, range.end.column - 1) },
  };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** What a diagnostic carries in `data`, so code actions find their finding again. */
export interface DiagnosticData {
  key: string;
}

/**
 * The severity a finding is shown with after the `distributedPatterns.rules`
 * setting; undefined when the setting turns its rule off.
 */
export function effectiveSeverity(finding: Finding, overrides: Record<string, SeveritySetting>): Severity | undefined {
  const setting = overrides[finding.ruleId];
  if (setting === 'off') return undefined;
  return setting ?? finding.severity;
}

export function toDiagnostic(finding: Finding, severity: Severity, root: string, key: string): Diagnostic {
  const diagnostic: Diagnostic = {
    range: toLspRange(finding.location.range),
    severity: SEVERITY[severity],
    source: SOURCE,
    code: finding.ruleId,
    message: finding.hint ? `${finding.message}\n${finding.hint}` : finding.message,
    data: { key } satisfies DiagnosticData,
  };
  const href = docsUrlOf(finding.ruleId);
  if (href) diagnostic.codeDescription = { href };
  if (finding.related.length) {
    diagnostic.relatedInformation = finding.related.map((r): DiagnosticRelatedInformation => ({
      location: { uri: pathToUri(path.resolve(root, r.file)), range: toLspRange(r.range) },
      message: r.message,
    }));
  }
  return diagnostic;
}
