/**
 * Module resolution by the tsconfig that governs each file, so that in a
 * monorepo `import { QueueName } from 'src/queue/constants'` (a package's
 * `baseUrl`) or `@app/common` (a package's `paths`, perhaps through `extends`)
 * reaches the workspace file it names, as `tsc` run in that package would.
 *
 * The governing tsconfig of a file: the nearest folder, from the file's folder
 * up to the workspace root, holding a tsconfig that sets `baseUrl` or `paths`
 * (itself or through `extends`); in one folder the names are tried in the
 * order of TSCONFIG_NAMES. A package whose tsconfig sets neither is governed
 * by a folder above it (as the root's `paths` applied to every file before).
 * `extends` is followed through relative paths and through workspace packages
 * (`@acme/tsconfig/node.json`); a base in `node_modules` is not read.
 * `baseUrl` is relative to the tsconfig that declares it, `paths` to `baseUrl`
 * or else to the tsconfig that declares them (TypeScript's rules).
 *
 * A non-relative import is resolved with the governing tsconfig's settings
 * first, then with the workspace-wide aliases (workspace package names and the
 * root tsconfig's `paths`, see compilerOptionsFor). Only files of the program
 * are found (the program's file system is the workspace's source files), so
 * nothing outside the workspace and no declaration file of `node_modules` is
 * added. Only `baseUrl` and `paths` are taken from a tsconfig; the other
 * options stay the engine's.
 */
import * as path from 'node:path';
import { ts, type ResolutionHostFactory } from 'ts-morph';
import type { Notice } from '../api';
import { findConfigFiles, readOptional, toRel } from './files';
import { readModuleAliases } from './moduleAliases';
import { readSubpathImports } from './subpathImports';

/** Tried in this order in one folder; the first that sets `baseUrl` or `paths` governs the folder's files. */
/** `jsconfig.json` is TypeScript's tsconfig for a JavaScript package (`paths` aliases such as `@/models/*`). */
export const TSCONFIG_NAMES = ['tsconfig.json', 'tsconfig.app.json', 'tsconfig.build.json', 'tsconfig.lib.json', 'tsconfig.base.json', 'jsconfig.json'];

/** How many `extends` links are followed from one tsconfig (a longer chain is a cycle or a mistake). */
const MAX_EXTENDS_DEPTH = 16;

/** The module resolution settings a tsconfig ends with, absolute paths. */
export interface ResolutionSettings {
  /** Root-relative path of the tsconfig. */
  file: string;
  baseUrl?: string;
  paths?: Record<string, string[]>;
  /** Where `paths` are relative to when there is no `baseUrl`: the folder of the tsconfig declaring them. */
  pathsBasePath?: string;
}

export interface TsconfigGraph {
  /** Root-relative folder ('' for the root) -> the settings of the tsconfig governing the files right in it. */
  byDir: Map<string, ResolutionSettings>;
  /** Changes when any governing setting changes (part of the configuration signature). */
  signature: string;
}

interface Own { baseUrl?: string; paths?: Record<string, string[]>; pathsBasePath?: string }

/**
 * Reads every tsconfig of the workspace (listed names, to the listing depth of config files) and the files they
 * extend. A file that is not valid JSON, or whose `baseUrl`/`paths` have the wrong type, is skipped (in part) with a
 * notice. `packages` maps workspace package names to their root-relative folders.
 */
export function readTsconfigs(root: string, packages: Map<string, string>, overlays?: Map<string, string>, notices: Notice[] = []): TsconfigGraph {
  const memo = new Map<string, Own | null>();
  const warned = new Set<string>();
  const notice = (rel: string, message: string) => {
    if (warned.has(message)) return;
    warned.add(message);
    notices.push({ kind: 'configuration', file: rel, message: `${rel}: ${message}` });
  };

  /** A tsconfig's settings with its `extends` applied; null when it cannot be read. */
  const load = (abs: string, depth: number, visiting: Set<string>): Own | null => {
    const known = memo.get(abs);
    if (known !== undefined) return known;
    if (visiting.has(abs) || depth > MAX_EXTENDS_DEPTH) return null;
    const rel = toRel(root, abs);
    const text = readOptional(abs, overlays, root);
    if (text === undefined) return null;
    const parsed = ts.parseConfigFileTextToJson(abs, text);
    if (parsed.error || !isObject(parsed.config)) {
      const why = parsed.error ? ts.flattenDiagnosticMessageText(parsed.error.messageText, ' ') : 'not an object';
      notice(rel, `not a valid tsconfig (${why}); its baseUrl and paths are ignored`);
      memo.set(abs, null);
      return null;
    }
    visiting.add(abs);
    const config = parsed.config;
    const dir = path.dirname(abs);
    let out: Own = {};
    const bases = typeof config.extends === 'string' ? [config.extends] : Array.isArray(config.extends) ? config.extends : [];
    for (const base of bases) {
      const target = typeof base === 'string' ? extendsTarget(root, dir, base, packages, overlays) : undefined;
      const inherited = target ? load(target, depth + 1, visiting) : null;
      if (inherited) out = { ...out, ...definedOnly(inherited) };
    }
    visiting.delete(abs);
    const opts = config.compilerOptions;
    if (opts !== undefined && !isObject(opts)) {
      notice(rel, 'compilerOptions is not an object; ignored');
    } else if (opts) {
      if (typeof opts.baseUrl === 'string') out.baseUrl = path.resolve(dir, opts.baseUrl);
      else if (opts.baseUrl !== undefined) notice(rel, `compilerOptions.baseUrl must be a string, not ${describe(opts.baseUrl)}; ignored`);
      if (opts.paths !== undefined && !isObject(opts.paths)) {
        notice(rel, 'compilerOptions.paths is not an object of path patterns; ignored');
      } else if (opts.paths) {
        const paths: Record<string, string[]> = {};
        for (const [k, v] of Object.entries(opts.paths)) {
          if (Array.isArray(v) && v.every((p) => typeof p === 'string')) paths[k] = v;
          else notice(rel, `compilerOptions.paths[${JSON.stringify(k)}] must be an array of strings, not ${describe(v)}; this alias is ignored`);
        }
        out.paths = paths;
        out.pathsBasePath = dir;
      }
    }
    memo.set(abs, out);
    return out;
  };

  const candidates = new Map<string, string[]>();
  for (const rel of findConfigFiles(root, TSCONFIG_NAMES.map((n) => `**/${n}`))) {
    const dir = path.posix.dirname(rel);
    const key = dir === '.' ? '' : dir;
    let list = candidates.get(key);
    if (!list) candidates.set(key, list = []);
    list.push(path.posix.basename(rel));
  }
  const byDir = new Map<string, ResolutionSettings>();
  for (const [dir, names] of [...candidates].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const name of TSCONFIG_NAMES.filter((n) => names.includes(n))) {
      const rel = dir ? `${dir}/${name}` : name;
      const own = load(path.join(root, rel), 0, new Set());
      if (own && (own.baseUrl !== undefined || own.paths !== undefined)) {
        byDir.set(dir, { file: rel, ...definedOnly(own) });
        break;
      }
    }
  }
  // module-alias's `_moduleAliases` and Node's subpath `imports` add to the `paths` of their package's folder
  // (moduleAliases.ts, subpathImports.ts).
  for (const [dir, aliases] of [...readModuleAliases(root, overlays, notices), ...readSubpathImports(root, overlays, notices)]) {
    const own = byDir.get(dir);
    byDir.set(dir, own ? { ...own, paths: { ...aliases, ...own.paths }, pathsBasePath: own.pathsBasePath ?? path.join(root, dir) }
      : { file: dir ? `${dir}/package.json` : 'package.json', paths: aliases, pathsBasePath: path.join(root, dir) });
  }
  const signature = JSON.stringify([...byDir].map(([dir, s]) => [dir, s.file, s.baseUrl && toRel(root, s.baseUrl), s.paths, s.pathsBasePath && toRel(root, s.pathsBasePath)]));
  return { byDir, signature };
}

/** The file an `extends` entry names: a relative path, or a workspace package's file; undefined for anything else. */
function extendsTarget(root: string, dir: string, spec: string, packages: Map<string, string>, overlays?: Map<string, string>): string | undefined {
  const withJson = (abs: string) => (abs.endsWith('.json') ? abs : `${abs}.json`);
  if (spec.startsWith('./') || spec.startsWith('../') || path.isAbsolute(spec)) {
    const abs = path.resolve(dir, spec);
    return readOptional(abs, overlays, root) !== undefined ? abs : withJson(abs);
  }
  const parts = spec.split('/');
  const nameLength = spec.startsWith('@') ? 2 : 1;
  const pkg = packages.get(parts.slice(0, nameLength).join('/'));
  if (pkg === undefined) return undefined;
  const sub = parts.slice(nameLength).join('/');
  return sub ? withJson(path.join(root, pkg, sub)) : path.join(root, pkg, 'tsconfig.json');
}

/**
 * Resolves module names for the program: the governing tsconfig's `baseUrl`/`paths` first, then the
 * workspace-wide `fallback` options. Answers are cached per tsconfig until `clear()` (files added or removed).
 */
export class ModuleResolver {
  private readonly governing = new Map<string, ResolutionSettings | null>();
  private readonly options = new Map<ResolutionSettings, ts.CompilerOptions>();
  private readonly cache = new Map<ResolutionSettings | undefined, Map<string, ts.ResolvedModuleFull | undefined>>();

  constructor(private readonly root: string, private readonly graph: TsconfigGraph, private readonly fallback: ts.CompilerOptions) {}

  /** For ts-morph's Project: the program resolves every import through this resolver. */
  readonly factory: ResolutionHostFactory = (host) => ({
    resolveModuleNames: (names, containingFile) => names.map((name) => this.resolve(name, containingFile, host)),
  });

  /** Forgets the answers (a file that appeared or went changes them). */
  clear(): void {
    this.cache.clear();
  }

  resolve(name: string, containingFile: string, host: ts.ModuleResolutionHost): ts.ResolvedModuleFull | undefined {
    const dir = path.dirname(containingFile);
    const relative = ts.isExternalModuleNameRelative(name);
    const settings = relative ? undefined : this.governingOf(dir);
    if (settings) {
      const found = this.cached(settings, name, () => ts.resolveModuleName(name, containingFile, this.optionsOf(settings), host).resolvedModule);
      if (found) return found;
    }
    // A relative name depends on the importing folder; a non-relative one resolves the same from every workspace file.
    return this.cached(undefined, relative ? `${dir}\0${name}` : name, () => ts.resolveModuleName(name, containingFile, this.fallback, host).resolvedModule);
  }

  /** The settings of the tsconfig governing files in `dir` (absolute), if any. */
  governingOf(dir: string): ResolutionSettings | undefined {
    const known = this.governing.get(dir);
    if (known !== undefined) return known ?? undefined;
    const rel = toRel(this.root, dir);
    let found: ResolutionSettings | null;
    if (rel.startsWith('..') || path.isAbsolute(rel)) found = null;
    else found = this.graph.byDir.get(rel) ?? (rel === '' ? null : this.governingOf(path.dirname(dir)) ?? null);
    this.governing.set(dir, found);
    return found ?? undefined;
  }

  private optionsOf(settings: ResolutionSettings): ts.CompilerOptions {
    let options = this.options.get(settings);
    if (!options) {
      const { baseUrl: _b, paths: _p, ...rest } = this.fallback;
      options = { ...rest, ...(settings.baseUrl !== undefined ? { baseUrl: settings.baseUrl } : {}) };
      if (settings.paths) Object.assign(options, { paths: settings.paths, pathsBasePath: settings.pathsBasePath });
      this.options.set(settings, options);
    }
    return options;
  }

  private cached(settings: ResolutionSettings | undefined, key: string, compute: () => ts.ResolvedModuleFull | undefined) {
    let map = this.cache.get(settings);
    if (!map) this.cache.set(settings, map = new Map());
    if (map.has(key)) return map.get(key);
    const found = compute();
    map.set(key, found);
    return found;
  }
}

function definedOnly(own: Own): Own {
  const out: Own = {};
  if (own.baseUrl !== undefined) out.baseUrl = own.baseUrl;
  if (own.paths !== undefined) {
    out.paths = own.paths;
    out.pathsBasePath = own.pathsBasePath;
  }
  return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array with a non-string item';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value} (${JSON.stringify(value)})`;
}
