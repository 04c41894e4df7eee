/**
 * The review report: Markdown documents (and an SVG service map) generated
 * from the code and the architecture file. `generateReport` is what the CLI
 * (`distributed-patterns report`) and the VS Code command call;
 * `renderReport` returns the same documents without touching the disk.
 */
import * as path from 'node:path';
import { analyzeSystem } from '../engine/analyze';
import type { AnalysisResult } from '../engine/api';
import { DEFAULT_OUT_DIR } from './outDir';
import { Linker } from './markdown';
import { buildTopology } from './topology';
import type { Topology } from './topology/types';
import { FILES, type DocContext } from './documents/context';
import { renderReadme } from './documents/readme';
import { renderServiceMap } from './documents/serviceMap';
import { renderContracts } from './documents/contracts';
import { renderConsistencyNote } from './documents/consistencyNote';
import { renderDecisions } from './documents/decisions';
import { renderFailureModes } from './documents/failureModes';
import { renderFindings } from './documents/findings';
import { collectQuestions, renderOpenQuestions } from './documents/openQuestions';
import { writeDocuments, type RenderedFile, type WrittenFile } from './write';
import type { Scene } from './map/layout';

export { MARKER } from './markdown';
export { isGenerated, type RenderedFile, type WriteStatus, type WrittenFile } from './write';
export { FILES as REPORT_FILES } from './documents/context';
export { DEFAULT_OUT_DIR };

export interface ReportOptions {
  /** Workspace root (absolute, or relative to the process's cwd). */
  root: string;
  /** Output folder, absolute or relative to the root. Default `docs/distributed`. */
  outDir?: string;
  /** Architecture file, absolute or relative to the root. Default: architecture.yaml|.yml at the root. */
  architectureFile?: string;
  /** Restrict the findings document to these files/folders (absolute or root-relative). */
  paths?: string[];
  /** Analyse tests, benchmarks, fixtures, scripts, examples and generated code too. */
  includeTests?: boolean;
  /** Overwrite files at the target paths even when a person wrote them (no marker line). */
  force?: boolean;
  /** Open editor buffers, keyed by absolute path (the VS Code command passes them). */
  overlays?: Map<string, string>;
  log?(message: string): void;
}

export interface RenderedReport {
  root: string;
  outDir: string;
  files: RenderedFile[];
  topology: Topology;
  /** The laid-out service map (the tests check it for overlaps). */
  scene: Scene;
  /** Source files the analysis skipped, and notices: what the documents may be missing. */
  incomplete: Pick<AnalysisResult, 'skipped' | 'notices'>;
}

export interface ReportResult {
  root: string;
  /** Absolute output folder. */
  outDir: string;
  /** Absolute path of README.md, the file to open in the Markdown preview. */
  mainFile: string;
  files: WrittenFile[];
  /** Files skipped because a person wrote them (no marker line). */
  skipped: WrittenFile[];
  /** Source files the analysis skipped, and notices: what the documents may be missing. */
  incomplete: Pick<AnalysisResult, 'skipped' | 'notices'>;
}

export function renderReport(options: ReportOptions): RenderedReport {
  const root = path.resolve(options.root);
  const outDir = path.resolve(root, options.outDir ?? DEFAULT_OUT_DIR);
  const { result, model } = analyzeSystem({
    root,
    paths: options.paths,
    architectureFile: options.architectureFile,
    includeTests: options.includeTests,
    overlays: options.overlays,
    log: options.log,
  });
  const topology = buildTopology(model, result);
  const ctx: DocContext = { t: topology, link: new Linker(root, outDir) };
  const questions = collectQuestions(topology);
  const map = renderServiceMap(ctx);
  const files: RenderedFile[] = [
    { name: FILES.readme, content: renderReadme(ctx, questions) },
    { name: FILES.serviceMap, content: map.markdown },
    { name: FILES.serviceMapSvg, content: map.svg },
    { name: FILES.contracts, content: renderContracts(ctx) },
    { name: FILES.consistencyNote, content: renderConsistencyNote(ctx) },
    { name: FILES.decisions, content: renderDecisions(ctx) },
    { name: FILES.failureModes, content: renderFailureModes(ctx) },
    { name: FILES.findings, content: renderFindings(ctx) },
    { name: FILES.openQuestions, content: renderOpenQuestions(ctx, questions) },
  ];
  return { root, outDir, files, topology, scene: map.scene, incomplete: { skipped: result.skipped, notices: result.notices ?? [] } };
}

export async function generateReport(options: ReportOptions): Promise<ReportResult> {
  const rendered = renderReport(options);
  const files = writeDocuments(rendered.root, rendered.outDir, rendered.files, options.force ?? false);
  return {
    root: rendered.root,
    outDir: rendered.outDir,
    mainFile: path.join(rendered.outDir, FILES.readme),
    files,
    skipped: files.filter((f) => f.status === 'skipped'),
    incomplete: rendered.incomplete,
  };
}
