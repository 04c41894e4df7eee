/** One-off entry point: analyse a workspace and describe its system (the `model` and `init` commands, the eval). */
import type { AnalyzeOptions } from '../api';
import { analyzeSystem } from '../analyze';
import { describeSystem, type SystemDescription } from './describe';

export function describeWorkspace(options: AnalyzeOptions): SystemDescription {
  return describeSystem(analyzeSystem(options).model);
}
