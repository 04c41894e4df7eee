/**
 * Entry points of the engine for one-off runs (the CLI, the report, tests):
 * a fresh AnalysisSession run once. The language server keeps sessions alive
 * between edits instead (see session.ts).
 */
import type { AnalyzeOptions, AnalysisResult } from './api';
import type { SystemModel } from './model';
import { AnalysisSession } from './session';

export { ARCHITECTURE_FILE_NAMES } from './config';

export async function analyze(options: AnalyzeOptions): Promise<AnalysisResult> {
  return analyzeSync(options);
}

export function analyzeSync(options: AnalyzeOptions): AnalysisResult {
  return analyzeSystem(options).result;
}

/** The same pipeline, also returning the system model it built (the report generator reads it). */
export function analyzeSystem(options: AnalyzeOptions): { result: AnalysisResult; model: SystemModel } {
  const { result, model } = new AnalysisSession(options).run({
    overlays: options.overlays,
    withFixes: options.withFixes,
    paths: options.paths,
    onProgress: options.onProgress,
  });
  return { result, model };
}
