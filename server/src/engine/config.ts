/**
 * What the engine reads besides source files: the architecture file, the
 * compiler options (path aliases, workspace packages) and the services'
 * layout. A change here re-analyses the whole workspace.
 */
import * as path from 'node:path';
import { ts } from 'ts-morph';
import type { AnalyzeOptions, Notice } from './api';
import type { Architecture, ArchitectureProblem } from './architecture/model';
import { loadArchitecture } from './architecture/load';
import { findConfigFiles, readOptional, toRel } from './workspace/files';
import { RULE_IDS } from './rules';

export const ARCHITECTURE_FILE_NAMES = ['architecture.yaml', 'architecture.yml'];

export interface ArchitectureInput {
  architecture?: Architecture;
  /** Root-relative path of the file read, if any. */
  architectureFile?: string;
  problems: ArchitectureProblem[];
  /** The text read (undefined without a file). */
  text?: string;
}

/** The architecture file's root-relative path and text (the open buffer over the disk), without parsing it. */
export function architectureSource(root: string, options: Pick<AnalyzeOptions, 'architectureFile' | 'overlays'>): { rel: string; text: string } | undefined {
  const candidates = options.architectureFile
    ? [path.resolve(root, options.architectureFile)]
    : ARCHITECTURE_FILE_NAMES.map((n) => path.join(root, n));
  for (const abs of candidates) {
    const text = readOptional(abs, options.overlays);
    if (text !== undefined) return { rel: toRel(root, abs), text };
  }
  return undefined;
}

export function readArchitecture(root: string, options: Pick<AnalyzeOptions, 'architectureFile' | 'overlays' | 'log'>): ArchitectureInput {
  const source = architectureSource(root, options);
  if (source) {
    const result = loadArchitecture(source.text, source.rel, { ruleIds: RULE_IDS });
    return { architecture: result.architecture, architectureFile: source.rel, problems: result.problems, text: source.text };
  }
  if (options.architectureFile) {
    options.log?.(`architecture file ${options.architectureFile} not found; inferring services`);
  }
  return { problems: [] };
}

/** The compiler options the analysis parses with; configuration entries it ignores are added to `notices`. */
export function compilerOptionsFor(root: string, overlays?: Map<string, string>, notices: Notice[] = []): ts.CompilerOptions {
  void notices;
  const base: ts.CompilerOptions = {
    allowJs: true, checkJs: false, noLib: true, types: [], target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.Preserve, experimentalDecorators: true, resolveJsonModule: false,
    // Every workspace file is a root of the program already; following imports from each root
    // recursed once per import (a chain of 1,400 files importing each other overflowed the stack).
    noResolve: true,
  };
  const paths: Record<string, string[]> = {};
  // Workspace packages resolve to their folders, so `@acme/db` is workspace code, not a library.
  for (const rel of findConfigFiles(root, ['**/package.json'])) {
    const dir = path.posix.dirname(rel);
    if (dir === '.') continue;
    try {
      const name = JSON.parse(readOptional(path.join(root, rel), overlays) ?? '{}').name;
      if (typeof name !== 'string' || !name) continue;
      paths[name] = [`${dir}/src/index`, `${dir}/index`, `${dir}/src`, dir];
      paths[`${name}/*`] = [`${dir}/src/*`, `${dir}/*`];
    } catch {
      // not a usable manifest
    }
  }
  const text = readOptional(path.join(root, 'tsconfig.json'), overlays) ?? readOptional(path.join(root, 'tsconfig.base.json'), overlays);
  const opts = text ? ts.parseConfigFileTextToJson('tsconfig.json', text).config?.compilerOptions : undefined;
  let baseUrl = root;
  if (opts?.paths && typeof opts.paths === 'object') {
    baseUrl = path.resolve(root, typeof opts.baseUrl === 'string' ? opts.baseUrl : '.');
    const rebase = (p: string) => path.relative(root, path.resolve(baseUrl, p)).split(path.sep).join('/');
    for (const [k, v] of Object.entries(opts.paths as Record<string, string[]>)) paths[k] = v.map(rebase);
  }
  if (Object.keys(paths).length) {
    base.paths = paths;
    base.baseUrl = root;
  }
  return base;
}

