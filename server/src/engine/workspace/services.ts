/**
 * The system's services: declared in the architecture file, or inferred from
 * package.json workspaces, apps/* and services/* folders, docker-compose
 * build contexts and Dockerfiles. Each service carries the environment its
 * deployment gives it (compose `environment`/`env_file`, `.env*` files).
 */
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { Architecture } from '../architecture/model';
import { findConfigFiles, readOptional } from './files';
import { parseCompose, parseDotenv, type ComposeService } from './compose';
import { DEPLOYMENT_FILES, inferDeployables } from './deployables';
import { MANIFEST_FILES, parseManifest, type Workload } from './manifests';

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
  /** Env files the deployment gives the service that are not in the workspace (written at deploy time). */
  unreadEnvFiles?: string[];
  /** The compose service that deploys it (the first of `composeServices`). */
  compose?: ComposeService;
  /** Every compose service, across compose files, that builds or runs it, the primary one first. */
  composeServices?: ComposeService[];
}

export interface WorkspaceLayout {
  services: ServiceInfo[];
  compose: ComposeService[];
  /** Kubernetes workloads, Helm values images, skaffold artifacts and Procfile processes. */
  workloads: Workload[];
  /** Environment that applies to every service (root .env files). */
  rootEnv: Map<string, EnvValue>;
  serviceOf(rel: string): ServiceInfo | undefined;
}

const COMPOSE_FILES = ['**/docker-compose*.{yml,yaml}', '**/compose*.{yml,yaml}'];
const ENV_FILES = ['**/.env', '**/.env.*'];
const DOCKERFILES = ['**/Dockerfile', '**/Dockerfile.*', '**/*.Dockerfile'];

export function discoverLayout(root: string, architecture: Architecture | undefined, overlays?: Map<string, string>): WorkspaceLayout {
  // One walk of the workspace for every kind of config file, split by pattern afterwards.
  const configFiles = findConfigFiles(root, [...COMPOSE_FILES, ...ENV_FILES, ...DOCKERFILES, ...DEPLOYMENT_FILES, ...MANIFEST_FILES]);
  const matching = (patterns: string[]) => {
    const isMatch = picomatch(patterns, { dot: true });
    return configFiles.filter((rel) => isMatch(rel));
  };
  const compose = matching(COMPOSE_FILES).flatMap((rel) => parseCompose(readOptional(path.join(root, rel), overlays, root) ?? '', rel));
  const composeFiles = new Set(compose.map((c) => c.file));
  const workloads = matching(MANIFEST_FILES).filter((rel) => !composeFiles.has(rel) && !isTestPath(rel))
    .flatMap((rel) => parseManifest(readOptional(path.join(root, rel), overlays, root) ?? '', rel));
  const services: ServiceInfo[] = architecture && architecture.services.length
    ? architecture.services.map((s) => ({
      name: s.name, paths: s.paths.map(normalizeDir), inferred: false, origin: architecture.file, owner: s.owner, env: new Map(),
    }))
    : inferDeployables(root, compose, matching([...DOCKERFILES, ...DEPLOYMENT_FILES]), overlays, workloads);
  bindCompose(services, compose);
  const dockerfiles = matching(DOCKERFILES);
  const envFiles = matching(ENV_FILES);
  const rootEnv = new Map<string, EnvValue>();
  for (const rel of envFiles) {
    if (rel.includes('/')) continue;
    addDotenv(rootEnv, rel, readOptional(path.join(root, rel), overlays, root));
  }
  for (const svc of services) {
    // Lowest first: the image's `ENV`, then the service's own .env files, then compose.
    const dockerfile = svc.compose?.dockerfile ?? dockerfiles.find((f) => svc.paths.includes(path.posix.dirname(f)) && path.posix.basename(f) === 'Dockerfile');
    if (dockerfile) addDockerfileEnv(svc.env, dockerfile, readOptional(path.join(root, dockerfile), overlays, root));
    for (const rel of envFiles) {
      const dir = path.posix.dirname(rel);
      if (dir !== '.' && svc.paths.some((p) => dir === p || dir.startsWith(p + '/'))) addDotenv(svc.env, rel, readOptional(path.join(root, rel), overlays, root));
    }
    // Every compose file that deploys the service, the primary one last so that its values win.
    for (const c of envSources(svc.composeServices ?? []).reverse()) {
      for (const rel of c.envFiles) {
        const text = readOptional(path.join(root, rel), overlays, root);
        if (text === undefined && !TEST_ENV.test(rel)) (svc.unreadEnvFiles ??= []).push(rel);
        addDotenv(svc.env, rel, text);
      }
      for (const [k, v] of c.environment) svc.env.set(k, { value: v.value, file: c.file, line: v.line });
    }
  }
  const matchers = services.map((svc) => ({
    svc,
    match: svc.paths.map((p) => (picomatch.scan(p).isGlob ? picomatch(p.endsWith('**') ? p : `${p}/**`) : (rel: string) => p === '' || rel === p || rel.startsWith(p + '/'))),
    specificity: Math.max(...svc.paths.map((p) => p.length)),
  })).sort((a, b) => b.specificity - a.specificity);
  return {
    services, compose, workloads, rootEnv,
    serviceOf(rel: string) {
      return matchers.find((m) => m.match.some((f) => f(rel)))?.svc;
    },
  };
}

/** Manifests of test and e2e setups are not the deployment. */
function isTestPath(rel: string): boolean {
  return /(^|\/)(test|tests|e2e|__tests__|fixtures?|examples?)\//.test(rel);
}

function normalizeDir(p: string): string {
  return p.replace(/^\.\//, '').replace(/\/+$/, '').replace(/^\.$/, '');
}

/** Env files of test runs (`.env.test`, `.env.e2e.example`): never a deployment's configuration. */
const TEST_ENV = /(^|\/)\.env\.(test|tests|e2e|ci|spec|testing)(\.|$)/;

function addDotenv(into: Map<string, EnvValue>, rel: string, text: string | undefined): void {
  if (text === undefined || TEST_ENV.test(rel)) return;
  for (const [k, v] of parseDotenv(text)) into.set(k, { value: v.value, file: rel, line: v.line });
}

/**
 * The compose services that deploy each service. A compose service that builds a service's folder
 * (its build context, else the folder of its Dockerfile: `context: .` with
 * `dockerfile: apps/orders/Dockerfile`) deploys that service, whatever its name; one that builds no
 * service's folder deploys the service of its name, else the one found by `builtByName`. A service
 * several compose files deploy (development, production, preview) gets all of them, ranked by
 * `composeRank`.
 */
function bindCompose(services: ServiceInfo[], compose: ComposeService[]): void {
  const byPath = new Map<string, ServiceInfo>();
  for (const svc of services) for (const p of svc.paths) if (!byPath.has(p)) byPath.set(p, svc);
  const builds = new Map<ComposeService, ServiceInfo>();
  for (const c of compose) {
    const target = (c.context !== undefined ? byPath.get(c.context) : undefined) ?? (c.dockerfile !== undefined ? byPath.get(path.posix.dirname(c.dockerfile)) : undefined);
    if (target) builds.set(c, target);
  }
  for (const svc of services) {
    let bound = compose.filter((c) => builds.get(c) === svc);
    if (!bound.length) bound = compose.filter((c) => c.name === svc.name && !builds.has(c));
    if (!bound.length) {
      const one = builtByName(compose.filter((c) => !builds.has(c)), svc);
      if (one) bound = [one];
    }
    if (!bound.length) continue;
    svc.composeServices = [...bound].sort((a, b) => composeRank(a.file) - composeRank(b.file) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    svc.compose = svc.composeServices[0];
  }
}

/**
 * The compose file a service's configuration is read from first: the workspace root's before nested
 * ones, the plain `docker-compose.yml`/`compose.yaml` before variants of it, test setups last.
 */
function composeRank(file: string): number {
  const plain = /^(docker-)?compose\.ya?ml$/.test(path.posix.basename(file));
  return (TEST_COMPOSE.test(file) ? 100 : 0) + file.split('/').length * 2 + (plain ? 0 : 1);
}

/** Compose files of test runs (`docker-compose.test.yml`, `compose.e2e.yaml`). */
const TEST_COMPOSE = /(^|\/)[^/]*[.-](test|tests|e2e|ci|spec|testing)[^/]*\.ya?ml$/;

/** The compose services whose environment the service runs with: not test setups, unless only they deploy it. */
function envSources(bound: ComposeService[]): ComposeService[] {
  const deployed = bound.filter((c) => !TEST_COMPOSE.test(c.file));
  return deployed.length ? deployed : bound;
}

/**
 * The compose service that builds a service whose folder it does not name as its context: one
 * Dockerfile for every app, told which one by a build arg (`args: { SERVICE: orders }`), or a
 * compose service named after the folder with a prefix (`acme-orders` for `apps/orders`). Only a
 * single match counts.
 */
function builtByName(compose: ComposeService[], svc: ServiceInfo): ComposeService | undefined {
  const base = path.posix.basename(svc.paths[0] ?? '');
  if (!base || svc.paths.length !== 1) return undefined;
  const built = compose.filter((c) => c.context !== undefined || c.dockerfile !== undefined);
  const byArg = built.filter((c) => c.buildArgs.includes(base));
  if (byArg.length === 1) return byArg[0];
  const byName = built.filter((c) => c.name.endsWith(`-${base}`));
  return byArg.length === 0 && byName.length === 1 ? byName[0] : undefined;
}

/** `ENV KEY value` and `ENV KEY=value OTHER=value` lines of a Dockerfile; empty values set nothing. */
function addDockerfileEnv(into: Map<string, EnvValue>, rel: string, text: string | undefined): void {
  if (text === undefined) return;
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = /^\s*ENV\s+(.+)$/i.exec(raw);
    if (!m) return;
    const body = m[1].trim();
    const pairs = /^[A-Za-z_]\w*=/.test(body)
      ? [...body.matchAll(/([A-Za-z_]\w*)=("[^"]*"|'[^']*'|\S*)/g)].map((p) => [p[1], p[2]])
      : [[body.split(/\s+/)[0], body.slice(body.split(/\s+/)[0].length).trim()]];
    for (const [key, rawValue] of pairs) {
      const value = rawValue.replace(/^(['"])(.*)\1$/, '$2');
      if (value) into.set(key, { value, file: rel, line: i + 1 });
    }
  });
}
