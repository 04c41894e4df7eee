/**
 * What the engine reads besides source files: the architecture file, the
 * compiler options (path aliases, workspace packages) and the services'
 * layout. A change here re-analyses the whole workspace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import type { AnalyzeOptions, Notice } from './api';
import type { Architecture, ArchitectureProblem } from './architecture/model';
import { loadArchitecture } from './architecture/load';
import { MAX_ARCHITECTURE_BYTES, findConfigFiles, readOptional, readTextFile, toRel } from './workspace/files';
import { RULE_IDS } from './rules';
import { describe, isObject } from './workspace/tsconfigs';
import { isEndToEndTestPackage, startedBinNames } from './system/scope';
import { packageEntryPaths } from './workspace/packageEntries';

export const ARCHITECTURE_FILE_NAMES = ['architecture.yaml', 'architecture.yml'];

export interface ArchitectureInput {
  architecture?: Architecture;
  /** Root-relative path of the file read, if any. */
  architectureFile?: string;
  problems: ArchitectureProblem[];
  /** The text read (undefined without a file). */
  text?: string;
}

/**
 * The architecture file's root-relative path and text (the open buffer over the disk), without parsing it;
 * `reason` instead of `text` when a file is there but cannot be read (a directory, a FIFO, too large, binary,
 * UTF-16, a symbolic link out of the workspace). The default names are read only inside the root; a file named
 * by the setting or `--architecture` may lie elsewhere, but is still read only when it is a regular file.
 */
export function architectureSource(root: string, options: Pick<AnalyzeOptions, 'architectureFile' | 'overlays'>): { rel: string; text?: string; reason?: string } | undefined {
  const candidates = options.architectureFile
    ? [path.resolve(root, options.architectureFile)]
    : ARCHITECTURE_FILE_NAMES.map((n) => path.join(root, n));
  for (const abs of candidates) {
    const overlay = options.overlays?.get(abs);
    if (overlay !== undefined) return { rel: toRel(root, abs), text: overlay };
    if (!exists(abs)) continue;
    const text = readTextFile(abs, MAX_ARCHITECTURE_BYTES, options.architectureFile ? undefined : root);
    return typeof text === 'string' ? { rel: toRel(root, abs), text } : { rel: toRel(root, abs), reason: text.reason };
  }
  return undefined;
}

function exists(abs: string): boolean {
  try {
    fs.lstatSync(abs);
    return true;
  } catch {
    return false;
  }
}

export function readArchitecture(root: string, options: Pick<AnalyzeOptions, 'architectureFile' | 'overlays' | 'log'>): ArchitectureInput {
  const source = architectureSource(root, options);
  if (source?.text !== undefined) {
    const result = loadArchitecture(source.text, source.rel, { ruleIds: RULE_IDS });
    return { architecture: result.architecture, architectureFile: source.rel, problems: result.problems, text: source.text };
  }
  if (source?.reason !== undefined) {
    options.log?.(`architecture file ${source.rel} not read: ${source.reason}; inferring services`);
    const at = { line: 1, column: 1 };
    return {
      architectureFile: source.rel,
      problems: [{
        messageId: 'unreadable',
        message: `The architecture file could not be read: ${source.reason}. Services are inferred as if it were absent.`,
        hint: 'Make it a regular UTF-8 text file of at most 1 MiB inside the workspace (not a folder, pipe, device or link to outside).',
        range: { start: at, end: at },
      }],
    };
  }
  if (options.architectureFile) {
    options.log?.(`architecture file ${options.architectureFile} not found; inferring services`);
  }
  return { problems: [] };
}

/**
 * What decides scope beyond paths (system/scope.ts), read from the workspace's manifests in one pass:
 * the package folders holding an end-to-end test suite (`isEndToEndTestPackage`), and the `bin/`
 * programs a package.json, Dockerfile or Procfile starts, as `<folder>|<name>`.
 */
export function scopeEvidence(root: string, overlays?: Map<string, string>): { testPackages: string[]; startedBin: string[] } {
  const testPackages: string[] = [];
  const startedBin = new Set<string>();
  for (const rel of findConfigFiles(root, ['**/package.json', '**/Dockerfile', '**/*.Dockerfile', '**/Dockerfile.*', '**/Procfile'])) {
    const text = readOptional(path.join(root, rel), overlays, root);
    if (!text) continue;
    const dir = path.posix.dirname(rel);
    if (/\bbin\//.test(text)) for (const name of startedBinNames(text)) startedBin.add(`${dir}|${name}`);
    if (dir === '.' || path.posix.basename(rel) !== 'package.json') continue;
    try {
      if (isEndToEndTestPackage(JSON.parse(text))) testPackages.push(dir);
    } catch {
      // not a usable manifest
    }
  }
  return { testPackages, startedBin: [...startedBin] };
}

/** A workspace package (a package.json with a `name` below the root): its root-relative folder and parsed manifest. */
export interface WorkspacePackage {
  dir: string;
  manifest: Record<string, unknown>;
}

/** Workspace packages by name, each manifest read and parsed once. */
export function workspaceManifests(root: string, overlays?: Map<string, string>): Map<string, WorkspacePackage> {
  const out = new Map<string, WorkspacePackage>();
  for (const rel of findConfigFiles(root, ['**/package.json'])) {
    const dir = path.posix.dirname(rel);
    if (dir === '.') continue;
    try {
      const manifest: unknown = JSON.parse(readOptional(path.join(root, rel), overlays, root) ?? '{}');
      if (isObject(manifest) && typeof manifest.name === 'string' && manifest.name) out.set(manifest.name, { dir, manifest });
    } catch {
      // not a usable manifest
    }
  }
  return out;
}

/** Workspace package names -> their root-relative folders. */
export function packageFolders(packages: Map<string, WorkspacePackage>): Map<string, string> {
  return new Map([...packages].map(([name, p]) => [name, p.dir]));
}

/**
 * The compiler options the analysis parses with: workspace packages and the
 * root tsconfig's `paths` as aliases (the fallback after each file's own
 * tsconfig, see workspace/tsconfigs.ts). A `paths` entry that is not an array
 * of strings is left out, and said so in `notices`.
 */
export function compilerOptionsFor(root: string, overlays?: Map<string, string>, notices: Notice[] = [], packages = workspaceManifests(root, overlays)): ts.CompilerOptions {
  const base: ts.CompilerOptions = {
    allowJs: true, checkJs: false, noLib: true, types: [], target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.Preserve, experimentalDecorators: true, resolveJsonModule: false,
    // Every workspace file is a root of the program already; following imports from each root
    // recursed once per import (a chain of 1,400 files importing each other overflowed the stack).
    noResolve: true,
  };
  const paths: Record<string, string[]> = {};
  // Workspace packages resolve to their folders, so `@acme/db` is workspace code, not a library;
  // `@acme/db/client` to the file the manifest exports under `./client` (workspace/packageEntries.ts).
  for (const [name, { dir, manifest }] of packages) {
    // The manifest's own entries first (`exports` subpaths, `main`), then the usual layouts.
    const entries = packageEntryPaths(name, dir, manifest);
    // An exact subpath pattern hides the `name/*` one: keep the usual layouts after the manifest's targets.
    for (const [key, targets] of Object.entries(entries)) {
      const sub = key.slice(name.length + 1);
      paths[key] = key === name ? targets : [...targets, `${dir}/src/${sub}`, `${dir}/${sub}`];
    }
    paths[name] = [...(entries[name] ?? []), `${dir}/src/index`, `${dir}/index`, `${dir}/src`, dir];
    paths[`${name}/*`] = [...(entries[`${name}/*`] ?? []), `${dir}/src/*`, `${dir}/*`];
  }
  const tsconfig = ['tsconfig.json', 'tsconfig.base.json'].find((name) => readOptional(path.join(root, name), overlays, root) !== undefined);
  const text = tsconfig ? readOptional(path.join(root, tsconfig), overlays, root) : undefined;
  const config: unknown = text ? ts.parseConfigFileTextToJson(tsconfig!, text).config : undefined;
  const opts = isObject(config) && isObject(config.compilerOptions) ? config.compilerOptions : undefined;
  if (opts?.paths !== undefined && !isObject(opts.paths)) {
    notices.push({ kind: 'configuration', file: tsconfig, message: `${tsconfig}: compilerOptions.paths is not an object of path patterns; ignored` });
  } else if (opts?.paths !== undefined) {
    const baseUrl = path.resolve(root, typeof opts.baseUrl === 'string' ? opts.baseUrl : '.');
    const rebase = (p: string) => path.relative(root, path.resolve(baseUrl, p)).split(path.sep).join('/');
    for (const [k, v] of Object.entries(opts.paths as Record<string, unknown>)) {
      if (Array.isArray(v) && v.every((p) => typeof p === 'string')) paths[k] = v.map(rebase);
      else notices.push({ kind: 'configuration', file: tsconfig, message: `${tsconfig}: compilerOptions.paths[${JSON.stringify(k)}] must be an array of strings, not ${describe(v)}; this alias is ignored` });
    }
  }
  if (Object.keys(paths).length) {
    base.paths = paths;
    base.baseUrl = root;
  }
  return base;
}

