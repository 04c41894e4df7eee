/**
 * `distributedPatterns.*` settings, fetched per workspace folder with
 * `workspace/configuration` and cached until `didChangeConfiguration`.
 */
import type { SeveritySetting } from '../engine/types';

export type RunMode = 'onType' | 'onSave';
export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface Settings {
  enable: boolean;
  run: RunMode;
  /** Architecture file, absolute or relative to the folder; undefined: architecture.yaml|.yml at the root. */
  architectureFile: string | undefined;
  /** Analyse tests, benchmarks, fixtures, scripts, examples and generated code too (default: production code only). */
  includeTests: boolean;
  /** Severity overrides by rule id, applied on top of the architecture file's `rules:`. */
  rules: Record<string, SeveritySetting>;
  trace: { server: TraceLevel };
}

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  enable: true,
  run: 'onType',
  architectureFile: undefined,
  includeTests: false,
  rules: {},
  trace: { server: 'off' },
}) as Settings;

const SEVERITIES: readonly string[] = ['error', 'warning', 'info', 'off'];

/** Reads whatever the client sent, keeping valid values and defaulting the rest. */
export function normaliseSettings(raw: unknown, warn: (m: string) => void = () => undefined): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const rules: Record<string, SeveritySetting> = {};
  if (r.rules && typeof r.rules === 'object') {
    for (const [id, value] of Object.entries(r.rules as Record<string, unknown>)) {
      const v = typeof value === 'string' ? value.toLowerCase() : value;
      if (typeof v === 'string' && SEVERITIES.includes(v)) rules[id] = v as SeveritySetting;
      else warn(`ignoring distributedPatterns.rules.${id}: ${JSON.stringify(value)} is not one of ${SEVERITIES.join(', ')}`);
    }
  }
  const trace = (r.trace && typeof r.trace === 'object' ? (r.trace as Record<string, unknown>).server : undefined);
  const architectureFile = typeof r.architectureFile === 'string' && r.architectureFile.trim() ? r.architectureFile.trim() : undefined;
  return {
    enable: typeof r.enable === 'boolean' ? r.enable : DEFAULT_SETTINGS.enable,
    run: r.run === 'onSave' || r.run === 'onType' ? r.run : DEFAULT_SETTINGS.run,
    architectureFile,
    includeTests: typeof r.includeTests === 'boolean' ? r.includeTests : DEFAULT_SETTINGS.includeTests,
    rules,
    trace: { server: trace === 'messages' || trace === 'verbose' ? trace : 'off' },
  };
}

export type SettingsFetcher = (scopeUri: string | undefined) => Promise<unknown>;

/** Settings per scope (a workspace folder URI, or undefined for files outside every folder). */
export class SettingsCache {
  private readonly cache = new Map<string, Promise<Settings>>();

  constructor(private readonly fetch: SettingsFetcher, private readonly warn: (m: string) => void) {}

  get(scopeUri: string | undefined): Promise<Settings> {
    const key = scopeUri ?? '';
    let settings = this.cache.get(key);
    if (!settings) {
      settings = this.fetch(scopeUri).then(
        (raw) => normaliseSettings(raw, this.warn),
        (error: unknown) => {
          this.warn(`could not read settings for ${scopeUri ?? 'files outside the workspace'}: ${String(error)}; using defaults`);
          this.cache.delete(key);
          return DEFAULT_SETTINGS;
        },
      );
      this.cache.set(key, settings);
    }
    return settings;
  }

  clear(): void {
    this.cache.clear();
  }
}
