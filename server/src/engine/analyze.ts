/**
 * Entry point of the engine: reads the workspace, builds the system model,
 * runs the rules, and applies severities and suppressions.
 */
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Project, ts, type Node, type SourceFile } from 'ts-morph';
import type { AnalyzeOptions, AnalysisResult } from './api';
import type { Finding, Severity } from './types';
import type { Architecture, ArchitectureProblem } from './architecture/model';
import { loadArchitecture } from './architecture/load';
import { findConfigFiles, listSourceFiles, readOptional, toRel } from './workspace/files';
import { discoverLayout, type ServiceInfo, type WorkspaceLayout } from './workspace/services';
import { DatastoreResolver } from './workspace/datastores';
import { Analysis } from './facts/analysis';
import { EffectIndex } from './facts/effects';
import { LIBRARIES } from './facts/libraries';
import type { Fact } from './facts/facts';
import { RULES, RULE_IDS } from './rules';
import { formatMessage, type Rule } from './rules/createRule';
import { decisionMatcher, locationOf, type SystemModel, type WorkspaceFile } from './model';
import { applyDirectives, parseDirectives, type Directive } from './suppressions';

export const ARCHITECTURE_FILE_NAMES = ['architecture.yaml', 'architecture.yml'];

export async function analyze(options: AnalyzeOptions): Promise<AnalysisResult> {
  return analyzeSync(options);
}

export function analyzeSync(options: AnalyzeOptions): AnalysisResult {
  return analyzeSystem(options).result;
}

/** The same pipeline, also returning the system model it built (the report generator reads it). */
export function analyzeSystem(options: AnalyzeOptions): { result: AnalysisResult; model: SystemModel } {
  const root = path.resolve(options.root);
  const log = options.log ?? (() => undefined);

  // 1. Architecture file (optional).
  const { architecture, architectureFile, problems } = readArchitecture(root, options);

  // 2. Services, their environment, datastores.
  const layout = discoverLayout(root, architecture, options.overlays);
  const datastores = new DatastoreResolver(layout, architecture, root);

  // 3. Source files, parsed without type information from libraries.
  const listed = listSourceFiles(root, options.overlays);
  const skipped = [...listed.skipped];
  for (const s of listed.skipped) log(`skipped ${s.file}: ${s.reason}`);
  const project = new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    compilerOptions: compilerOptionsFor(root, options.overlays),
  });
  const files: WorkspaceFile[] = [];
  for (const entry of listed.files) {
    try {
      const sourceFile = project.createSourceFile(entry.abs, entry.text, { overwrite: true });
      files.push({ rel: entry.rel, sourceFile });
    } catch (error) {
      skipped.push({ file: entry.rel, reason: `could not be parsed: ${(error as Error).message}` });
      log(`skipped ${entry.rel}: could not be parsed`);
    }
  }
  const relByFile = new Map<SourceFile, string>(files.map((f) => [f.sourceFile, f.rel]));
  const relOf = (node: Node) => relByFile.get(node.getSourceFile()) ?? toRel(root, node.getSourceFile().getFilePath());
  const serviceOfNode = (node: Node) => layout.serviceOf(relOf(node));

  // 4. Facts.
  const analysis = new Analysis(LIBRARIES, { serviceForUrl: (text, file) => serviceForUrl(text, layout.serviceOf(toRel(root, file)), layout, architecture) });
  const facts: Fact[] = [];
  files.forEach((f, i) => {
    try {
      facts.push(...analysis.factsOf(f.sourceFile));
    } catch (error) {
      skipped.push({ file: f.rel, reason: `analysis failed: ${(error as Error).message}` });
      log(`skipped ${f.rel}: analysis failed (${(error as Error).message})`);
    }
    options.onProgress?.(i + 1, files.length);
  });
  const handlers = new Set<Node>(facts.filter((f) => f.kind === 'consumer' && f.handler).map((f) => f.handler!));
  const effects = new EffectIndex(analysis, handlers);
  const directives: Directive[] = files.flatMap((f) => parseDirectives(f.sourceFile, f.rel));
  const justified = decisionMatcher(architecture, (rel) => layout.serviceOf(rel)?.name);
  const tracing = tracedServices(files, layout);

  const model: SystemModel = {
    root, architecture, architectureFile, architectureProblems: problems, layout, analysis, effects, files, facts,
    directives, ruleIds: RULE_IDS, datastores,
    relOf,
    locationOf: (node) => locationOf(node, relOf(node)),
    serviceOf: serviceOfNode,
    justification: (pattern, node) => justified(pattern, relOf(node)),
    hasTracing: (node) => tracing.has(serviceOfNode(node)?.name ?? ''),
    importersInServices: (file) => importersInServices(file, files, relOf, layout),
  };

  // 5. Rules.
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const severity = severityFor(rule, architecture);
    if (severity === 'off') continue;
    try {
      runRule(rule, model, severity, findings, options.withFixes ?? false, log);
    } catch (error) {
      log(`rule ${rule.meta.id} failed: ${(error as Error).stack ?? error}`);
    }
  }

  // 6. Suppressions, path filter, order.
  applyDirectives(findings, directives);
  const wanted = (options.paths ?? []).map((p) => toRel(root, path.resolve(root, p))).filter((p) => p !== '');
  const selected = wanted.length
    ? findings.filter((f) => wanted.some((w) => f.location.file === w || f.location.file.startsWith(w + '/')))
    : findings;
  selected.sort(compareFindings);
  const result: AnalysisResult = {
    root, findings: selected, rules: RULES.map((r) => r.meta), architectureFile, architecture,
    filesAnalyzed: files.length, skipped,
  };
  return { result, model };
}

function runRule(rule: Rule, model: SystemModel, severity: Severity, out: Finding[], withFixes: boolean, log: (m: string) => void): void {
  const counts = new Map<string, number>();
  rule.check({
    model,
    report(r) {
      const template = rule.meta.messages[r.messageId];
      const data = r.data ?? {};
      const base = `${rule.meta.id}|${r.location.file}|${r.messageId}|${(r.snippet ?? '').replace(/\s+/g, ' ')}`;
      const n = counts.get(base) ?? 0;
      counts.set(base, n + 1);
      out.push({
        ruleId: rule.meta.id,
        messageId: r.messageId,
        severity,
        message: formatMessage(template.message, data),
        hint: formatMessage(template.hint, data),
        location: r.location,
        related: r.related ?? [],
        inferred: r.inferred ?? false,
        fingerprint: createHash('sha1').update(`${base}|${n}`).digest('hex').slice(0, 16),
        ...(withFixes && r.fixes ? { fixes: safeFixes(r.fixes, log) } : {}),
      });
    },
  });
}

function safeFixes(build: () => Finding['fixes'], log: (m: string) => void): Finding['fixes'] {
  try {
    return build() ?? [];
  } catch (error) {
    log(`building a quick fix failed: ${(error as Error).message}`);
    return [];
  }
}

function severityFor(rule: Rule, architecture: Architecture | undefined): Severity | 'off' {
  return architecture?.rules[rule.meta.id] ?? rule.meta.defaultSeverity;
}

function compareFindings(a: Finding, b: Finding): number {
  return a.location.file.localeCompare(b.location.file) ||
    a.location.range.start.line - b.location.range.start.line ||
    a.location.range.start.column - b.location.range.start.column ||
    a.ruleId.localeCompare(b.ruleId);
}

function readArchitecture(root: string, options: AnalyzeOptions): { architecture?: Architecture; architectureFile?: string; problems: ArchitectureProblem[] } {
  const candidates = options.architectureFile
    ? [path.resolve(root, options.architectureFile)]
    : ARCHITECTURE_FILE_NAMES.map((n) => path.join(root, n));
  for (const abs of candidates) {
    const text = readOptional(abs, options.overlays);
    if (text === undefined) continue;
    const rel = toRel(root, abs);
    const result = loadArchitecture(text, rel, { ruleIds: RULE_IDS });
    return { architecture: result.architecture, architectureFile: rel, problems: result.problems };
  }
  if (options.architectureFile) {
    options.log?.(`architecture file ${options.architectureFile} not found; inferring services`);
  }
  return { problems: [] };
}

function compilerOptionsFor(root: string, overlays?: Map<string, string>): ts.CompilerOptions {
  const base: ts.CompilerOptions = {
    allowJs: true, checkJs: false, noLib: true, types: [], target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.Preserve, experimentalDecorators: true, resolveJsonModule: false, noResolve: false,
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

/** The service an HTTP URL expression points at: an env var or host named after a service. */
function serviceForUrl(urlText: string, from: ServiceInfo | undefined, layout: WorkspaceLayout, architecture: Architecture | undefined): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const names = layout.services.map((s) => s.name).filter((n) => n !== from?.name);
  for (const m of urlText.matchAll(/process\.env(?:\.(\w+)|\[['"](\w+)['"]\])/g)) {
    const env = m[1] ?? m[2];
    const api = architecture?.apis.find((a) => a.baseUrlEnv === env);
    if (api) return names.includes(api.provider) ? api.provider : undefined;
    const stem = norm(env.replace(/_(SERVICE_|SVC_|API_)?(BASE_)?(URL|URI|HOST|ENDPOINT|ADDR|ADDRESS)$/i, '').replace(/_SERVICE$/i, ''));
    const hit = names.find((n) => norm(n) === stem || norm(n) === `${stem}service` || `${norm(n)}service` === stem);
    if (hit) return hit;
  }
  // Hosts on the private network only (`payments`, `payments.prod.svc.cluster.local`): `api.stripe.com` is not service "api".
  for (const m of urlText.matchAll(/https?:\/\/([a-z0-9-_.]+)/gi)) {
    const host = m[1].toLowerCase();
    const [label, ...rest] = host.split('.');
    if (rest.length && !/(^|\.)(svc|cluster\.local|internal|local|consul)$/.test(rest.join('.'))) continue;
    const hit = names.find((n) => norm(n) === norm(label) || layout.services.find((s) => s.name === n)?.compose?.name === label);
    if (hit) return hit;
  }
  return undefined;
}

function tracedServices(files: WorkspaceFile[], layout: WorkspaceLayout): Set<string> {
  const traced = new Set<string>();
  for (const f of files) {
    const svc = layout.serviceOf(f.rel);
    if (!svc) continue;
    const uses = f.sourceFile.getImportDeclarations().some((d) => /^@opentelemetry\/(auto-instrumentations|instrumentation-)/.test(d.getModuleSpecifierValue()));
    if (uses) traced.add(svc.name);
  }
  return traced;
}

function importersInServices(file: SourceFile, files: WorkspaceFile[], relOf: (n: Node) => string, layout: WorkspaceLayout): { service: ServiceInfo; node: Node; via: string }[] {
  const out: { service: ServiceInfo; node: Node; via: string }[] = [];
  const seen = new Set<string>();
  const via = relOf(file);
  const frontier: SourceFile[] = [file];
  const visited = new Set<SourceFile>([file]);
  for (let depth = 0; depth < 3 && frontier.length; depth++) {
    const next: SourceFile[] = [];
    for (const f of files) {
      // Imports, and re-exports (`export * from './pool'` in a barrel index).
      for (const decl of [...f.sourceFile.getImportDeclarations(), ...f.sourceFile.getExportDeclarations()]) {
        const specifier = decl.getModuleSpecifier();
        let target: SourceFile | undefined;
        try { target = specifier ? decl.getModuleSpecifierSourceFile() : undefined; } catch { target = undefined; }
        if (!specifier || !target || !frontier.includes(target)) continue;
        const svc = layout.serviceOf(f.rel);
        if (svc) {
          if (!seen.has(svc.name)) {
            seen.add(svc.name);
            out.push({ service: svc, node: specifier, via });
          }
        } else if (!visited.has(f.sourceFile)) {
          visited.add(f.sourceFile);
          next.push(f.sourceFile);
        }
      }
    }
    frontier.splice(0, frontier.length, ...next);
  }
  return out;
}
