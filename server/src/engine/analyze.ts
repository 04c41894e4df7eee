/**
 * Entry point of the engine. (Being written: the real pipeline replaces this body.)
 */
import type { AnalyzeOptions, AnalysisResult } from './api';

export async function analyze(options: AnalyzeOptions): Promise<AnalysisResult> {
  return { root: options.root, findings: [], rules: [], filesAnalyzed: 0, skipped: [] };
}
