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
import type { SourceFile } from 'ts-morph';
import { ts } from 'ts-morph';
import { instrumentedBy, isRegisteringModule } from '../facts/libraries/instrumentation';
import type { ServiceInfo, WorkspaceLayout } from './services';
import { readOptional } from './files';

/** What one file registers. */
export interface Registration {
  covers: string[];
  /** 1-based line of the instrumentation import. */
  line: number;
  module: string;
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
}

const SPECIFIER_RE = /\b(?:require|import)\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;
const REGISTERS_RE = /\b(registerInstrumentations|NodeSDK|instrumentations|telemetry)\b/;
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
    const libs = instrumentedBy(f.module);
    if (!libs.length) continue;
    // Imported and registered (a bare `/register` import registers by itself).
    if (!isRegisteringModule(f.module) && !REGISTERS_RE.test(text)) continue;
    libs.forEach((l) => covers.add(l));
    first ??= f;
  }
  if (!first) return undefined;
  return { covers: [...covers].sort(), line: sf.getLineAndCharacterOfPosition(first.pos).line + 1, module: first.module };
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

/** Which client libraries each service's messages and calls are instrumented for. */
export class TracingIndex {
  private readonly byService = new Map<string, Map<string, TracingEvidence>>();

  constructor(input: {
    root: string;
    layout: WorkspaceLayout;
    files: { rel: string; sourceFile: SourceFile; registration: Registration | undefined }[];
    importers: Map<SourceFile, Set<SourceFile>>;
    preloads: (service: ServiceInfo) => { module: string; file: string; line: number }[];
  }) {
    const { layout, files, importers } = input;
    const relOf = new Map(files.map((f) => [f.sourceFile, f.rel]));
    const registering = files.filter((f) => f.registration);
    // Files loaded first: a side-effect import as a file's first statement, and Next.js's instrumentation hook.
    const leading = new Map<SourceFile, string[]>();
    for (const f of registering) {
      const reg = f.registration!;
      const direct = NEXT_HOOK.test(f.rel);
      const own = layout.serviceOf(f.rel);
      if (own) this.add(own.name, reg.covers, { file: f.rel, line: reg.line, module: reg.module, direct, how: `registered in ${f.rel}` });
      // Importers, through shared modules, up to a few levels.
      let frontier = new Set<SourceFile>([f.sourceFile]);
      const seen = new Set<SourceFile>([f.sourceFile]);
      for (let depth = 0; depth < MAX_IMPORT_DEPTH && frontier.size; depth++) {
        const next = new Set<SourceFile>();
        for (const target of frontier) {
          for (const importer of importers.get(target) ?? []) {
            if (seen.has(importer)) continue;
            seen.add(importer);
            next.add(importer);
            const rel = relOf.get(importer);
            const svc = rel ? layout.serviceOf(rel) : undefined;
            if (!svc || !rel) continue;
            if (!leading.has(importer)) leading.set(importer, leadingImports(importer));
            const first = depth === 0 && leading.get(importer)!.some((s) => sameModule(s, f.rel));
            this.add(svc.name, reg.covers, {
              file: f.rel, line: reg.line, module: reg.module, direct: first,
              how: first ? `loaded first by ${rel}` : `imported (through ${rel}), load order not seen`,
            });
          }
        }
        frontier = next;
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

  /** The instrumentation of `library` in `service`, preferring direct evidence. */
  coverage(service: string | undefined, library: string): TracingEvidence | undefined {
    return service === undefined ? undefined : this.byService.get(service)?.get(library);
  }

  /** True when the service registers any instrumentation. */
  traced(service: string | undefined): boolean {
    return service !== undefined && (this.byService.get(service)?.size ?? 0) > 0;
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
