/** Runs one rule over the system model and turns its reports into findings. */
import { createHash } from 'node:crypto';
import type { Architecture } from './architecture/model';
import type { Finding, Severity } from './types';
import type { SystemModel } from './model';
import { formatMessage, type Rule } from './rules/createRule';

export function runRule(rule: Rule, model: SystemModel, severity: Severity, out: Finding[], withFixes: boolean | ((rel: string) => boolean), log: (m: string) => void,
  options: Record<string, unknown> = {}): void {
  const counts = new Map<string, number>();
  rule.check({
    model,
    options: { ...rule.meta.defaultOptions, ...options },
    report(r) {
      const template = rule.meta.messages[r.messageId];
      const data = r.data ?? {};
      const base = `${rule.meta.id}|${r.location.file}|${r.messageId}|${(r.snippet ?? '').replace(/\s+/g, ' ')}`;
      const n = counts.get(base) ?? 0;
      counts.set(base, n + 1);
      out.push({
        ruleId: rule.meta.id,
        messageId: r.messageId,
        severity: capSeverity(r.inferredOnly ? lower(severity) : severity, r.maxSeverity),
        message: formatMessage(template.message, data),
        hint: formatMessage(template.hint, data),
        location: r.location,
        related: r.related ?? [],
        inferred: r.inferred ?? false,
        fingerprint: createHash('sha1').update(`${base}|${n}`).digest('hex').slice(0, 16),
        ...(r.fixes && (typeof withFixes === 'function' ? withFixes(r.location.file) : withFixes) ? { fixes: safeFixes(r.fixes, log) } : {}),
      });
    },
  });
}

function safeFixes(build: () => Finding['fixes'], log: (m: string) => void): Finding['fixes'] {
  try {
    return build() ?? [];
  } catch (error) {
    log(`building a quick fix failed: ${(error as Error).message}`);
    return [];
  }
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** The configured severity, lowered to the cap when the cap is lower. */
function capSeverity(configured: Severity, cap: Severity | undefined): Severity {
  return cap && RANK[cap] < RANK[configured] ? cap : configured;
}

/** One step down: inferred-only evidence is never an error. */
function lower(severity: Severity): Severity {
  return severity === 'error' ? 'warning' : 'info';
}

export function severityFor(rule: Rule, architecture: Architecture | undefined): Severity | 'off' {
  return architecture?.rules[rule.meta.id] ?? rule.meta.defaultSeverity;
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.location.file.localeCompare(b.location.file) ||
    a.location.range.start.line - b.location.range.start.line ||
    a.location.range.start.column - b.location.range.start.column ||
    a.ruleId.localeCompare(b.ruleId);
}

