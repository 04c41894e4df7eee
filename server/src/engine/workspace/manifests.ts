/**
 * Deployment configuration besides docker-compose: Kubernetes workloads
 * (Deployment, StatefulSet, DaemonSet, Job, CronJob: each container's image),
 * Helm values (`image: { repository }` or `image: name:tag`), skaffold
 * artifacts (image and build context) and Procfile processes (the folder
 * the command runs). Each entry is a workload the deployment runs, with the
 * file and line that show it; deployables.ts maps it to a package folder.
 */
import * as path from 'node:path';
import { parseAllDocuments, LineCounter, isMap, isScalar, isSeq, type Node as YamlNode, type YAMLMap } from 'yaml';
import { yamlOverBudget } from '../architecture/yamlBudget';

export interface Workload {
  /** Where it comes from. */
  source: 'kubernetes' | 'helm' | 'skaffold' | 'procfile';
  /** The workload's or container's name (`orders-depl` → `orders`), or the Helm values key holding the image. */
  name: string;
  file: string;
  line: number;
  image?: string;
  /** Build folder, root-relative (skaffold `context`, a Procfile `cd dir`, a Kubernetes `context` key). */
  context?: string;
  /**
   * A Procfile kept in a subfolder (`apps/Procfile.back`) and copied to the root at deploy time runs
   * its paths from the root: the folder read that way, tried when `context` is no package.
   */
  rootContext?: string;
}

/** Files that may hold workloads; YAML files are kept only when they name one (see parseManifest). */
export const MANIFEST_FILES = ['**/skaffold.{yml,yaml}', '**/Procfile', '**/Procfile.*', '**/values.{yml,yaml}', '**/values-*.{yml,yaml}',
  '**/{k8s,kubernetes,kube,manifests,deploy,deployment,deployments,helm,charts,chart,infra,infrastructure,ops,devops}/**/*.{yml,yaml}'];

const WORKLOAD_KINDS = /^(Deployment|StatefulSet|DaemonSet|Job|CronJob)$/;
/** Suffixes naming conventions add to a workload (`orders-depl`, `auth-deployment`, `tickets-sts`). */
const WORKLOAD_SUFFIX = /-(depl|deploy|deployment|dep|sts|statefulset|cronjob|cron|job|worker-depl)$/;

export function parseManifest(text: string, rel: string): Workload[] {
  // `Procfile`, or one per app of a monorepo (`Procfile.back`, `Procfile.web`) copied in at deploy time.
  if (isProcfile(rel)) return parseProcfile(text, rel);
  if (yamlOverBudget(text)) return [];
  // Helm templates hold `{{ }}` expressions; a line-oriented workload without them still parses.
  const lineCounter = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(text.replace(/\{\{[^}]*\}\}/g, (m) => `"${' '.repeat(Math.max(0, m.length - 2))}"`), { lineCounter, uniqueKeys: false });
  } catch {
    return [];
  }
  if (!Array.isArray(docs)) return [];
  const lineOf = (n: YamlNode | null | undefined) => (n?.range ? lineCounter.linePos(n.range[0]).line : 1);
  const out: Workload[] = [];
  const dir = path.posix.dirname(rel);
  for (const doc of docs) {
    const root = doc.contents as unknown;
    if (!isMap(root)) continue;
    const kind = root.get('kind');
    const apiVersion = root.get('apiVersion');
    if (typeof apiVersion === 'string' && apiVersion.startsWith('skaffold/')) {
      const artifacts = (root.getIn(['build', 'artifacts'], true) as unknown);
      if (!isSeq(artifacts)) continue;
      for (const a of artifacts.items) {
        if (!isMap(a)) continue;
        const image = a.get('image');
        const context = a.get('context');
        if (typeof image !== 'string') continue;
        out.push({ source: 'skaffold', name: imageName(image), file: rel, line: lineOf(a.get('image', true) as YamlNode), image, context: typeof context === 'string' ? joinRel(dir, context) : undefined });
      }
      continue;
    }
    if (typeof kind === 'string' && WORKLOAD_KINDS.test(kind)) {
      const podPath = kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template', 'spec'] : ['spec', 'template', 'spec'];
      const workload = String(root.getIn(['metadata', 'name']) ?? '').replace(WORKLOAD_SUFFIX, '');
      for (const key of ['containers', 'initContainers']) {
        const containers = root.getIn([...podPath, key], true) as unknown;
        if (!isSeq(containers)) continue;
        for (const c of containers.items) {
          if (!isMap(c)) continue;
          const image = c.get('image');
          const context = c.get('context');
          const name = typeof c.get('name') === 'string' ? String(c.get('name')) : workload;
          if (key === 'initContainers' && typeof context !== 'string') continue;
          const at = (c.get('image', true) ?? c.get('name', true) ?? c) as YamlNode;
          out.push({
            source: 'kubernetes', name: workload || name, file: rel, line: lineOf(at),
            image: typeof image === 'string' && image.trim() ? image.trim() : undefined,
            context: typeof context === 'string' ? joinRel(dir, context) : undefined,
          });
        }
      }
      continue;
    }
    if (/^values(-[\w.-]+)?\.ya?ml$/.test(path.posix.basename(rel)) && !kind) helmImages(root, '', out, rel, lineOf);
  }
  return out;
}

/** Helm values: every `image` (a string, or a map with `repository`), named after the key holding it. */
function helmImages(map: YAMLMap, parent: string, out: Workload[], rel: string, lineOf: (n: YamlNode | null | undefined) => number, depth = 0): void {
  if (depth > 6) return;
  for (const item of map.items) {
    const key = isScalar(item.key) ? String(item.key.value) : undefined;
    if (!key) continue;
    const value = item.value as unknown;
    if (key === 'image') {
      const repo = isMap(value) ? value.get('repository') : isScalar(value) ? value.value : undefined;
      if (typeof repo === 'string' && repo.trim()) {
        out.push({ source: 'helm', name: parent || imageName(repo), file: rel, line: lineOf((isMap(value) ? value.get('repository', true) : value) as YamlNode), image: repo.trim() });
      }
      continue;
    }
    if (isMap(value)) helmImages(value, key, out, rel, lineOf, depth + 1);
  }
}

/** A Procfile: the process types of one application (Heroku, Scalingo, Dokku), sharing its config vars and add-ons. */
export function isProcfile(rel: string): boolean {
  return /^Procfile(\.[\w-]+)?$/.test(path.posix.basename(rel)) && !/\.(md|txt)$/.test(rel);
}

/**
 * True when two deployables are process types of one application: one Procfile runs both
 * (`web: node apps/api/dist/main.js`, `queue: node apps/worker/dist/main.js`), released together
 * with one set of config vars and add-ons. Its database and its job queues are the application's own.
 */
export function sameApplication(a: { name: string; evidence?: { file: string }[] } | undefined, b: { name: string; evidence?: { file: string }[] } | undefined): boolean {
  if (!a || !b) return false;
  if (a.name === b.name) return true;
  const procfiles = new Set((a.evidence ?? []).filter((e) => isProcfile(e.file)).map((e) => e.file));
  return (b.evidence ?? []).some((e) => procfiles.has(e.file));
}

/** `web: cd services/api && npm start`, `worker: node apps/worker/dist/main.js`: the folder each process runs in. */
function parseProcfile(text: string, rel: string): Workload[] {
  const out: Workload[] = [];
  const dir = path.posix.dirname(rel);
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = /^([A-Za-z0-9_-]+)\s*:\s*(.+)$/.exec(raw.trim());
    if (!m) return;
    const command = m[2];
    const cd = /(?:^|&&|;)\s*cd\s+([\w./-]+)/.exec(command)?.[1];
    const prefix = /--(?:prefix|cwd|filter|workspace)[= ]([\w./@-]+)/.exec(command)?.[1];
    const script = /\b(?:node|ts-node|tsx|bun)\s+(?:-[\w-]+\s+)*([\w./-]+\.[cm]?[jt]s)\b/.exec(command)?.[1];
    const where = cd ?? (prefix && !prefix.startsWith('@') ? prefix : undefined) ?? (script ? path.posix.dirname(script) : undefined);
    out.push({ source: 'procfile', name: m[1], file: rel, line: i + 1, context: where ? joinRel(dir, where) : undefined, ...(where && dir !== '.' ? { rootContext: joinRel('.', where) } : {}) });
  });
  return out;
}

/** The meaningful name in an image reference: `registry/acme/orders:1.2` → `orders`; `.../auth/production` → `auth`. */
export function imageName(image: string): string {
  const parts = image.split('@')[0].replace(/:[^/]*$/, '').split('/').filter(Boolean);
  const last = parts[parts.length - 1] ?? image;
  if (/^(production|prod|staging|stage|dev|development|latest|main|release|image|app)$/i.test(last) && parts.length > 1) return parts[parts.length - 2].toLowerCase();
  return last.toLowerCase();
}

function joinRel(dir: string, p: string): string {
  const joined = path.posix.normalize(path.posix.join(dir === '.' ? '' : dir, p.replace(/\/+$/, '')));
  return joined === '' ? '.' : joined;
}
