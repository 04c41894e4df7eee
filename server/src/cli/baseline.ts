/**
 * Known-findings baseline, so an existing codebase can adopt the checks
 * gradually (like ESLint's bulk suppressions and dependency-cruiser's known
 * violations). The file is JSON, sorted, without timestamps, so it diffs
 * cleanly. Each entry suppresses at most one finding: if a file gains a second
 * copy of a baselined problem, the new one is still reported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../engine/types';
import { UsageError } from './errors';
import { sortFindings } from './findings';
import { fileKind, isRefusal, readBounded } from '../engine/workspace/safeRead';

export const BASELINE_VERSION = 1;
export const BASELINE_JUSTIFICATION = 'in baseline';

export interface BaselineEntry {
  ruleId: string;
  /** Workspace-relative, forward slashes. */
  file: string;
  fingerprint: string;
  /** For humans reading the file; not used for matching. */
  message: string;
}

export interface BaselineFile {
  version: typeof BASELINE_VERSION;
  entries: BaselineEntry[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return compare(a.file, b.file) || compare(a.ruleId, b.ruleId) || compare(a.fingerprint, b.fingerprint) || compare(a.message, b.message);
}

function keyOf(entry: { ruleId: string; file: string; fingerprint: string }): string {
  return JSON.stringify([entry.ruleId, entry.file, entry.fingerprint]);
}

/** A baseline holding every finding that is not already suppressed. */
export function createBaseline(findings: readonly Finding[]): BaselineFile {
  const entries = findings
    .filter((finding) => !finding.suppressed)
    .map((finding) => ({
      ruleId: finding.ruleId,
      file: finding.location.file,
      fingerprint: finding.fingerprint,
      message: finding.message,
    }))
    .sort(compareEntries);
  return { version: BASELINE_VERSION, entries };
}

export function serializeBaseline(baseline: BaselineFile): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

/** Parses a baseline file's text; any problem is a UsageError naming the file. */
export function parseBaseline(text: string, displayName: string): BaselineEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`baseline ${displayName} is not valid JSON (${(error as Error).message})`);
  }
  const entries = (data as { entries?: unknown } | null)?.entries;
  if (typeof data !== 'object' || data === null || !Array.isArray(entries)) {
    throw new UsageError(`baseline ${displayName} has no "entries" array; regenerate it with --update-baseline`);
  }
  return entries.map((entry: unknown, index) => {
    const e = entry as Partial<Record<keyof BaselineEntry, unknown>> | null;
    if (!e || typeof e.ruleId !== 'string' || typeof e.file !== 'string' || typeof e.fingerprint !== 'string') {
      throw new UsageError(`baseline ${displayName}: entry ${index} needs string "ruleId", "file" and "fingerprint"`);
    }
    return { ruleId: e.ruleId, file: e.file, fingerprint: e.fingerprint, message: typeof e.message === 'string' ? e.message : '' };
  });
}

/** Far beyond the baseline of any codebase; a bigger file is refused rather than read into memory. */
const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

export function readBaseline(file: string, displayName: string): BaselineEntry[] {
  try {
    fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UsageError(`baseline ${displayName} does not exist; create it with --update-baseline`);
    }
    throw new UsageError(`cannot read baseline ${displayName} (${(error as Error).message})`);
  }
  // Opened without blocking and read up to a cap: a FIFO or /dev/zero is refused at once.
  const bytes = readBounded(file, MAX_BASELINE_BYTES);
  if (isRefusal(bytes)) throw new UsageError(`cannot read baseline ${displayName}: ${bytes.reason}; a baseline is a regular JSON file`);
  return parseBaseline(bytes.toString('utf8'), displayName);
}

export function writeBaseline(file: string, baseline: BaselineFile): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch {
    stat = undefined;
  }
  if (stat && !stat.isFile()) throw new UsageError(`cannot write baseline ${file}: it is ${fileKind(stat)}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, serializeBaseline(baseline));
}

export interface BaselineApplication {
  /** The findings in stable order, baselined ones now suppressed (inputs are not mutated). */
  findings: Finding[];
  /** Entries that matched nothing: problems fixed since the baseline was written. */
  unmatched: number;
}

/**
 * Suppresses findings present in the baseline. Matching is on (ruleId, file,
 * fingerprint) and consumes entries, so counts matter. Findings already
 * suppressed in source do not consume entries.
 */
export function applyBaseline(findings: readonly Finding[], entries: readonly BaselineEntry[]): BaselineApplication {
  const remaining = new Map<string, number>();
  for (const entry of entries) remaining.set(keyOf(entry), (remaining.get(keyOf(entry)) ?? 0) + 1);

  // Sorted so that, among identical findings, which ones stay reported is deterministic.
  const result = sortFindings(findings).map((finding) => {
    if (finding.suppressed) return finding;
    const key = keyOf({ ruleId: finding.ruleId, file: finding.location.file, fingerprint: finding.fingerprint });
    const count = remaining.get(key) ?? 0;
    if (count === 0) return finding;
    remaining.set(key, count - 1);
    return { ...finding, suppressed: { kind: 'baseline' as const, justification: BASELINE_JUSTIFICATION } };
  });
  let unmatched = 0;
  for (const count of remaining.values()) unmatched += count;
  return { findings: result, unmatched };
}
