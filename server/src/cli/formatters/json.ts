/**
 * Machine output: every finding (suppressed ones included, with their
 * suppression), the rules that ran and a summary, in a stable order so two
 * runs on the same code produce identical text.
 */
import type { Finding, Location, Range } from '../../engine/types';
import { sortFindings, summarize } from '../findings';
import { TOOL_VERSION } from '../version';
import type { Formatter } from './types';

// Rebuilt field by field so the key order does not depend on how the engine built the object.
function range(r: Range): Range {
  return { start: { line: r.start.line, column: r.start.column }, end: { line: r.end.line, column: r.end.column } };
}

function location(l: Location): Location {
  return { file: l.file, range: range(l.range) };
}

function finding(f: Finding): Finding {
  return {
    ruleId: f.ruleId,
    messageId: f.messageId,
    severity: f.severity,
    message: f.message,
    hint: f.hint,
    location: location(f.location),
    related: f.related.map((r) => ({ ...location(r), message: r.message })),
    inferred: f.inferred,
    ...(f.suppressed ? { suppressed: { kind: f.suppressed.kind, justification: f.suppressed.justification } } : {}),
    fingerprint: f.fingerprint,
  };
}

export const formatJson: Formatter = (input) => {
  const report = {
    version: TOOL_VERSION,
    root: input.root,
    architectureFile: input.architectureFile ?? null,
    findings: sortFindings(input.findings).map(finding),
    rules: [...input.rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    summary: summarize(input.findings),
    filesAnalyzed: input.filesAnalyzed,
    skipped: [...input.skipped].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
    outOfScope: input.outOfScope ?? {},
    notices: (input.notices ?? []).map((n) => ({ kind: n.kind, message: n.message, ...(n.file !== undefined ? { file: n.file } : {}) })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
};
