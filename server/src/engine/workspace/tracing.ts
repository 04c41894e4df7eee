/**
 * Where OpenTelemetry instrumentation is registered, and for which client
 * libraries of which service: a module that imports an instrumentation
 * package (table in facts/libraries/instrumentation.ts) and registers it
 * (`new NodeSDK({ instrumentations })`, `registerInstrumentations(...)`)
 * covers the services whose code imports it, directly or through shared
 * modules; `node --require`/`--import` of such a module (or of
 * `@opentelemetry/auto-instrumentations-node/register`) in a service's
 * package.json scripts, Dockerfile or NODE_OPTIONS does too.
 *
 * Evidence is direct when the module is seen to load before the service's
 * code (preloaded, the first import of a file, Next.js's `instrumentation.ts`
 * hook); otherwise it is inferred: imported somewhere, load order not seen.
 */
import * as path from 'node:path';
import type { Node, SourceFile } from 'ts-morph';
import { ts } from 'ts-morph';
import { instrumentedBy, isRegisteringModule, nativeTracingOption, tracerName } from '../facts/libraries/instrumentation';
import type { ServiceInfo, WorkspaceLayout } from './services';
import { readOptional } from './files';
import { moduleClass, moduleFunction, startingCalls } from './tracingCalls';

/** What one file registers. */
export interface Registration {
  covers: string[];
  /** 1-based line of the instrumentation import (of its use, for a registration inside functions). */
  line: number;
  module: string;
  /**
   * Module-level functions that register when called (`export function initTelemetry() { new NodeSDK(...) }`),
   * when every use of the instrumentation is inside one; absent when the module registers on load.
   */
  functions?: string[];
  /** The client is constructed with the library's own tracing option (`enableOpenTelemetryTracing: true`): no load order matters. */
  native?: boolean;
}

export interface TracingEvidence {
  /** Root-relative file and line where the instrumentation is registered (or preloaded). */
  file: string;
  line: number;
  module: string;
  /** True when the module is seen to load before the service's code. */
  direct: boolean;
  /** How it reaches the service, for messages: "preloaded by package.json script start". */
  how: string;
  /** For a registration inside a function: the call that starts it in the service, for messages. */
  startedBy?: string;
}

const SPECIFIER_RE = /\b(?:require|import)\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;
const REGISTERS_RE = /\b(registerInstrumentations|NodeSDK|instrumentations|telemetry|captureAWS\w*|new\s+Tracer|registerOTel)\b|\.(init|start)\s*\(/;
const MAX_IMPORT_DEPTH = 4;
/** Next.js loads `instrumentation.ts` (at the app root or in `src/`) before the application. */
const NEXT_HOOK = /(^|\/)instrumentation\.(ts|js|mjs)$/;

/** The instrumentation a file registers, read on the compiler's nodes (cheap, and tolerant of half-typed code). */
export function registrationIn(file: SourceFile): Registration | undefined {
  const sf = file.compilerNode;
  const found: { module: string; pos: number }[] = [];
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && !s.importClause?.isTypeOnly) {
      found.push({ module: s.moduleSpecifier.text, pos: s.moduleSpecifier.getStart(sf) });
    }
  }
  const text = sf.text;
  if (/\b(require|import)\s*\(/.test(text)) for (const m of text.matchAll(SPECIFIER_RE)) found.push({ module: m[2], pos: m.index ?? 0 });
  const covers = new Set<string>();
  let first: { module: string; pos: number } | undefined;
  for (const f of found) {
    const libs = instrumentedBy(f.module, text);
    if (!libs.length) continue;
    // Imported and registered (a bare `/register` import registers by itself).
    if (!isRegisteringModule(f.module) && !REGISTERS_RE.test(text)) continue;
    libs.forEach((l) => covers.add(l));
    first ??= f;
  }
  if (!first) return nativeRegistration(sf, found);
  const reg: Registration = { covers: [...covers].sort(), line: sf.getLineAndCharacterOfPosition(first.pos).line + 1, module: first.module };
  const inside = registeringFunctions(sf, found.filter((f) => instrumentedBy(f.module, text).length));
  // Next.js calls the hook file's exported `register()` itself, before the application: that is registering on load.
  if (inside && !(NEXT_HOOK.test(file.getFilePath()) && inside.names.includes('register'))) {
    reg.functions = inside.names;
    reg.line = sf.getLineAndCharacterOfPosition(inside.pos).line + 1;
  }
  return reg;
}

/** A client of a library with its own tracing option, constructed with it set to `true`, anywhere in the file. */
function nativeRegistration(sf: ts.SourceFile, found: { module: string; pos: number }[]): Registration | undefined {
  for (const f of found) {
    const native = nativeTracingOption(f.module);
    if (!native) continue;
    const at = sf.text.search(new RegExp(`\\b${native.option}\\s*:\\s*true\\b`));
    if (at < 0) continue;
    return { covers: [...native.covers], line: sf.getLineAndCharacterOfPosition(at).line + 1, module: `${f.module} (${native.option})`, native: true };
  }
  return undefined;
}

/**
 * The module-level functions the instrumentation is used in, when every use is inside one
 * (`function start() { new NodeSDK({ instrumentations: [getNodeAutoInstrumentations()] }) }`);
 * a use in a module-level class counts as that class's (constructing it starts the registration);
 * undefined when any use runs on load or somewhere not followed (a callback).
 */
function registeringFunctions(sf: ts.SourceFile, imports: { module: string; pos: number }[]): { names: string[]; pos: number } | undefined {
  const bindings = new Set<string>();
  for (const s of sf.statements) {
    if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier) || !imports.some((i) => i.module === (s.moduleSpecifier as ts.StringLiteral).text)) continue;
    const clause = s.importClause;
    if (!clause) return undefined; // a side-effect import registers on load
    if (clause.name) bindings.add(clause.name.text);
    const named = clause.namedBindings;
    if (named && ts.isNamespaceImport(named)) bindings.add(named.name.text);
    else if (named) named.elements.forEach((e) => bindings.add(e.name.text));
  }
  const names = new Set<string>();
  let first: number | undefined;
  let onLoad = false;
  const visit = (node: ts.Node): void => {
    if (onLoad || ts.isImportDeclaration(node)) return;
    const loads = ts.isCallExpression(node) && ((ts.isIdentifier(node.expression) && node.expression.text === 'require') || node.expression.kind === ts.SyntaxKind.ImportKeyword);
    const arg = loads ? (node as ts.CallExpression).arguments[0] : undefined;
    const isUse = (ts.isIdentifier(node) && bindings.has(node.text)) || (!!arg && ts.isStringLiteral(arg) && imports.some((i) => i.module === arg.text));
    if (isUse) {
      const fn = moduleFunction(node) ?? moduleClass(node);
      if (!fn) { onLoad = true; return; }
      names.add(fn);
      first ??= node.getStart(sf);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return onLoad || !names.size || first === undefined ? undefined : { names: [...names].sort(), pos: first };
}

/** Side-effect imports at the top of a file (`import './tracing'` before anything else): what loads first. */
export function leadingImports(file: SourceFile): string[] {
  const out: string[] = [];
  for (const s of file.compilerNode.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && !s.importClause) out.push(s.moduleSpecifier.text);
    else if (ts.isExpressionStatement(s) && ts.isCallExpression(s.expression) && s.expression.expression.getText(file.compilerNode) === 'require' &&
      s.expression.arguments[0] && ts.isStringLiteral(s.expression.arguments[0])) out.push(s.expression.arguments[0].text);
    else break;
  }
  return out;
}

/** Modules a service preloads: `--require`/`-r`/`--import` in its package.json scripts, Dockerfile and NODE_OPTIONS. */
export function preloadsOf(root: string, service: ServiceInfo): { module: string; file: string; line: number }[] {
  const out: { module: string; file: string; line: number }[] = [];
  for (const dir of service.paths) {
    for (const name of ['package.json', 'Dockerfile', '.env']) {
      const rel = path.posix.join(dir.replace(/\/$/, ''), name);
      const text = readOptional(path.join(root, rel));
      if (!text) continue;
      text.split('\n').forEach((line, i) => {
        // `node -r ./tracing.js`, `--import=./otel.mjs`, Dockerfile `CMD ["node", "--require", "./tracing.js", ...]`.
        for (const m of line.matchAll(/(?:^|[\s"'])(?:--require|--import|-r)["']?[\s,=]+["']?([^\s"',\]]+)/g)) out.push({ module: m[1], file: rel, line: i + 1 });
      });
    }
  }
  return out;
}

/** The key of a workspace with no services: one program. */
const WHOLE_WORKSPACE = '<workspace>';

/** Which client libraries each service's messages and calls are instrumented for. */
export class TracingIndex {
  private readonly byService = new Map<string, Map<string, TracingEvidence>>();
  /** Files' leading side-effect imports: what loads first. */
  private readonly leading = new Map<SourceFile, string[]>();
  /** A workspace with no services found is one program: its registrations cover all of it. */
  private readonly whole: boolean;
  private readonly serviceNameOf: (rel: string) => string | undefined;

  constructor(input: {
    root: string;
    layout: WorkspaceLayout;
    files: { rel: string; sourceFile: SourceFile; registration: Registration | undefined }[];
    importers: Map<SourceFile, Set<SourceFile>>;
    preloads: (service: ServiceInfo) => { module: string; file: string; line: number }[];
    /** The workspace functions a call runs (the checker's declaration of the callee). */
    resolveCallees: (call: Node) => Node[];
  }) {
    const { layout, files, importers } = input;
    this.whole = layout.services.length === 0;
    this.serviceNameOf = (rel) => layout.serviceOf(rel)?.name ?? (this.whole ? WHOLE_WORKSPACE : undefined);
    const relOf = new Map(files.map((f) => [f.sourceFile, f.rel]));
    const serviceOfFile = (sf: SourceFile) => {
      const rel = relOf.get(sf);
      return rel ? this.serviceNameOf(rel) : undefined;
    };
    const registering = files.filter((f) => f.registration);
    for (const f of registering) {
      const reg = f.registration!;
      const evidence = { file: f.rel, line: reg.line, module: reg.module };
      if (!reg.functions) {
        this.coverImporters(f.sourceFile, f.rel, reg.covers, evidence, relOf, importers, reg.native);
        continue;
      }
      // Registered inside functions: the services whose code calls them (through shared wrappers).
      const calls = startingCalls({
        file: f.sourceFile, functions: reg.functions, importers, resolveCallees: input.resolveCallees,
        isServiceFile: (sf) => !!serviceOfFile(sf), maxDepth: MAX_IMPORT_DEPTH,
      });
      for (const call of calls) {
        const rel = relOf.get(call.file) ?? '';
        const startedBy = `\`${call.chain}\` called at ${rel}:${call.line}`;
        if (call.onLoad) {
          this.coverImporters(call.file, rel, reg.covers, { ...evidence, startedBy }, relOf, importers);
          continue;
        }
        this.add(serviceOfFile(call.file)!, reg.covers, {
          ...evidence, direct: call.first, startedBy,
          how: call.first ? `started first by ${rel}` : `started by a call in ${rel}, load order not seen`,
        });
      }
    }
    for (const svc of layout.services) {
      for (const p of input.preloads(svc)) {
        const libs = instrumentedBy(p.module);
        if (libs.length && (isRegisteringModule(p.module) || p.module.startsWith('@opentelemetry/auto-instrumentations-node'))) {
          this.add(svc.name, libs, { file: p.file, line: p.line, module: p.module, direct: true, how: `preloaded by ${p.file}` });
          continue;
        }
        const hit = registering.find((f) => layout.serviceOf(f.rel)?.name === svc.name && sameModule(p.module, f.rel)) ??
          registering.find((f) => sameModule(p.module, f.rel));
        if (hit) this.add(svc.name, hit.registration!.covers, { file: hit.rel, line: hit.registration!.line, module: hit.registration!.module, direct: true, how: `preloaded by ${p.file}` });
      }
    }
  }

  /** A module that registers on load covers its own service and the services whose code imports it, through shared modules. */
  private coverImporters(file: SourceFile, fileRel: string, covers: string[], evidence: { file: string; line: number; module: string; startedBy?: string },
    relOf: Map<SourceFile, string>, importers: Map<SourceFile, Set<SourceFile>>, native = false): void {
    const own = this.serviceNameOf(fileRel);
    if (own) this.add(own, covers, { ...evidence, direct: native || NEXT_HOOK.test(fileRel), how: native ? `its client is constructed with the option in ${fileRel}` : `registered in ${fileRel}` });
    // Importers, through shared modules, up to a few levels; a side-effect import as a file's first statement loads first.
    let frontier = new Set<SourceFile>([file]);
    const seen = new Set<SourceFile>([file]);
    for (let depth = 0; depth < MAX_IMPORT_DEPTH && frontier.size; depth++) {
      const next = new Set<SourceFile>();
      for (const target of frontier) {
        for (const importer of importers.get(target) ?? []) {
          if (seen.has(importer)) continue;
          seen.add(importer);
          next.add(importer);
          const rel = relOf.get(importer);
          const svc = rel ? this.serviceNameOf(rel) : undefined;
          if (!svc || !rel) continue;
          let leading = this.leading.get(importer);
          if (!leading) this.leading.set(importer, leading = leadingImports(importer));
          const first = depth === 0 && leading.some((s) => sameModule(s, fileRel));
          this.add(svc, covers, {
            ...evidence, direct: native || first,
            how: native ? `its client, imported by ${rel}, is constructed with the option in ${fileRel}` : first ? `loaded first by ${rel}` : `imported (through ${rel}), load order not seen`,
          });
        }
      }
      frontier = next;
    }
  }

  /**
   * The instrumentation of `library` in `service`, preferring direct evidence. For shared code, the
   * services that import it: covered when every one of them is (direct only when each is).
   */
  coverage(service: string | string[] | undefined, library: string): TracingEvidence | undefined {
    if (this.whole) return this.byService.get(WHOLE_WORKSPACE)?.get(library);
    if (service === undefined) return undefined;
    if (typeof service === 'string') return this.byService.get(service)?.get(library);
    const all = service.map((s) => this.byService.get(s)?.get(library));
    if (!all.length || !all.every((e) => e)) return undefined;
    const pick = all.find((e) => !e!.direct) ?? all[0]!;
    const names = service.length > 3 ? `${service.slice(0, 3).join(', ')} and ${service.length - 3} more` : service.join(', ');
    return { ...pick, how: `in every service that uses this module (${names}): ${pick.how}` };
  }

  /**
   * The tracer the service registers instrumentation of, named as messages name it (`OpenTelemetry`, `Sentry`); for
   * shared code, when every service that imports it registers one. Undefined when there is none.
   */
  tracer(service: string | string[] | undefined): string | undefined {
    const one = (s: string) => {
      const modules = [...new Set([...(this.byService.get(s)?.values() ?? [])].map((e) => tracerName(e.module)))].sort();
      return modules.length ? modules.join(' and ') : undefined;
    };
    if (this.whole) return one(WHOLE_WORKSPACE);
    if (service === undefined) return undefined;
    if (typeof service === 'string') return one(service);
    const names = service.map(one);
    return names.length > 0 && names.every((n) => n) ? [...new Set(names)].join(' and ') : undefined;
  }

  private add(service: string, libraries: readonly string[], evidence: TracingEvidence): void {
    let m = this.byService.get(service);
    if (!m) this.byService.set(service, m = new Map());
    for (const lib of libraries) {
      const old = m.get(lib);
      if (!old || (!old.direct && evidence.direct)) m.set(lib, evidence);
    }
  }
}

/**
 * A module specifier (`./tracing`, `@acme/common/utils/instrumentation.util`, `dist/tracing.js`) that names
 * this file: the same base name (the import graph, or the service, says which file it is).
 */
function sameModule(specifier: string, rel: string): boolean {
  const base = (p: string) => path.posix.basename(p.replace(/\/index(\.[a-z]+)?$/, '')).replace(/\.(ts|tsx|js|mjs|cjs|mts|cts)$/, '');
  const spec = base(specifier);
  return spec !== '' && spec === base(rel);
}
