/**
 * Deployable services inferred from evidence when no architecture file
 * declares them. A package folder (one with a package.json) is deployable
 * when the deployment configuration runs it: a docker-compose service built
 * from it (build context or Dockerfile) or running an image named after it,
 * a Dockerfile beside its package.json, a Kubernetes workload, Helm values
 * entry, skaffold artifact or Procfile process that builds or runs it
 * (manifests.ts), a serverless.yml, a CDK app that
 * defines Lambda functions, an Nx `project.json` of an application; or, in
 * `apps/*` and `services/*` and workspace packages outside library folders,
 * a package that can be started (`start` script, `bin`; a script that only
 * builds, `tsc --watch` or `vite build`, starts nothing). Never deployable:
 * infrastructure images (brokers, databases, proxies), Nx libraries, browser
 * UIs (a browser framework among a package's dependencies and no server
 * one), hidden folders, and tests, e2e apps, mocks, scripts and examples
 * (system/scope.ts).
 * When compose (or those manifests) runs two or more workspace packages, it is the deployment:
 * packages it does not run count only with build evidence of their own
 * (Dockerfile, serverless, Lambda, Nx application).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultKind } from '../system/scope';
import { infrastructureKind, imageBaseName } from '../system/infrastructure';
import { browserOnlyPackage } from '../system/frameworks';
import type { ComposeService } from './compose';
import { imageName, type Workload } from './manifests';
import { findConfigFiles, findDirectories, readOptional } from './files';
import type { ServiceInfo } from './services';

export const DEPLOYMENT_FILES = ['**/package.json', '**/project.json', '**/cdk.json', '**/serverless.{yml,yaml,ts}'];

const LIBRARY_DIRS = /^(libs?|packages|shared|common|tools|tooling|scripts|examples?|test|tests|e2e|docs)(\/|$)/;
/** Folders of a monorepo that hold code shared by its deployables (`libs/common`, `packages/db`). */
const SHARED_CODE_DIRS = /^(libs?|packages|shared|common)\//;

/** True for a root-relative path inside a shared-code folder of a monorepo (not a deployable's own code). */
export function inSharedCodeFolder(rel: string): boolean {
  return SHARED_CODE_DIRS.test(rel);
}
/** A CDK app's construct that runs the package's code. */
const LAMBDA_CONSTRUCT = /new\s+(?:\w+\.)?(?:Function|NodejsFunction|DockerImageFunction)\s*\(/;

interface Candidate {
  dir: string;
  manifest: any;
  evidence: { file: string; line: number }[];
  /** Built or run by the deployment configuration itself. */
  deployed: boolean;
  origin?: string;
  composeName?: string;
}

export function inferDeployables(root: string, compose: ComposeService[], configFiles: string[], overlays?: Map<string, string>, workloads: Workload[] = []): ServiceInfo[] {
  const has = new Set(configFiles);
  const dirsWith = (name: RegExp) => new Set(configFiles.filter((f) => name.test(path.posix.basename(f))).map((f) => path.posix.dirname(f)));
  const packageDirs = [...dirsWith(/^package\.json$/)].filter((d) => d !== '.' && usable(d)).sort();
  const dockerDirs = dirsWith(/^(Dockerfile(\..+)?|.+\.Dockerfile)$/);
  const serverlessDirs = dirsWith(/^serverless\.(ya?ml|ts)$/);
  const cdkDirs = dirsWith(/^cdk\.json$/);
  const candidates = new Map<string, Candidate>();
  const candidate = (dir: string): Candidate => {
    let c = candidates.get(dir);
    if (!c) {
      c = { dir, manifest: readJson(path.join(root, dir, 'package.json'), overlays, root), evidence: [], deployed: false };
      candidates.set(dir, c);
    }
    return c;
  };

  // docker-compose: the package a service builds or runs.
  let composed = 0;
  for (const svc of compose) {
    if (infrastructureKind(svc.image, svc.name) && !packageDir(svc.context)) continue;
    const dir = composeTarget(svc, packageDirs, root, overlays);
    // A browser UI served from a container (nginx with the built bundle) is not a service.
    if (!dir || browserOnlyPackage(readJson(path.join(root, dir, 'package.json'), overlays, root))) continue;
    const c = candidate(dir);
    if (!c.deployed) composed++;
    c.deployed = true;
    c.composeName ??= svc.name;
    c.origin ??= svc.file;
    c.evidence.push({ file: svc.file, line: svc.line });
  }

  // Kubernetes workloads, Helm values, skaffold artifacts and Procfile processes: the package a workload builds or runs.
  for (const w of workloads) {
    // A Procfile runs a script inside the package (`node apps/api/dist/main.js`): the nearest package folder up from it.
    let built: string | undefined;
    for (const from of [w.context, w.rootContext]) {
      for (let dir = from; !built && dir && dir !== '.' && !dir.startsWith('..'); dir = path.posix.dirname(dir)) built = packageDir(dir);
    }
    if (w.image && !built && infrastructureKind(w.image, w.name)) continue;
    const dir = built ?? (w.context === undefined ? namedPackage(new Set([w.name, ...(w.image ? [imageName(w.image)] : [])].map((n) => n.toLowerCase())), [...new Set([...packageDirs, ...candidates.keys()])].sort(), root, overlays) : undefined);
    if (!dir) continue;
    const c = candidate(dir);
    if (!c.deployed) composed++;
    c.deployed = true;
    c.origin ??= w.file;
    c.evidence.push({ file: w.file, line: w.line });
  }

  const workspaces = workspaceDirs(root, overlays);
  const siblingPrefix = namingConventions([...candidates.values()]);
  for (const dir of packageDirs) {
    const nx = readJson(path.join(root, dir, 'project.json'), overlays, root);
    if (nx?.projectType === 'library') continue;
    const manifest = readJson(path.join(root, dir, 'package.json'), overlays, root);
    if (browserOnlyPackage(manifest)) continue;
    const build: { file: string; line: number }[] = [];
    if (dockerDirs.has(dir) && (!LIBRARY_DIRS.test(dir) || composed < 2)) build.push({ file: dockerfileIn(dir, configFiles), line: 1 });
    if (serverlessDirs.has(dir)) build.push({ file: configFiles.find((f) => path.posix.dirname(f) === dir && /serverless\./.test(f))!, line: 1 });
    if (cdkDirs.has(dir) && definesLambda(root, dir, overlays)) build.push({ file: `${dir}/cdk.json`, line: 1 });
    // An Nx application in a library folder (`libs/back/seed-tool`) where the deployment runs others is a tool run by hand.
    if (nx?.projectType === 'application' && !browserOnly(nx) && (!LIBRARY_DIRS.test(dir) || composed < 2)) build.push({ file: `${dir}/project.json`, line: 1 });
    const runnable = /^(apps|services)\/[^/]+$/.test(dir) || (workspaces.has(dir) && !LIBRARY_DIRS.test(dir) && startable(manifest));
    // A folder of services (`microservices/*`) where compose runs two or more: the siblings that can be started are services too.
    const prefix = siblingPrefix.get(path.posix.dirname(dir));
    const sibling = !LIBRARY_DIRS.test(dir) && startable(manifest) && prefix !== undefined && typeof manifest?.name === 'string' && manifest.name.startsWith(prefix);
    const existing = candidates.get(dir);
    if (!existing && !build.length && !sibling && (!runnable || composed >= 2)) continue;
    const c = candidate(dir);
    c.evidence.push(...build);
    if (!c.evidence.length) c.evidence.push({ file: `${dir}/package.json`, line: 1 });
    c.origin ??= c.evidence[0].file;
  }
  // `apps/*` and `services/*` folders without a package.json (a Nest CLI monorepo): a Dockerfile, or their code, is the evidence.
  for (const dir of workspaces) {
    if (candidates.has(dir) || has.has(`${dir}/package.json`) || !/^(apps|services)\/[^/]+$/.test(dir) || !usable(dir)) continue;
    if (has.has(`${dir}/project.json`)) continue;
    const docker = dockerDirs.has(dir);
    if (!docker && (composed >= 2 || !['src', 'main.ts', 'index.ts'].some((f) => fs.existsSync(path.join(root, dir, f))))) continue;
    const c = candidate(dir);
    c.evidence.push(docker ? { file: dockerfileIn(dir, configFiles), line: 1 } : { file: `${dir}/`, line: 0 });
    c.origin = c.evidence[0].file;
  }
  // Nx applications without a package.json of their own.
  for (const file of configFiles.filter((f) => path.posix.basename(f) === 'project.json')) {
    const dir = path.posix.dirname(file);
    if (candidates.has(dir) || dir === '.' || !usable(dir) || has.has(`${dir}/package.json`)) continue;
    const nx = readJson(path.join(root, file), overlays, root);
    if (nx?.projectType !== 'application' || browserOnly(nx) || (LIBRARY_DIRS.test(dir) && composed >= 2)) continue;
    const c = candidate(dir);
    c.evidence.push({ file, line: 1 });
    c.origin = file;
  }

  const out: ServiceInfo[] = [];
  const names = new Set<string>();
  for (const c of [...candidates.values()].sort((a, b) => (a.dir < b.dir ? -1 : 1))) {
    const base = path.posix.basename(c.dir);
    const pkgName = typeof c.manifest?.name === 'string' ? c.manifest.name.replace(/^@[^/]+\//, '') : undefined;
    let name = c.composeName ?? (pkgName === base ? pkgName : base);
    if (names.has(name)) name = c.dir.replace(/\//g, '-');
    names.add(name);
    out.push({ name, paths: [c.dir], inferred: true, origin: c.origin ?? `${c.dir}/package.json`, evidence: dedupe(c.evidence), env: new Map() });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));

  /** A folder compose builds that holds code: a package.json, a project.json, or JavaScript/TypeScript sources (not SQL or config only). */
  function packageDir(dir: string | undefined): string | undefined {
    if (dir === undefined || dir === '.' || dir.startsWith('..') || !usable(dir)) return undefined;
    if (has.has(`${dir}/package.json`) || has.has(`${dir}/project.json`)) return dir;
    return hasCode(path.join(root, dir)) ? dir : undefined;
  }

  /** The package folder a compose service builds or runs: its build context or Dockerfile folder, else the package its image or name is named after. */
  function composeTarget(svc: ComposeService, dirs: string[], rootDir: string, ov?: Map<string, string>): string | undefined {
    const dockerDir = svc.dockerfile ? path.posix.dirname(svc.dockerfile) : undefined;
    const built = packageDir(svc.context) ?? (dockerDir && (has.has(`${dockerDir}/package.json`) || has.has(`${dockerDir}/project.json`) || hasCode(path.join(root, dockerDir, 'src'))) ? packageDir(dockerDir) : undefined);
    if (built) return built;
    if (svc.context !== undefined && svc.context !== '.' && !svc.dockerfile) return undefined;
    const wanted = new Set<string>();
    if (svc.image && !svc.image.startsWith('$')) {
      const image = imageBaseName(svc.image);
      wanted.add(image);
      const dash = image.indexOf('-');
      if (dash > 0) wanted.add(image.slice(dash + 1));
    }
    if (svc.context !== undefined || svc.image) wanted.add(svc.name.toLowerCase());
    return namedPackage(wanted, dirs, rootDir, ov);
  }
}

/** The one package folder named (folder or package name) as one of `wanted`; a name shared by a library and an app decides nothing. */
function namedPackage(wanted: Set<string>, dirs: string[], root: string, overlays?: Map<string, string>): string | undefined {
  const named = dirs.filter((d) => {
    const manifest = readJson(path.join(root, d, 'package.json'), overlays, root);
    const pkg = typeof manifest?.name === 'string' ? manifest.name.replace(/^@[^/]+\//, '').toLowerCase() : undefined;
    return wanted.has(path.posix.basename(d).toLowerCase()) || (pkg !== undefined && wanted.has(pkg));
  });
  const apps = named.filter((d) => !LIBRARY_DIRS.test(d));
  return apps.length === 1 ? apps[0] : named.length === 1 ? named[0] : undefined;
}

/**
 * Parent folders where compose runs two or more packages whose names follow one convention
 * (`@acme/microservice-users`, `@acme/microservice-files`): the common name prefix, up to a `-`.
 */
function namingConventions(deployed: Candidate[]): Map<string, string> {
  const byParent = new Map<string, string[]>();
  for (const c of deployed) {
    const parent = path.posix.dirname(c.dir);
    if (parent === '.' || typeof c.manifest?.name !== 'string') continue;
    byParent.set(parent, [...(byParent.get(parent) ?? []), c.manifest.name]);
  }
  const out = new Map<string, string>();
  for (const [parent, names] of byParent) {
    if (names.length < 2) continue;
    let prefix = names[0];
    for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
    const cut = prefix.lastIndexOf('-');
    if (cut > 0 && !prefix.slice(0, cut).endsWith('/')) out.set(parent, prefix.slice(0, cut + 1));
  }
  return out;
}

/** Folders of scaffolding copied to start a new service, never run as they are. */
const SCAFFOLD = /^(templates?|scaffolds?|scaffolding|boilerplates?|skeletons?|blueprints?|generators?)$/i;

/** Production folders only: no hidden folders, tests, e2e apps, mocks, scripts, examples or scaffolding. */
function usable(dir: string): boolean {
  return !dir.split('/').some((p) => p.startsWith('.') || SCAFFOLD.test(p)) && defaultKind(`${dir}/index.ts`) === undefined;
}

function startable(manifest: any): boolean {
  const scripts = manifest?.scripts ?? {};
  if (browserOnlyPackage(manifest)) return false;
  return Boolean(manifest?.bin) || ['start', 'start:prod', 'start:dev', 'serve', 'dev'].some((s) => typeof scripts[s] === 'string' && !buildOnly(scripts[s]));
}

/** Tools that compile, bundle, copy or clean: a script made only of them starts nothing (`tsc -p . --watch`). */
const BUILD_TOOLS = new Set(['tsc', 'tsup', 'rollup', 'webpack', 'babel', 'esbuild', 'swc', 'rimraf', 'rm', 'cp', 'shx', 'mkdir', 'del', 'del-cli', 'copyfiles', 'unbuild', 'microbundle', 'tsc-alias']);

function buildOnly(script: string): boolean {
  const commands = script.split(/&&|\|\||;|\|/).map((c) => c.trim()).filter(Boolean);
  return commands.length > 0 && commands.every((c) => {
    const words = c.split(/\s+/).filter((w) => !/^\w+=/.test(w) && !['npx', 'pnpm', 'yarn', 'exec', 'bunx'].includes(w));
    const tool = words[0] ?? '';
    return BUILD_TOOLS.has(tool) || (['vite', 'ng', 'nx'].includes(tool) && words[1] === 'build');
  });
}

/** Executors that bundle an Nx application for the browser (a frontend or a module-federation remote): not a service. */
const BROWSER_EXECUTORS = /(rspack|vite|module-federation|@nx\/react|@nx\/angular|@angular-devkit\/build-angular|@nx\/web:|@nx\/expo|react-native)/;

function browserOnly(nx: any): boolean {
  const build = nx?.targets?.build ?? nx?.architect?.build;
  return typeof build?.executor === 'string' ? BROWSER_EXECUTORS.test(build.executor) : typeof build?.builder === 'string' && BROWSER_EXECUTORS.test(build.builder);
}

function hasCode(abs: string): boolean {
  for (const where of [abs, path.join(abs, 'src')]) {
    try {
      if (fs.readdirSync(where).some((f) => /\.(m?[jt]sx?|cjs)$/.test(f) && !/\.config\./.test(f))) return true;
    } catch {
      // no such folder
    }
  }
  return false;
}

function dockerfileIn(dir: string, configFiles: string[]): string {
  return configFiles.find((f) => path.posix.dirname(f) === dir && /Dockerfile/.test(path.posix.basename(f))) ?? `${dir}/Dockerfile`;
}

function definesLambda(root: string, dir: string, overlays?: Map<string, string>): boolean {
  for (const rel of findConfigFiles(path.join(root, dir), ['**/*.ts', '!**/*.d.ts'])) {
    if (!usable(path.posix.join(dir, rel))) continue;
    if (LAMBDA_CONSTRUCT.test(readOptional(path.join(root, dir, rel), overlays, root) ?? '')) return true;
  }
  return false;
}

function workspaceDirs(root: string, overlays?: Map<string, string>): Set<string> {
  const pkg = readJson(path.join(root, 'package.json'), overlays, root);
  const patterns: string[] = Array.isArray(pkg?.workspaces) ? pkg.workspaces : Array.isArray(pkg?.workspaces?.packages) ? pkg.workspaces.packages : [];
  const pnpm = readOptional(path.join(root, 'pnpm-workspace.yaml'), overlays, root);
  if (pnpm) for (const m of pnpm.matchAll(/^\s*-\s*['"]?([^'"\n#!]+?)['"]?\s*$/gm)) patterns.push(m[1]);
  const out = new Set<string>();
  for (const pattern of patterns) {
    for (const rel of findConfigFiles(root, [`${pattern.replace(/\/$/, '')}/package.json`])) out.add(path.posix.dirname(rel));
  }
  for (const rel of findDirectories(root, ['apps/*', 'services/*'])) out.add(rel);
  return out;
}

function readJson(abs: string, overlays?: Map<string, string>, root?: string): any {
  const text = readOptional(abs, overlays, root);
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function dedupe(refs: { file: string; line: number }[]): { file: string; line: number }[] {
  const seen = new Set<string>();
  return refs.filter((r) => (seen.has(`${r.file}:${r.line}`) ? false : (seen.add(`${r.file}:${r.line}`), true)));
}
