/**
 * The system's services: declared in the architecture file, or inferred from
 * package.json workspaces, apps/* and services/* folders, docker-compose
 * build contexts and Dockerfiles. Each service carries the environment its
 * deployment gives it (compose `environment`/`env_file`, `.env*` files).
 */
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { Architecture } from '../architecture/model';
import { findConfigFiles, findDirectories, readOptional } from './files';
import { parseCompose, parseDotenv, type ComposeService } from './compose';

export interface EnvValue {
  value: string;
  file: string;
  line: number;
}

export interface ServiceInfo {
  name: string;
  /** Root-relative folders or globs; '' means the workspace root. */
  paths: string[];
  inferred: boolean;
  /** Where the service was found: the architecture file, a compose file, a package.json... */
  origin: string;
  owner?: string;
  /** Where the deployment configuration shows it (compose service, Dockerfile, manifest...), besides `origin`. */
  evidence?: { file: string; line: number }[];
  env: Map<string, EnvValue>;
  compose?: ComposeService;
}

export interface WorkspaceLayout {
  services: ServiceInfo[];
  compose: ComposeService[];
  /** Environment that applies to every service (root .env files). */
  rootEnv: Map<string, EnvValue>;
  serviceOf(rel: string): ServiceInfo | undefined;
}

const LIBRARY_DIRS = /^(libs?|packages|shared|common|tools|scripts|examples?|test|tests|e2e|docs)(\/|$)/;

const COMPOSE_FILES = ['**/docker-compose*.{yml,yaml}', '**/compose*.{yml,yaml}'];
const ENV_FILES = ['**/.env', '**/.env.*'];
const DOCKERFILES = ['**/Dockerfile', '**/Dockerfile.*', '**/*.Dockerfile'];

export function discoverLayout(root: string, architecture: Architecture | undefined, overlays?: Map<string, string>): WorkspaceLayout {
  // One walk of the workspace for every kind of config file, split by pattern afterwards.
  const configFiles = findConfigFiles(root, [...COMPOSE_FILES, ...ENV_FILES, ...DOCKERFILES]);
  const matching = (patterns: string[]) => {
    const isMatch = picomatch(patterns, { dot: true });
    return configFiles.filter((rel) => isMatch(rel));
  };
  const compose = matching(COMPOSE_FILES).flatMap((rel) => parseCompose(readOptional(path.join(root, rel), overlays) ?? '', rel));
  const services: ServiceInfo[] = architecture && architecture.services.length
    ? architecture.services.map((s) => ({
      name: s.name, paths: s.paths.map(normalizeDir), inferred: false, origin: architecture.file, owner: s.owner, env: new Map(),
    }))
    : inferServices(root, compose, matching(DOCKERFILES), overlays);
  for (const svc of services) {
    svc.compose = compose.find((c) => c.name === svc.name) ??
      compose.find((c) => c.context !== undefined && svc.paths.includes(c.context));
  }
  const envFiles = matching(ENV_FILES);
  const rootEnv = new Map<string, EnvValue>();
  for (const rel of envFiles) {
    if (rel.includes('/')) continue;
    addDotenv(rootEnv, rel, readOptional(path.join(root, rel), overlays));
  }
  for (const svc of services) {
    for (const rel of envFiles) {
      const dir = path.posix.dirname(rel);
      if (dir !== '.' && svc.paths.some((p) => dir === p || dir.startsWith(p + '/'))) addDotenv(svc.env, rel, readOptional(path.join(root, rel), overlays));
    }
    if (svc.compose) {
      for (const rel of svc.compose.envFiles) addDotenv(svc.env, rel, readOptional(path.join(root, rel), overlays));
      for (const [k, v] of svc.compose.environment) svc.env.set(k, { value: v.value, file: svc.compose.file, line: v.line });
    }
  }
  const matchers = services.map((svc) => ({
    svc,
    match: svc.paths.map((p) => (picomatch.scan(p).isGlob ? picomatch(p.endsWith('**') ? p : `${p}/**`) : (rel: string) => p === '' || rel === p || rel.startsWith(p + '/'))),
    specificity: Math.max(...svc.paths.map((p) => p.length)),
  })).sort((a, b) => b.specificity - a.specificity);
  return {
    services, compose, rootEnv,
    serviceOf(rel: string) {
      return matchers.find((m) => m.match.some((f) => f(rel)))?.svc;
    },
  };
}

function normalizeDir(p: string): string {
  return p.replace(/^\.\//, '').replace(/\/+$/, '').replace(/^\.$/, '');
}

function addDotenv(into: Map<string, EnvValue>, rel: string, text: string | undefined): void {
  if (text === undefined) return;
  for (const [k, v] of parseDotenv(text)) into.set(k, { value: v.value, file: rel, line: v.line });
}

function inferServices(root: string, compose: ComposeService[], dockerfilePaths: string[], overlays?: Map<string, string>): ServiceInfo[] {
  const found = new Map<string, ServiceInfo>();
  const add = (dir: string, name: string, origin: string) => {
    dir = normalizeDir(dir);
    if (dir === '' || found.has(dir)) return;
    if ([...found.values()].some((s) => s.name === name)) name = dir.replace(/\//g, '-');
    found.set(dir, { name, paths: [dir], inferred: true, origin, env: new Map() });
  };
  const dockerfiles = new Set(dockerfilePaths.map((f) => path.posix.dirname(f)));
  for (const c of compose) {
    if (c.context && c.context !== '.') add(c.context, c.name, c.file);
  }
  const pkg = readJson(path.join(root, 'package.json'), overlays);
  const patterns: string[] = Array.isArray(pkg?.workspaces) ? pkg.workspaces : Array.isArray(pkg?.workspaces?.packages) ? pkg.workspaces.packages : [];
  const pnpm = readOptional(path.join(root, 'pnpm-workspace.yaml'), overlays);
  if (pnpm) for (const m of pnpm.matchAll(/^\s*-\s*['"]?([^'"\n#]+?)['"]?\s*$/gm)) patterns.push(m[1]);
  const candidates = new Set<string>();
  for (const pattern of patterns) {
    for (const rel of findConfigFiles(root, [`${pattern.replace(/\/$/, '')}/package.json`])) candidates.add(path.posix.dirname(rel));
  }
  for (const rel of findDirectories(root, ['apps/*', 'services/*'])) candidates.add(rel);
  for (const dir of [...candidates].sort()) {
    const deployable = dockerfiles.has(dir) || /^(apps|services)\//.test(dir) || !LIBRARY_DIRS.test(dir);
    if (!deployable) continue;
    const manifest = readJson(path.join(root, dir, 'package.json'), overlays);
    const name = (typeof manifest?.name === 'string' ? manifest.name.replace(/^@[^/]+\//, '') : undefined) ?? path.posix.basename(dir);
    add(dir, path.posix.basename(dir) === name ? name : path.posix.basename(dir), `${dir}/package.json`);
  }
  for (const dir of [...dockerfiles].sort()) {
    if (dir !== '.' && !LIBRARY_DIRS.test(dir)) add(dir, path.posix.basename(dir), `${dir}/Dockerfile`);
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function readJson(abs: string, overlays?: Map<string, string>): any {
  const text = readOptional(abs, overlays);
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
