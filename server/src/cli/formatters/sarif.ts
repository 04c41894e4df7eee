/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one run, the
 * rules as `reportingDescriptor`s with help, results with root-relative URIs
 * under `%SRCROOT%`, partial fingerprints from the engine's fingerprints and
 * `suppressions` for suppressed findings (baseline → external).
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { Finding, Location, Severity } from '../../engine/types';
import type { RuleMeta } from '../../engine/rules/createRule';
import { sortFindings } from '../findings';
import { TOOL_INFORMATION_URI, TOOL_NAME, TOOL_VERSION } from '../version';
import type { Formatter } from './types';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
/** Key of our fingerprint in `partialFingerprints`; bump the suffix if the fingerprint scheme changes. */
export const FINGERPRINT_KEY = 'distributedPatterns/v1';

type Level = 'error' | 'warning' | 'note';

export function sarifLevel(severity: Severity): Level {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** `non-idempotent-consumer` → `NonIdempotentConsumer` (SARIF friendly names are PascalCase). */
export function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return trimmed === '' || /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function firstSentence(text: string): string {
  const match = /^(.+?[.!?])(\s|$)/.exec(text.trim());
  return match ? match[1]! : sentence(text);
}

function ruleDescriptor(rule: RuleMeta): Sarif.ReportingDescriptor {
  const description = sentence(rule.description);
  const messages = Object.values(rule.messages);
  const markdownFixes = messages.map((m) => `- ${sentence(m.message)} **Fix:** ${sentence(m.hint)}`);
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: firstSentence(rule.description) },
    fullDescription: { text: description },
    help: {
      text: [description, ...messages.map((m) => `${sentence(m.message)} Fix: ${sentence(m.hint)}`), `Documentation: ${rule.docsUrl}`].join('\n\n'),
      markdown: [description, markdownFixes.join('\n'), `[Rule documentation](${rule.docsUrl})`].filter(Boolean).join('\n\n'),
    },
    helpUri: rule.docsUrl,
    defaultConfiguration: { level: sarifLevel(rule.defaultSeverity) },
  };
}

/** A descriptor for a finding whose rule the engine did not describe, so `ruleIndex` always resolves. */
function fallbackDescriptor(ruleId: string): Sarif.ReportingDescriptor {
  const text = `Findings of the ${TOOL_NAME} rule ${ruleId}.`;
  return {
    id: ruleId,
    name: ruleName(ruleId),
    shortDescription: { text },
    fullDescription: { text },
    help: { text, markdown: text },
  };
}

/**
 * Root-relative, forward slashes, each segment percent-encoded (a URI reference, not a path), so that
 * decoding each segment gives the file name back: `back\slash.ts` (a backslash is a file name character
 * outside Windows), spaces, `#`, `%`, `?` and non-ASCII names included.
 */
export function artifactUri(root: string, file: string): string {
  // The engine's paths use forward slashes; only on Windows is a backslash a separator.
  const relative = path.isAbsolute(file) ? path.relative(root, file).split(path.sep).join('/') : path.sep === '\\' ? file.replace(/\\/g, '/') : file;
  return relative
    .replace(/^\.\//, '')
    .split('/')
    .map(encodeSegment)
    .join('/');
}

/** encodeURIComponent, also for a name with a lone surrogate (it throws there): that code unit becomes U+FFFD. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
}

function region(location: Location): Sarif.Region {
  const { start, end } = location.range;
  const result: Sarif.Region = { startLine: Math.max(1, start.line), startColumn: Math.max(1, start.column) };
  const endsAfterStart = end.line > start.line || (end.line === start.line && end.column >= start.column);
  if (endsAfterStart) {
    result.endLine = end.line;
    result.endColumn = end.column;
  }
  return result;
}

function physicalLocation(root: string, location: Location): Sarif.PhysicalLocation {
  return {
    artifactLocation: { uri: artifactUri(root, location.file), uriBaseId: SRCROOT },
    region: region(location),
  };
}

function resultFor(root: string, finding: Finding, ruleIndex: number): Sarif.Result {
  const result: Sarif.Result = {
    ruleId: finding.ruleId,
    ruleIndex,
    level: sarifLevel(finding.severity),
    message: { text: finding.hint ? `${sentence(finding.message)} ${sentence(finding.hint)}` : sentence(finding.message) },
    locations: [{ physicalLocation: physicalLocation(root, finding.location) }],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
  };
  if (finding.related.length > 0) {
    result.relatedLocations = finding.related.map((related, id) => ({
      id,
      physicalLocation: physicalLocation(root, related),
      message: { text: sentence(related.message) },
    }));
  }
  if (finding.suppressed) {
    result.suppressions = [
      {
        kind: finding.suppressed.kind === 'inSource' ? 'inSource' : 'external',
        justification: finding.suppressed.justification,
      },
    ];
  }
  if (finding.inferred) result.properties = { inferred: true };
  return result;
}

export const formatSarif: Formatter = (input) => {
  const rules = [...input.rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(ruleDescriptor);
  const findings = sortFindings(input.findings);
  for (const finding of findings) {
    if (!rules.some((rule) => rule.id === finding.ruleId)) rules.push(fallbackDescriptor(finding.ruleId));
  }
  const indexOf = new Map(rules.map((rule, index) => [rule.id, index]));

  const invocation: Sarif.Invocation = { executionSuccessful: true };
  // A file not analysed or a failed rule means findings may be missing: warnings, not notes.
  const notifications: Sarif.Notification[] = [...input.skipped]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .map((skipped) => ({
      level: 'warning',
      message: { text: sentence(`File not analyzed: ${skipped.reason}`) },
      locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(input.root, skipped.file), uriBaseId: SRCROOT } } }],
    }));
  for (const notice of input.notices ?? []) {
    notifications.push({
      level: 'warning',
      message: { text: sentence(notice.message) },
      ...(notice.file !== undefined ? { locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(input.root, notice.file), uriBaseId: SRCROOT } } }] } : {}),
    });
  }
  if (notifications.length > 0) invocation.toolExecutionNotifications = notifications;

  const log: Sarif.Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: TOOL_VERSION,
            semanticVersion: TOOL_VERSION,
            informationUri: TOOL_INFORMATION_URI,
            rules,
          },
        },
        originalUriBaseIds: {
          // A directory URI must end with a slash for relative URIs to resolve against it.
          [SRCROOT]: { uri: `${pathToFileURL(input.root).href.replace(/\/?$/, '/')}` },
        },
        invocations: [invocation],
        columnKind: 'utf16CodeUnits',
        results: findings.map((finding) => resultFor(input.root, finding, indexOf.get(finding.ruleId)!)),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};
